"""Query budgets of the learner and mobility pages, measured at two sizes: no growth with the rows shown."""

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mobility.models import Mobility, MobilityStatusChange
from partners.models.people import Role
from tests.factories import MembershipFactory
from tests.factories_mobility import LearnerFactory, MobilityFactory

pytestmark = pytest.mark.django_db

SMALL, LARGE = 5, 60
STATUSES = itertools.cycle(list(Mobility.Status))


def a_to_b(world, n, **extra):
    """n mobilities A → B, each with its own learner, a mentor at B and a tutor at A; every third is blended."""
    for i in range(n):
        fields = {
            "learner": LearnerFactory(home_organisation=world.org_a),
            "partnership": world.p1,
            "receiving_organisation": world.org_b,
            "mentor": MembershipFactory(organisation=world.org_b, role=Role.MENTOR).user,
            "tutor": MembershipFactory(organisation=world.org_a, role=Role.PARTNER_COORDINATOR).user,
            "status": next(STATUSES),
            "start_date": date(2020, 1, 6) + timedelta(days=i),
        }
        if i % 3 == 0:
            fields.update(virtual_start=date(2019, 12, 1), virtual_end=date(2019, 12, 20), virtual_hours=10)
        fields.update(extra)
        MobilityFactory(**fields)


def grow_mentor_b(world, mob, n):
    a_to_b(world, n, mentor=world.mentor_b)


def grow_a_to_b(world, mob, n):
    a_to_b(world, n)


def grow_learner_b1(world, mob, n):
    for i in range(n):
        MobilityFactory(
            learner=mob.learner_b1,
            partnership=world.p1,
            receiving_organisation=world.org_a,
            mentor=mob.mentor_a,
            start_date=date(2020, 1, 6) + timedelta(days=i),
        )


def grow_learners_of_b(world, mob, n):
    for i in range(n):
        learner = LearnerFactory(home_organisation=world.org_b, user=None)
        if i % 2:
            MobilityFactory(learner=learner, partnership=world.p1, receiving_organisation=world.org_a)


def grow_mobilities_of_a1(world, mob, n):
    for i in range(n):
        MobilityFactory(
            learner=mob.learner_a1,
            partnership=world.p1,
            receiving_organisation=world.org_b,
            mentor=MembershipFactory(organisation=world.org_b, role=Role.MENTOR).user,
            start_date=date(2020, 1, 6) + timedelta(days=i),
        )


def grow_history(world, mob, n):
    for i in range(n):
        by = MembershipFactory(organisation=world.org_a, role=Role.PARTNER_COORDINATOR).user
        MobilityStatusChange.objects.create(
            mobility=mob.m_a_to_b,
            from_status=Mobility.Status.DRAFT if i % 2 else Mobility.Status.PLANNED,
            to_status=Mobility.Status.PLANNED if i % 2 else Mobility.Status.DRAFT,
            by=by,
            reason=f"Change {i}",
        )


def paginated(response):
    return response.context["page"].paginator.count


def exported_rows(response):
    return response.content.count(b"\n")


@dataclass
class Page:
    actor: str
    url: Callable
    grow: Callable
    budget: int
    rows: Callable


PAGES = {
    "outgoing list": Page("pc_a", lambda w, m: reverse("mobility:outgoing"), grow_a_to_b, 11, paginated),
    "incoming list": Page("partner_b", lambda w, m: reverse("mobility:incoming"), grow_a_to_b, 10, paginated),
    "all in my partnerships": Page("pc_a", lambda w, m: reverse("mobility:all_mobilities"), grow_a_to_b, 10, paginated),
    "filtered and searched list": Page(
        "pc_a",
        lambda w, m: reverse("mobility:all_mobilities") + f"?status=&partnership={w.p1.pk}&q=e&host=b",
        grow_a_to_b,
        11,
        paginated,
    ),
    # The lists read the optional mentor and tutor in two queries of their own (a seven-table join took PostgreSQL
    # longer to plan than both queries take to run).
    "mentor's learners": Page("mentor_b", lambda w, m: reverse("mobility:my_learners"), grow_mentor_b, 9, paginated),
    "learner's mobilities": Page(
        "learner_b", lambda w, m: reverse("mobility:my_mobility"), grow_learner_b1, 8, paginated
    ),
    "learner list": Page("partner_b", lambda w, m: reverse("mobility:learner_list"), grow_learners_of_b, 10, paginated),
    "learner detail": Page(
        "pc_a",
        lambda w, m: m.learner_a1.get_absolute_url(),
        grow_mobilities_of_a1,
        9,
        lambda r: len(r.context["mobilities"]),
    ),
    "mobility detail with its history": Page(
        "pc_a",
        lambda w, m: m.m_a_to_b.get_absolute_url(),
        grow_history,
        20,
        lambda r: len(r.context["history"]),
    ),
    "CSV export": Page(
        "pc_a",
        lambda w, m: reverse("mobility:mobility_export") + "?list=outgoing&format=csv",
        grow_a_to_b,
        9,
        exported_rows,
    ),
}


def measure(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response, queries


def describe(queries) -> str:
    return "\n".join(query["sql"] for query in queries.captured_queries)


def actor_of(world, mob, name):
    return getattr(mob, name, None) or world.actor(name)


@pytest.mark.parametrize("name", PAGES)
def test_query_count_does_not_grow_with_the_rows_shown(world, mob, client_for, name):
    page = PAGES[name]
    client = client_for(actor_of(world, mob, page.actor))
    url = page.url(world, mob)
    page.grow(world, mob, SMALL)
    client.get(url)  # Warm per-process caches (content types, translations) before counting.

    small_response, small = measure(client, url)
    page.grow(world, mob, LARGE - SMALL)
    large_response, large = measure(client, url)

    assert page.rows(large_response) > page.rows(small_response)
    assert len(large) == len(small), f"{name}: {len(small)} → {len(large)} queries\n{describe(large)}"


@pytest.mark.parametrize("name", PAGES)
def test_page_stays_within_its_query_budget(world, mob, client_for, name, django_assert_max_num_queries):
    page = PAGES[name]
    client = client_for(actor_of(world, mob, page.actor))
    url = page.url(world, mob)
    page.grow(world, mob, LARGE)
    client.get(url)

    with django_assert_max_num_queries(page.budget):
        response = client.get(url)

    assert response.status_code == 200
