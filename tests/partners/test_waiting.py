"""What waits for each person (issue 13, point 5): the providers of partners.waiting and the page.

On the partners `world` (tests/conftest.py): P1 = A (coordinator, pc_a) + B (partner_b, mentor_b,
learner_b); P2 = C (partner_c). `learner_b` has a learner record at B; B sends them to A.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ecvet.models import Approval, LearningAgreementUnit
from ecvet.services import agreements
from ecvet.services.approvals import current_sha256, decide
from mobility.models import MentorAssessment, Mobility
from partners.views.waiting import GROUP_LIMIT
from partners.waiting import items_for
from tests.factories_ecvet import QualificationFactory, UnitFactory
from tests.factories_mobility import ChecklistItemFactory, LearnerFactory, LearnerReportFactory, MobilityFactory
from training_events.models import EvaluationQuestion, EvaluationResponse, Participant, TrainingEvent

EVERYONE = ("pc_a", "partner_b", "partner_c", "mentor_b", "learner_b", "outsider", "admin")


def today():
    return timezone.localdate()


def kinds(user) -> list[tuple[str, str]]:
    return [(item.kind, item.url) for item in items_for(user)]


def nobody_else(world, *who, url):
    for name in EVERYONE:
        if name not in who:
            assert url not in [i.url for i in items_for(getattr(world, name))], name


@pytest.fixture
def learner_b1(world):
    return LearnerFactory(home_organisation=world.org_b, user=world.learner_b, first_name="Lina", last_name="Bakker")


def stay(world, learner, *, status=Mobility.Status.IN_MOBILITY, ends_in=-3, **kwargs) -> Mobility:
    """A mobility B → A of P1, mentored by mentor_b, that ends `ends_in` days from today."""
    end = today() + timedelta(days=ends_in)
    mobility = MobilityFactory(
        learner=learner,
        partnership=world.p1,
        receiving_organisation=world.org_a,
        mentor=world.mentor_b,
        start_date=end - timedelta(days=27),
        end_date=end,
        **kwargs,
    )
    Mobility.objects.filter(pk=mobility.pk).update(status=status)
    mobility.refresh_from_db()
    return mobility


def assessment_url(mobility) -> str:
    return reverse("mobility:assessment", kwargs={"code": mobility.code})


# --- providers, by role ----------------------------------------------------------------------------------


def test_the_mentor_is_asked_for_the_assessment_of_a_stay_that_ended_until_it_is_submitted(world, learner_b1):
    mobility = stay(world, learner_b1, ends_in=-3)
    assert kinds(world.mentor_b) == [("assessment", assessment_url(mobility))]
    (item,) = items_for(world.mentor_b)
    assert item.due == mobility.end_date and "Lina Bakker" in item.title
    nobody_else(world, "mentor_b", url=assessment_url(mobility))
    MentorAssessment.objects.create(
        mobility=mobility, assessor=world.mentor_b, status=MentorAssessment.Status.SUBMITTED
    )
    assert kinds(world.mentor_b) == []


def test_an_assessment_is_due_a_week_before_the_end_and_not_for_draft_or_cancelled_stays(world, learner_b1):
    soon = stay(world, learner_b1, ends_in=5)
    later = stay(world, LearnerFactory(home_organisation=world.org_b), ends_in=10)
    draft = stay(world, LearnerFactory(home_organisation=world.org_b), status=Mobility.Status.DRAFT)
    cancelled = stay(world, LearnerFactory(home_organisation=world.org_b), status=Mobility.Status.CANCELLED)
    urls = [url for _kind, url in kinds(world.mentor_b)]
    assert assessment_url(soon) in urls
    for mobility in (later, draft, cancelled):
        assert assessment_url(mobility) not in urls


def test_an_overdue_checklist_item_waits_for_whoever_must_act_on_it(world, learner_b1):
    mobility = stay(world, learner_b1, ends_in=10)
    overdue = today() - timedelta(days=2)
    items = {
        who: ChecklistItemFactory(mobility=mobility, responsible=responsible, due_date=overdue)
        for who, responsible in (
            ("partner_b", "sending"),
            ("pc_a", "receiving"),
            ("mentor_b", "mentor"),
            ("learner_b", "learner"),
        )
    }
    for who, item in items.items():
        url = reverse("mobility:checklist_item", kwargs={"code": item.code})
        assert kinds(getattr(world, who)) == [("checklist", url)], who
        # pc_a coordinates P1 but holds B's rights only by delegation: B's items stay with B.
        nobody_else(world, who, url=url)


def test_a_checklist_item_not_yet_due_done_or_of_a_cancelled_mobility_does_not_wait(world, learner_b1):
    mobility = stay(world, learner_b1, ends_in=10)
    ChecklistItemFactory(mobility=mobility, responsible="sending", due_date=today() + timedelta(days=1))
    ChecklistItemFactory(
        mobility=mobility, responsible="sending", due_date=today() - timedelta(days=1), done_at=timezone.now()
    )
    cancelled = stay(world, LearnerFactory(home_organisation=world.org_b), status=Mobility.Status.CANCELLED)
    ChecklistItemFactory(mobility=cancelled, responsible="sending", due_date=today() - timedelta(days=1))
    assert kinds(world.partner_b) == []


def test_the_learner_is_asked_for_their_report_once_the_mobility_is_completed_until_they_file_it(world, learner_b1):
    mobility = stay(world, learner_b1, status=Mobility.Status.IN_MOBILITY)
    report_url = reverse("mobility:report", kwargs={"code": mobility.code})
    assert ("report", report_url) not in kinds(world.learner_b)
    Mobility.objects.filter(pk=mobility.pk).update(status=Mobility.Status.COMPLETED)
    assert ("report", report_url) in kinds(world.learner_b)
    nobody_else(world, "learner_b", url=report_url)
    draft = LearnerReportFactory(mobility=mobility)
    assert ("report", report_url) in kinds(world.learner_b)  # started, not submitted
    draft.submitted_at = timezone.now()
    draft.save()
    assert ("report", report_url) not in kinds(world.learner_b)


def test_a_participant_is_asked_to_evaluate_an_event_once_it_is_over_until_they_answer(world):
    event = TrainingEvent.objects.create(
        partnership=world.p1,
        host_organisation=world.org_a,
        title="Quality in mobility",
        start_date=today() - timedelta(days=3),
        end_date=today() - timedelta(days=1),
    )
    EvaluationQuestion.objects.create(event=event, order=1, text="How useful was it?")
    participant = Participant.objects.create(
        event=event, organisation=world.org_b, user=world.partner_b, first_name="P", last_name="B", email="p@b.org"
    )
    answer_url = reverse("training_events:evaluation_answer", kwargs={"code": event.code})
    assert kinds(world.partner_b) == [("evaluation", answer_url)]
    nobody_else(world, "partner_b", url=answer_url)
    EvaluationResponse.objects.create(event=event, participant=participant)
    assert kinds(world.partner_b) == []


def test_an_event_still_running_or_without_questions_asks_for_no_evaluation(world):
    running = TrainingEvent.objects.create(
        partnership=world.p1,
        host_organisation=world.org_a,
        title="Running",
        start_date=today() - timedelta(days=1),
        end_date=today() + timedelta(days=1),
    )
    EvaluationQuestion.objects.create(event=running, order=1, text="How useful was it?")
    silent = TrainingEvent.objects.create(
        partnership=world.p1,
        host_organisation=world.org_a,
        title="No questions",
        start_date=today() - timedelta(days=3),
        end_date=today() - timedelta(days=1),
    )
    for event in (running, silent):
        Participant.objects.create(
            event=event, organisation=world.org_b, user=world.partner_b, first_name="P", last_name="B", email="p@b.org"
        )
    assert kinds(world.partner_b) == []


def test_a_learning_agreement_sent_for_approval_waits_for_each_party_until_it_has_approved(world, learner_b1):
    mobility = stay(world, learner_b1, status=Mobility.Status.PLANNED, ends_in=60)
    qualification = QualificationFactory(organisation=world.org_b)
    _agreement, draft = agreements.start_agreement(mobility, by=world.partner_b, qualification=qualification)
    LearningAgreementUnit.objects.create(
        version=draft,
        unit=UnitFactory(qualification=qualification),
        ecvet_points=Decimal("3"),
        learning_outcomes="Analyses the skin",
    )
    version = agreements.send_for_approval(draft, by=world.partner_b)
    url = version.agreement.get_absolute_url()
    for who in ("learner_b", "partner_b", "pc_a"):
        assert ("approval", url) in kinds(getattr(world, who)), who
    nobody_else(world, "learner_b", "partner_b", "pc_a", url=url)
    decide(
        version,
        party_key="learner",
        by=world.learner_b,
        expected_sha256=current_sha256(version),
        decision=Approval.Decision.APPROVED,
    )
    assert ("approval", url) not in kinds(world.learner_b)
    assert ("approval", url) in kinds(world.partner_b)


# --- the page --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", EVERYONE)
def test_everyone_signed_in_opens_their_waiting_page(world, client_for, who):
    response = client_for(getattr(world, who)).get(reverse("partners:waiting"))
    assert response.status_code == 200
    assert 'data-testid="waiting-none"' in response.content.decode()


def test_the_waiting_page_asks_anonymous_visitors_to_sign_in(world, client_for):
    response = client_for(None).get(reverse("partners:waiting"))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


def test_the_page_lists_each_kind_under_its_heading_with_links_to_own_items_only(world, learner_b1, client_for):
    mobility = stay(world, learner_b1, ends_in=-2)
    mine = ChecklistItemFactory(mobility=mobility, responsible="mentor", due_date=today() - timedelta(days=1))
    theirs = ChecklistItemFactory(mobility=mobility, responsible="sending", due_date=today() - timedelta(days=1))
    page = client_for(world.mentor_b).get(reverse("partners:waiting")).content.decode()
    assert 'id="waiting-assessment-heading"' in page and 'id="waiting-checklist-heading"' in page
    assert page.index("waiting-assessment-heading") < page.index("waiting-checklist-heading")
    assert f'href="{assessment_url(mobility)}"' in page
    assert f'href="{reverse("mobility:checklist_item", kwargs={"code": mine.code})}"' in page
    assert reverse("mobility:checklist_item", kwargs={"code": theirs.code}) not in page
    assert mine.title in page and theirs.title not in page


def test_the_profile_page_links_to_the_waiting_page(world, client_for):
    page = client_for(world.learner_b).get(reverse("partners:profile")).content.decode()
    assert f'href="{reverse("partners:waiting")}"' in page


def test_a_long_group_is_cut_with_a_link_to_show_it_all(world, learner_b1, client_for):
    mobility = stay(world, learner_b1, ends_in=10)
    for _ in range(GROUP_LIMIT + 3):
        ChecklistItemFactory(mobility=mobility, responsible="sending", due_date=today() - timedelta(days=1))
    url = reverse("partners:waiting")
    page = client_for(world.partner_b).get(url).content.decode()
    assert page.count("/checklist-items/") == GROUP_LIMIT
    assert 'href="?kind=checklist"' in page
    page = client_for(world.partner_b).get(url, {"kind": "checklist"}).content.decode()
    assert page.count("/checklist-items/") == GROUP_LIMIT + 3


def _fill(world, learner, n):
    """n of each kind of mobility item for mentor_b, and n overdue sending items for partner_b."""
    for _ in range(n):
        mobility = stay(world, learner, ends_in=-1)
        for responsible in ("mentor", "sending"):
            ChecklistItemFactory(mobility=mobility, responsible=responsible, due_date=today() - timedelta(days=1))


@pytest.mark.parametrize("who", ["mentor_b", "partner_b", "learner_b", "pc_a"])
def test_the_page_runs_the_same_number_of_queries_whatever_the_number_of_items(
    world, learner_b1, client_for, who, django_assert_max_num_queries
):
    client = client_for(getattr(world, who))
    url = reverse("partners:waiting")

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    _fill(world, learner_b1, 1)
    small = count()
    _fill(world, learner_b1, 6)
    assert count() == small
    with django_assert_max_num_queries(25):
        client.get(url)
