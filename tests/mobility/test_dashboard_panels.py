"""Dashboard panels of the mobility app (and the quality summary of the mobility detail page)."""

import re
from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from mobility.models import ChecklistItem, LearnerReport, MentorAssessment, Mobility
from mobility.models.checklists import Responsible
from mobility.services.checklists import DEFAULT_TEMPLATE, generate_checklist
from partners.access import get_scope
from partners.dashboard import panels_for
from partners.models.people import Role
from tests.factories import MembershipFactory
from tests.factories_mobility import ChecklistItemFactory

pytestmark = pytest.mark.django_db

# All fixture mobilities run 2021-04-12 – 2021-05-09 (m_a_to_b2 from 2021-09-06).
DURING_THE_STAY = datetime(2021, 4, 20, 10, 0, tzinfo=timezone.get_default_timezone())
freeze = time_machine.travel(DURING_THE_STAY, tick=False)


def panel(user, name):
    request = RequestFactory().get("/")
    request.user = user
    found = [p for p in panels_for(request, get_scope(user)) if p["template"].endswith(f"/{name}.html")]
    return found[0] if found else None


def section(html, testid):
    match = re.search(rf'<section[^>]*data-testid="{testid}".*?</section>', html, re.S)
    assert match, f"no section {testid}"
    return match.group(0)


def overdue_item(mobility, responsible, title, days=3):
    return ChecklistItemFactory(
        mobility=mobility, responsible=responsible, title=title, due_date=date(2021, 4, 20) - timedelta(days=days)
    )


# --- Staff -----------------------------------------------------------------------------------------------


@freeze
def test_staff_see_overdue_items_only_where_their_side_must_act(world, mob):
    overdue_item(mob.m_a_to_b, Responsible.SENDING, "A must send the insurance")  # A sends
    overdue_item(mob.m_b_to_a, Responsible.RECEIVING, "A must hold the arrival meeting")  # A hosts
    overdue_item(mob.m_a_to_b, Responsible.RECEIVING, "B must confirm accommodation")  # B hosts
    overdue_item(mob.m_a_to_b, Responsible.MENTOR, "Mentor must assess")
    ChecklistItemFactory(
        mobility=mob.m_a_to_b, responsible=Responsible.SENDING, title="Not yet due", due_date=date(2021, 5, 1)
    )
    done = overdue_item(mob.m_a_to_b, Responsible.SENDING, "Already done")
    ChecklistItem.objects.filter(pk=done.pk).update(done_at=timezone.now())

    titles = {item.title for item in panel(world.pc_a, "staff")["overdue_items"]}
    assert titles == {"A must send the insurance", "A must hold the arrival meeting"}
    titles_b = {item.title for item in panel(world.partner_b, "staff")["overdue_items"]}
    assert titles_b == {"B must confirm accommodation"}
    assert panel(world.partner_c, "staff")["overdue_items"] == []


@freeze
def test_the_overdue_list_shows_ten_oldest_items_and_the_full_count(world, mob, client_for):
    for i in range(12):
        overdue_item(mob.m_a_to_b, Responsible.SENDING, f"Item {i:02d}", days=i + 1)
    data = panel(world.pc_a, "staff")
    assert data["overdue_count"] == 12
    assert [i.title for i in data["overdue_items"]] == [f"Item {i:02d}" for i in range(11, 1, -1)]
    html = section(client_for(world.pc_a).get(reverse("home")).content.decode(), "dashboard-mobility-staff")
    assert "12 items are overdue where your organisation must act." in html
    assert "The 10 oldest are listed." in html


@freeze
def test_the_overdue_count_stops_at_99_and_says_more_than_99(world, mob, client_for):
    from partners.waiting import COUNT_CAP

    ChecklistItem.objects.bulk_create(
        [
            ChecklistItem(
                mobility=mob.m_a_to_b,
                title=f"Item {i:03d}",
                responsible=Responsible.SENDING,
                due_date=timezone.localdate() - timedelta(days=i + 1),
            )
            for i in range(COUNT_CAP + 5)
        ]
    )
    data = panel(world.pc_a, "staff")
    assert (data["overdue_count"], data["overdue_more"], len(data["overdue_items"])) == (99, True, 10)
    html = section(client_for(world.pc_a).get(reverse("home")).content.decode(), "dashboard-mobility-staff")
    assert "More than 99 items are overdue where your organisation must act." in html
    assert "The 10 oldest are listed." in html


@freeze
def test_items_of_a_cancelled_mobility_are_not_overdue(world, mob):
    overdue_item(mob.m_a_to_b, Responsible.SENDING, "Forget me")
    Mobility.objects.filter(pk=mob.m_a_to_b.pk).update(status=Mobility.Status.CANCELLED)
    assert panel(world.pc_a, "staff")["overdue_count"] == 0


def test_staff_see_counts_of_their_open_outgoing_and_incoming_mobilities_with_links(world, mob, client_for):
    Mobility.objects.filter(pk=mob.m_a_to_b2.pk).update(status=Mobility.Status.COMPLETED)
    data = panel(world.partner_b, "staff")
    assert (data["outgoing_count"], data["incoming_count"]) == (1, 1)  # B sends m_b_to_a; hosts m_a_to_b
    html = section(client_for(world.partner_b).get(reverse("home")).content.decode(), "dashboard-mobility-staff")
    assert reverse("mobility:outgoing") in html and reverse("mobility:incoming") in html


