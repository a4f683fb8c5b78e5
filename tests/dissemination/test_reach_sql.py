"""The reach report summed in SQL (issue 15) gives exactly the figures of the former row-by-row sums, kept here
as the reference, on a network with many events, audience rows and activities over several organisations and
countries (events with and without their own country, events without audience, organisations with activities
only), and in a fixed number of queries whatever its size."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dissemination import services
from dissemination.models import Activity, Audience, Channel, DisseminationEvent, ReachTarget, StakeholderGroup
from partners.models import PartnershipMember
from tests.factories import OrganisationFactory


def reference_report(partnership) -> dict:
    """The reach report's sums as they were computed before issue 15: every row loaded and summed in Python."""
    events = list(DisseminationEvent.objects.filter(partnership=partnership).select_related("organisation"))
    audience = list(Audience.objects.filter(event__partnership=partnership))
    activities = list(Activity.objects.filter(partnership=partnership).select_related("organisation"))
    by_event = defaultdict(list)
    for row in audience:
        by_event[row.event_id].append(row)
    by_group = {g: {"national": 0, "international": 0} for g in StakeholderGroup.values}
    by_org: dict[int, dict] = {}
    by_country: dict[str, dict] = {}
    for event in events:
        people = sum(a.total for a in by_event[event.pk])
        org = by_org.setdefault(
            event.organisation_id, {"organisation": event.organisation, "events": 0, "people": 0, "reach": 0}
        )
        org["events"] += 1
        org["people"] += people
        country = event.country.code or event.organisation.country.code
        c = by_country.setdefault(country, {"country": country, "events": 0, "people": 0, "reach": 0})
        c["events"] += 1
        c["people"] += people
        for a in by_event[event.pk]:
            by_group[a.group]["national"] += a.national
            by_group[a.group]["international"] += a.international
    by_channel = {c: {"items": 0, "reach": 0} for c in Channel.values}
    by_channel[Channel.EVENT] = {"items": len(events), "reach": sum(a.total for a in audience)}
    for activity in activities:
        by_channel[activity.channel]["items"] += 1
        by_channel[activity.channel]["reach"] += activity.reach
        org = by_org.setdefault(
            activity.organisation_id, {"organisation": activity.organisation, "events": 0, "people": 0, "reach": 0}
        )
        org["reach"] += activity.reach
        country = activity.organisation.country.code
        c = by_country.setdefault(country, {"country": country, "events": 0, "people": 0, "reach": 0})
        c["reach"] += activity.reach
    # Labels, targets and shares are not what changed: the service's own helper adds them.
    groups, channels = services.with_targets(partnership, by_group, by_channel)
    return {
        "groups": groups,
        "channels": channels,
        "organisations": sorted(by_org.values(), key=lambda r: r["organisation"].short_name or ""),
        "countries": sorted(by_country.values(), key=lambda r: r["country"]),
        "people": sum(a.total for a in audience),
        "reach": sum(a.reach for a in activities),
        "events": len(events),
        "activities": len(activities),
    }


def grow(world, events: int, seed: int = 7) -> None:
    """`events` events and about as many activities of P1, spread over its organisations and a third one."""
    rng = random.Random(seed)
    org_e = OrganisationFactory(slug="org-e", short_name="Epsilon School", country="IT", city="Salerno")
    PartnershipMember.objects.create(partnership=world.p1, organisation=org_e, role=PartnershipMember.Role.PARTNER)
    organisations = [world.org_a, world.org_b, org_e]
    groups = StakeholderGroup.values
    channels = [c for c in Channel.values if c != Channel.EVENT]
    made = DisseminationEvent.objects.bulk_create(
        [
            DisseminationEvent(
                partnership=world.p1,
                organisation=rng.choice(organisations),
                title=f"Event {i}",
                date=date(2024, 1, 1) + timedelta(days=i),
                country=rng.choice(["", "", "FI", "LT", "NL"]),
            )
            for i in range(events)
        ]
    )
    Audience.objects.bulk_create(
        [
            Audience(event=event, group=group, national=rng.randint(0, 40), international=rng.randint(0, 9))
            for event in made
            if rng.random() > 0.2  # some events have no audience recorded
            for group in rng.sample(groups, rng.randint(1, 3))
        ]
    )
    Activity.objects.bulk_create(
        [
            Activity(
                partnership=world.p1,
                organisation=rng.choice(organisations),
                channel=rng.choice(channels),
                title=f"Activity {i}",
                date=date(2024, 1, 1) + timedelta(days=i),
                reach=rng.randint(0, 5000),
                audience=rng.choice(groups),
            )
            for i in range(events)
        ]
    )
    ReachTarget.objects.filter(partnership=world.p1, group=StakeholderGroup.LEARNERS).update(target=400)
    ReachTarget.objects.create(partnership=world.p1, channel=Channel.WEBSITE, target=9000)


@pytest.mark.parametrize("events", [0, 1, 60])
def test_the_sql_sums_equal_the_row_by_row_sums(world, dis, events):
    if events:
        grow(world, events)
    for partnership in (world.p1, world.p2):
        assert services.reach_report(partnership) == reference_report(partnership)


def test_the_report_runs_the_same_queries_for_a_few_and_for_many_rows(world, dis):
    with CaptureQueriesContext(connection) as few:
        services.reach_report(world.p1)
    grow(world, 300)
    with CaptureQueriesContext(connection) as many:
        services.reach_report(world.p1)
    assert len(many.captured_queries) == len(few.captured_queries) <= 9
