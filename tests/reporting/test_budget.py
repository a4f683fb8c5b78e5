"""The budget figures (reporting.services.budget) against hand-computed amounts.

The cast (`build_budget` on top of the partners `world`; the other budget test modules reuse it):
P1 = A (coordinator) + B, EU grant 136,836. No organisation has coordinates, so training travel is 0.

Learner mobility (2019 tables: 28 days + 2 travel days = 30 funded days = 14 × 55 + 16 × 40 = 1,410 support):
  m_a_draft      A sends, draft, 1,500 km (band 275)        → A planned 1,685
  m_a_done       A sends, completed, 1,500 km                → A spent 1,685
  m_b_recog      B sends, recognised, 1,500 km               → B spent 1,685
  m_b_cancel     B sends, cancelled                          → not counted
  m_b_away       B sends, in mobility, 50 km (band 20)       → B committed 1,430
  m_c            C sends in P2                               → not in P1
Training events of P1 hosted by A, on site, 3 days (3 × 100 staff support = 300 per participant), today 2022-01-15:
  ev_past        2021-10-04…06, attendance recorded: pa1 (A) and pb1 (B) attended → spent 300 each;
                 pb2 (B) marked absent → not counted
  ev_unmarked    2021-11-08…10, no attendance recorded: pb3 (B) → committed 300
  ev_future      2022-03-01…03: pa2 (A) → committed 300; pb4 (B) cancelled → not counted
Recorded costs: A meetings 1,000 unpaid (committed), A meetings 500 paid (spent), B dissemination 250.50 paid,
B mobility 100 unpaid (committed); C in P2 999 (not in P1).
Allocations: A management 10,000, meetings 5,000, mobility 20,000, training 3,000; B mobility 15,000,
training 1,000, dissemination 2,000 (56,000 in all: 80,836 of the grant not allocated).
"""

from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mobility.models import MentorAssessment, Mobility
from partners.models import PartnershipMember
from partners.models.people import Role
from reporting import access
from reporting.models import KA2_LINES, BudgetLine, Cost, GrantAllocation
from reporting.services import budget as services
from tests.factories import MembershipFactory, PartnershipFactory
from tests.factories_mobility import LearnerFactory, MentorAssessmentFactory, MobilityFactory
from training_events.models import Attendance, Participant, Session, TrainingEvent

TODAY = date(2022, 1, 15)
L = BudgetLine
D = Decimal


@dataclass
class BudgetWorld:
    mobilities: dict
    events: dict
    participants: dict
    costs: dict


def mobility(partnership, sender, receiver, status, distance=1500, **fields):
    learner = LearnerFactory(home_organisation=sender)
    m = MobilityFactory(
        learner=learner,
        partnership=partnership,
        receiving_organisation=receiver,
        status=status,
        distance_km=distance,
        **fields,
    )
    if status in (Mobility.Status.COMPLETED, Mobility.Status.RECOGNISED):
        finished(m)
    return m


def finished(m):
    """A finished stay has its mentor's assessment submitted (what lets it count as completed)."""
    MentorAssessmentFactory(mobility=m, status=MentorAssessment.Status.SUBMITTED)


def set_status(m, status):
    Mobility.objects.filter(pk=m.pk).update(status=status)
    m.refresh_from_db()
    if status in (Mobility.Status.COMPLETED, Mobility.Status.RECOGNISED) and not m.assessments.exists():
        finished(m)


def event(partnership, host, start, **fields):
    return TrainingEvent.objects.create(
        partnership=partnership,
        host_organisation=host,
        title=fields.pop("title", f"Event {start}"),
        start_date=start,
        end_date=start.replace(day=start.day + 2),
        **fields,
    )


def participant(ev, organisation, name, status=Participant.Status.REGISTERED):
    return Participant.objects.create(
        event=ev,
        organisation=organisation,
        first_name=name,
        last_name="Staff",
        email=f"{name.lower()}-{ev.pk}@example.org",
        status=status,
    )


def cost(partnership, organisation, line, amount, paid=None, incurred=date(2021, 5, 3), **fields):
    return Cost.objects.create(
        partnership=partnership,
        organisation=organisation,
        line=line,
        description=fields.pop("description", f"{line} {amount}"),
        amount=D(amount),
        incurred_on=incurred,
        paid_on=paid,
        **fields,
    )


