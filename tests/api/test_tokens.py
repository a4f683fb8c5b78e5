"""API tokens: the token page (create shows the secret once, list, revoke, audit rows), the management
command, and what a token reaches: its user's scope only; revoked or expired tokens get 401."""

from __future__ import annotations

import re
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from api.models import TokenLabel
from partners.models import AuditEntry

TOKEN_RE = re.compile(r'id="new-token"[^>]*value="([0-9a-f]{20,})"')


def bearer(secret):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client


def test_token_page_needs_sign_in(client):
    response = client.get("/api/tokens/")
    assert response.status_code == 302 and "login" in response.url


def test_creating_a_token_shows_it_once_and_it_works(world, mob, client_for):
    client = client_for(world.partner_b)
    response = client.post("/api/tokens/", {"name": "School system", "days": "90"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store, private"
    secret = TOKEN_RE.search(response.content.decode()).group(1)
    label = TokenLabel.objects.get(user=world.partner_b)
    token = AuthToken.objects.get(digest=label.digest)
    assert label.name == "School system"
    assert timedelta(days=89) < token.expiry - timezone.now() <= timedelta(days=90)
    assert AuditEntry.objects.filter(object_code=str(label.code), verb=AuditEntry.Verb.CREATED).exists()
    # Listed by name and first characters, never the whole secret again.
    page = client.get("/api/tokens/").content.decode()
    assert "School system" in page and token.token_key in page and secret not in page
    assert bearer(secret).get("/api/v1/learners/").status_code == 200


def test_a_token_needs_a_name(world, client_for):
    response = client_for(world.partner_b).post("/api/tokens/", {"name": "  ", "days": "30"})
    assert response.status_code == 200 and not TokenLabel.objects.exists()
    assert "is-invalid" in response.content.decode()


def test_revoking_a_token_kills_it_with_an_audit_row(world, client_for):
    client = client_for(world.partner_b)
    secret = TOKEN_RE.search(client.post("/api/tokens/", {"name": "Old", "days": "30"}).content.decode()).group(1)
    label = TokenLabel.objects.get(user=world.partner_b)
    assert bearer(secret).get("/api/v1/organisations/").status_code == 200
    response = client.post(f"/api/tokens/{label.code}/revoke/")
    assert response.status_code == 302
    assert not AuthToken.objects.filter(user=world.partner_b).exists()
    assert AuditEntry.objects.filter(object_code=str(label.code), verb=AuditEntry.Verb.REVOKED).exists()
    assert bearer(secret).get("/api/v1/organisations/").status_code == 401


def test_nobody_revokes_another_users_token(world, client_for, api_for):
    api_for(world.partner_c)
    label = TokenLabel.objects.get(user=world.partner_c)
    assert client_for(world.partner_b).post(f"/api/tokens/{label.code}/revoke/").status_code == 404
    assert client_for(world.partner_b).get(f"/api/tokens/{label.code}/revoke/").status_code == 405
    assert AuthToken.objects.filter(user=world.partner_c).exists()


def test_an_expired_token_gets_401(world, api_for):
    client = api_for(world.partner_b)
    assert client.get("/api/v1/organisations/").status_code == 200
    with time_machine.travel(timezone.now() + timedelta(days=400)):
        assert client.get("/api/v1/organisations/").status_code == 401


@pytest.mark.parametrize("header", ["Token nonsense", "Token", "Token a b", "Bearer abc"])
def test_bad_credentials_get_401(world, header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    assert client.get("/api/v1/organisations/").status_code == 401


def test_one_organisations_token_never_reads_another_organisations_learner(world, mob, api_for):
    token_b, token_c = api_for(world.partner_b), api_for(world.partner_c)
    own_c = token_c.get(f"/api/v1/learners/{mob.learner_c1.code}/")
    assert own_c.status_code == 200 and own_c.json()["last_name"] == "Laine"
    assert token_b.get(f"/api/v1/learners/{mob.learner_c1.code}/").status_code == 404
    assert token_c.get(f"/api/v1/learners/{mob.learner_b1.code}/").status_code == 404
    names_b = {row["last_name"] for row in token_b.get("/api/v1/learners/").json()["results"]}
    names_c = {row["last_name"] for row in token_c.get("/api/v1/learners/").json()["results"]}
    assert "Laine" not in names_b and names_c == {"Laine"}
    # Not by filtering either.
    assert token_b.get("/api/v1/learners/", {"home_organisation": "org-c"}).json()["count"] == 0
    assert token_b.get("/api/v1/mobilities/", {"learner": str(mob.learner_c1.code)}).json()["count"] == 0


def test_the_token_limit_is_kept(world, client_for, settings):
    client = client_for(world.outsider)
    for i in range(10):
        client.post("/api/tokens/", {"name": f"t{i}", "days": "30"})
    response = client.post("/api/tokens/", {"name": "one too many", "days": "30"})
    assert "revoke one first" in response.content.decode()
    assert AuthToken.objects.filter(user=world.outsider).count() == 10


def test_create_api_token_command_prints_a_working_token(world):
    out = StringIO()
    call_command("create_api_token", world.pc_a.email, "--name", "CI", stdout=out)
    secret = out.getvalue().strip()
    assert TokenLabel.objects.get(user=world.pc_a).name == "CI"
    assert bearer(secret).get("/api/v1/partnerships/").json()["count"] == 1
    with pytest.raises(CommandError):
        call_command("create_api_token", "nobody@example.org")
