"""Every list endpoint runs the same number of queries for a few rows and for many (a fixed budget), and on
a page reached by cursor as on the first page."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from documents.models import RenderedDocument
from tests.documents.support import forced_memorandum, make_ready
from tests.factories import OrganisationFactory, PartnershipFactory
from tests.factories_mobility import LearnerFactory, MobilityFactory
from training_events.models import Session, TrainingEvent

from .conftest import PDF


def grow(world, n):
    """n more rows of every kind, all visible to pc_a (A coordinates P1)."""
    for i in range(n):
        org = OrganisationFactory()
        PartnershipFactory(coordinator=world.org_a, partners=[org])
        learner = LearnerFactory(home_organisation=world.org_a)
        MobilityFactory(
            learner=learner, partnership=world.p1, receiving_organisation=world.org_b, mentor=world.mentor_b
        )
        event = TrainingEvent.objects.create(
            partnership=world.p1,
            host_organisation=world.org_a,
            title=f"Event {i}",
            start_date="2025-03-10",
            end_date="2025-03-11",
        )
        Session.objects.create(event=event, day="2025-03-10", start_time="09:00", end_time="10:00", title="S")
        make_ready(forced_memorandum(world.p1, [world.org_a, world.org_b], title=f"MoU {i}"), PDF)


ENDPOINTS = ["organisations", "partnerships", "learners", "mobilities", "documents", "training-events"]


def count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.json()["count"]


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_list_queries_do_not_grow_with_the_rows(world, api_for, endpoint, django_assert_max_num_queries):
    client = api_for(world.pc_a)
    grow(world, 3)
    small, small_rows = count(client, f"/api/v1/{endpoint}/?page_size=200")
    grow(world, 30)
    with django_assert_max_num_queries(small):
        response = client.get(f"/api/v1/{endpoint}/?page_size=200")
    assert response.json()["count"] >= small_rows + 30
    assert RenderedDocument.objects.count() >= 33


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_a_cursor_page_runs_the_same_queries_as_the_first_page(world, api_for, endpoint):
    client = api_for(world.pc_a)
    grow(world, 5)
    with CaptureQueriesContext(connection) as first:
        link = client.get(f"/api/v1/{endpoint}/?page_size=2").json()["next"]
    with CaptureQueriesContext(connection) as following:
        response = client.get(link)
    assert response.status_code == 200 and response.json()["previous"]
    assert len(following.captured_queries) == len(first.captured_queries)
    assert not any("OFFSET" in query["sql"].upper() for query in following.captured_queries)
