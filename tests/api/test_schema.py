"""The OpenAPI schema generates and validates without warnings; the documentation pages use the
portal's own static files (drf-spectacular-sidecar), no CDN."""

from __future__ import annotations

import re

import pytest
import yaml
from django.core.management import call_command


def test_spectacular_validates_without_warnings(tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    schema = yaml.safe_load(target.read_text())
    paths = set(schema["paths"])
    for name in ("organisations", "partnerships", "learners", "mobilities", "documents", "training-events"):
        assert f"/api/v1/{name}/" in paths
    learners = schema["paths"]["/api/v1/learners/"]
    assert {"get", "post"} == set(learners)
    assert {"200", "401", "403"} <= set(learners["get"]["responses"])
    assert {"201", "400", "401", "403"} <= set(learners["post"]["responses"])
    assert "404" in schema["paths"]["/api/v1/learners/{code}/"]["get"]["responses"]
    parameters = {p["name"] for p in schema["paths"]["/api/v1/mobilities/"]["get"]["parameters"]}
    assert {"page", "page_size", "ordering", "status", "partnership", "learner"} <= parameters
    assert "knoxApiToken" in schema["components"]["securitySchemes"]


def test_schema_is_served(client, db):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.")


def external_sources(html: str) -> list[str]:
    return [src for src in re.findall(r'(?:src|href)="([^"]+)"', html) if src.startswith(("http://", "https://", "//"))]


def test_docs_pages_load_nothing_from_outside(client, db):
    for url in ("/api/docs/", "/api/redoc/"):
        response = client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        # A CDN host anywhere in the page (not only in src/href); the page also holds a random CSRF token,
        # which may contain the letters "cdn" by chance, so look for host names, not the bare letters.
        assert not re.search(r"cdn[a-z0-9-]*\.[a-z]", html.lower())
        assert external_sources(html) == []
        assert "/static/drf_spectacular_sidecar/" in html


@pytest.mark.parametrize("language", ["en", "fi"])
def test_docs_pages_name_their_language(client, db, language):
    # drf-spectacular writes a bare <html>; screen readers and the Nu checker need the page's language (issue 16).
    for url in ("/api/docs/", "/api/redoc/"):
        html = client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
        assert html.lstrip().startswith("<!DOCTYPE html>")
        assert f'<html lang="{language}">' in html and "<html>" not in html
