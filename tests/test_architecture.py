"""The shape of the code (docs/architecture.md), read from the source with `ast`: no Django, no database.

- only partners/access.py reads `is_superuser` (every other module asks it a named question);
- no app imports a views module of another app;
- the training events and dissemination views write nothing themselves (their services do);
- imports point down: partners imports no other app, funding only partners, mobility never imports ecvet, and the demo
  seeders are imported by `seed_demo` alone.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = [
    "partners",
    "funding",
    "mobility",
    "ecvet",
    "documents",
    "training_events",
    "dissemination",
    "placements",
    "selection",
    "reporting",
    "api",
    "vision",
    "demo",
]


def runtime_modules() -> list[Path]:
    """Every .py file of the project's packages, except migrations (generated) and tests."""
    out = []
    for app in APPS:
        for file in sorted((ROOT / app).rglob("*.py")):
            parts = file.relative_to(ROOT).parts
            if "migrations" in parts or "tests" in parts:
                continue
            out.append(file)
    return out


def rel(file: Path) -> str:
    return file.relative_to(ROOT).as_posix()


@cache
def tree(file: Path) -> ast.Module:
    return ast.parse(file.read_text(encoding="utf-8"), filename=str(file))


def module_name(file: Path, root: Path = ROOT) -> str:
    parts = list(file.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(file: Path, root: Path = ROOT) -> list[tuple[int, str]]:
    """(line, absolute dotted name) of every import in the file, relative imports resolved; for
    `from X import a, b` both `X` and `X.a`, `X.b` (a name may be a submodule: `from mobility import views`)."""
    package = module_name(file, root).split(".")
    if file.name != "__init__.py":
        package = package[:-1]
    out = []
    for node in ast.walk(tree(file)):
        if isinstance(node, ast.Import):
            out += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            out.append((node.lineno, target))
            out += [(node.lineno, f"{target}.{alias.name}") for alias in node.names]
    return out


def app_of(dotted: str) -> str | None:
    head = dotted.split(".")[0]
    return head if head in APPS else None


# --- (a) is_superuser -----------------------------------------------------------------------------------------

# The one module that reads it: every other asks the Scope's named questions (`unrestricted`, `coordinates` …)
# or a named rule of `<app>/access.py`.
SUPERUSER_READERS = {"partners/access.py": "the Scope and `is_unrestricted`: the one place that decides"}
# Checked and legitimate, and not caught by the test because they are not attribute reads:
# - partners/models/people.py: the user manager sets the field (`extra_fields.setdefault("is_superuser", …)`);
# - partners/admin.py: the admin lists the field by name ("is_superuser" in list_filter and fieldsets);
# - demo/partners.py: the demo creates the administrator (`defaults={…, "is_superuser": True}`).


def superuser_reads(file: Path) -> list[int]:
    lines = []
    for node in ast.walk(tree(file)):
        if isinstance(node, ast.Attribute) and node.attr == "is_superuser":
            lines.append(node.lineno)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in ("getattr", "hasattr")
            and len(node.args) >= 2
            and isinstance(node.args[1], ast.Constant)
            and node.args[1].value == "is_superuser"
        ):
            lines.append(node.lineno)
    return lines


def test_only_partners_access_reads_is_superuser():
    offenders = {
        rel(file): lines
        for file in runtime_modules()
        if rel(file) not in SUPERUSER_READERS and (lines := superuser_reads(file))
    }
    assert offenders == {}, f"`is_superuser` read outside partners/access.py (file: lines): {offenders}"


def test_the_superuser_check_finds_attribute_reads_and_getattr(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "def f(user, scope):\n"
        "    a = scope.is_superuser\n"
        "    b = getattr(user, 'is_superuser', False)\n"
        "    c = {'is_superuser': True}\n"
    )
    assert superuser_reads(sample) == [2, 3]


# --- (b) views of another app ---------------------------------------------------------------------------------

# The project URLconf wires every app's views: that is vision's job.
VIEW_IMPORT_EXEMPT = {"vision/urls.py": "the project URLconf routes to every app's views"}


def imports_views_of(dotted: str) -> str | None:
    """The app whose views module `dotted` is (`X.views`, `X.views.y`, `X.views_tokens` …), else None."""
    parts = dotted.split(".")
    if len(parts) >= 2 and app_of(dotted) and parts[1].startswith("views"):
        return parts[0]
    return None


