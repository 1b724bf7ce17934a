"""No user-facing text is translated once, when a module loads (then it is English for everyone).

Walks every module of the web layer and every form field declared in it: a plain string that is
an English message of the Vietnamese catalogue, held in a module-level constant or a form's
choices, was turned into text at import. It must stay a lazy string until a request renders it.
"""

from __future__ import annotations

import ast
import dataclasses
import importlib
import inspect
import pkgutil
import types
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from babel.messages.pofile import read_po
from wtforms.fields.core import UnboundField

import app

CATALOGUE = Path(app.__file__).parent / "translations" / "vi" / "LC_MESSAGES" / "messages.po"


def translated_messages() -> set[str]:
    with CATALOGUE.open("rb") as handle:
        return {m.id for m in read_po(handle) if isinstance(m.id, str) and m.id and m.string and m.string != m.id}


def web_modules() -> Iterator[Any]:
    for info in pkgutil.walk_packages(app.__path__, "app."):
        yield importlib.import_module(info.name)


def strings_in(value: Any, depth: int = 0) -> Iterator[str]:
    """Plain strings inside a constant: str, or nested in dicts, lists, tuples, sets and choices."""
    if depth > 4:
        return
    if type(value) is str:
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings_in(item, depth + 1)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            yield from strings_in(item, depth + 1)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):  # e.g. WTForms' SelectChoice
        for item in dataclasses.astuple(value):
            yield from strings_in(item, depth + 1)


def defined_here(module: Any) -> set[str]:
    """Names a module assigns or defines itself (imported constants are checked where they live)."""
    tree = ast.parse(inspect.getsource(module))
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            names.add(node.name)
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(
            node, ast.AnnAssign) else []
        names |= {t.id for t in targets if isinstance(t, ast.Name)}
    return names


def held_at_import(module: Any, names: Iterable[str] | None = None) -> Iterator[tuple[str, str]]:
    for name in sorted(defined_here(module) if names is None else names):
        value = getattr(module, name)
        if isinstance(value, type) and value.__module__ == module.__name__:
            for field_name, field in vars(value).items():
                if isinstance(field, UnboundField):
                    for text in strings_in([field.args, list(field.kwargs.values())]):
                        yield f"{module.__name__}.{name}.{field_name}", text
        elif not callable(value):
            for text in strings_in(value):
                yield f"{module.__name__}.{name}", text


def test_no_message_is_turned_into_text_when_a_module_loads() -> None:
    messages = translated_messages()
    found = sorted({(where, text) for module in web_modules() for where, text in held_at_import(module)
                    if text in messages})
    assert found == []


def test_the_check_finds_the_pattern_it_is_for() -> None:
    """The pattern of the plan-status bug: labels made into text at import."""
    from flask_babel import lazy_gettext as _l
    from wtforms import Form, SelectField

    class Broken(Form):
        status = SelectField(_l("Status"), choices=[("done", str(_l("Done")))])

    class Fine(Form):
        status = SelectField(_l("Status"), choices=[("done", _l("Done"))])

    module = types.ModuleType("example")
    module.Broken, module.Fine, module.LABELS = Broken, Fine, {"x": "Done"}  # type: ignore[attr-defined]
    Broken.__module__ = Fine.__module__ = "example"
    found = {where for where, text in held_at_import(module, ["Broken", "Fine", "LABELS"])
             if text in translated_messages()}
    assert found == {"example.Broken.status", "example.LABELS"}
