"""Shared fixtures: a fixed cast of actors in two partnerships.

P1 (coordinated by A) = A + B          P2 (coordinated by C) = C
pc_a       project coordinator at A    partner_c  partner coordinator at C
partner_b  partner coordinator at B    mentor_b, learner_b at B
outsider   signed in, no membership    admin      superuser
"""

import os
from dataclasses import dataclass

import pytest

from partners.models import AuditEntry
from partners.models.people import Role

from .factories import (
    AuditEntryFactory,
    IndicatorFactory,
    InvitationFactory,
    MembershipFactory,
    OrganisationFactory,
    PartnershipFactory,
    UserFactory,
)

# `demo`: the demo data seeded once per test process and restored for each test; `once`: a module's world built
# once per module (docs/testing.md).
pytest_plugins = ["tests.demo_data", "tests.once_per_module"]

# Playwright's sync API runs an event loop in the test thread; pytest-django's
# live_server then refuses ORM calls unless this is set (../shared/STACK.md).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session", autouse=True)
def signing_certificate():
    """The seal certificate the PDF pipeline signs with (settings.VISION_SIGNING_P12 is a temporary path)."""
    from django.conf import settings

    from documents import signing

    if not settings.VISION_SIGNING_P12.exists():
        signing.create_certificate(
            settings.VISION_SIGNING_P12,
            password=settings.VISION_SIGNING_PASSWORD,
            common_name="VISION test seal",
            organisation="VISION tests",
        )
    return settings.VISION_SIGNING_P12


@pytest.fixture(autouse=True)
def fresh_funding_rules():
    """Each test reads the funding rules from its own database state: the per-process cache of rule-set rows
    (funding.pricing) is keyed by the rule set's `updated_at`, which a test changing rows with
    QuerySet.update() does not move, and a rolled-back test must not leave its rows behind."""
    from funding import pricing

    pricing._ROWS.clear()
    yield
    pricing._ROWS.clear()


def require_services() -> bool:
    """In CI (REQUIRE_SERVICES=1) a missing service fails the test instead of skipping it."""
    return os.environ.get("REQUIRE_SERVICES") == "1"


def skip_or_fail(reason: str):
    if require_services():
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}")
    pytest.skip(reason)


@dataclass
class World:
    org_a: object
    org_b: object
    org_c: object
    p1: object
    p2: object
    pc_a: object
    partner_b: object
    partner_c: object
    mentor_b: object
    learner_b: object
    outsider: object
    admin: object
    strategy_a: object
    strategy_b: object
    strategy_c: object
    indicator_b: object
    indicator_c: object
    invitation_b: object
    invitation_c: object
    membership_mentor_b: object
    membership_partner_c: object

    def actor(self, name):
        return None if name == "anonymous" else getattr(self, name)


@pytest.fixture
def world(db) -> World:
    return build_world()


def build_world() -> World:
    org_a = OrganisationFactory(slug="org-a", short_name="Alpha VET")
    org_b = OrganisationFactory(slug="org-b", short_name="Beta College", country="NL", city="Haarlem")
    org_c = OrganisationFactory(slug="org-c", short_name="Gamma School", country="FI", city="Kuopio")
    p1 = PartnershipFactory(slug="p1", acronym="PONE", coordinator=org_a, partners=[org_b])
    p2 = PartnershipFactory(slug="p2", acronym="PTWO", coordinator=org_c)
    pc_a = MembershipFactory(organisation=org_a, role=Role.PROJECT_COORDINATOR).user
    partner_b = MembershipFactory(organisation=org_b, role=Role.PARTNER_COORDINATOR).user
    membership_partner_c = MembershipFactory(organisation=org_c, role=Role.PARTNER_COORDINATOR)
    membership_mentor_b = MembershipFactory(organisation=org_b, role=Role.MENTOR)
    learner_b = MembershipFactory(organisation=org_b, role=Role.LEARNER).user
    indicator_a = IndicatorFactory(goal__strategy__partnership=p1, goal__strategy__organisation=org_a)
    indicator_b = IndicatorFactory(goal__strategy__partnership=p1, goal__strategy__organisation=org_b)
    indicator_c = IndicatorFactory(goal__strategy__partnership=p2, goal__strategy__organisation=org_c)
    for org, partnership in ((org_a, p1), (org_b, p1), (org_c, p2)):
        AuditEntryFactory(organisation=org, partnership=partnership, verb=AuditEntry.Verb.UPDATED)
    return World(
        org_a=org_a,
        org_b=org_b,
        org_c=org_c,
        p1=p1,
        p2=p2,
        pc_a=pc_a,
        partner_b=partner_b,
        partner_c=membership_partner_c.user,
        mentor_b=membership_mentor_b.user,
        learner_b=learner_b,
        outsider=UserFactory(),
        admin=UserFactory(is_superuser=True, is_staff=True),
        strategy_a=indicator_a.goal.strategy,
        strategy_b=indicator_b.goal.strategy,
        strategy_c=indicator_c.goal.strategy,
        indicator_b=indicator_b,
        indicator_c=indicator_c,
        invitation_b=InvitationFactory(organisation=org_b, invited_by=partner_b),
        invitation_c=InvitationFactory(organisation=org_c, invited_by=membership_partner_c.user),
        membership_mentor_b=membership_mentor_b,
        membership_partner_c=membership_partner_c,
    )


@pytest.fixture
def client_for(client):
    """client_for(user) -> the test client signed in as user (or anonymous for None)."""

    def sign_in(user):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return sign_in
