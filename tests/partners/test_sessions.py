"""Sessions end (issue 17, point 2): after VISION_SESSION_IDLE_SECONDS without a request (8 hours), or
VISION_ADMIN_SESSION_IDLE_SECONDS for superusers and staff (1 hour); the last request's time is written at most
once a minute; a password change ends the person's other sessions but keeps the one it was made in, and keeps
their API tokens (docs/decisions.md); a password reset ends them all."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from api import services
from tests.factories import PASSWORD

pytestmark = pytest.mark.usefixtures("empty_cache")

SIGNED_OUT = "You were signed out because the portal was not used for a while."
HOURS_8 = timedelta(hours=8)


@pytest.fixture
def clock():
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def session_writes(captured) -> list[str]:
    sqls = [q["sql"] for q in captured]
    return [sql for sql in sqls if "django_session" in sql and sql.lstrip().startswith(("UPDATE", "INSERT"))]


def test_session_unused_for_eight_hours_is_signed_out_with_a_message(world, client_for, clock):
    client = client_for(world.pc_a)
    assert client.get(reverse("home")).status_code == 200

    clock.shift(HOURS_8 + timedelta(seconds=1))
    response = client.get(reverse("partners:partnership_list"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "next=" in response["Location"]
    assert not signed_in(client)
    login_page = client.get(response["Location"])
    assert SIGNED_OUT in login_page.content.decode()


def test_session_in_use_stays_signed_in_past_eight_hours(world, client_for, clock):
    client = client_for(world.pc_a)
    for _hour in range(3):
        assert client.get(reverse("home")).status_code == 200
        clock.shift(HOURS_8 - timedelta(minutes=1))
    assert client.get(reverse("home")).status_code == 200
    assert signed_in(client)


def test_administrators_are_signed_out_after_one_hour(world, client_for, clock):
    admin = client_for(world.admin)
    assert admin.get("/admin/").status_code == 200
    clock.shift(timedelta(minutes=59))
    assert admin.get("/admin/").status_code == 200

    clock.shift(timedelta(minutes=61))
    response = admin.get("/admin/")

    assert response.status_code == 302
    assert not signed_in(admin)


def test_other_people_keep_their_session_an_idle_hour_long(world, clock):
    client = Client()
    client.force_login(world.pc_a)
    assert client.get(reverse("home")).status_code == 200
    clock.shift(timedelta(minutes=61))
    assert client.get(reverse("home")).status_code == 200


def test_the_limits_follow_the_settings_and_zero_turns_them_off(world, client_for, clock, settings):
    settings.VISION_SESSION_IDLE_SECONDS = 600
    client = client_for(world.partner_b)
    client.get(reverse("home"))
    clock.shift(timedelta(seconds=601))
    assert client.get(reverse("home")).status_code == 302

    settings.VISION_SESSION_IDLE_SECONDS = 0
    client = client_for(world.partner_b)
    client.get(reverse("home"))
    clock.shift(timedelta(days=3))
    assert client.get(reverse("home")).status_code == 200


def test_signing_in_again_after_the_idle_sign_out_starts_a_new_clock(world, client, clock):
    client.post(reverse("account_login"), {"login": world.pc_a.email, "password": PASSWORD})
    assert client.get(reverse("home")).status_code == 200
    clock.shift(HOURS_8 + timedelta(minutes=5))
    assert client.get(reverse("home")).status_code == 302

    response = client.post(reverse("account_login"), {"login": world.pc_a.email, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    clock.shift(timedelta(hours=7))
    assert client.get(reverse("home")).status_code == 200


def test_requests_within_a_minute_do_not_write_the_session(world, client_for, clock):
    client = client_for(world.pc_a)
    client.get(reverse("home"))  # writes the time of this request

    clock.shift(timedelta(seconds=59))
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("home")).status_code == 200
    assert session_writes(captured) == []

    clock.shift(timedelta(seconds=2))
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("home")).status_code == 200
    assert len(session_writes(captured)) == 1


def test_an_api_call_with_a_token_creates_no_session(world):
    _label, secret = services.create_token(user=world.partner_b, name="School", by=world.partner_b)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    sessions = Session.objects.count()
    response = client.get("/api/v1/organisations/")
    assert response.status_code == 200
    assert "sessionid" not in response.cookies
    assert Session.objects.count() == sessions


def test_password_change_ends_the_other_sessions_but_keeps_this_one_and_the_api_tokens(world, client):
    user = world.partner_b
    _label, secret = services.create_token(user=user, name="School system", by=user)
    elsewhere = Client()
    elsewhere.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert elsewhere.get(reverse("home")).status_code == 200

    page = client.get(reverse("account_change_password")).content.decode()
    assert all(f'name="{name}"' in page for name in ("oldpassword", "password1", "password2"))
    new_password = "Another-long-passphrase-42"
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": new_password, "password2": new_password},
    )
    assert response.status_code == 302

    assert client.get(reverse("home")).status_code == 200
    other = elsewhere.get(reverse("home"))
    assert other.status_code == 302 and other["Location"].startswith(reverse("account_login"))
    assert not signed_in(elsewhere)
    # Tokens are credentials of their own, for connected systems: revoked on the token page, not by a new password.
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    assert api.get("/api/v1/organisations/").status_code == 200


def test_password_reset_by_email_ends_every_session(world, client):
    user = world.partner_b
    signed_in_elsewhere = Client()
    signed_in_elsewhere.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert signed_in_elsewhere.get(reverse("home")).status_code == 200

    client.post(reverse("account_reset_password"), {"email": user.email})
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", mail.outbox[-1].body).group(1)
    form_url = client.get(link)["Location"]
    new_password = "Another-long-passphrase-42"
    response = client.post(form_url, {"password1": new_password, "password2": new_password})
    assert response.status_code == 302 and response["Location"] == reverse("account_reset_password_from_key_done")

    assert signed_in_elsewhere.get(reverse("home")).status_code == 302
    assert not signed_in(signed_in_elsewhere)
