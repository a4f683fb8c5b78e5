"""Past learners' feedback on a host company: the learner reports of the mobilities placed at it, aggregated in
SQL with the small-group rule (mobility.models.reports.MIN_GROUP_SIZE): nothing is shown for fewer than three
submitted reports, and a question's average only when at least three learners answered it. Free-text answers are
never shown here (a host takes few learners a year: a sentence would name its writer)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Avg, Count, Min

from mobility.models import LearnerAnswer, LearnerReport, SurveyQuestion
from mobility.models.reports import MIN_GROUP_SIZE, DefaultQuestion


@dataclass
class QuestionFigure:
    label: str
    answers: int
    average: float | None  # None: fewer than MIN_GROUP_SIZE answers, hidden

    @property
    def shown(self) -> bool:
        return self.average is not None


@dataclass
class HostFeedback:
    reports: int
    shown: bool
    questions: list[QuestionFigure] = field(default_factory=list)
    min_group_size: int = MIN_GROUP_SIZE


def _figure(label, answers: int, average) -> QuestionFigure:
    shown = answers >= MIN_GROUP_SIZE and average is not None
    return QuestionFigure(label=str(label), answers=answers, average=round(float(average), 1) if shown else None)


def host_feedback(host) -> HostFeedback:
    """Submitted reports of the host's learners and, per scale question, the number and mean of the answers.

    Questions belong to a partnership's survey: the portal's default questions (the same `text_key` in every
    partnership) are counted together, a question a coordinator wrote counts on its own. Three queries, whatever
    the number of learners."""
    reports = LearnerReport.objects.filter(mobility__placement__host=host, submitted_at__isnull=False)
    count = reports.count()
    if count < MIN_GROUP_SIZE:
        return HostFeedback(reports=count, shown=False)
    answers = LearnerAnswer.objects.filter(
        report__in=reports.values("pk"), question__kind=SurveyQuestion.Kind.SCALE, scale_value__isnull=False
    ).order_by()
    defaults = {
        row["question__text_key"]: row
        for row in answers.exclude(question__text_key="")
        .values("question__text_key")
        .annotate(answers=Count("pk"), average=Avg("scale_value"))
    }
    figures = [
        _figure(question.label, defaults[question.value]["answers"], defaults[question.value]["average"])
        for question in DefaultQuestion
        if question.value in defaults
    ]
    own = (
        answers.filter(question__text_key="")
        .values("question_id", "question__text")
        .annotate(answers=Count("pk"), average=Avg("scale_value"), order=Min("question__order"))
        .order_by("order", "question_id")
    )
    figures += [_figure(row["question__text"], row["answers"], row["average"]) for row in own]
    return HostFeedback(reports=count, shown=True, questions=figures)
