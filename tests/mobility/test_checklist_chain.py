"""The checklist follows the chain (issue 13, point 3): items tied to a chain event tick themselves with their
document as evidence and open again when it is withdrawn; items that cannot apply any more stop counting as
overdue; a mobility recorded after the fact asks once whether to mark the earlier items done.

The ECVET events (Learning Agreement, transcript, recognition, Europass) are driven through ecvet's services in
tests/ecvet/test_checklist_follows_chain.py; here: the service itself and mobility's own events.
"""

from datetime import date, datetime

import pytest
import time_machine
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from mobility.dashboard import overdue_items
from mobility.models import ChecklistItem, ChecklistTemplateItem, Mobility
from mobility.models.checklists import Category, ChainEvent, can_be_overdue
from mobility.services import assessments
from mobility.services.checklists import (
    DEFAULT_CHAIN_EVENTS,
    DEFAULT_TEMPLATE,
    generate_checklist,
    record_chain_event,
    set_item_done,
)
from mobility.services.reports import ensure_questions
from partners.access import get_scope
from partners.dashboard import panels_for
from partners.models import AuditEntry
from tests.factories_mobility import AssessmentItemFactory

from .forms_support import create_url, new_mobility_data

pytestmark = pytest.mark.django_db

S = Mobility.Status
# Every fixture mobility runs 2021-04-12 – 2021-05-09; this day is well after: every item is past due.
LONG_AFTER = datetime(2021, 9, 1, 10, 0, tzinfo=timezone.get_default_timezone())
after = time_machine.travel(LONG_AFTER, tick=False)
LA_URL = "/ecvet/agreements/versions/0b5c/"


def tied(mobility, event) -> ChecklistItem:
    generate_checklist(mobility)
    return mobility.checklist.get(chain_event=event)


def set_status(mobility, status):
    Mobility.objects.filter(pk=mobility.pk).update(status=status)
    mobility.refresh_from_db()
    return mobility


def item_audits(item):
    return AuditEntry.objects.filter(object_code=str(item.code)).order_by("id")


# --- The template ties its items to events -----------------------------------------------------------------


def test_the_default_template_ties_its_chain_items_and_the_checklist_copies_the_tie(world, mob):
    generate_checklist(mob.m_a_to_b)
    template = {t.title_key: t.chain_event for t in ChecklistTemplateItem.objects.filter(partnership=world.p1)}
    assert {key: event for key, event in template.items() if event} == DEFAULT_CHAIN_EVENTS
    items = {i.title_key: i.chain_event for i in mob.m_a_to_b.checklist.all()}
    assert items == template
    assert len(items) == len(DEFAULT_TEMPLATE)
    # Every event but the staff certificate and the participant's grant agreement has a default item (a grant
    # agreement is the sending school's choice of tool: a partnership ties an item to it where it uses the portal's).
    assert set(DEFAULT_CHAIN_EVENTS.values()) == set(ChainEvent.values) - {
        ChainEvent.CERTIFICATE_ISSUED,
        ChainEvent.GRANT_AGREEMENT_SIGNED,
    }


# --- record_chain_event ------------------------------------------------------------------------------------


def test_an_event_ticks_its_item_with_the_document_as_evidence_and_an_audit_row(world, mob):
    mobility = mob.m_a_to_b
    item = tied(mobility, ChainEvent.LA_SIGNED)
    other = mobility.checklist.exclude(pk=item.pk)
    changed = record_chain_event(
        mobility,
        ChainEvent.LA_SIGNED,
        done=True,
        evidence_url=LA_URL,
        document="Learning Agreement, version 1",
        by=world.pc_a,
    )
    item.refresh_from_db()
    assert changed == 1
    assert item.is_done and item.done_automatically and item.done_by == world.pc_a
    assert item.note == "Done automatically: Learning Agreement, version 1"
    assert item.evidence_url == LA_URL
    assert not other.filter(done_at__isnull=False).exists()
    entry = item_audits(item).get()
    assert entry.verb == AuditEntry.Verb.STATE_CHANGED and entry.actor == world.pc_a
    assert entry.details["chain_event"] == ChainEvent.LA_SIGNED and entry.details["to"] == "done"
    assert entry.details["evidence_url"] == LA_URL


def test_an_event_is_idempotent(world, mob):
    mobility = mob.m_a_to_b
    item = tied(mobility, ChainEvent.REPORT_FILED)
    for _ in range(2):
        record_chain_event(mobility, ChainEvent.REPORT_FILED, done=True, evidence_url="/r/", document="Report")
    assert record_chain_event(mobility, ChainEvent.REPORT_FILED, done=True, evidence_url="/r/", document="Report") == 0
    assert item_audits(item).count() == 1
    assert record_chain_event(mobility, ChainEvent.REPORT_FILED, done=False) == 1
    assert record_chain_event(mobility, ChainEvent.REPORT_FILED, done=False) == 0
    assert item_audits(item).count() == 2


