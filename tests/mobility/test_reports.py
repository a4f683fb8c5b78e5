"""Learner report: filing once completed, the partnership's questions, and aggregates without small groups."""

import pytest
from django.urls import reverse
from django.utils import timezone

from mobility.models import LearnerAnswer, LearnerReport, Mobility, SurveyQuestion
from mobility.services.reports import DEFAULT_QUESTIONS, aggregates, ensure_questions
from partners.models import AuditEntry, PartnershipMember
from tests.factories import OrganisationFactory
from tests.factories_mobility import LearnerFactory, MobilityFactory

pytestmark = pytest.mark.django_db

Kind = SurveyQuestion.Kind


def report_url(mobility):
    return reverse("mobility:report", kwargs={"code": mobility.code})


def complete(mobility):
    Mobility.objects.filter(pk=mobility.pk).update(status=Mobility.Status.COMPLETED)
    mobility.refresh_from_db()
    return mobility


def answers_for(questions, scale=4, text="Great salon"):
    return {f"q_{q.pk}": (scale if q.kind == Kind.SCALE else text) for q in questions}


# --- Questions ------------------------------------------------------------------------------------------


def test_a_partnership_gets_a_default_set_of_questions_the_first_time(world):
    questions = ensure_questions(world.p1)
    kinds = [q.kind for q in questions]
    assert len(questions) == len(DEFAULT_QUESTIONS)
    assert kinds.count(Kind.SCALE) == 6 and kinds.count(Kind.TEXT) == 2
    assert all(q.required for q in questions if q.kind == Kind.SCALE)
    assert ensure_questions(world.p1) == questions  # not created twice


# --- Filing ---------------------------------------------------------------------------------------------


def test_the_learner_cannot_file_before_the_mobility_is_completed(world, mob, client_for):
    client = client_for(world.learner_b)
    page = client.get(report_url(mob.m_b_to_a))
    assert page.status_code == 200
    assert "You can file your report once the mobility is completed." in page.content.decode()
    questions = ensure_questions(world.p1)
    assert client.post(report_url(mob.m_b_to_a), answers_for(questions)).status_code == 403
    assert not LearnerReport.objects.exists()


def test_the_learner_files_the_report_with_labelled_scale_answers_and_it_is_then_locked(world, mob, client_for):
    mobility = complete(mob.m_b_to_a)
    client = client_for(world.learner_b)
    page = client.get(report_url(mobility)).content.decode()
    assert 'type="radio"' in page
    assert "5 – Very good" in page and "1 – Very poor" in page
    questions = ensure_questions(world.p1)

    response = client.post(report_url(mobility), answers_for(questions, scale=5))
    assert response.status_code == 302
    report = LearnerReport.objects.get(mobility=mobility)
    assert report.submitted_at is not None
    assert report.answers.count() == len(questions)
    assert set(report.answers.filter(scale_value__isnull=False).values_list("scale_value", flat=True)) == {5}
    entry = AuditEntry.objects.get(object_code=str(report.code))
    assert entry.details == {"from": "not filed", "to": "submitted", "answers": len(questions)}

    again = client.post(report_url(mobility), answers_for(questions, scale=1))
    assert again.status_code == 403
    assert not LearnerAnswer.objects.filter(scale_value=1).exists()
    assert "can no longer be changed" in client.get(report_url(mobility)).content.decode()


