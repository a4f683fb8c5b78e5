"""The seed_demo command: the VISION partnership and its demo accounts, idempotent, DEBUG only."""

from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db.models import Max

from demo.partners import ACCOUNTS
from partners.models import Membership, Organisation, Partnership, PartnershipMember, User
from partners.models.people import DEFAULT_RIGHTS, Role

pytestmark = pytest.mark.django_db

DEMO_ACCOUNTS = {
    "admin@vision.example": None,
    "coordinator@kmpmc.example": ("kmpmc", Role.PROJECT_COORDINATOR),
    "coordinator@essenia.example": ("essenia", Role.PARTNER_COORDINATOR),
    "coordinator@nova.example": ("nova", Role.PARTNER_COORDINATOR),
    "coordinator@savo.example": ("savo", Role.PARTNER_COORDINATOR),
    "mentor@kmpmc.example": ("kmpmc", Role.MENTOR),
    "mentor@essenia.example": ("essenia", Role.MENTOR),
    "mentor@nova.example": ("nova", Role.MENTOR),
    "mentor@savo.example": ("savo", Role.MENTOR),
    "learner@kmpmc.example": ("kmpmc", Role.LEARNER),
    "learner@nova.example": ("nova", Role.LEARNER),
}


@pytest.fixture
def debug(settings):
    settings.DEBUG = True
    return settings


def snapshot() -> dict:
    """Row count and newest update of every partners model, plus the allauth addresses."""
    state = {}
    for model in [*apps.get_app_config("partners").get_models(), EmailAddress]:
        qs = model.objects.all()
        state[model._meta.label] = qs.count()
        if any(f.name == "updated_at" for f in model._meta.get_fields()):
            state[f"{model._meta.label}.updated_at"] = qs.aggregate(latest=Max("updated_at"))["latest"]
    state["passwords"] = sorted(User.objects.values_list("email", "password"))
    return state


def test_seed_creates_the_vision_partnership_with_four_organisations(debug):
    call_command("seed_demo")
    vision = Partnership.objects.get(project_number="2019-1-LT01-KA202-060748")
    assert vision.acronym == "VISION"
    assert vision.eu_grant == Decimal("136836.00")
    assert vision.key_action == Partnership.KeyAction.KA2
    assert vision.members.count() == 4
    assert set(vision.organisations.values_list("slug", flat=True)) == {"kmpmc", "essenia", "nova", "savo"}
    coordinator = vision.members.get(role=PartnershipMember.Role.COORDINATOR)
    assert coordinator.organisation.slug == "kmpmc"
    assert vision.topics.count() == 3
    assert vision.strategies.count() == 4


def test_seed_creates_the_eleven_demo_accounts_with_their_roles(debug):
    call_command("seed_demo")
    # The command's own list plus the administrator.
    assert {email for email, *_rest in ACCOUNTS} | {"admin@vision.example"} == set(DEMO_ACCOUNTS)
    assert set(User.objects.values_list("email", flat=True)) == set(DEMO_ACCOUNTS)
    for email, expected in DEMO_ACCOUNTS.items():
        user = User.objects.get(email=email)
        assert EmailAddress.objects.filter(user=user, email=email, verified=True, primary=True).exists(), email
        memberships = list(Membership.objects.filter(user=user).select_related("organisation"))
        if expected is None:
            assert user.is_superuser and user.is_staff
            assert memberships == []
            continue
        org_slug, role = expected
        assert [(m.organisation.slug, m.role) for m in memberships] == [(org_slug, role)], email
        assert set(memberships[0].rights) == DEFAULT_RIGHTS[role], email


@pytest.mark.parametrize("email", sorted(DEMO_ACCOUNTS))
def test_every_demo_account_signs_in_with_the_demo_password(demo, client, email):
    """The accounts as seeding leaves them (the copied demo: the tests above and below seed for real)."""
    assert authenticate(email=email, password="vision-demo") is not None
    assert authenticate(email=email, password="wrong-password") is None
    assert client.login(email=email, password="vision-demo")


def test_second_run_creates_and_changes_nothing(debug):
    call_command("seed_demo")
    before = snapshot()
    call_command("seed_demo")
    assert snapshot() == before


def test_seed_refuses_to_run_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")
    assert not Organisation.objects.exists()
    assert not User.objects.exists()


def test_demo_password_comes_from_the_environment(debug, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "another-demo-password")
    call_command("seed_demo")
    assert authenticate(email="coordinator@nova.example", password="another-demo-password") is not None
    assert authenticate(email="coordinator@nova.example", password="vision-demo") is None


def test_second_run_keeps_a_changed_password(debug):
    call_command("seed_demo")
    user = User.objects.get(email="mentor@nova.example")
    user.set_password("my-own-secret-passphrase")
    user.save()
    call_command("seed_demo")
    assert authenticate(email="mentor@nova.example", password="my-own-secret-passphrase") is not None