def build_budget(world) -> BudgetWorld:
    S = Mobility.Status
    p1, a, b, c = world.p1, world.org_a, world.org_b, world.org_c
    mobilities = {
        "m_a_draft": mobility(p1, a, b, S.DRAFT),
        "m_a_done": mobility(p1, a, b, S.COMPLETED),
        "m_b_recog": mobility(p1, b, a, S.RECOGNISED),
        "m_b_cancel": mobility(p1, b, a, S.CANCELLED),
        "m_b_away": mobility(p1, b, a, S.IN_MOBILITY, distance=50),
        "m_c": mobility(world.p2, c, c, S.COMPLETED),
    }
    ev_past = event(p1, a, date(2021, 10, 4), title="Quality assurance")
    ev_unmarked = event(p1, a, date(2021, 11, 8), title="Mentoring")
    ev_future = event(p1, a, date(2022, 3, 1), title="ECVET instruments")
    participants = {
        "pa1": participant(ev_past, a, "Ona"),
        "pb1": participant(ev_past, b, "Sanne"),
        "pb2": participant(ev_past, b, "Daan"),
        "pb3": participant(ev_unmarked, b, "Eva"),
        "pa2": participant(ev_future, a, "Jonas"),
        "pb4": participant(ev_future, b, "Lotte", status=Participant.Status.CANCELLED),
    }
    session = Session.objects.create(
        event=ev_past, day=ev_past.start_date, start_time=time(9), end_time=time(12), title="Opening"
    )
    for name, present in (("pa1", True), ("pb1", True), ("pb2", False)):
        Attendance.objects.create(participant=participants[name], session=session, present=present)
    costs = {
        "a_meeting_open": cost(p1, a, L.MEETINGS, "1000", description="Kick-off venue"),
        "a_meeting_paid": cost(p1, a, L.MEETINGS, "500", paid=date(2021, 6, 1), description="Catering"),
        "b_dissemination": cost(p1, b, L.DISSEMINATION, "250.50", paid=date(2021, 6, 2), description="Leaflets"),
        "b_mobility": cost(p1, b, L.MOBILITY, "100", description="Insurance"),
        "c_cost": cost(world.p2, c, L.MEETINGS, "999", description="Gamma meeting"),
    }
    for org, line, amount in (
        (a, L.MANAGEMENT, "10000"),
        (a, L.MEETINGS, "5000"),
        (a, L.MOBILITY, "20000"),
        (a, L.TRAINING, "3000"),
        (b, L.MOBILITY, "15000"),
        (b, L.TRAINING, "1000"),
        (b, L.DISSEMINATION, "2000"),
    ):
        GrantAllocation.objects.create(partnership=p1, organisation=org, line=line, amount=D(amount))
    events = {"ev_past": ev_past, "ev_unmarked": ev_unmarked, "ev_future": ev_future}
    return BudgetWorld(mobilities=mobilities, events=events, participants=participants, costs=costs)


@pytest.fixture
def bud(world) -> BudgetWorld:
    return build_budget(world)


def cells(result):
    """{org short name: {line: (allocated, planned, committed, spent, remaining)}}"""
    return {
        org.organisation.short_name: {
            line: (f.allocated, f.planned, f.committed, f.spent, f.remaining) for line, f in org.lines.items()
        }
        for org in result.organisations
    }


def test_project_coordinator_sees_every_line_of_every_organisation(world, bud):
    result = services.budget_for(world.p1, world.pc_a, today=TODAY)
    assert result.sees_all
    table = cells(result)
    assert list(table) == ["Alpha VET", "Beta College"]
    assert table["Alpha VET"] == {
        L.MANAGEMENT: (D("10000"), 0, 0, 0, D("10000")),
        L.MEETINGS: (D("5000"), 0, D("1000"), D("500"), D("3500")),
        L.TRAINING: (D("3000"), 0, D("300"), D("300"), D("2400")),
        L.MOBILITY: (D("20000"), D("1685"), 0, D("1685"), D("16630")),  # the draft is planned, not committed
        L.DISSEMINATION: (0, 0, 0, 0, 0),
        L.EXCEPTIONAL: (0, 0, 0, 0, 0),
    }
    assert table["Beta College"] == {
        L.MANAGEMENT: (0, 0, 0, 0, 0),
        L.MEETINGS: (0, 0, 0, 0, 0),
        L.TRAINING: (D("1000"), 0, D("300"), D("300"), D("400")),
        L.MOBILITY: (D("15000"), 0, D("1530"), D("1685"), D("11785")),
        L.DISSEMINATION: (D("2000"), 0, 0, D("250.50"), D("1749.50")),
        L.EXCEPTIONAL: (0, 0, 0, 0, 0),
    }


