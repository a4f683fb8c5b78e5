"""Steps on the demo data that several test packages take (the link crawl, the browser journeys)."""

from __future__ import annotations

from datetime import UTC, datetime

from mobility.models import Mobility, SoftSkill

# The moment the demo is seeded at and its tests run at (tests/demo_data.py): its dates are relative to it.
DEMO_MOMENT = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


def complete_lottes_stay() -> Mobility:
    """Lotte Jansen (learner@nova.example): her stay is over but she is "in mobility" until her mentor's
    assessment is submitted (the demo follows its documents). The mentor submits it and the mobility is
    completed, so she can file her report."""
    from mobility.services import lifecycle
    from mobility.services.assessments import AssessmentInput, RatingInput, ResultInput, submit_assessment

    mobility = Mobility.objects.select_related("mentor").get(learner__user__email="learner@nova.example")
    if mobility.status == Mobility.Status.IN_MOBILITY:
        submit_assessment(
            mobility,
            by=mobility.mentor,
            data=AssessmentInput(
                results={
                    item.pk: ResultInput(result="achieved", method="Observation", assessed_on=mobility.end_date)
                    for item in mobility.assessment_items.all()
                },
                ratings={skill.value: RatingInput(rating=3) for skill in SoftSkill},
                overall_comment="Reliable and friendly with clients.",
            ),
        )
        mobility = lifecycle.transition(mobility, Mobility.Status.COMPLETED, by=mobility.mentor, system=True)
    return mobility
