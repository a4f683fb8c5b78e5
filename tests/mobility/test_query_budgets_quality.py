"""Query budgets of the quality pages and dashboard panels, measured at two sizes: no growth with the rows shown."""

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mobility.models import (
    AssessmentResult,
    ChecklistItem,
    ChecklistTemplateItem,
    LearnerAnswer,
    LearnerReport,
    MentorAssessment,
    Mobility,
    SoftSkillRating,
)
from mobility.models.checklists import Category, Responsible
from mobility.services.reports import ensure_questions
from partners.models import PartnershipMember
from tests.factories import OrganisationFactory, UserFactory
from tests.factories_mobility import (
    AssessmentItemFactory,
    ChecklistItemFactory,
    LearnerFactory,
    MobilityFactory,
    SurveyQuestionFactory,
)

pytestmark = pytest.mark.django_db

SMALL, LARGE = 5, 60
CATEGORIES = itertools.cycle(Category.values)
RESPONSIBLE = itertools.cycle(Responsible.values)
LONG_AGO = date(2020, 1, 6)


def grow_checklist(world, mob, n):
    for i in range(n):
        item = ChecklistItemFactory(
            mobility=mob.m_a_to_b,
            category=next(CATEGORIES),
            responsible=next(RESPONSIBLE),
            due_date=LONG_AGO + timedelta(days=i),
            note="Checked",
        )
        if i % 2:
            ChecklistItem.objects.filter(pk=item.pk).update(
                done_at=timezone.now(), done_by=UserFactory(), evidence=f"evidence/2021/04/file{i}.pdf"
            )


def grow_template(world, mob, n):
    for i in range(n):
        ChecklistTemplateItem.objects.create(
            partnership=world.p1,
            title=f"Step {i}",
            category=next(CATEGORIES),
            responsible=next(RESPONSIBLE),
            offset_days=i,
            order=i,
        )


def assessment_setup(mob):
    """m_a_to_b has a draft (the current version) and versions it superseded."""
    if not MentorAssessment.objects.filter(mobility=mob.m_a_to_b, version=1000).exists():
        MentorAssessment.objects.create(mobility=mob.m_a_to_b, version=1000, assessor=mob.m_a_to_b.mentor)


def grow_assessment(world, mob, n):
    assessment_setup(mob)
    draft = MentorAssessment.objects.get(mobility=mob.m_a_to_b, version=1000)
    start = MentorAssessment.objects.filter(mobility=mob.m_a_to_b).count()
    for i in range(n):
        item = AssessmentItemFactory(mobility=mob.m_a_to_b, order=start + i)
        AssessmentResult.objects.create(assessment=draft, item=item, result="achieved", assessed_on=date(2021, 5, 1))
        old = MentorAssessment.objects.create(
            mobility=mob.m_a_to_b,
            version=start + i,
            status=MentorAssessment.Status.SUPERSEDED,
            assessor=UserFactory(),
            submitted_at=timezone.now(),
            correction_reason="",
        )
        AssessmentResult.objects.create(assessment=old, item=item, result="partly")
        SoftSkillRating.objects.create(assessment=old, skill="teamwork", rating=2)


def grow_outcomes(world, mob, n):
    for _ in range(n):
        AssessmentItemFactory(mobility=mob.m_a_to_b)


def completed_report(mob):
    Mobility.objects.filter(pk=mob.m_b_to_a.pk).update(status=Mobility.Status.COMPLETED)
    report, _ = LearnerReport.objects.get_or_create(mobility=mob.m_b_to_a, defaults={"submitted_at": timezone.now()})
    return report


def grow_questions(world, mob, n):
    ensure_questions(world.p1)
    for i in range(n):
        SurveyQuestionFactory(partnership=world.p1, kind="text" if i % 3 == 0 else "scale", order=10 + i)


def grow_answered_questions(world, mob, n):
    report = completed_report(mob)
    for i in range(n):
        question = SurveyQuestionFactory(partnership=world.p1, kind="text" if i % 3 == 0 else "scale")
        if question.kind == "text":
            LearnerAnswer.objects.create(report=report, question=question, text="Fine")
        else:
            LearnerAnswer.objects.create(report=report, question=question, scale_value=1 + i % 5)


def grow_unfiled_report_questions(world, mob, n):
    Mobility.objects.filter(pk=mob.m_b_to_a.pk).update(status=Mobility.Status.COMPLETED)
    grow_questions(world, mob, n)


def grow_reports(world, mob, n):
    questions = ensure_questions(world.p1)
    for i in range(n):
        organisation = OrganisationFactory()
        PartnershipMember.objects.create(
            partnership=world.p1, organisation=organisation, role=PartnershipMember.Role.PARTNER
        )
        for _ in range(1 + i % 4):  # some groups large enough, some merged
            mobility = MobilityFactory(
                learner=LearnerFactory(home_organisation=organisation),
                partnership=world.p1,
                receiving_organisation=world.org_a,
                status=Mobility.Status.COMPLETED,
            )
            report = LearnerReport.objects.create(mobility=mobility, submitted_at=timezone.now())
            LearnerAnswer.objects.bulk_create(
                LearnerAnswer(report=report, question=q, scale_value=3 if q.kind == "scale" else None, text="ok")
                for q in questions
            )


def grow_staff_dashboard(world, mob, n):
    """Mobilities A sends, each with an overdue sending item."""
    for _ in range(n):
        mobility = MobilityFactory(
            learner=LearnerFactory(home_organisation=world.org_a),
            partnership=world.p1,
            receiving_organisation=world.org_b,
        )
        ChecklistItemFactory(mobility=mobility, responsible=Responsible.SENDING, due_date=LONG_AGO)