def test_a_system_event_is_audited_without_an_actor(mob):
    item = tied(mob.m_a_to_b, ChainEvent.EUROPASS_ISSUED)
    record_chain_event(mob.m_a_to_b, ChainEvent.EUROPASS_ISSUED, done=True, evidence_url="/e/")
    item.refresh_from_db()
    assert item.done_by is None and item.note.startswith("Done automatically: ")
    assert item_audits(item).get().actor is None


def test_a_new_document_for_the_same_event_replaces_the_evidence_of_an_automatic_tick(world, mob):
    mobility = mob.m_a_to_b
    item = tied(mobility, ChainEvent.LA_SIGNED)
    record_chain_event(mobility, ChainEvent.LA_SIGNED, done=True, evidence_url="/v1/", document="LA v1")
    record_chain_event(mobility, ChainEvent.LA_SIGNED, done=True, evidence_url="/v2/", document="LA v2")
    item.refresh_from_db()
    assert item.is_done and item.evidence_url == "/v2/" and item.note == "Done automatically: LA v2"
    assert list(item_audits(item).values_list("verb", flat=True)) == [
        AuditEntry.Verb.STATE_CHANGED,
        AuditEntry.Verb.UPDATED,
    ]


def test_a_withdrawn_document_unticks_an_automatic_tick(world, mob):
    mobility = mob.m_a_to_b
    item = tied(mobility, ChainEvent.TRANSCRIPT_APPROVED)
    record_chain_event(mobility, ChainEvent.TRANSCRIPT_APPROVED, done=True, evidence_url="/t/", document="T")
    record_chain_event(mobility, ChainEvent.TRANSCRIPT_APPROVED, done=False, by=world.pc_a)
    item.refresh_from_db()
    assert not item.is_done and not item.done_automatically
    assert item.note == "" and item.evidence_url == ""
    last = item_audits(item).last()
    assert last.details["from"] == "done" and last.details["to"] == "open" and last.actor == world.pc_a


def test_a_withdrawn_document_leaves_a_tick_by_hand_as_it_is(world, mob):
    mobility = mob.m_a_to_b
    item = tied(mobility, ChainEvent.TRANSCRIPT_APPROVED)
    set_item_done(item, done=True, by=world.partner_b, note="Signed on paper")
    # The event neither overwrites the person's evidence nor, withdrawn, reopens their tick.
    assert record_chain_event(mobility, ChainEvent.TRANSCRIPT_APPROVED, done=True, evidence_url="/t/") == 0
    assert record_chain_event(mobility, ChainEvent.TRANSCRIPT_APPROVED, done=False) == 0
    item.refresh_from_db()
    assert item.is_done and not item.done_automatically
    assert item.note == "Signed on paper" and item.evidence_url == "" and item.done_by == world.partner_b


def test_a_person_reopening_an_automatic_tick_takes_its_link_away(world, mob):
    mobility = mob.m_a_to_b
    item = tied(mobility, ChainEvent.LA_SIGNED)
    record_chain_event(mobility, ChainEvent.LA_SIGNED, done=True, evidence_url=LA_URL, document="LA")
    set_item_done(item, done=False, by=world.pc_a, note="Not the final version")
    item.refresh_from_db()
    assert not item.is_done and not item.done_automatically and item.evidence_url == ""


def test_an_event_generates_a_checklist_not_generated_yet(mob):
    mobility = mob.m_a_to_b
    assert not mobility.checklist.exists()
    record_chain_event(mobility, ChainEvent.EUROPASS_ISSUED, done=True, evidence_url="/e/")
    assert mobility.checklist.count() == len(DEFAULT_TEMPLATE)
    assert mobility.checklist.get(chain_event=ChainEvent.EUROPASS_ISSUED).is_done


def test_an_event_without_an_item_changes_nothing(mob):
    generate_checklist(mob.m_a_to_b)
    assert record_chain_event(mob.m_a_to_b, ChainEvent.CERTIFICATE_ISSUED, done=True, evidence_url="/c/") == 0
    assert not mob.m_a_to_b.checklist.filter(done_at__isnull=False).exists()


# --- The page shows it -------------------------------------------------------------------------------------