def test_no_app_imports_a_views_module_of_another_app():
    offenders = {}
    for file in runtime_modules():
        if rel(file) in VIEW_IMPORT_EXEMPT:
            continue
        own = rel(file).split("/")[0]
        for line, dotted in imported_modules(file):
            other = imports_views_of(dotted)
            if other and other != own:
                offenders.setdefault(f"{rel(file)}:{line}", dotted)
    assert offenders == {}, "\n".join(f"{where} imports {dotted}" for where, dotted in sorted(offenders.items()))


# --- (c) views that write -------------------------------------------------------------------------------------

WRITES = {"save", "create", "delete", "update", "get_or_create", "update_or_create", "bulk_create", "bulk_update"}
THIN_VIEWS = ["training_events/views", "dissemination/views", "placements/views.py"]


def writes_in(file: Path) -> list[str]:
    return [
        f"{rel(file)}:{node.lineno} .{node.func.attr}()"
        for node in ast.walk(tree(file))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in WRITES
    ]


@pytest.mark.parametrize("folder", THIN_VIEWS)
def test_views_of_training_events_and_dissemination_write_through_services(folder):
    path = ROOT / folder
    files = [path] if path.is_file() else sorted(path.rglob("*.py"))
    assert files, folder
    offenders = [write for file in files for write in writes_in(file)]
    assert offenders == [], "\n".join(offenders)


# --- (d) the direction of imports -----------------------------------------------------------------------------


def project_imports(file: Path) -> list[tuple[int, str, str]]:
    return [(line, dotted, app) for line, dotted in imported_modules(file) if (app := app_of(dotted))]


def test_partners_imports_no_other_app():
    offenders = [
        f"{rel(file)}:{line} imports {dotted}"
        for file in runtime_modules()
        if rel(file).startswith("partners/")
        for line, dotted, app in project_imports(file)
        if app != "partners" and rel(file) not in DEMO_IMPORTERS
    ]
    assert offenders == [], "\n".join(sorted(set(offenders)))


def test_mobility_never_imports_ecvet():
    offenders = [
        f"{rel(file)}:{line} imports {dotted}"
        for file in runtime_modules()
        if rel(file).startswith("mobility/")
        for line, dotted, app in project_imports(file)
        if app == "ecvet"
    ]
    assert offenders == [], "\n".join(sorted(set(offenders)))


def test_funding_imports_only_partners():
    """The funding rules are the floor above partners: mobility and training events price with them."""
    offenders = [
        f"{rel(file)}:{line} imports {dotted}"
        for file in runtime_modules()
        if rel(file).startswith("funding/")
        for line, dotted, app in project_imports(file)
        if app not in ("funding", "partners")
    ]
    assert offenders == [], "\n".join(sorted(set(offenders)))


DEMO_IMPORTERS = {"partners/management/commands/seed_demo.py": "the command that seeds the demo data"}


def test_only_seed_demo_imports_the_demo_package():
    offenders = [
        f"{rel(file)}:{line} imports {dotted}"
        for file in runtime_modules()
        if not rel(file).startswith("demo/") and rel(file) not in DEMO_IMPORTERS
        for line, dotted, app in project_imports(file)
        if app == "demo"
    ]
    assert offenders == [], "\n".join(sorted(set(offenders)))
    # And seed_demo does import it (else the exemption is stale).
    seed_demo = ROOT / next(iter(DEMO_IMPORTERS))
    assert any(app == "demo" for _line, _dotted, app in project_imports(seed_demo))


def test_import_resolution_reads_relative_and_submodule_imports(tmp_path):
    package = tmp_path / "mobility" / "views"
    package.mkdir(parents=True)
    sample = package / "things.py"
    sample.write_text("from ..services import x\nfrom partners import views\nimport ecvet.models\n")
    found = {dotted for _line, dotted in imported_modules(sample, root=tmp_path)}
    assert {"mobility.services", "mobility.services.x", "partners.views", "ecvet.models"} <= found
    assert imports_views_of("partners.views") == "partners"
    assert imports_views_of("api.views_tokens") == "api"
    assert imports_views_of("partners.access") is None
