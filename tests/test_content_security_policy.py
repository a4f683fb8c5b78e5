"""The Content Security Policy (issue 17, point 3): its directives in each settings module, the header on the
answers, the nonce where a page needs one, and bar widths as classes instead of style attributes.

The pages of the demo (print views, verification, every page the crawl reaches) are checked in
tests/crawl/test_content_security_policy.py and tests/crawl/test_links.py; in Chromium in tests/browser/.
"""

import importlib
import re
from pathlib import Path

import pytest
from csp.middleware import CSPMiddleware
from django.conf import settings as django_settings
from django.test import RequestFactory
from django.urls import reverse

from dissemination.models import PublicPage
from partners.templatetags.bars import bar_width
from tests.crawl.pages import inline_code, policy_directives, policy_problems
from tests.factories import PartnershipFactory
from vision.errors import server_error

ROOT = Path(__file__).resolve().parent.parent

POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}


def header_of(config) -> dict[str, list[str]]:
    """The policy a settings dict produces, as django-csp writes it (no nonce used)."""
    from csp.utils import build_policy, default_config

    return policy_directives(build_policy(config=default_config(config["DIRECTIVES"])))


def nonce_of(response) -> str:
    sources = policy_directives(response["Content-Security-Policy"])["script-src"]
    (nonce,) = [s[len("'nonce-") : -1] for s in sources if s.startswith("'nonce-")]
    return nonce


# --- Settings --------------------------------------------------------------------------------------------------


def test_production_enforces_the_policy(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 50)
    monkeypatch.setenv("ALLOWED_HOSTS", "vision.example")
    production = importlib.import_module("vision.settings.production")
    assert header_of(production.CONTENT_SECURITY_POLICY) == POLICY
    assert production.CONTENT_SECURITY_POLICY_REPORT_ONLY is None
    assert "csp.middleware.CSPMiddleware" in production.MIDDLEWARE


def test_local_development_reports_the_same_policy_without_enforcing_it():
    local = importlib.import_module("vision.settings.local")
    assert local.CONTENT_SECURITY_POLICY is None
    assert header_of(local.CONTENT_SECURITY_POLICY_REPORT_ONLY) == POLICY


def test_the_tests_run_with_the_enforced_policy():
    # The browser tests (tests/browser/conftest.py) fail on any violation of exactly this policy.
    assert header_of(django_settings.CONTENT_SECURITY_POLICY) == POLICY
    assert django_settings.CONTENT_SECURITY_POLICY_REPORT_ONLY is None


# --- Headers ---------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_sign_in_page_carries_the_policy_and_no_inline_code(client):
    response = client.get(reverse("account_login"))
    assert response.status_code == 200
    assert policy_directives(response["Content-Security-Policy"]) == POLICY  # no nonce: the page used none
    assert "Content-Security-Policy-Report-Only" not in response
    assert policy_problems(response, response.content.decode()) == []


@pytest.mark.django_db
def test_local_settings_send_the_policy_as_report_only(client, settings):
    local = importlib.import_module("vision.settings.local")
    settings.CONTENT_SECURITY_POLICY = local.CONTENT_SECURITY_POLICY
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = local.CONTENT_SECURITY_POLICY_REPORT_ONLY
    response = client.get(reverse("account_login"))
    assert "Content-Security-Policy" not in response
    assert policy_directives(response["Content-Security-Policy-Report-Only"]) == POLICY


