"""The dashboard on the demo data: every number equals a hand count made here in plain Python over all the
rows (no visible_to, no reporting service), for the project coordinator (everything) and for a partner
coordinator (Nova College's mobilities and people only)."""

import re
import xml.etree.ElementTree as ET
from collections import Counter
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.urls import reverse

from dissemination.models import Activity, Audience, DisseminationEvent
from mobility.models import ChecklistItem, Mobility
from mobility.models.checklists import can_be_overdue
from partners.models import Indicator, Partnership, User
from training_events.models import Attendance, Participant

pytestmark = pytest.mark.django_db

TODAY = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
SVG = "{http://www.w3.org/2000/svg}"
S = Mobility.Status
SENDING_ACTS = {"sending", "learner"}


def dashboard_html(client, email, slug):
    client.force_login(User.objects.get(email=email))
    response = client.get(reverse("reporting:dashboard", kwargs={"slug": slug}))
    assert response.status_code == 200
    return response.content.decode()


def table(html, chart_id) -> dict[str, list[str]]:
    match = re.search(rf'<figure class="chart[^"]*" data-chart="{chart_id}">.*?</figure>', html, re.S)
    figure = ET.fromstring(match.group(0))  # noqa: S314 — our own rendered markup
    return {
        (row[0].text or "").strip(): [(c.text or "").strip() for c in row[1:]] for row in figure.find(".//table/tbody")
    }


def by_testid(html, name) -> str:
    match = re.search(rf'data-testid="{name}"[^>]*>(.*?)</', html, re.S)
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def pct(part, whole):
    return round(100 * part / whole) if whole else None


def hand_counts(partnership, org_slugs=None):
    """The dashboard's numbers counted by hand; `org_slugs`: a partner coordinator's own organisations."""
    mobilities = [
        m
        for m in Mobility.objects.filter(partnership=partnership).select_related(
            "learner", "sending_organisation", "receiving_organisation"
        )
        if org_slugs is None or {m.sending_organisation.slug, m.receiving_organisation.slug} & org_slugs
    ]
    active = [m for m in mobilities if m.status != S.CANCELLED]
    learners = {m.learner.pk: m.learner for m in active}
    finished = [m for m in active if m.status in (S.COMPLETED, S.RECOGNISED)]
    # The demo's states follow its documents (check_chain): every recognised one has its recognition recorded.
    assert all(m.transcript.decision for m in finished if m.status == S.RECOGNISED)
    overdue = [
        item
        for item in ChecklistItem.objects.filter(mobility__in=active).select_related(
            "mobility__sending_organisation", "mobility__receiving_organisation"
        )
        # Open, past its date, and still able to be overdue at its mobility's stage (cancelled, stage passed).
        if item.done_at is None and item.due_date < TODAY.date() and can_be_overdue(item.category, item.mobility.status)
    ]
    acting = Counter(
        (
            i.mobility.sending_organisation if i.responsible in SENDING_ACTS else i.mobility.receiving_organisation
        ).short_name
        for i in overdue
    )
    return {
        "status": Counter(m.status for m in mobilities),
        "outgoing": Counter(m.sending_organisation.short_name for m in active),
        "incoming": Counter(m.receiving_organisation.short_name for m in active),
        "months": Counter(m.start_date.strftime("%Y-%m") for m in active),
        "learners": len(learners),
        "fewer": sum(1 for lr in learners.values() if lr.fewer_opportunities),
        "special": sum(1 for lr in learners.values() if lr.special_needs),
        "recognition": pct(sum(1 for m in finished if m.status == S.RECOGNISED), len(finished)),
        "overdue": len(overdue),
        "acting": acting,
    }


