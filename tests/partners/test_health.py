"""/healthz: database and broker status for load balancers, without signing in."""

import os

import pytest
from django.db import OperationalError
from django.urls import reverse

from tests.conftest import skip_or_fail

pytestmark = pytest.mark.django_db


def health(client):
    response = client.get(reverse("healthz"))
    return response, response.json()


def test_health_reports_eager_tasks_when_no_broker_is_configured(client, settings):
    settings.CELERY_BROKER_URL = ""
    response, body = health(client)
    assert response.status_code == 200
    assert body == {"database": "ok", "broker": "eager"}
    assert response["Content-Type"] == "application/json"


def test_health_is_never_cached(client, settings):
    settings.CELERY_BROKER_URL = ""
    response, _body = health(client)
    assert "no-cache" in response["Cache-Control"]


def test_unreachable_broker_is_reported_down_without_failing_the_check(client, settings):
    # Port 1 on the loopback is closed: the connection is refused at once.
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response, body = health(client)
    assert response.status_code == 200
    assert body == {"database": "ok", "broker": "down"}


def test_unreachable_database_answers_503(client, settings, monkeypatch):
    settings.CELERY_BROKER_URL = ""

    def broken_cursor(*args, **kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr("vision.health.connection.cursor", broken_cursor)
    response, body = health(client)
    assert response.status_code == 503
    assert body == {"database": "down", "broker": "eager"}


def test_configured_broker_is_reported_ok(client, settings):
    url = os.environ.get("CELERY_BROKER_URL")
    if not url:
        skip_or_fail("CELERY_BROKER_URL is not set")
    settings.CELERY_BROKER_URL = url
    response, body = health(client)
    assert response.status_code == 200
    assert body == {"database": "ok", "broker": "ok"}


def test_health_needs_no_sign_in(client, settings):
    settings.CELERY_BROKER_URL = ""
    response, body = health(client)
    assert response.status_code == 200
    assert body["database"] == "ok"


def test_health_is_reachable_by_a_user_who_still_has_to_set_up_two_factor_authentication(world, client_for, settings):
    settings.CELERY_BROKER_URL = ""
    settings.VISION_MFA_REQUIRED_ROLES = ["project_coordinator"]
    response, body = health(client_for(world.pc_a))
    assert response.status_code == 200
    assert body == {"database": "ok", "broker": "eager"}


def test_health_accepts_only_get(client, settings):
    settings.CELERY_BROKER_URL = ""
    assert client.post(reverse("healthz")).status_code == 405
