"""The reach report (figures equal hand-computed sums from the `dis` fixture) and its targets.

P1 by hand: ev_b (B, NL by its organiser) learners 20+5, VET staff 10+3, employers 4+0 = 42 people;
act_a (A, LT) social media, reach 500. Targets: learners 50, VET staff 10, social media 1000, events 100.
"""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dissemination import services
from dissemination.models import Activity, Audience, Channel, DisseminationEvent, ReachTarget, StakeholderGroup
from partners.models import AuditEntry

from .conftest import make_event

G = StakeholderGroup


def report_url(slug="p1"):
    return reverse("dissemination:reach_report", kwargs={"slug": slug})


def targets_url(slug="p1"):
    return reverse("dissemination:reach_targets", kwargs={"slug": slug})


def by(rows, key):
    return {row[key]: row for row in rows}


# --- the service -----------------------------------------------------------------------------------------------------


def test_reach_report_sums_the_fixture(world, dis):
    report = services.reach_report(world.p1)
    groups = by(report["groups"], "group")
    assert [(g["national"], g["international"], g["total"], g["target"], g["percent"]) for g in report["groups"]] == [
        (20, 5, 25, 50, 50),  # learners
        (10, 3, 13, 10, 130),  # VET staff: over the target
        (4, 0, 4, None, None),  # employers: no target
        (0, 0, 0, None, None),  # policy makers
        (0, 0, 0, None, None),  # parents
        (0, 0, 0, None, None),  # other
    ]
    assert groups[G.LEARNERS]["label"] == "Learners"
    channels = by(report["channels"], "channel")
    assert (channels[Channel.EVENT]["items"], channels[Channel.EVENT]["reach"]) == (1, 42)
    assert (channels[Channel.EVENT]["target"], channels[Channel.EVENT]["percent"]) == (100, 42)
    assert (channels[Channel.SOCIAL_MEDIA]["items"], channels[Channel.SOCIAL_MEDIA]["reach"]) == (1, 500)
    assert channels[Channel.SOCIAL_MEDIA]["percent"] == 50
    assert all(channels[c]["items"] == 0 for c in (Channel.PUBLICATION, Channel.NEWSLETTER, Channel.WEBSITE))
    assert [(r["organisation"], r["events"], r["people"], r["reach"]) for r in report["organisations"]] == [
        (world.org_a, 0, 0, 500),
        (world.org_b, 1, 42, 0),
    ]
    assert [(r["country"], r["events"], r["people"], r["reach"]) for r in report["countries"]] == [
        ("LT", 0, 0, 500),
        ("NL", 1, 42, 0),
    ]
    assert (report["people"], report["reach"], report["events"], report["activities"]) == (42, 500, 1, 1)


def test_reach_report_counts_an_event_in_its_own_country_and_keeps_partnerships_apart(world, dis):
    make_event(
        world.p1,
        world.org_a,
        by=world.pc_a,
        country="BE",
        audience={G.POLICY_MAKERS: (0, 6)},
    )
    report = services.reach_report(world.p1)
    countries = by(report["countries"], "country")
    assert (countries["BE"]["events"], countries["BE"]["people"]) == (1, 6)
    assert countries["LT"]["events"] == 0  # A's event took place in Belgium
    assert by(report["organisations"], "organisation")[world.org_a]["people"] == 6
    assert report["people"] == 48
    p2 = services.reach_report(world.p2)
    assert (p2["people"], p2["events"], p2["activities"]) == (7, 1, 0)
    assert all(row["target"] is None for row in p2["groups"] + p2["channels"])


# --- the page --------------------------------------------------------------------------------------------------------


def test_the_report_page_shows_the_figures_with_totals_and_text_percentages(world, dis, client_for):
    response = client_for(world.partner_b).get(report_url())
    assert response.status_code == 200
    context = response.context
    assert context["group_totals"] == {"national": 34, "international": 8, "total": 42, "target": 60}
    # The events' 42 participants are people, not an estimate: not added to the other channels' reach.
    assert context["channel_totals"] == {"items": 1, "reach": 500, "target": 1000}
    assert context["organisation_totals"] == {"events": 1, "people": 42, "reach": 500}
    assert context["country_totals"] == {"events": 1, "people": 42, "reach": 500}
    assert [row["name"] for row in context["countries"]] == ["Lithuania", "Netherlands"]
    vet = by(context["groups"], "group")[G.VET_STAFF]
    assert vet["bar"] == {"percent": 130, "width": 100}  # the bar stops at 100; the text says 130
    body = response.content.decode()
    assert body.count("<h1") == 1
    assert "1 event with 42 participants." in body
    assert "1 other activity with an estimated reach of 500." in body
    assert "130 % of the target" in body
    assert 'aria-valuenow="100"' in body
    assert "50 % of the target" in body
    assert "no target" in body
    assert "100 % of the participants" in body  # B held every event: its share of the participants
    assert '<th scope="row" class="fw-normal">Beta College</th>' in body
    assert context["may_coordinate"] is False
    assert targets_url() not in body