def test_totals_per_line_per_organisation_and_for_the_partnership(world, bud):
    result = services.budget_for(world.p1, world.pc_a, today=TODAY)
    by_line = {line: (f.allocated, f.planned, f.committed, f.spent) for line, _label, f in result.by_line}
    assert by_line[L.MOBILITY] == (D("35000"), D("1685"), D("1530"), D("3370"))
    assert by_line[L.TRAINING] == (D("4000"), 0, D("600"), D("600"))
    assert by_line[L.MEETINGS] == (D("5000"), 0, D("1000"), D("500"))
    a, b = result.organisations
    assert (a.total.allocated, a.total.planned, a.total.committed, a.total.spent) == (
        D("38000"),
        D("1685"),
        D("1300"),
        D("2485"),
    )
    assert (b.total.allocated, b.total.committed, b.total.spent) == (D("18000"), D("1830"), D("2235.50"))
    total = result.total
    assert (total.allocated, total.planned, total.committed, total.spent, total.remaining) == (
        D("56000"),
        D("1685"),
        D("3130"),
        D("4720.50"),
        D("46464.50"),
    )
    matrix = result.matrix()
    assert [row[0] for row in matrix] == list(KA2_LINES)
    mobility_row = dict((row[0], row) for row in matrix)[L.MOBILITY]
    assert [f.spent for f in mobility_row[2]] == [D("1685"), D("1685")]


def test_the_grant_check_reports_what_is_not_allocated(world, bud):
    result = services.budget_for(world.p1, world.pc_a, today=TODAY)
    assert result.eu_grant == D("136836")
    assert result.allocated_in_total == D("56000")
    assert result.grant_difference == D("80836")
    assert not result.allocations_match_grant and not result.over_allocated


def test_allocations_adding_up_to_the_grant_match(world, bud):
    GrantAllocation.objects.create(
        partnership=world.p1, organisation=world.org_a, line=L.EXCEPTIONAL, amount=D("80836")
    )
    result = services.budget_for(world.p1, world.pc_a, today=TODAY)
    assert result.allocations_match_grant


def test_over_allocation_is_flagged(world, bud):
    world.p1.eu_grant = D("50000")
    world.p1.save(update_fields=["eu_grant"])
    result = services.budget_for(world.p1, world.pc_a, today=TODAY)
    assert result.over_allocated and result.unallocated == D("6000")


def test_partner_sees_only_their_own_organisation(world, bud):
    result = services.budget_for(world.p1, world.partner_b, today=TODAY)
    assert not result.sees_all
    assert [o.organisation for o in result.organisations] == [world.org_b]
    assert result.total.spent == D("2235.50")
    assert result.allocated_in_total == D("18000")  # only what they see: no other partner's split


def test_cancelled_mobilities_and_other_partnerships_are_not_counted(world, bud):
    set_status(bud.mobilities["m_b_recog"], Mobility.Status.CANCELLED)
    result = services.budget_for(world.p1, world.pc_a, today=TODAY)
    assert result.organisations[1].lines[L.MOBILITY].spent == D("0")
    p2 = services.budget_for(world.p2, world.admin, today=TODAY)
    assert p2.organisations[0].lines[L.MOBILITY].spent == D("1685")
    assert p2.organisations[0].lines[L.MEETINGS].committed == D("999")


def test_mobility_counts_for_the_sending_organisation_as_it_moves_on(world, bud):
    m = bud.mobilities["m_a_draft"]  # A sends to B
    result = services.budget_for(world.p1, world.pc_a, today=TODAY)
    assert result.organisations[0].lines[L.MOBILITY].planned == D("1685")
    set_status(m, Mobility.Status.AGREED)
    result = services.budget_for(world.p1, world.pc_a, today=TODAY)
    assert (result.organisations[0].lines[L.MOBILITY].planned, result.organisations[0].lines[L.MOBILITY].committed) == (
        0,
        D("1685"),
    )
    set_status(m, Mobility.Status.COMPLETED)
    result = services.budget_for(world.p1, world.pc_a, today=TODAY)
    a, b = result.organisations
    assert (a.lines[L.MOBILITY].committed, a.lines[L.MOBILITY].spent) == (0, D("3370"))
    assert b.lines[L.MOBILITY].spent == D("1685")  # B is the host here: unchanged