def grow_mentor_dashboard(world, mob, n):
    for i in range(n):
        mobility = MobilityFactory(
            learner=LearnerFactory(home_organisation=world.org_a),
            partnership=world.p1,
            receiving_organisation=world.org_b,
            mentor=world.mentor_b,
        )
        ChecklistItemFactory(mobility=mobility, responsible=Responsible.MENTOR, due_date=LONG_AGO)
        if i % 2:
            MentorAssessment.objects.create(mobility=mobility, status=MentorAssessment.Status.SUBMITTED)


def grow_learner_dashboard(world, mob, n):
    for i in range(n):
        ChecklistItemFactory(mobility=mob.m_b_to_a, responsible=Responsible.LEARNER, due_date=LONG_AGO + timedelta(i))
    if not Mobility.objects.filter(learner=mob.learner_b1, start_date=date(2022, 3, 7)).exists():
        MobilityFactory(
            learner=mob.learner_b1,
            partnership=world.p1,
            receiving_organisation=world.org_a,
            start_date=date(2022, 3, 7),
        )


def panel(response, name):
    return next(p for p in response.context["panels"] if p["template"].endswith(f"/{name}.html"))


@dataclass
class Page:
    actor: str
    url: Callable
    grow: Callable
    budget: int
    # How many rows the page found: proves the extra rows are in the actor's scope.
    rows: Callable


def mobility_url(name, attr):
    return lambda w, m: reverse(name, kwargs={"code": getattr(m, attr).code})


def partnership_url(name):
    return lambda w, m: reverse(name, kwargs={"slug": w.p1.slug})


PAGES = {
    "checklist of a mobility": Page(
        "pc_a", mobility_url("mobility:checklist", "m_a_to_b"), grow_checklist, 13, lambda r: r.context["total"]
    ),
    "checklist template (editing)": Page(
        "pc_a",
        partnership_url("mobility:checklist_template"),
        grow_template,
        12,
        lambda r: len(r.context["formset"].forms),
    ),
    "checklist template (reading)": Page(
        "partner_b",
        partnership_url("mobility:checklist_template"),
        grow_template,
        12,
        lambda r: len(r.context["items"]),
    ),
    "assessment with its history (mentor)": Page(
        "mentor_b",
        mobility_url("mobility:assessment", "m_a_to_b"),
        grow_assessment,
        11,
        lambda r: len(r.context["items"]) + len(r.context["versions"]),
    ),
    "assessment with its history (sending staff)": Page(
        "pc_a",
        mobility_url("mobility:assessment", "m_a_to_b"),
        grow_assessment,
        13,
        lambda r: len(r.context["items"]) + len(r.context["versions"]),
    ),
    "learning outcomes": Page(
        "pc_a",
        mobility_url("mobility:assessment_items", "m_a_to_b"),
        grow_outcomes,
        11,
        lambda r: len(r.context["formset"].forms),
    ),
    "filed learner report": Page(
        "partner_b",
        mobility_url("mobility:report", "m_b_to_a"),
        grow_answered_questions,
        14,
        lambda r: len(r.context["report"].answers.all()),
    ),
    "learner report form": Page(
        "learner_b",
        mobility_url("mobility:report", "m_b_to_a"),
        grow_unfiled_report_questions,
        12,
        lambda r: len(r.context["form"].fields),
    ),
    "survey questions": Page(
        "pc_a",
        partnership_url("mobility:survey_questions"),
        grow_questions,
        14,
        lambda r: len(r.context["formset"].forms),
    ),
    "report aggregates": Page(
        "pc_a",
        partnership_url("mobility:report_aggregates"),
        grow_reports,
        17,
        lambda r: r.context["result"].total_reports,
    ),
    "staff dashboard panel": Page(
        "pc_a", lambda w, m: reverse("home"), grow_staff_dashboard, 22, lambda r: panel(r, "staff")["overdue_count"]
    ),
    "mentor dashboard panel": Page(
        "mentor_b",
        lambda w, m: reverse("home"),
        grow_mentor_dashboard,
        10,
        lambda r: len(panel(r, "mentor")["mobilities"]) + panel(r, "mentor")["overdue_count"],
    ),
    "learner dashboard panel": Page(
        "learner_b",
        lambda w, m: reverse("home"),
        grow_learner_dashboard,
        9,
        lambda r: sum(len(m.learner_items) for m in panel(r, "learner")["mobilities"]),
    ),
}


def measure(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response, queries


def describe(queries) -> str:
    return "\n".join(query["sql"] for query in queries.captured_queries)


def actor_of(world, mob, name):
    return getattr(mob, name, None) or world.actor(name)


@pytest.mark.parametrize("name", PAGES)
def test_query_count_does_not_grow_with_the_rows_shown(world, mob, client_for, name):
    page = PAGES[name]
    client = client_for(actor_of(world, mob, page.actor))
    url = page.url(world, mob)
    page.grow(world, mob, SMALL)
    client.get(url)  # Warm caches and let the page create what it creates on first visit (checklist, questions).

    small_response, small = measure(client, url)
    page.grow(world, mob, LARGE - SMALL)
    large_response, large = measure(client, url)

    assert page.rows(large_response) > page.rows(small_response)
    assert len(large) == len(small), f"{name}: {len(small)} → {len(large)} queries\n{describe(large)}"


@pytest.mark.parametrize("name", PAGES)
def test_page_stays_within_its_query_budget(world, mob, client_for, name, django_assert_max_num_queries):
    page = PAGES[name]
    client = client_for(actor_of(world, mob, page.actor))
    url = page.url(world, mob)
    page.grow(world, mob, LARGE)
    client.get(url)

    with django_assert_max_num_queries(page.budget):
        response = client.get(url)

    assert response.status_code == 200
