"""What waits, at network scale (issue 15): each kind is read up to COUNT_CAP + 1 items, the most urgent first,
and the page, the dashboard and the e-mail say "more than 99" instead of reading thousands of rows.

On the partners `world` (tests/conftest.py): B sends learner_b to A in P1; partner_b manages B's mobilities.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from mobility.models import ChecklistItem, Mobility
from partners.tasks import build_digest
from partners.views.waiting import GROUP_LIMIT
from partners.waiting import COUNT_CAP, items_for
from tests.factories_mobility import ChecklistItemFactory, LearnerFactory, MobilityFactory

EXTRA = 3


@pytest.fixture
def overdue(world):
    """COUNT_CAP + EXTRA overdue items B must act on, due one day apart: the oldest is the most urgent."""
    learner = LearnerFactory(home_organisation=world.org_b, user=world.learner_b)
    today = timezone.localdate()
    mobility = MobilityFactory(
        learner=learner,
        partnership=world.p1,
        receiving_organisation=world.org_a,
        start_date=today + timedelta(days=20),
        end_date=today + timedelta(days=50),
    )
    Mobility.objects.filter(pk=mobility.pk).update(status=Mobility.Status.PLANNED)
    items = [
        ChecklistItemFactory(mobility=mobility, responsible="sending", due_date=today - timedelta(days=1 + i))
        for i in range(COUNT_CAP + EXTRA)
    ]
    return sorted(items, key=lambda item: (item.due_date, item.pk))


def url_of(item: ChecklistItem) -> str:
    return reverse("mobility:checklist_item", kwargs={"code": item.code})


def test_a_kind_is_read_up_to_the_cap_plus_one_the_most_urgent_first(world, overdue):
    read = [item.url for item in items_for(world.partner_b) if item.kind == "checklist"]
    assert read == [url_of(item) for item in overdue[: COUNT_CAP + 1]]


def test_the_page_says_more_than_99_and_shows_the_most_urgent(world, overdue, client_for):
    client = client_for(world.partner_b)
    page = client.get(reverse("partners:waiting")).content.decode()
    assert f"More than {COUNT_CAP} things wait for you." in page
    assert f"{COUNT_CAP}+</span>" in page
    assert page.count("/checklist-items/") == GROUP_LIMIT
    assert url_of(overdue[0]) in page and url_of(overdue[-1]) not in page
    assert f"show the {COUNT_CAP} most urgent" in page

    expanded = client.get(reverse("partners:waiting"), {"kind": "checklist"}).content.decode()
    assert expanded.count("/checklist-items/") == COUNT_CAP
    assert f"The {COUNT_CAP} most urgent are shown; more wait behind them." in expanded
    assert url_of(overdue[COUNT_CAP - 1]) in expanded
    assert all(url_of(item) not in expanded for item in overdue[COUNT_CAP:])


def test_below_the_cap_the_page_gives_the_exact_count(world, overdue, client_for):
    ChecklistItem.objects.filter(pk__in=[item.pk for item in overdue[10:]]).delete()
    page = client_for(world.partner_b).get(reverse("partners:waiting")).content.decode()
    assert "10 things wait for you." in page
    assert "More than" not in page and "most urgent" not in page


def test_the_digest_says_more_than_99_in_its_subject_and_group(world, overdue):
    message = build_digest(world.partner_b, items_for(world.partner_b), timezone.localdate())
    assert message.subject.endswith(f"More than {COUNT_CAP} things wait for you")
    assert f"({COUNT_CAP}+)" in message.body
    assert "… and many more:" in message.body
    assert message.body.count("/checklist-items/") < COUNT_CAP