@pytest.mark.django_db
def test_the_public_results_page_has_no_inline_code(client):
    partnership = PartnershipFactory(slug="open-results")
    PublicPage.objects.create(partnership=partnership, enabled=True, summary="What we made.")
    response = client.get(reverse("dissemination:public_page", kwargs={"slug": "open-results"}))
    assert response.status_code == 200
    assert policy_problems(response, response.content.decode()) == []


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["api:docs", "api:redoc"])
def test_the_api_documentation_marks_its_inline_code_with_the_nonce_of_its_header(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    html = response.content.decode()
    nonce = nonce_of(response)
    assert f'nonce="{nonce}"' in html
    assert inline_code(html, nonce) == []
    if name == "api:docs":  # Swagger UI's start-up script and style are inline: refused without the nonce
        assert inline_code(html, "another-nonce") != []
    directives = policy_directives(response["Content-Security-Policy"])
    assert directives["style-src"][:2] == ["'self'", f"'nonce-{nonce}'"]


@pytest.mark.django_db
def test_only_redoc_may_start_a_worker_from_a_blob(client):
    redoc = policy_directives(client.get(reverse("api:redoc"))["Content-Security-Policy"])
    assert redoc["worker-src"] == ["'self'", "blob:"]
    assert [s for s in redoc["style-src"] if s.startswith("'sha256-")]  # ReDoc's two styles added before the nonce
    swagger = policy_directives(client.get(reverse("api:docs"))["Content-Security-Policy"])
    assert "worker-src" not in swagger
    assert not [s for s in swagger["style-src"] if s.startswith("'sha256-")]


@pytest.mark.django_db
def test_the_api_answers_json_even_to_a_browser(client, world):
    # DRF's browsable pages carry inline styles: the API has no HTML pages but its documentation.
    client.force_login(world.pc_a)
    response = client.get("/api/v1/organisations/", HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"


def test_the_500_page_styles_itself_with_the_nonce_of_its_header():
    response = CSPMiddleware(server_error)(RequestFactory().get("/"))
    assert response.status_code == 500
    nonce = nonce_of(response)
    html = response.content.decode()
    assert f'<style nonce="{nonce}">' in html
    assert inline_code(html, nonce) == []


def test_the_500_page_still_renders_when_the_error_came_before_the_policy_middleware():
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "<style>" in response.content.decode()  # refused by the browser, but the page says what happened


# --- Bar widths ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, "bar-w-0"),
        (42, "bar-w-42"),
        (42.4, "bar-w-42"),
        ("42.5", "bar-w-43"),
        (100, "bar-w-100"),
        (130, "bar-w-100"),
        (-5, "bar-w-0"),
        (None, "bar-w-0"),
        ("", "bar-w-0"),
        (float("nan"), "bar-w-0"),
    ],
)
def test_a_bar_width_is_a_whole_percent_between_0_and_100(value, expected):
    assert bar_width(value) == expected


def test_every_bar_width_class_is_defined_in_the_stylesheet():
    css = (ROOT / "static/css/bars.css").read_text()
    widths = dict(re.findall(r"\.bar-w-(\d+) \{ width: (\d+)%; \}", css))
    assert widths == {str(n): str(n) for n in range(101)}


def test_the_checker_finds_every_kind_of_inline_code():
    html = (
        '<div style="color: red" onclick="go()"><a href=" javascript:go()">go</a>'
        '<script>go()</script><style>p {}</style><script nonce="n1">ok()</script><style nonce="n1"></style>'
        '<script type="application/json">{}</script><script src="/static/js/vision.js"></script></div>'
    )
    assert inline_code(html, "n1") == [
        "style attribute on <div>: color: red",
        "onclick attribute on <div>",
        "javascript: URL in href of <a>",
        "inline script without the nonce: <script>",
        "<style> element without the nonce: <style>",
    ]
    assert len(inline_code(html)) == 7  # with no nonce in the header, the nonced ones are refused too


def test_no_served_template_holds_inline_code():
    # The sealed PDFs' templates (documents/pdf/) are read by WeasyPrint only, never served to a browser.
    found = {}
    for path in sorted((ROOT / "templates").rglob("*.html")):
        relative = path.relative_to(ROOT / "templates").as_posix()
        if relative.startswith("documents/pdf/"):
            continue
        # Comments go; the nonce's expressions become one placeholder, other template tags a plain word.
        html = re.sub(r"\{% comment %\}.*?\{% endcomment %\}|\{#.*?#\}", "", path.read_text(), flags=re.S)
        html = re.sub(r"\{\{ *(request\.)?csp_nonce *\}\}", "NONCE", html)
        problems = inline_code(re.sub(r"\{%.*?%\}|\{\{.*?\}\}", "x", html), "NONCE")
        if problems:
            found[relative] = problems
    assert found == {}