def test_unanswered_required_questions_get_field_errors_and_nothing_is_saved(world, mob, client_for):
    mobility = complete(mob.m_b_to_a)
    questions = ensure_questions(world.p1)
    data = answers_for(questions)
    first_scale = next(q for q in questions if q.kind == Kind.SCALE)
    optional_text = next(q for q in questions if q.kind == Kind.TEXT)
    del data[f"q_{first_scale.pk}"]
    data[f"q_{optional_text.pk}"] = ""
    response = client_for(world.learner_b).post(report_url(mobility), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors[f"q_{first_scale.pk}"] == ["Choose an answer for this question."]
    assert f"q_{optional_text.pk}" not in errors  # free text is optional by default
    assert not LearnerReport.objects.exists()


def test_an_answer_outside_the_scale_is_a_field_error(world, mob, client_for):
    mobility = complete(mob.m_b_to_a)
    questions = ensure_questions(world.p1)
    first_scale = next(q for q in questions if q.kind == Kind.SCALE)
    response = client_for(world.learner_b).post(
        report_url(mobility), {**answers_for(questions), f"q_{first_scale.pk}": "9"}
    )
    assert response.status_code == 200
    assert f"q_{first_scale.pk}" in response.context["form"].errors
    assert not LearnerReport.objects.exists()


def test_staff_who_see_the_mobility_read_the_filed_report(world, mob, client_for):
    mobility = complete(mob.m_b_to_a)
    questions = ensure_questions(world.p1)
    client_for(world.learner_b).post(report_url(mobility), answers_for(questions, text="Lovely team in Kaunas"))
    for staff in (world.partner_b, world.pc_a):
        html = client_for(staff).get(report_url(mobility)).content.decode()
        assert "Lovely team in Kaunas" in html and "4 – Good" in html
        assert 'data-testid="report-form"' not in html
    assert client_for(mob.mentor_a).get(report_url(mobility)).status_code == 403


def test_staff_cannot_file_a_report_for_the_learner(world, mob, client_for):
    mobility = complete(mob.m_b_to_a)
    questions = ensure_questions(world.p1)
    assert client_for(world.partner_b).post(report_url(mobility), answers_for(questions)).status_code == 403
    assert not LearnerReport.objects.exists()


# --- Editing the questions ---------------------------------------------------------------------------


def questions_url(partnership):
    return reverse("mobility:survey_questions", kwargs={"slug": partnership.slug})


def questions_post_data(partnership, changes=None, new=None, delete=()):
    questions = list(SurveyQuestion.objects.filter(partnership=partnership).order_by("order", "id"))
    data = {
        "questions-TOTAL_FORMS": str(len(questions) + 1),
        "questions-INITIAL_FORMS": str(len(questions)),
        "questions-MIN_NUM_FORMS": "0",
        "questions-MAX_NUM_FORMS": "1000",
    }
    for i, q in enumerate(questions):
        row = {"id": q.pk, "text": q.text, "kind": q.kind, "order": q.order}
        if q.required:
            row["required"] = "on"
        if q.is_active:
            row["is_active"] = "on"
        row.update((changes or {}).get(i, {}))
        if i in delete:
            row["DELETE"] = "on"
        data.update({f"questions-{i}-{k}": v for k, v in row.items() if v is not None})
    extra = {"kind": "scale", "order": "0", "required": "on", "is_active": "on", **(new or {})}
    data.update({f"questions-{len(questions)}-{k}": v for k, v in extra.items()})
    return data


def test_the_project_coordinator_edits_the_questions(world, client_for):
    client = client_for(world.pc_a)
    client.get(questions_url(world.p1))
    data = questions_post_data(
        world.p1, changes={0: {"text": "How well did we prepare you?"}}, new={"text": "Would you go again?"}
    )
    response = client.post(questions_url(world.p1), data)
    assert response.status_code == 302
    texts = set(SurveyQuestion.objects.filter(partnership=world.p1).values_list("text", flat=True))
    assert {"How well did we prepare you?", "Would you go again?"} <= texts
    assert AuditEntry.objects.filter(details__survey_questions__added=1).exists()


def test_a_partner_reads_the_questions_without_a_form(world, client_for):
    html = client_for(world.partner_b).get(questions_url(world.p1)).content.decode()
    assert "How helpful was your mentor at the workplace?" in html
    assert "questions-TOTAL_FORMS" not in html


def test_an_answered_question_can_be_neither_deleted_nor_change_its_answer_type(world, mob, client_for):
    questions = ensure_questions(world.p1)
    report = LearnerReport.objects.create(mobility=mob.m_b_to_a, submitted_at=timezone.now())
    LearnerAnswer.objects.create(report=report, question=questions[0], scale_value=4)
    client = client_for(world.pc_a)

    response = client.post(questions_url(world.p1), questions_post_data(world.p1, delete=[0]))
    assert response.status_code == 200
    assert "has answers and cannot be deleted" in response.content.decode()

    response = client.post(questions_url(world.p1), questions_post_data(world.p1, changes={0: {"kind": "text"}}))
    assert response.status_code == 200
    assert response.context["formset"].forms[0].errors["kind"]
    assert SurveyQuestion.objects.get(pk=questions[0].pk).kind == Kind.SCALE


def test_at_least_one_question_stays_active(world, client_for):
    questions = ensure_questions(world.p1)
    data = questions_post_data(world.p1, changes={i: {"is_active": None} for i in range(len(questions))})
    response = client_for(world.pc_a).post(questions_url(world.p1), data)
    assert response.status_code == 200
    assert "Keep at least one active question." in response.content.decode()
    assert SurveyQuestion.objects.filter(partnership=world.p1, is_active=True).count() == len(questions)


# --- Aggregates -------------------------------------------------------------------------------------------


def aggregates_url(partnership):
    return reverse("mobility:report_aggregates", kwargs={"slug": partnership.slug})


def file_reports(world, organisation, values, text="Nice people", first_name="Pupil"):
    """One submitted report per value in `values` from learners of `organisation` (sent to the other side of P1)."""
    questions = ensure_questions(world.p1)
    host = world.org_b if organisation == world.org_a else world.org_a
    for value in values:
        learner = LearnerFactory(home_organisation=organisation, first_name=first_name, last_name="Hidden")
        mobility = MobilityFactory(learner=learner, partnership=world.p1, receiving_organisation=host)
        complete(mobility)
        report = LearnerReport.objects.create(mobility=mobility, submitted_at=timezone.now())
        for q in questions:
            if q.kind == Kind.SCALE:
                LearnerAnswer.objects.create(report=report, question=q, scale_value=value)
            else:
                LearnerAnswer.objects.create(report=report, question=q, text=f"{text} ({organisation.short_name})")


@pytest.fixture
def org_e(world):
    organisation = OrganisationFactory(slug="org-e", short_name="Epsilon Institute")
    PartnershipMember.objects.create(
        partnership=world.p1, organisation=organisation, role=PartnershipMember.Role.PARTNER
    )
    return organisation


def test_the_partnership_group_shows_mean_and_distribution_per_question(world):
    file_reports(world, world.org_a, [5, 4, 4, 3])
    result = aggregates(world.p1)
    overall = result.partnership
    assert overall.shown and overall.reports == 4
    first = overall.questions[0]
    assert first.mean == 4.0 and first.answered == 4
    assert [(value, count, percent) for value, _label, count, percent in first.distribution] == [
        (1, 0, 0),
        (2, 0, 0),
        (3, 1, 25),
        (4, 2, 50),
        (5, 1, 25),
    ]


def test_an_organisation_with_fewer_than_three_reports_is_not_shown_on_its_own(world, org_e):
    file_reports(world, world.org_a, [5, 5, 5])
    file_reports(world, world.org_b, [1])
    file_reports(world, org_e, [2, 2])
    result = aggregates(world.p1)
    labels = [g.label for g in result.organisations]
    assert labels == ["Alpha VET", "Other organisations (combined)"]
    alpha, other = result.organisations
    assert alpha.shown and alpha.questions[0].mean == 5.0
    assert other.combined and other.shown and other.reports == 3
    assert other.questions[0].mean == pytest.approx(1.7)


def test_a_combined_group_still_below_three_shows_too_few_answers(world, client_for):
    file_reports(world, world.org_a, [4, 4, 4], text="Good planning")
    file_reports(world, world.org_b, [1, 2], text="Only two of us said this")
    result = aggregates(world.p1)
    other = result.organisations[-1]
    assert other.label == "Other organisations (combined)" and not other.shown and other.questions == []

    html = client_for(world.pc_a).get(aggregates_url(world.p1)).content.decode()
    assert "Too few answers to show" in html
    assert "Beta College" not in html  # the small organisation is not named as a group
    assert "Only two of us said this" not in html
    assert "Good planning (Alpha VET)" in html


def test_a_partnership_with_fewer_than_three_reports_shows_too_few_answers(world, client_for):
    file_reports(world, world.org_a, [5, 1])
    html = client_for(world.pc_a).get(aggregates_url(world.p1)).content.decode()
    assert html.count('data-testid="too-few"') == 2  # the partnership and the only (combined) group
    assert "mean" not in html


def test_free_text_appears_only_in_organisation_groups_of_three_without_names(world, client_for):
    file_reports(world, world.org_a, [4, 4, 4], text="Loved it", first_name="Saulė")
    html = client_for(world.pc_a).get(aggregates_url(world.p1)).content.decode()
    assert html.count("Loved it (Alpha VET)") == 3 * 2  # three learners, two free-text questions, in A's group only
    assert "Saulė" not in html and "Hidden" not in html


def test_a_partner_coordinator_sees_only_their_own_organisations_outgoing_learners(world, client_for):
    file_reports(world, world.org_a, [5, 5, 5], text="From A")
    file_reports(world, world.org_b, [2, 2, 2], text="From B")
    response = client_for(world.partner_b).get(aggregates_url(world.p1))
    html = response.content.decode()
    assert response.status_code == 200
    result = response.context["result"]
    assert result.partnership is None
    assert [g.label for g in result.organisations] == ["Beta College"]
    assert result.organisations[0].questions[0].mean == 2.0
    assert "From B (Beta College)" in html and "From A" not in html


def test_a_partner_coordinator_with_fewer_than_three_reports_sees_too_few_answers(world, client_for):
    file_reports(world, world.org_b, [2, 3])
    html = client_for(world.partner_b).get(aggregates_url(world.p1)).content.decode()
    assert "Too few answers to show" in html
    assert "mean" not in html


def test_a_long_list_of_free_text_answers_shows_the_first_ten_and_pages_through_them_all(world, client_for):
    """At network scale a group has thousands of answers: the page lists ten per question and links to them all,
    fifty per page (issue 15)."""
    from mobility.views.reports import TEXTS_SHOWN
    from partners.pagination import PAGE_SIZE

    count = PAGE_SIZE + 5
    questions = ensure_questions(world.p1)
    texts = [q for q in questions if q.kind != Kind.SCALE]
    for i in range(count):
        learner = LearnerFactory(home_organisation=world.org_a, first_name="Pupil", last_name="Hidden")
        mobility = MobilityFactory(learner=learner, partnership=world.p1, receiving_organisation=world.org_b)
        complete(mobility)
        report = LearnerReport.objects.create(mobility=mobility, submitted_at=timezone.now())
        for q in questions:
            if q.kind == Kind.SCALE:
                LearnerAnswer.objects.create(report=report, question=q, scale_value=4)
            else:
                LearnerAnswer.objects.create(report=report, question=q, text=f"Answer {i:03d}")
    client = client_for(world.pc_a)
    html = client.get(aggregates_url(world.p1)).content.decode()
    assert html.count("Answer 0") == TEXTS_SHOWN * len(texts)
    assert f"{TEXTS_SHOWN} of {count} answers shown" in html
    link = f"?answers=1-{texts[0].pk}#answers"
    assert link in html

    first = client.get(aggregates_url(world.p1), {"answers": f"1-{texts[0].pk}"}).content.decode()
    # All of that question's answers, page by page; the other question still shows its first ten.
    assert first.count("Answer 0") == PAGE_SIZE + TEXTS_SHOWN
    last = client.get(aggregates_url(world.p1), {"answers": f"1-{texts[0].pk}", "page": 2}).content.decode()
    assert last.count("Answer 0") == 5 + TEXTS_SHOWN
    # A group or question that is not on the page is ignored, never an error.
    for bad in ("9-1", "x-y", f"1-{questions[0].pk}", ""):
        response = client.get(aggregates_url(world.p1), {"answers": bad})
        assert response.status_code == 200
        assert response.content.decode().count("Answer 0") == TEXTS_SHOWN * len(texts)