def test_the_coordinator_sees_the_link_to_the_targets(world, dis, client_for):
    response = client_for(world.pc_a).get(report_url())
    assert response.context["may_coordinate"] is True
    assert targets_url() in response.content.decode()


def test_the_report_runs_the_same_number_of_queries_for_few_and_many_rows(world, dis, client_for):
    client = client_for(world.partner_b)
    client.get(report_url())

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(report_url()).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for i in range(15):
        organisation = world.org_a if i % 2 else world.org_b
        event = DisseminationEvent.objects.create(
            partnership=world.p1, organisation=organisation, title=f"E{i}", date=date(2023, 5, 1), country="DE"
        )
        Audience.objects.create(event=event, group=G.PARENTS, national=i, international=0)
        Activity.objects.create(
            partnership=world.p1,
            organisation=organisation,
            channel=Channel.PUBLICATION,
            title=f"P{i}",
            date=date(2023, 5, 1),
            reach=10,
        )
    assert count() == few


# --- the targets -----------------------------------------------------------------------------------------------------


def target_data(**values):
    data = {f"group-{g}": "" for g in G.values} | {f"channel-{c}": "" for c in Channel.values}
    data.update(values)
    return data


def stored_targets(partnership):
    return {(t.group, t.channel): t.target for t in ReachTarget.objects.filter(partnership=partnership).order_by("pk")}


def test_the_form_shows_the_stored_targets(world, dis, client_for):
    form = client_for(world.pc_a).get(targets_url()).context["form"]
    assert form["group-learners"].value() == 50
    assert form["channel-social_media"].value() == 1000
    assert form["group-parents"].value() is None


def test_the_coordinator_sets_changes_and_clears_targets(world, dis, client_for):
    data = target_data(**{"group-learners": "60", "group-parents": "15", "channel-event": "100", "channel-other": "5"})
    response = client_for(world.pc_a).post(targets_url(), data)
    assert response.status_code == 302
    assert response["Location"] == report_url()
    assert stored_targets(world.p1) == {
        ("learners", ""): 60,
        ("", "event"): 100,
        ("parents", ""): 15,
        ("", "other"): 5,
    }
    entry = AuditEntry.objects.get(verb=AuditEntry.Verb.UPDATED, object_code="p1")
    assert entry.details["reach_targets"] == {
        "group:learners": 60,
        "group:vet_staff": None,
        "group:parents": 15,
        "channel:social_media": None,
        "channel:other": 5,
    }
    report = services.reach_report(world.p1)
    assert by(report["groups"], "group")[G.LEARNERS]["percent"] == 42  # 25 of 60


@pytest.mark.parametrize("value", ["0", "-3", "ten", "1.5"])
def test_a_target_is_a_whole_number_from_one(world, dis, client_for, value):
    before = stored_targets(world.p1)
    response = client_for(world.pc_a).post(
        targets_url(), target_data(**{"group-learners": "70", "channel-website": value})
    )
    assert response.status_code == 200
    assert "channel-website" in response.context["form"].errors
    assert "group-learners" not in response.context["form"].errors
    assert stored_targets(world.p1) == before


def test_only_the_project_coordinator_sets_targets(world, dis, client_for):
    before = stored_targets(world.p1)
    client = client_for(world.partner_b)
    assert client.get(targets_url()).status_code == 403
    assert client.post(targets_url(), target_data(**{"group-learners": "1"})).status_code == 403
    assert stored_targets(world.p1) == before


def test_save_event_refuses_taking_over_another_partners_event_and_bad_counts(world, dis):
    from django.core.exceptions import PermissionDenied, ValidationError

    from dissemination import services
    from dissemination.models import DisseminationEvent

    event = DisseminationEvent.objects.filter(partnership=world.p1, organisation=world.org_b).first()
    event.organisation = world.org_a  # pc_a may record for A, but the event is B's: the coordinator may
    services.save_event(event, {}, by=world.pc_a)
    moved = DisseminationEvent.objects.get(pk=event.pk)
    moved.organisation = world.org_b
    # partner_b may record for B but the event now belongs to A: moving it back is a take-over.
    with pytest.raises(PermissionDenied):
        services.save_event(moved, {}, by=world.partner_b)
    with pytest.raises(ValidationError) as error:
        services.save_event(DisseminationEvent.objects.get(pk=event.pk), {"learners": ("3", -1)}, by=world.pc_a)
    assert {"learners-national", "learners-international"} <= set(error.value.message_dict)
