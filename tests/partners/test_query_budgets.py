"""Query budgets of the list (and main detail) pages, measured at two sizes: no growth with the rows shown."""

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from partners.models import AuditEntry, Invitation, PartnershipMember
from partners.models.people import Role
from tests.factories import (
    AuditEntryFactory,
    ContactPersonFactory,
    GoalFactory,
    IndicatorFactory,
    InvitationFactory,
    MembershipFactory,
    OrganisationFactory,
    PartnershipFactory,
    StrategyFactory,
    TopicFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

SMALL, LARGE = 5, 60
ROLES = itertools.cycle([Role.PARTNER_COORDINATOR, Role.MENTOR, Role.LEARNER])


def partner_organisation(world, partnership=None):
    """A new organisation in P1 with a contact, a member of staff and a strategy with an overdue indicator."""
    organisation = OrganisationFactory()
    PartnershipMember.objects.create(
        partnership=partnership or world.p1, organisation=organisation, role=PartnershipMember.Role.PARTNER
    )
    ContactPersonFactory(organisation=organisation, is_primary=True)
    MembershipFactory(organisation=organisation, role=next(ROLES))
    IndicatorFactory(
        goal__strategy__partnership=partnership or world.p1,
        goal__strategy__organisation=organisation,
        due_date=timezone.localdate() - timedelta(days=3),
        value_updated_by=UserFactory(),
        value_updated_at=timezone.now(),
    )
    return organisation


def grow_organisations(world, n):
    for _ in range(n):
        partner_organisation(world)


def grow_partnerships(world, n):
    for _ in range(n):
        partnership = PartnershipFactory(coordinator=world.org_a, partners=[OrganisationFactory(), world.org_b])
        partnership.topics.add(TopicFactory(), TopicFactory())
        StrategyFactory(partnership=partnership, organisation=world.org_b)


def grow_invitations(world, n):
    now = timezone.now()
    for i in range(n):
        invitation = InvitationFactory(organisation=world.org_b, invited_by=UserFactory(), role=next(ROLES))
        # A mix of statuses: pending, accepted, revoked, expired.
        if i % 4 == 1:
            Invitation.objects.filter(pk=invitation.pk).update(accepted_at=now, accepted_by=UserFactory())
        elif i % 4 == 2:
            Invitation.objects.filter(pk=invitation.pk).update(revoked_at=now)
        elif i % 4 == 3:
            Invitation.objects.filter(pk=invitation.pk).update(expires_at=now - timedelta(days=1))


def grow_people(world, n):
    for i in range(n):
        MembershipFactory(organisation=world.org_b, role=next(ROLES), is_active=bool(i % 5))


def grow_audit(world, n):
    for i in range(n):
        actor = UserFactory()
        AuditEntryFactory(
            partnership=world.p1,
            organisation=world.org_b if i % 2 else world.org_a,
            actor=actor,
            actor_email=actor.email,
            verb=list(AuditEntry.Verb)[i % len(AuditEntry.Verb)],
            ip_address="203.0.113.5",
            details={"fields": ["city"]},
        )


def grow_strategies(world, n):
    for _ in range(n):
        organisation = partner_organisation(world)
        goal = GoalFactory(strategy=organisation.strategies.get())
        IndicatorFactory(goal=goal, current_value=Decimal("10"), value_updated_by=UserFactory())


def grow_network(world, n):
    """Everything a project coordinator's dashboard summarises."""
    grow_organisations(world, n)
    grow_invitations(world, n)
    grow_people(world, n)
    grow_partnerships(world, n)


def grow_own_organisation(world, n):
    """Everything a partner coordinator's dashboard summarises."""
    for _ in range(n):
        IndicatorFactory(goal__strategy=world.strategy_b, due_date=timezone.localdate() - timedelta(days=1))
        PartnershipFactory(coordinator=OrganisationFactory(), partners=[world.org_b])
    grow_people(world, n)
    grow_invitations(world, n)


def grow_memberships_of_b(world, n):
    for _ in range(n):
        PartnershipFactory(coordinator=OrganisationFactory(), partners=[world.org_b])
        ContactPersonFactory(organisation=world.org_b)


def grow_goals_of_b(world, n):
    for _ in range(n):
        IndicatorFactory(
            goal__strategy=world.strategy_b, value_updated_by=UserFactory(), value_updated_at=timezone.now()
        )


def paginated(response):
    return response.context["page"].paginator.count


@dataclass
class Page:
    actor: str
    url: Callable
    grow: Callable
    budget: int
    # How many rows the page found: proves the extra rows are in the actor's scope.
    rows: Callable


PAGES = {
    "organisation list": Page(
        "pc_a", lambda w: reverse("partners:organisation_list"), grow_organisations, 10, paginated
    ),
    "partnership list": Page("pc_a", lambda w: reverse("partners:partnership_list"), grow_partnerships, 11, paginated),
    "invitation list": Page("partner_b", lambda w: reverse("partners:invitation_list"), grow_invitations, 9, paginated),
    "people of an organisation": Page(
        "partner_b",
        lambda w: reverse("partners:organisation_people", kwargs={"slug": w.org_b.slug}),
        grow_people,
        10,
        paginated,
    ),
    "partnership audit log": Page(
        "pc_a",
        lambda w: reverse("partners:partnership_audit", kwargs={"slug": w.p1.slug}),
        grow_audit,
        10,
        paginated,
    ),
    "strategies side by side": Page(
        "pc_a",
        lambda w: reverse("partners:partnership_strategies", kwargs={"slug": w.p1.slug}),
        grow_strategies,
        12,
        lambda r: len(r.context["columns"]),
    ),
    # Dashboards: +5 each for ecvet's "Documents waiting for you" panel (one query per document type:
    # agreements, memoranda, transcripts, Europass, participants' grant agreements; a sixth for approvals only
    # when something waits), +1 for training_events' "My training" panel.
    "project coordinator's dashboard": Page(
        "pc_a", lambda w: reverse("home"), grow_network, 22, lambda r: r.context["counts"]["organisations"]
    ),
    "partner coordinator's dashboard": Page(
        "partner_b", lambda w: reverse("home"), grow_own_organisation, 19, lambda r: len(r.context["partnerships"])
    ),
    "partnership detail": Page(
        "pc_a",
        lambda w: reverse("partners:partnership_detail", kwargs={"slug": w.p1.slug}),
        grow_organisations,
        10,
        lambda r: len(r.context["partnership"].members.all()),
    ),
    "organisation detail": Page(
        "partner_b",
        lambda w: reverse("partners:organisation_detail", kwargs={"slug": w.org_b.slug}),
        grow_memberships_of_b,
        10,
        lambda r: len(r.context["partnership_members"]) + len(r.context["contacts"]),
    ),
    "strategy detail": Page(
        "partner_b",
        lambda w: reverse("partners:strategy_detail", kwargs={"code": w.strategy_b.code}),
        grow_goals_of_b,
        10,
        lambda r: sum(len(goal.indicators.all()) for goal in r.context["strategy"].goals.all()),
    ),
}


def measure(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response, queries


def describe(queries) -> str:
    return "\n".join(query["sql"] for query in queries.captured_queries)


@pytest.mark.parametrize("name", PAGES)
def test_query_count_does_not_grow_with_the_rows_shown(world, client_for, name):
    page = PAGES[name]
    client = client_for(world.actor(page.actor))
    url = page.url(world)
    page.grow(world, SMALL)
    client.get(url)  # Warm per-process caches (content types, translations) before counting.

    small_response, small = measure(client, url)
    page.grow(world, LARGE - SMALL)
    large_response, large = measure(client, url)

    assert page.rows(large_response) > page.rows(small_response)
    assert len(large) == len(small), f"{name}: {len(small)} → {len(large)} queries\n{describe(large)}"


@pytest.mark.parametrize("name", PAGES)
def test_page_stays_within_its_query_budget(world, client_for, name, django_assert_max_num_queries):
    page = PAGES[name]
    client = client_for(world.actor(page.actor))
    url = page.url(world)
    page.grow(world, LARGE)
    client.get(url)

    with django_assert_max_num_queries(page.budget):
        response = client.get(url)

    assert response.status_code == 200
