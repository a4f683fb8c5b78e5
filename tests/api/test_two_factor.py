"""Two-factor everywhere (issue 17, point 2): a role that must use TOTP reaches no personal data through an API
token until TOTP is set up (401 with a clear message), cannot create a token on the token page nor through
`create_api_token`, and gets its tokens back, unchanged, once TOTP is set up."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from knox.models import AuthToken
from rest_framework.test import APIClient

from api import services
from api.models import TokenLabel

# What vision/settings/production.py requires by default.
PRODUCTION_ROLES = ["admin", "project_coordinator", "partner_coordinator"]
MFA_MESSAGE = "Two-factor authentication must be set up before this token can be used"
TOKEN_RE = re.compile(r'id="new-token"[^>]*value="([0-9a-f]{20,})"')


def bearer(secret):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client


@pytest.mark.parametrize("actor", ["pc_a", "partner_b", "partner_c", "admin"])
def test_token_of_a_role_that_must_use_totp_gets_401_until_totp_is_set_up(world, mob, api_for, settings, actor):
    user = world.actor(actor)
    client = api_for(user)  # made before the requirement applied, e.g. before the upgrade
    settings.VISION_MFA_REQUIRED_ROLES = PRODUCTION_ROLES

    response = client.get("/api/v1/learners/")

    assert response.status_code == 401
    assert MFA_MESSAGE in response.json()["detail"]
    assert response["WWW-Authenticate"] == "Token"
    assert "Laine" not in response.content.decode() and "results" not in response.json()
    # Every endpoint, reading or writing.
    assert client.get(f"/api/v1/learners/{mob.learner_b1.code}/").status_code == 401
    assert client.post("/api/v1/learners/", {}, format="json").status_code == 401

    TOTP.activate(user, generate_totp_secret())
    assert client.get("/api/v1/learners/").status_code == 200


@pytest.mark.parametrize("actor", ["mentor_b", "learner_b", "outsider"])
def test_token_of_a_role_free_of_totp_keeps_working(world, mob, api_for, settings, actor):
    client = api_for(world.actor(actor))
    settings.VISION_MFA_REQUIRED_ROLES = PRODUCTION_ROLES
    assert client.get("/api/v1/learners/").status_code == 200


def test_removing_the_authenticator_app_stops_the_token_again(world, mob, settings):
    settings.VISION_MFA_REQUIRED_ROLES = ["project_coordinator"]
    TOTP.activate(world.pc_a, generate_totp_secret())
    _label, secret = services.create_token(user=world.pc_a, name="School system", by=world.pc_a)
    assert bearer(secret).get("/api/v1/learners/").status_code == 200

    Authenticator.objects.filter(user=world.pc_a).delete()

    assert bearer(secret).get("/api/v1/learners/").status_code == 401
    # Recovery codes alone are not an authenticator app.
    Authenticator.objects.create(user=world.pc_a, type=Authenticator.Type.RECOVERY_CODES, data={"seed": "00"})
    assert bearer(secret).get("/api/v1/learners/").status_code == 401


def test_the_browser_session_of_such_a_user_reaches_no_api_data_either(world, mob, client_for, settings):
    settings.VISION_MFA_REQUIRED_ROLES = ["project_coordinator"]
    response = client_for(world.pc_a).get("/api/v1/learners/")
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_token_page_sends_such_a_user_to_set_up_totp_and_creates_nothing(world, client_for, settings):
    settings.VISION_MFA_REQUIRED_ROLES = ["project_coordinator"]
    client = client_for(world.pc_a)
    for response in (client.get("/api/tokens/"), client.post("/api/tokens/", {"name": "School", "days": "30"})):
        assert response.status_code == 302
        assert response["Location"] == reverse("mfa_activate_totp")
    assert not TokenLabel.objects.exists() and not AuthToken.objects.exists()


def test_token_page_itself_refuses_a_token_without_totp(world, client_for, settings):
    # The page asks the same question as the middleware: it holds even where the middleware would not run.
    settings.VISION_MFA_REQUIRED_ROLES = ["project_coordinator"]
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != "partners.middleware.RequireMFAMiddleware"]
    client = client_for(world.pc_a)

    page = client.get("/api/tokens/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Your role requires two-factor authentication" in html
    assert f'href="{reverse("mfa_activate_totp")}"' in html
    assert 'name="name"' not in html  # no form to create a token

    refused = client.post("/api/tokens/", {"name": "School", "days": "30"})
    assert refused.status_code == 403
    assert TOKEN_RE.search(refused.content.decode()) is None
    assert not TokenLabel.objects.exists() and not AuthToken.objects.exists()

    TOTP.activate(world.pc_a, generate_totp_secret())
    created = client.post("/api/tokens/", {"name": "School", "days": "30"})
    secret = TOKEN_RE.search(created.content.decode()).group(1)
    assert bearer(secret).get("/api/v1/partnerships/").status_code == 200


def test_a_token_cannot_be_created_for_such_a_user_by_any_caller(world, settings):
    settings.VISION_MFA_REQUIRED_ROLES = ["partner_coordinator"]
    with pytest.raises(services.TwoFactorNotSetUp):
        services.create_token(user=world.partner_b, name="Script", by=world.admin)
    assert not AuthToken.objects.exists()


def test_create_api_token_refuses_a_user_without_totp(world, settings):
    settings.VISION_MFA_REQUIRED_ROLES = PRODUCTION_ROLES
    with pytest.raises(CommandError, match="must set up two-factor authentication"):
        call_command("create_api_token", world.pc_a.email, stdout=StringIO())
    assert not AuthToken.objects.filter(user=world.pc_a).exists()

    TOTP.activate(world.pc_a, generate_totp_secret())
    out = StringIO()
    call_command("create_api_token", world.pc_a.email, "--name", "CI", stdout=out)
    assert bearer(out.getvalue().strip()).get("/api/v1/partnerships/").json()["count"] == 1


def test_create_api_token_still_serves_roles_free_of_totp(world, settings):
    settings.VISION_MFA_REQUIRED_ROLES = PRODUCTION_ROLES
    out = StringIO()
    call_command("create_api_token", world.mentor_b.email, stdout=out)
    assert bearer(out.getvalue().strip()).get("/api/v1/organisations/").status_code == 200


def test_the_check_costs_one_query_per_call_and_none_when_no_role_needs_it(world, mob, settings):
    TOTP.activate(world.pc_a, generate_totp_secret())
    _label, secret = services.create_token(user=world.pc_a, name="School system", by=world.pc_a)
    client = bearer(secret)

    def queries(roles) -> int:
        settings.VISION_MFA_REQUIRED_ROLES = roles
        client.get("/api/v1/partnerships/")  # the throttle's cache row exists from here on
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/api/v1/partnerships/").status_code == 200
        return len(captured)

    # The role check reuses the scope the endpoint loads anyway; the authenticator lookup is the one extra query.
    assert queries(["project_coordinator"]) == queries([]) + 1
