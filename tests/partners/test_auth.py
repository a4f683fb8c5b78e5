"""Signing in: email + password through allauth, no sign-up, throttling, admin login, password reset, MFA."""

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.conf import settings as django_settings
from django.core import mail
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from partners.models import User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.usefixtures("empty_cache")

TOO_MANY = "Too many failed login attempts"


def sign_in(client, email, password):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def signed_in_user_id(client):
    user_id = client.session.get("_auth_user_id")
    return int(user_id) if user_id is not None else None


def cache_rows() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {django_settings.CACHES['default']['LOCATION']}")  # noqa: S608
        return cursor.fetchone()[0]


def test_verified_user_signs_in_with_email_and_password(client):
    user = UserFactory()
    response = sign_in(client, user.email, PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert signed_in_user_id(client) == user.pk


def test_email_is_matched_whatever_its_case(client):
    user = UserFactory(email="rasa@kmpmc.example")
    sign_in(client, "Rasa@KMPMC.example", PASSWORD)
    assert signed_in_user_id(client) == user.pk


def test_wrong_password_does_not_sign_in(client):
    user = UserFactory()
    response = sign_in(client, user.email, "not-the-password")
    assert response.status_code == 200
    assert response.context["form"].errors
    assert signed_in_user_id(client) is None


def test_unverified_user_is_not_signed_in(client):
    user = UserFactory(verified=False)
    # UserFactory saves the hashed password only when it adds the verified address.
    user.save()
    assert User.objects.get(pk=user.pk).check_password(PASSWORD)
    response = sign_in(client, user.email, PASSWORD)
    assert signed_in_user_id(client) is None
    # Mandatory verification: a confirmation email goes out instead.
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert [message.to for message in mail.outbox] == [[user.email]]
    assert client.get(reverse("home")).status_code == 302


def test_there_is_no_public_sign_up(client):
    users = User.objects.count()
    shown = client.get(reverse("account_signup"))
    posted = client.post(
        reverse("account_signup"),
        {"email": "stranger@example.org", "password1": "A-long-enough-passphrase-9", "password2": ""},
    )
    for response in (shown, posted):
        assert response.status_code == 200
        assert "account/signup_closed.html" in [t.name for t in response.templates]
    assert User.objects.count() == users
    assert not User.objects.filter(email="stranger@example.org").exists()
    assert signed_in_user_id(client) is None


def test_sixth_attempt_with_the_correct_password_fails_after_five_wrong_ones(client):
    user = UserFactory()
    for _attempt in range(5):
        response = sign_in(client, user.email, "wrong-password")
        assert response.status_code == 200
        assert TOO_MANY not in response.content.decode()

    response = sign_in(client, user.email, PASSWORD)

    assert response.status_code == 200
    assert TOO_MANY in " ".join(response.context["form"].non_field_errors())
    assert signed_in_user_id(client) is None


def test_lockout_of_one_account_does_not_lock_another(client):
    locked, other = UserFactory(), UserFactory()
    for _attempt in range(5):
        sign_in(client, locked.email, "wrong-password")
    sign_in(client, other.email, PASSWORD)
    assert signed_in_user_id(client) == other.pk


def test_four_wrong_passwords_still_allow_the_right_one(client):
    user = UserFactory()
    for _attempt in range(4):
        sign_in(client, user.email, "wrong-password")
    sign_in(client, user.email, PASSWORD)
    assert signed_in_user_id(client) == user.pk


@pytest.mark.parametrize("method", ["get", "post"])
def test_admin_login_redirects_to_the_portal_login(client, method):
    response = getattr(client, method)("/admin/login/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_valid_admin_credentials_posted_to_admin_login_do_not_sign_in(client):
    admin = UserFactory(is_staff=True, is_superuser=True)
    response = client.post("/admin/login/", {"username": admin.email, "password": PASSWORD, "next": "/admin/"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert signed_in_user_id(client) is None
    assert client.get("/admin/").status_code == 302


def test_admin_login_cannot_bypass_a_locked_account(client):
    admin = UserFactory(is_staff=True, is_superuser=True)
    for _attempt in range(5):
        sign_in(client, admin.email, "wrong-password")
    client.post("/admin/login/", {"username": admin.email, "password": PASSWORD})
    response = sign_in(client, admin.email, PASSWORD)
    assert TOO_MANY in response.content.decode()
    assert signed_in_user_id(client) is None


def test_password_reset_emails_a_link_to_a_known_address(client):
    user = UserFactory()
    response = client.post(reverse("account_reset_password"), {"email": user.email})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_done")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [user.email]
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


def test_password_reset_for_an_unknown_address_reveals_nothing_on_the_page(client):
    response = client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_done")
    assert all("/accounts/password/reset/key/" not in message.body for message in mail.outbox)


def test_role_requiring_mfa_is_sent_to_set_up_totp(world, client_for, settings):
    settings.VISION_MFA_REQUIRED_ROLES = ["project_coordinator"]
    response = client_for(world.pc_a).get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    # Every portal page, not only the dashboard.
    response = client_for(world.pc_a).get(reverse("partners:partnership_list"))
    assert response["Location"] == reverse("mfa_activate_totp")


def test_totp_setup_is_reachable_without_mfa(world, client_for, settings):
    settings.VISION_MFA_REQUIRED_ROLES = ["project_coordinator"]
    # allauth asks for the password again first; neither page loops back to the setup redirect.
    response = client_for(world.pc_a).get(reverse("mfa_activate_totp"), follow=True)
    assert response.status_code == 200
    assert response.request["PATH_INFO"].startswith("/accounts/")
    assert all(url.startswith("/accounts/") for url, _status in response.redirect_chain)


def test_role_not_requiring_mfa_reaches_the_dashboard(world, client_for, settings):
    settings.VISION_MFA_REQUIRED_ROLES = ["project_coordinator"]
    assert client_for(world.mentor_b).get(reverse("home")).status_code == 200
    assert client_for(world.partner_b).get(reverse("home")).status_code == 200


def test_project_coordinator_with_totp_reaches_the_dashboard(world, client_for, settings):
    settings.VISION_MFA_REQUIRED_ROLES = ["project_coordinator"]
    TOTP.activate(world.pc_a, generate_totp_secret())
    assert client_for(world.pc_a).get(reverse("home")).status_code == 200


def test_inactive_membership_does_not_demand_mfa(world, client_for, settings):
    settings.VISION_MFA_REQUIRED_ROLES = ["project_coordinator"]
    world.pc_a.memberships.update(is_active=False)
    assert client_for(world.pc_a).get(reverse("home")).status_code == 200


def test_admin_in_the_list_applies_to_superusers(world, client_for, settings):
    settings.VISION_MFA_REQUIRED_ROLES = ["admin"]
    response = client_for(world.admin).get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    assert client_for(world.admin).get("/admin/")["Location"] == reverse("mfa_activate_totp")
    assert client_for(world.pc_a).get(reverse("home")).status_code == 200


def test_empty_mfa_list_demands_nothing(world, client_for, settings):
    settings.VISION_MFA_REQUIRED_ROLES = []
    assert client_for(world.admin).get(reverse("home")).status_code == 200
    assert client_for(world.pc_a).get(reverse("home")).status_code == 200


def test_rate_limits_and_totp_replay_markers_live_in_the_database_cache(world):
    assert django_settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    assert isinstance(caches["default"], DatabaseCache)
    assert cache_rows() == 0

    # A TOTP code is accepted once; the replay marker is a row in the cache table.
    secret = generate_totp_secret()
    totp = TOTP.activate(world.pc_a, secret)
    assert Authenticator.objects.filter(user=world.pc_a, type=Authenticator.Type.TOTP).exists()
    # Frozen, so the code cannot roll over into the next 30-second period mid-test.
    with time_machine.travel(timezone.now(), tick=False):
        code = format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))
        assert totp.validate_code(code)
        assert not totp.validate_code(code)
        assert cache_rows() == 1


def test_failed_sign_in_is_counted_in_the_database_cache(client):
    user = UserFactory()
    sign_in(client, user.email, "wrong-password")
    assert cache_rows() >= 1
