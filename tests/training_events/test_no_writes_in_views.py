"""Writes go through services: no view module of training_events or dissemination writes to the database.

Every module of both apps' `views` packages is parsed (ast) and any call of an attribute named like a
queryset or model write — `form.save()`, `session.delete()`, `Model.objects.create(...)`,
`get_or_create`, `bulk_update`… — fails the test with its file and line. The views parse input, call a
`services` function (which saves, in a transaction, with its audit row) and show the result."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

WRITES = frozenset(
    {"save", "create", "delete", "update", "get_or_create", "update_or_create", "bulk_create", "bulk_update"}
)
APPS = ("training_events", "dissemination")


def view_modules() -> list[Path]:
    base = Path(__file__).resolve().parents[2]  # the project root
    modules = []
    for app in APPS:
        package = base / app / "views"
        modules += sorted(package.rglob("*.py")) if package.is_dir() else [base / app / "views.py"]
    return modules


def writes_in(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    return [
        f"{path.name}:{node.lineno} .{node.func.attr}()"
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in WRITES
    ]


def test_there_are_view_modules_to_check():
    names = {(path.parent.parent.name, path.name) for path in view_modules()}
    assert ("training_events", "events.py") in names
    assert ("dissemination", "public.py") in names


@pytest.mark.parametrize("path", view_modules(), ids=lambda path: f"{path.parent.parent.name}/{path.name}")
def test_no_view_module_writes_to_the_database(path):
    assert writes_in(path) == []


def test_the_check_finds_a_write(tmp_path):
    """The check itself: a view that saves a form is caught."""
    sample = tmp_path / "sample.py"
    sample.write_text("def view(request, form):\n    form.save(commit=False)\n    Feed.objects.get_or_create(x=1)\n")
    assert writes_in(sample) == ["sample.py:2 .save()", "sample.py:3 .get_or_create()"]
