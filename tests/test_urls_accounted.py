"""Every named URL of the project is in an access matrix (or exempt, with the reason), and no project URL
takes an integer id (docs/access.md: addresses carry codes and slugs, never database ids).

The matrices are the `tests/**/test_access.py` and `tests/**/test_access_*.py` modules. They build their
addresses in several ways — `reverse("ns:name")`, a helper `u("ns:name", …)`, a helper that prefixes the
namespace (`reverse(f"ecvet:{name}")` called as `u("agreement_detail", …)`), a table of names — so the names
are read from the source: every string constant of the module, also with each namespace prefix that the
module's f-strings put in front of a name (`f"ecvet:{name}"` → `ecvet:`), and every constant that is a path
(`"/reports/"`) resolved to its URL name. A name counts when it is one of the project's URL names.
"""

from __future__ import annotations

import ast
from pathlib import Path

from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.converters import IntConverter
from django.urls.exceptions import Resolver404

ROOT = Path(__file__).resolve().parent.parent
PROJECT_APPS = (
    "partners",
    "mobility",
    "ecvet",
    "documents",
    "training_events",
    "dissemination",
    "reporting",
    "api",
    "placements",
    "selection",
)
PROJECT_MODULES = (*PROJECT_APPS, "vision")

# Whole families of URLs that belong to a library and are guarded by it.
EXEMPT_NAMESPACES = {
    "admin": "Django's administration: only active staff accounts get in (AdminSite.has_permission); "
    "tests/partners/test_access_matrix.py and test_admin.py check that coordinators do not",
}
EXEMPT_MODULES = {
    "allauth.": "django-allauth's sign-in, password, email and two-factor pages: each person reaches only "
    "their own account (tests/partners/test_auth.py)",
}
EXEMPT_NAMES = {
    "set_language": "Django's language switch (i18n): public, changes only the visitor's own cookie",
    "healthz": "the load balancer's health check: public, no data (tests/partners/test_health.py)",
    "api:schema": "the API's OpenAPI description: public, no data (tests/api/test_schema.py)",
    "api:docs": "the API's Swagger page over the schema: public, no data (tests/api/test_schema.py)",
    "api:redoc": "the API's ReDoc page over the schema: public, no data (tests/api/test_schema.py)",
}


def walk(resolver, namespace=(), route="", converters=None):
    """(full name, route, callback module, converters of the whole route) of every named pattern."""
    for pattern in resolver.url_patterns:
        found = {**(converters or {}), **getattr(pattern.pattern, "converters", {})}
        if isinstance(pattern, URLResolver):
            inner = namespace + ((pattern.namespace,) if pattern.namespace else ())
            yield from walk(pattern, inner, route + str(pattern.pattern), found)
        elif isinstance(pattern, URLPattern) and pattern.name:
            callback = pattern.callback
            module = getattr(callback, "__module__", "") or ""
            view_class = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
            if view_class is not None:
                module = view_class.__module__
            yield ":".join((*namespace, pattern.name)), route + str(pattern.pattern), module, found


def project_urls() -> dict[str, list[tuple[str, str, dict]]]:
    out: dict[str, list] = {}
    for name, route, module, converters in walk(get_resolver()):
        out.setdefault(name, []).append((route, module, converters))
    return out


def exemption(name: str, module: str) -> str | None:
    if name.split(":")[0] in EXEMPT_NAMESPACES and ":" in name:
        return EXEMPT_NAMESPACES[name.split(":")[0]]
    for prefix, reason in EXEMPT_MODULES.items():
        if module.startswith(prefix):
            return reason
    return EXEMPT_NAMES.get(name)


def matrix_files() -> list[Path]:
    files = [
        file
        for file in sorted((ROOT / "tests").rglob("test_access*.py"))
        if file.stem == "test_access" or file.stem.startswith("test_access_")
    ]
    assert files, "no access matrices found"
    return files


def names_in(file: Path, known: set[str]) -> set[str]:
    module = ast.parse(file.read_text(encoding="utf-8"))
    constants: set[str] = set()
    prefixes: set[str] = set()
    for node in ast.walk(module):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            constants.add(node.value)
        elif isinstance(node, ast.JoinedStr) and node.values:
            head = node.values[0]
            if isinstance(head, ast.Constant) and isinstance(head.value, str) and head.value.endswith(":"):
                prefixes.add(head.value)
    candidates = set(constants) | {prefix + value for prefix in prefixes for value in constants}
    for value in constants:
        if value.startswith("/"):
            try:
                candidates.add(resolve(value.split("?")[0]).view_name)
            except Resolver404:
                pass
    return candidates & known


def test_every_named_url_is_in_an_access_matrix_or_exempt():
    urls = project_urls()
    known = set(urls)
    covered = set().union(*(names_in(file, known) for file in matrix_files()))
    missing = sorted(
        name
        for name, patterns in urls.items()
        if name not in covered and not any(exemption(name, module) for _route, module, _c in patterns)
    )
    assert missing == [], "URL names in no access matrix and not exempt:\n" + "\n".join(missing)


def test_exemptions_name_existing_urls():
    urls = project_urls()
    assert set(EXEMPT_NAMES) <= set(urls), set(EXEMPT_NAMES) - set(urls)
    modules = {module for patterns in urls.values() for _route, module, _c in patterns}
    for prefix in EXEMPT_MODULES:
        assert any(module.startswith(prefix) for module in modules), prefix
    for namespace in EXEMPT_NAMESPACES:
        assert any(name.startswith(f"{namespace}:") for name in urls), namespace


def test_no_project_url_takes_an_integer_id():
    offenders = sorted(
        f"{name}: {route}"
        for name, patterns in project_urls().items()
        for route, module, converters in patterns
        if module.split(".")[0] in PROJECT_MODULES
        and any(isinstance(converter, IntConverter) for converter in converters.values())
    )
    assert offenders == [], "addresses with <int:…> (use the object's code):\n" + "\n".join(offenders)


def test_the_collector_reads_prefixed_names_and_paths(tmp_path):
    sample = tmp_path / "test_access_sample.py"
    sample.write_text(
        "def u(name):\n"
        "    return reverse(f'reporting:{name}')\n"
        "ROWS = [u('budget'), ('index', '/reports/'), reverse('partners:profile')]\n"
    )
    found = names_in(sample, {"reporting:budget", "reporting:index", "partners:profile", "home"})
    assert found == {"reporting:budget", "reporting:index", "partners:profile"}