def test_the_checklist_page_shows_the_automatic_tick_and_links_the_document(world, mob, client_for):
    mobility = mob.m_a_to_b
    generate_checklist(mobility)
    record_chain_event(mobility, ChainEvent.LA_SIGNED, done=True, evidence_url=LA_URL, document="LA v1")
    html = client_for(world.pc_a).get(reverse("mobility:checklist", kwargs={"code": mobility.code})).content.decode()
    assert f'href="{LA_URL}" data-testid="evidence-link"' in html
    assert "Done automatically: LA v1" in html
    assert 'data-testid="done-automatically"' in html


def test_the_report_link_is_shown_only_to_those_who_may_read_the_report(world, mob, client_for):
    mobility = mob.m_a_to_b
    report_url = reverse("mobility:report", kwargs={"code": mobility.code})
    generate_checklist(mobility)
    record_chain_event(mobility, ChainEvent.REPORT_FILED, done=True, evidence_url=report_url, document="Report")
    page = reverse("mobility:checklist", kwargs={"code": mobility.code})
    assert f'href="{report_url}" data-testid="evidence-link"' in client_for(world.pc_a).get(page).content.decode()
    # The mentor reads the checklist, not the learner's report (it rates the host).
    assert f'href="{report_url}"' not in client_for(world.mentor_b).get(page).content.decode()


# --- mobility's own events ---------------------------------------------------------------------------------


def _assessment_input(items):
    return assessments.AssessmentInput(
        overall_comment="Good",
        results={
            i.pk: assessments.ResultInput(result="achieved", method="Observation", assessed_on=date(2021, 5, 7))
            for i in items
        },
        ratings={skill: assessments.RatingInput(rating=3) for skill in assessments.SoftSkill},
    )


@after
def test_submitting_the_assessment_ticks_assessment_done_and_a_correction_opens_it_again(world, mob):
    mobility = mob.m_b_to_a
    items = [AssessmentItemFactory(mobility=mobility, text="Performs a facial", order=1)]
    submitted = assessments.submit_assessment(mobility, by=mob.mentor_a, data=_assessment_input(items))
    item = mobility.checklist.get(chain_event=ChainEvent.ASSESSMENT_SUBMITTED)
    assert item.title == "Assessment done" and item.is_done and item.done_automatically
    assert item.evidence_url == reverse("mobility:assessment_version", kwargs={"code": submitted.code})
    assert item.done_by == mob.mentor_a
    assessments.start_correction(mobility, by=mob.mentor_a, reason="Wrong date")
    item.refresh_from_db()
    assert not item.is_done
    corrected = assessments.submit_assessment(mobility, by=mob.mentor_a, data=_assessment_input(items))
    item.refresh_from_db()
    assert item.is_done and item.evidence_url.endswith(f"{corrected.code}/")


@after
def test_filing_the_learner_report_ticks_learner_report_filed(world, mob, client_for):
    mobility = set_status(mob.m_b_to_a, S.COMPLETED)
    questions = ensure_questions(mobility.partnership)
    answers = {f"q_{q.pk}": (4 if q.kind == "scale" else "Great salon") for q in questions}
    url = reverse("mobility:report", kwargs={"code": mobility.code})
    assert client_for(world.learner_b).post(url, answers).status_code == 302
    item = mobility.checklist.get(chain_event=ChainEvent.REPORT_FILED)
    assert item.is_done and item.done_automatically and item.evidence_url == url
    assert item.done_by == world.learner_b


# --- Not overdue when it cannot apply ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "counting"),
    [
        (S.DRAFT, set(Category.values)),
        (S.IN_MOBILITY, set(Category.values)),
        (S.COMPLETED, set(Category.values) - {Category.PREPARATION, Category.ARRIVAL, Category.MONITORING}),
        (S.RECOGNISED, set()),
        (S.CANCELLED, set()),
    ],
)
def test_which_categories_can_still_be_overdue_follows_the_mobility_status(status, counting):
    assert {c for c in Category.values if can_be_overdue(c, status)} == counting


@after
@pytest.mark.parametrize("status", [S.CANCELLED, S.RECOGNISED])
def test_no_item_of_a_cancelled_or_recognised_mobility_counts_as_overdue(world, mob, status):
    mobility = mob.m_a_to_b
    generate_checklist(mobility)
    assert overdue_items(ChecklistItem.objects.filter(mobility=mobility)).count() == len(DEFAULT_TEMPLATE)
    set_status(mobility, status)
    assert not overdue_items(ChecklistItem.objects.filter(mobility=mobility)).exists()
    items = list(mobility.checklist.all())
    assert not any(i.is_overdue for i in items) and all(i.stage_passed for i in items)