def test_a_running_training_event_is_committed_until_it_ends(world, bud):
    during = services.budget_for(world.p1, world.pc_a, today=date(2022, 3, 3))  # the last day
    assert during.organisations[0].lines[L.TRAINING].committed == D("300")
    after = services.budget_for(world.p1, world.pc_a, today=date(2022, 3, 4))
    # Ended, but its attendance is not recorded yet: still committed.
    assert after.organisations[0].lines[L.TRAINING].committed == D("300")
    session = Session.objects.create(
        event=bud.events["ev_future"], day=date(2022, 3, 1), start_time=time(9), end_time=time(10), title="Intro"
    )
    Attendance.objects.create(participant=bud.participants["pa2"], session=session, present=True)
    recorded = services.budget_for(world.p1, world.pc_a, today=date(2022, 3, 4))
    training = recorded.organisations[0].lines[L.TRAINING]
    assert (training.committed, training.spent) == (0, D("600"))


def test_absentees_of_an_ended_event_are_not_counted(world, bud):
    Attendance.objects.filter(participant=bud.participants["pb2"]).update(present=True)
    result = services.budget_for(world.p1, world.pc_a, today=TODAY)
    assert result.organisations[1].lines[L.TRAINING].spent == D("600")


def test_paying_a_cost_moves_it_from_committed_to_spent(world, bud):
    open_cost = bud.costs["a_meeting_open"]
    open_cost.paid_on = date(2021, 7, 1)
    open_cost.save(update_fields=["paid_on"])
    result = services.budget_for(world.p1, world.pc_a, today=TODAY)
    meetings = result.organisations[0].lines[L.MEETINGS]
    assert (meetings.committed, meetings.spent, meetings.remaining) == (0, D("1500"), D("3500"))


def test_overspending_a_line_shows_a_negative_remainder(world, bud):
    cost(world.p1, world.org_a, L.MEETINGS, "4000", description="Big meeting")
    meetings = services.budget_for(world.p1, world.pc_a, today=TODAY).organisations[0].lines[L.MEETINGS]
    assert meetings.remaining == D("-500") and meetings.over and meetings.overrun == D("500")
    assert (meetings.bar_spent, meetings.bar_committed, meetings.used_percent) == (10, 90, 110)


def test_nobody_outside_the_partnerships_staff_gets_figures(world, bud):
    for user in (world.mentor_b, world.learner_b, world.outsider, world.partner_c):
        with pytest.raises(PermissionDenied):
            services.budget_for(world.p1, user, today=TODAY)


def test_queries_do_not_grow_with_mobilities_participants_and_costs(world, bud):
    def count():
        user = type(world.pc_a).objects.get(pk=world.pc_a.pk)  # a fresh scope cache
        with CaptureQueriesContext(connection) as ctx:
            services.budget_for(world.p1, user, today=TODAY)
        return len(ctx.captured_queries)

    count()  # the first reads the funding rules' rows; later ones take them from the cache
    small = count()
    for n in range(15):
        mobility(world.p1, world.org_a, world.org_b, Mobility.Status.AGREED)
        participant(bud.events["ev_past"], world.org_b, f"Extra{n}")
        cost(world.p1, world.org_b, L.MANAGEMENT, "10")
    assert count() == small
    assert small <= 12


def test_recording_rights(world, bud):
    assert access.recording_organisation_ids(world.pc_a, world.p1) == {world.org_a.pk, world.org_b.pk}
    assert access.recording_organisation_ids(world.partner_b, world.p1) == {world.org_b.pk}
    assert access.recording_organisation_ids(world.mentor_b, world.p1) == set()
    no_right = MembershipFactory(
        organisation=world.org_b, role=Role.PARTNER_COORDINATOR, can_manage_organisation=False
    ).user
    assert access.recording_organisation_ids(no_right, world.p1) == set()


def test_a_right_delegated_by_another_partnership_does_not_open_this_one(world, bud):
    # P3 is coordinated by C, with A and B as partners: pc_a coordinates B in P1, not in P3.
    p3 = PartnershipFactory(slug="p3", coordinator=world.org_c, partners=[world.org_a, world.org_b])
    assert PartnershipMember.objects.filter(partnership=p3).count() == 3
    assert access.recording_organisation_ids(world.pc_a, p3) == {world.org_a.pk}
    shown = services.budget_for(p3, world.pc_a, today=TODAY)
    assert [o.organisation for o in shown.organisations] == [world.org_a]
