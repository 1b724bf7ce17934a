"""The import direction of the design: app -> assessments -> rubrics, never backwards."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

FORBIDDEN = {
    "rubrics": {"flask", "flask_sqlalchemy", "flask_login", "flask_wtf", "flask_babel", "wtforms", "sqlalchemy",
                "app", "assessments"},
    "assessments": {"flask", "flask_sqlalchemy", "flask_login", "flask_wtf", "flask_babel", "wtforms", "app"},
}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_lower_layers_do_not_import_upper_ones(package: str) -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(imported_modules(path) & FORBIDDEN[package])
        for path in (ROOT / package).rglob("*.py")
    }
    assert {file: names for file, names in offenders.items() if names} == {}


def test_the_check_itself_sees_imports(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("import flask.json\nfrom wtforms import Form\nfrom . import sibling\n")
    assert imported_modules(sample) == {"flask", "wtforms"}


def test_the_organisation_scope_rule_and_the_role_groups_are_written_once() -> None:
    """Issue 15 item 7: "HR users see only their own organisation" is access.can_see_organisation,
    and the role groups are named in app/access.py only (no blueprint its own EDITORS)."""
    scope = re.compile(r"role\s*==\s*Role\.HR\s+and\b|organisation_id\s*!=\s*\w*\.?organisation_id")
    group = re.compile(r"^[A-Z_]+\s*=\s*\((\*?[A-Z_]+,\s*)*Role\.", re.MULTILINE)
    found = {}
    for path in (ROOT / "app").rglob("*.py"):
        text = path.read_text()
        if path.name != "access.py" and (hits := scope.findall(text) + group.findall(text)):
            found[str(path.relative_to(ROOT))] = hits
    assert found == {}
    assert scope.search("if current_user.role == Role.HR and x") and group.search("EDITORS = (Role.UNICEF, Role.ADMIN)")


# Who may touch a result's stored JSON: its own module, the model that holds it, and one bulk
# read that turns each row into an AssessmentResult (statuses for a side-by-side of many).
STORED_RESULT_READERS = {"assessments/result.py", "assessments/models.py", "assessments/services/compare.py"}
STORED_SHAPE = re.compile(r"""result_data|(\[|\.get\()\s*["'](scorecard|plan|actions|legal_gaps|indicators)["']""")


def test_a_recorded_result_is_read_only_as_the_typed_object() -> None:
    """Issue 15 item 2: no page, service or export reads the stored score card as a dict."""
    found = {}
    for package in ("app", "assessments"):
        for path in (ROOT / package).rglob("*"):
            name = str(path.relative_to(ROOT))
            if (path.suffix in (".py", ".html") and name not in STORED_RESULT_READERS
                    and (hits := STORED_SHAPE.findall(path.read_text()))):
                found[name] = hits
    assert found == {}
    assert all(STORED_SHAPE.search(reading) for reading in (
        'found.result["scorecard"]', "(result or {}).get('scorecard', {})", "Assessment.result_data"))
