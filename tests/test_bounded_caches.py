"""Every cache in the process is bounded (issue 12.13): a worker that runs for a year must not
grow by a cache entry per day, per person or per page it ever served."""

from __future__ import annotations

import ast
import functools
import importlib
import pkgutil
from datetime import date, timedelta
from pathlib import Path
from types import ModuleType

import pytest

from assessments.caching import BoundedCache

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("app", "assessments", "rubrics")


def source_files() -> list[Path]:
    return [p for package in PACKAGES for p in (ROOT / package).rglob("*.py")]


def _is_functools_cache(node: ast.expr) -> bool:
    return (isinstance(node, ast.Name) and node.id == "cache") or (
        isinstance(node, ast.Attribute) and node.attr == "cache" and isinstance(node.value, ast.Name)
        and node.value.id == "functools")


def test_no_unbounded_cache_decorator_is_used() -> None:
    """functools.cache and lru_cache(maxsize=None) keep every key forever: not allowed."""
    offenders = []
    for path in source_files():
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            where = f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', 0)}"
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                offenders += [f"{where} functools.cache" for d in node.decorator_list if _is_functools_cache(d)]
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) == "lru_cache":
                sizes = [k.value for k in node.keywords if k.arg == "maxsize"] + node.args[:1]
                if not sizes or (isinstance(sizes[0], ast.Constant) and sizes[0].value is None):
                    offenders.append(f"{where} lru_cache without a maxsize")
            if isinstance(node, ast.ImportFrom) and node.module == "functools" and \
                    any(alias.name == "cache" for alias in node.names):
                offenders.append(f"{where} imports functools.cache")
    assert offenders == []


def all_modules() -> list[ModuleType]:
    modules = []
    for package in PACKAGES:
        root = importlib.import_module(package)
        modules.append(root)
        for info in pkgutil.walk_packages(root.__path__, f"{package}."):
            modules.append(importlib.import_module(info.name))
    return modules


def test_every_cache_object_in_the_process_has_a_size_limit() -> None:
    found = 0
    for module in all_modules():
        for owner in (module, *[v for v in vars(module).values() if isinstance(v, type)]):
            for name, value in vars(owner).items():
                # type() rather than isinstance: a werkzeug proxy (current_user) would need a request.
                wrapped = value.__func__ if type(value) in (staticmethod, classmethod) else value
                if type(wrapped) is functools._lru_cache_wrapper:
                    found += 1
                    assert wrapped.cache_info().maxsize is not None, f"{module.__name__}.{name}"
                if type(value) is BoundedCache:
                    found += 1
                    assert value.maxsize > 0, f"{module.__name__}.{name}"
    assert found >= 10  # the walk does see the caches


def test_the_area_pages_static_parts_do_not_grow_by_a_day() -> None:
    """The cache that had today's date in its key: a year of days keeps it at its bound."""
    from app.assessment.render import Labels, _static
    from rubrics.loader import default_registry

    rubric = default_registry().latest("crbp-vn")
    labels = Labels(*(["x"] * len(Labels.__dataclass_fields__)))
    _static.cache_clear()
    for offset in range(400):
        _static(rubric, "leave", "vi", date(2026, 1, 1) + timedelta(days=offset), labels)
    assert _static.cache_info().currsize <= _static.cache_info().maxsize < 400


@pytest.mark.parametrize("maxsize", [1, 3, 50])
def test_a_bounded_cache_keeps_the_most_recently_used(maxsize: int) -> None:
    memo: BoundedCache[int, int] = BoundedCache(maxsize)
    calls: list[int] = []

    def value(key: int) -> int:
        calls.append(key)
        return key * 2

    for key in range(maxsize * 3):
        assert memo.get_or_compute(key, lambda key=key: value(key)) == key * 2
    assert len(memo) == maxsize
    calls.clear()
    for key in range(maxsize * 2, maxsize * 3):  # the newest are kept: nothing is computed again
        assert memo.get_or_compute(key, lambda key=key: value(key)) == key * 2
    assert calls == []
    memo.get_or_compute(0, lambda: value(0))  # the oldest was let go
    assert calls == [0] and len(memo) == maxsize