@pytest.mark.parametrize(
    ("email", "own"),
    [("coordinator@kmpmc.example", None), ("coordinator@nova.example", {"nova"})],
    ids=["project coordinator", "partner coordinator"],
)
@pytest.mark.parametrize("slug", ["vision", "vision-mobility"])
def test_dashboard_numbers_equal_hand_counts_on_the_demo(demo, client, email, own, slug):
    partnership = Partnership.objects.get(slug=slug)
    with time_machine.travel(TODAY, tick=False):
        html = dashboard_html(client, email, slug)
    hand = hand_counts(partnership, own)
    assert sum(hand["status"].values()) > 0  # the demo has mobilities in both partnerships

    status = table(html, "chart-status")
    for value, label in S.choices:
        assert status[label] == [str(hand["status"][value])], label
    direction = table(html, "chart-direction")
    for name, (out, inc) in direction.items():
        assert (int(out), int(inc)) == (hand["outgoing"][name], hand["incoming"][name]), name
    if own:
        assert set(direction) == {"Nova College"}
    months = table(html, "chart-months")
    assert {m: int(cells[-1]) for m, cells in months.items() if cells[-1] != "0"} == dict(hand["months"])
    assert by_testid(html, "learners-total") == str(hand["learners"])
    fewer_share = pct(hand["fewer"], hand["learners"])
    assert by_testid(html, "learners-fewer") == f"{hand['fewer']}" + (f" ({fewer_share} %)" if hand["learners"] else "")
    assert by_testid(html, "learners-special").startswith(str(hand["special"]))
    expected_rate = "–" if hand["recognition"] is None else f"{hand['recognition']} %"
    assert by_testid(html, "figure-recognition") == expected_rate
    assert by_testid(html, "figure-overdue") == str(hand["overdue"])
    if hand["overdue"]:
        quality = table(html, "chart-quality")
        assert {name: int(cells[0]) for name, cells in quality.items()} == dict(hand["acting"])


def test_demo_staff_training_reach_and_strategies_equal_hand_counts(demo, client):
    vision = Partnership.objects.get(slug="vision")
    with time_machine.travel(TODAY, tick=False):
        html = dashboard_html(client, "coordinator@kmpmc.example", "vision")
        overdue_now = {i.pk: i.is_overdue for i in Indicator.objects.all()}
    participants = list(
        Participant.objects.filter(event__partnership=vision, status="registered").select_related(
            "event", "organisation"
        )
    )
    present = set(Attendance.objects.filter(present=True).values_list("participant_id", flat=True))
    per_event = Counter(p.event.title for p in participants)
    attended_event = Counter(p.event.title for p in participants if p.pk in present)
    assert per_event and sum(attended_event.values()) < len(participants)  # the demo has absentees
    events = table(html, "chart-training-events")
    for title, count in per_event.items():
        assert events[title] == [str(count), str(attended_event[title])], title
    per_org = Counter(p.organisation.short_name for p in participants)
    if per_org:
        orgs = table(html, "chart-training-organisations")
        for name, count in per_org.items():
            assert orgs[name][0] == str(count)
    people = sum(a.national + a.international for a in Audience.objects.filter(event__partnership=vision))
    reach = sum(a.reach for a in Activity.objects.filter(partnership=vision))
    assert by_testid(html, "reach-people") == str(people)
    assert by_testid(html, "reach-estimate") == str(reach)
    assert by_testid(html, "reach-events") == str(DisseminationEvent.objects.filter(partnership=vision).count())
    indicators = list(
        Indicator.objects.filter(goal__strategy__partnership=vision).select_related("goal__strategy__organisation")
    )
    assert indicators  # the demo strategies have indicators
    for indicator in indicators:
        org = indicator.goal.strategy.organisation
        rows = table(html, f"chart-strategy-{org.slug}")
        baseline, current, target, progress, status = rows[indicator.name]
        assert progress == f"{indicator.progress_percent} %"
        assert status == (
            "overdue" if overdue_now[indicator.pk] else ("reached" if indicator.progress_percent >= 100 else "")
        )
        if indicator.target_value == int(indicator.target_value):
            assert target.split()[0] == str(int(indicator.target_value))
    assert date(2019, 10, 1) == vision.start_date  # the months chart spans the VISION period
    assert next(iter(table(html, "chart-months"))) == "2019-10"
