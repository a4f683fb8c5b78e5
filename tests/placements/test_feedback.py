"""Past learners' feedback on a host: averages per scale question from the submitted learner reports of the
mobilities placed at it, hidden under three reports and, per question, under three answers. Figures counted by
hand."""

import pytest
from django.utils import timezone

from mobility.models import LearnerAnswer, SurveyQuestion
from placements.feedback import host_feedback
from tests.factories_mobility import LearnerReportFactory, MobilityFactory

pytestmark = pytest.mark.django_db


def questions(partnership):
    scale = SurveyQuestion.Kind.SCALE
    return {
        "satisfaction": SurveyQuestion.objects.create(
            partnership=partnership, text="Satisfied?", text_key="satisfaction", kind=scale, order=6
        ),
        "mentor": SurveyQuestion.objects.create(
            partnership=partnership, text="Mentor?", text_key="mentor", kind=scale, order=3
        ),
        "tools": SurveyQuestion.objects.create(partnership=partnership, text="Were the salon's tools good?", order=9),
        "text": SurveyQuestion.objects.create(
            partnership=partnership, text="Anything else?", kind=SurveyQuestion.Kind.TEXT, order=10
        ),
    }


def report(world, placement, answers: dict, *, submitted=True):
    mobility = MobilityFactory(placement=placement, partnership=world.p1, receiving_organisation=world.org_b)
    filed = LearnerReportFactory(mobility=mobility, submitted_at=timezone.now() if submitted else None)
    for question, value in answers.items():
        if question.kind == SurveyQuestion.Kind.TEXT:
            LearnerAnswer.objects.create(report=filed, question=question, text=value)
        else:
            LearnerAnswer.objects.create(report=filed, question=question, scale_value=value)
    return filed


def test_feedback_is_averaged_per_question_with_the_small_group_rule(world, places):
    q = questions(world.p1)
    # Four submitted reports about host B (three on pub_b, one on draft_b: the host's, whatever the placement).
    report(world, places.pub_b, {q["satisfaction"]: 5, q["mentor"]: 4, q["tools"]: 2, q["text"]: "Lovely team"})
    report(world, places.pub_b, {q["satisfaction"]: 4, q["mentor"]: 5})
    report(world, places.pub_b, {q["satisfaction"]: 3, q["tools"]: 4})
    report(world, places.draft_b, {q["satisfaction"]: 2, q["tools"]: 3})
    # Not counted: a report not submitted, and a report about another host.
    report(world, places.pub_b, {q["satisfaction"]: 1, q["mentor"]: 1}, submitted=False)
    report(world, places.pub_a, {q["satisfaction"]: 1, q["mentor"]: 1, q["tools"]: 1})

    feedback = host_feedback(places.host_b)

    assert feedback.reports == 4 and feedback.shown
    figures = {figure.label: (figure.answers, figure.average) for figure in feedback.questions}
    # satisfaction (5 + 4 + 3 + 2) / 4 = 3.5; mentor answered twice: hidden; tools (2 + 4 + 3) / 3 = 3.0.
    satisfaction = str(SurveyQuestion(text_key="satisfaction").get_text_display())
    mentor = str(SurveyQuestion(text_key="mentor").get_text_display())
    assert figures == {satisfaction: (4, 3.5), mentor: (2, None), "Were the salon's tools good?": (3, 3.0)}
    assert all("Lovely" not in figure.label for figure in feedback.questions)


def test_fewer_than_three_reports_show_nothing(world, places):
    q = questions(world.p1)
    report(world, places.pub_b, {q["satisfaction"]: 5})
    report(world, places.pub_b, {q["satisfaction"]: 1})
    feedback = host_feedback(places.host_b)
    assert feedback.reports == 2
    assert not feedback.shown and feedback.questions == []


def test_default_questions_of_two_partnerships_count_together(world, places):
    from tests.factories import PartnershipFactory

    p3 = PartnershipFactory(partners=[world.org_b, world.org_a])
    q1, q3 = questions(world.p1), questions(p3)
    report(world, places.pub_b, {q1["satisfaction"]: 5})
    report(world, places.pub_b, {q1["satisfaction"]: 4})
    report(world, places.pub_b, {q3["satisfaction"]: 3})
    (figure,) = host_feedback(places.host_b).questions
    assert (figure.answers, figure.average) == (3, 4.0)


def test_the_placement_page_shows_the_hosts_feedback(world, places, client_for):
    q = questions(world.p1)
    for value in (5, 4, 4):
        report(world, places.pub_b, {q["satisfaction"]: value, q["mentor"]: value})
    body = client_for(world.partner_b).get(places.pub_b.get_absolute_url()).content.decode()
    assert "4.3" in body  # (5 + 4 + 4) / 3
    assert "From 3 learner reports" in body


def test_the_feedback_runs_three_queries_whatever_the_number_of_reports(world, places, django_assert_num_queries):
    q = questions(world.p1)
    for value in (5, 4, 4, 3, 2, 5, 1):
        report(world, places.pub_b, {q["satisfaction"]: value, q["tools"]: value})
    with django_assert_num_queries(3):
        host_feedback(places.host_b)