@after
def test_a_completed_mobility_stops_counting_its_preparation_arrival_and_monitoring_items(world, mob):
    mobility = set_status(mob.m_a_to_b, S.COMPLETED)
    generate_checklist(mobility)
    overdue = {i.category for i in overdue_items(ChecklistItem.objects.filter(mobility=mobility))}
    assert overdue == {
        Category.INCIDENTS,
        Category.ASSESSMENT,
        Category.DEBRIEFING,
        Category.RECOGNITION,
        Category.DOCUMENTATION,
    }
    assert {i.category for i in mobility.checklist.all() if i.is_overdue} == overdue


def staff_panel(user):
    request = RequestFactory().get("/")
    request.user = user
    return next(p for p in panels_for(request, get_scope(user)) if p["template"].endswith("/staff.html"))


@after
def test_the_dashboard_no_longer_counts_the_items_of_a_recognised_mobility(world, mob):
    # A is the sender of m_a_to_b: its "Learning outcomes recognised" and "Europass Mobility issued" are A's.
    generate_checklist(mob.m_a_to_b)
    generate_checklist(mob.m_b_to_a)
    before = staff_panel(world.pc_a)
    assert {"Learning outcomes recognised", "Europass Mobility issued"} <= {
        i.title for i in overdue_items(ChecklistItem.objects.filter(mobility=mob.m_a_to_b, responsible="sending"))
    }
    set_status(mob.m_a_to_b, S.RECOGNISED)
    later = staff_panel(world.pc_a)
    assert (
        later["overdue_count"] == before["overdue_count"] - mob.m_a_to_b.checklist.filter(responsible="sending").count()
    )
    assert all(i.mobility_id != mob.m_a_to_b.pk for i in later["overdue_items"])
    assert later["overdue_count"] > 0  # m_b_to_a, hosted by A, still has A's overdue items


# --- A mobility recorded after the fact --------------------------------------------------------------------


def test_the_create_form_asks_whether_to_mark_the_earlier_items_done(world, client_for):
    html = client_for(world.pc_a).get(create_url()).content.decode()
    assert 'name="mark_earlier_items_done"' in html
    assert "mark the checklist items due before today as done" in html


def test_the_edit_form_does_not_ask(world, mob, client_for):
    url = reverse("mobility:mobility_edit", kwargs={"code": mob.m_a_to_b.code})
    assert 'name="mark_earlier_items_done"' not in client_for(world.pc_a).get(url).content.decode()


@after
def test_a_past_dated_mobility_with_the_box_ticked_gets_its_earlier_items_marked_done(world, mob, client_for):
    data = new_mobility_data(
        mob.learner_a2,
        world.p1,
        world.org_b,
        start_date="2021-08-16",
        end_date="2021-09-10",
        mark_earlier_items_done="on",
    )
    response = client_for(world.pc_a).post(create_url(), data, follow=True)
    assert response.status_code == 200
    mobility = Mobility.objects.get(learner=mob.learner_a2, start_date=date(2021, 8, 16))
    today = timezone.localdate()
    items = list(mobility.checklist.all())
    earlier = [i for i in items if i.due_date < today]
    later = [i for i in items if i.due_date >= today]
    assert earlier and later
    assert all(i.is_done and not i.done_automatically and i.done_by == world.pc_a for i in earlier)
    assert all(i.note == "Marked done when the mobility was recorded after the fact" for i in earlier)
    assert not any(i.is_done for i in later)
    assert not any(i.is_overdue for i in items)
    assert f"{len(earlier)} checklist items due before today were marked as done." in response.content.decode()
    assert AuditEntry.objects.filter(
        object_code__in=[str(i.code) for i in earlier], details__recorded_after_the_fact=True
    ).count() == len(earlier)


@after
def test_a_past_dated_mobility_without_the_box_keeps_its_items_open(world, mob, client_for):
    data = new_mobility_data(mob.learner_a2, world.p1, world.org_b, start_date="2021-08-16", end_date="2021-09-10")
    assert client_for(world.pc_a).post(create_url(), data).status_code == 302
    mobility = Mobility.objects.get(learner=mob.learner_a2, start_date=date(2021, 8, 16))
    assert not mobility.checklist.filter(done_at__isnull=False).exists()
    assert any(i.is_overdue for i in mobility.checklist.all())


@after
def test_the_box_ticked_for_a_stay_still_to_come_marks_nothing(world, mob, client_for):
    data = new_mobility_data(
        mob.learner_a2,
        world.p1,
        world.org_b,
        start_date="2022-03-07",
        end_date="2022-04-01",
        mark_earlier_items_done="on",
    )
    assert client_for(world.pc_a).post(create_url(), data).status_code == 302
    mobility = Mobility.objects.get(learner=mob.learner_a2, start_date=date(2022, 3, 7))
    assert not mobility.checklist.filter(done_at__isnull=False).exists()