def test_mentors_and_learners_get_no_staff_panel(world, mob):
    assert panel(world.mentor_b, "staff") is None
    assert panel(world.learner_b, "staff") is None
    assert panel(world.outsider, "staff") is None


# --- Mentor ----------------------------------------------------------------------------------------------


@freeze
def test_a_mentor_sees_their_learners_with_assessment_status_and_their_overdue_items(world, mob, client_for):
    overdue_item(mob.m_a_to_b, Responsible.MENTOR, "Hold the mid-stay review")
    overdue_item(mob.m_a_to_b2, Responsible.MENTOR, "Another mentor's item")
    MentorAssessment.objects.create(mobility=mob.m_a_to_b, version=1, status=MentorAssessment.Status.DRAFT)
    html = section(client_for(world.mentor_b).get(reverse("home")).content.decode(), "dashboard-mentor")
    assert "<h2" in html and "My learners" in html
    assert "Austeja Kairyte" in html and "Jonas Petraitis" not in html  # only their own learner
    assert "Beta College" in html  # the host
    assert "Draft" in html and "version 1" in html
    assert reverse("mobility:assessment", kwargs={"code": mob.m_a_to_b.code}) in html
    assert reverse("mobility:mobility_detail", kwargs={"code": mob.m_a_to_b.code}) in html
    assert "Hold the mid-stay review" in html and "Another mentor" not in html
    assert "No learners are assigned to you yet." not in html


def test_a_mentor_without_learners_sees_the_empty_state(world, client_for):
    html = section(client_for(world.mentor_b).get(reverse("home")).content.decode(), "dashboard-mentor")
    assert "No learners are assigned to you yet." in html


# --- Learner ---------------------------------------------------------------------------------------------


@freeze
def test_a_learner_sees_their_mobility_and_what_they_must_do(world, mob, client_for):
    generate_checklist(mob.m_b_to_a)
    html = section(client_for(world.learner_b).get(reverse("home")).content.decode(), "dashboard-learner")
    assert "My mobility" in html
    assert "Mobility to Alpha VET" in html and mob.mentor_a.get_full_name() in html
    assert "Learner report filed" in html  # their checklist item
    assert "After your mobility you will be asked to file a short report." in html


def test_a_learner_is_asked_for_the_report_once_completed_and_thanked_after(world, mob, client_for):
    Mobility.objects.filter(pk=mob.m_b_to_a.pk).update(status=Mobility.Status.COMPLETED)
    client = client_for(world.learner_b)
    html = section(client.get(reverse("home")).content.decode(), "dashboard-learner")
    assert "File your learner report" in html
    assert reverse("mobility:report", kwargs={"code": mob.m_b_to_a.code}) in html
    LearnerReport.objects.create(mobility=mob.m_b_to_a, submitted_at=timezone.now())
    html = section(client.get(reverse("home")).content.decode(), "dashboard-learner")
    assert "File your learner report" not in html and "Thank you" in html


def test_a_learner_without_a_mobility_sees_the_empty_state(world, client_for):
    learner = MembershipFactory(organisation=world.org_a, role=Role.LEARNER).user
    html = section(client_for(learner).get(reverse("home")).content.decode(), "dashboard-learner")
    assert "Your mobility will appear here once your coordinator has planned it." in html


# --- The quality summary on the mobility detail page ------------------------------------------------------


@freeze
def test_the_detail_summary_shows_checklist_progress_assessment_and_report(world, mob):
    generate_checklist(mob.m_a_to_b)
    first = mob.m_a_to_b.checklist.order_by("due_date").first()
    ChecklistItem.objects.filter(pk=first.pk).update(done_at=timezone.now())
    MentorAssessment.objects.create(
        mobility=mob.m_a_to_b, version=2, status=MentorAssessment.Status.SUBMITTED, submitted_at=timezone.now()
    )
    html = render_to_string(
        "mobility/includes/detail_quality.html",
        {
            "mobility": mob.m_a_to_b,
            "can_manage": True,
            "is_mentor": False,
            "is_learner": False,
            "can_read_report": True,
        },
    )
    assert f"1 of {len(DEFAULT_TEMPLATE)} items done" in html
    assert "8 overdue" in html  # 9 items due before 20 April, one of them done
    assert "Submitted (version 2)" in html
    assert "Due after the mobility" in html
    for name in ("checklist", "assessment", "report"):
        assert reverse(f"mobility:{name}", kwargs={"code": mob.m_a_to_b.code}) in html


def test_the_detail_summary_hides_a_draft_from_the_learner_and_the_report_link_from_the_mentor(world, mob):
    MentorAssessment.objects.create(mobility=mob.m_b_to_a, version=1, status=MentorAssessment.Status.DRAFT)
    context = {"mobility": mob.m_b_to_a, "can_manage": False}
    learner_view = render_to_string(
        "mobility/includes/detail_quality.html",
        {**context, "is_mentor": False, "is_learner": True, "can_read_report": True},
    )
    assert "Not submitted yet" in learner_view and "Draft" not in learner_view
    assert "Not generated yet" in learner_view
    mentor_view = render_to_string(
        "mobility/includes/detail_quality.html",
        {**context, "is_mentor": True, "is_learner": False, "can_read_report": False},
    )
    assert "Draft in progress" in mentor_view
    assert reverse("mobility:report", kwargs={"code": mob.m_b_to_a.code}) not in mentor_view
