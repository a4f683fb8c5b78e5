"""Learner report: the partnership's survey questions, filing a report, and privacy-safe aggregates."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partners import audit, figures
from partners.models import AuditEntry, Organisation, Partnership

from ..access import is_learner_of
from ..models import LearnerAnswer, LearnerReport, Mobility, SurveyQuestion
from ..models.checklists import ChainEvent
from ..models.defaults import english
from ..models.reports import MIN_GROUP_SIZE, SCALE_MAX, SCALE_MIN, DefaultQuestion
from .checklists import record_chain_event
from .common import save_partnership_formset

Kind = SurveyQuestion.Kind

# Reports can be filed once the learner is back.
FILING_STATUSES = (Mobility.Status.COMPLETED, Mobility.Status.RECOGNISED)

SCALE_LABELS = {
    1: gettext_lazy("1 – Very poor"),
    2: gettext_lazy("2 – Poor"),
    3: gettext_lazy("3 – Fair"),
    4: gettext_lazy("4 – Good"),
    5: gettext_lazy("5 – Very good"),
}

# The default survey, created the first time a partnership needs one; the project coordinator edits it.
# Each question carries its key (text_key): shown in the reader's language until its text is edited.
DEFAULT_QUESTIONS = [
    (DefaultQuestion.PREPARATION, Kind.SCALE),
    (DefaultQuestion.HOST_SUPPORT, Kind.SCALE),
    (DefaultQuestion.MENTOR, Kind.SCALE),
    (DefaultQuestion.LEARNING, Kind.SCALE),
    (DefaultQuestion.SOFT_SKILLS, Kind.SCALE),
    (DefaultQuestion.SATISFACTION, Kind.SCALE),
    (DefaultQuestion.MOST_VALUABLE, Kind.TEXT),
    (DefaultQuestion.IMPROVE, Kind.TEXT),
]


class ReportLocked(Exception):
    """A submitted report cannot change."""


@transaction.atomic
def ensure_questions(partnership: Partnership) -> list[SurveyQuestion]:
    """The partnership's questions; the default set is created the first time they are needed."""
    Partnership.objects.select_for_update().filter(pk=partnership.pk).first()
    questions = list(SurveyQuestion.objects.filter(partnership=partnership))
    if questions:
        return questions
    SurveyQuestion.objects.bulk_create(
        [
            SurveyQuestion(
                partnership=partnership,
                text=english(key.label),
                text_key=key,
                kind=kind,
                required=kind == Kind.SCALE,
                order=order,
            )
            for order, (key, kind) in enumerate(DEFAULT_QUESTIONS)
        ]
    )
    figures.drop_on_commit()  # bulk_create sends no post_save
    return list(SurveyQuestion.objects.filter(partnership=partnership))


def filing_problem(user, mobility: Mobility, report: LearnerReport | None) -> str | None:
    """Why this user cannot file the report now, or None when they can."""
    if not is_learner_of(user, mobility):
        return _("Only the learner files their report.")
    if report is not None and report.submitted_at:
        return _("The report has been submitted and can no longer be changed.")
    if mobility.status not in FILING_STATUSES:
        return _("You can file your report once the mobility is completed.")
    return None


@transaction.atomic
def submit_report(mobility: Mobility, *, by, answers: dict[int, object], request=None) -> LearnerReport:
    """File the learner's report: `answers` maps question pk → 1–5 (scale) or text. Locked once submitted."""
    mobility = (
        Mobility.objects.select_for_update(of=("self",)).select_related("learner", "partnership").get(pk=mobility.pk)
    )
    report = LearnerReport.objects.filter(mobility=mobility).first()
    problem = filing_problem(by, mobility, report)
    if problem:
        raise ReportLocked(problem)
    questions = SurveyQuestion.objects.filter(partnership=mobility.partnership, is_active=True)
    rows = []
    for question in questions:
        value = answers.get(question.pk)
        if value in (None, ""):
            if question.required:
                raise ValidationError({f"q_{question.pk}": [_("This question needs an answer.")]})
            continue
        if question.kind == Kind.SCALE:
            number = int(value)
            if not SCALE_MIN <= number <= SCALE_MAX:
                raise ValidationError({f"q_{question.pk}": [_("Choose a value on the scale.")]})
            rows.append(LearnerAnswer(question=question, scale_value=number))
        else:
            rows.append(LearnerAnswer(question=question, text=str(value).strip()))
    if report is None:
        report = LearnerReport.objects.create(mobility=mobility, submitted_at=timezone.now())
    else:
        report.answers.all().delete()
        report.submitted_at = timezone.now()
        report.save(update_fields=["submitted_at", "updated_at"])
    for row in rows:
        row.report = report
    LearnerAnswer.objects.bulk_create(rows)
    audit.record(
        actor=by,
        verb=AuditEntry.Verb.STATE_CHANGED,
        obj=report,
        request=request,
        partnership=mobility.partnership,
        organisation=mobility.sending_organisation,
        # Answers stay out of the audit trail (personal opinions); the count says what was filed.
        details={"from": "not filed", "to": "submitted", "answers": len(rows)},
    )
    record_chain_event(
        mobility,
        ChainEvent.REPORT_FILED,
        done=True,
        evidence_url=reverse("mobility:report", kwargs={"code": mobility.code}),
        document=_("the learner's report"),
        by=by,
        request=request,
    )
    return report


def save_questions(partnership: Partnership, formset, *, by, request=None) -> dict[str, int]:
    """Save the partnership's survey questions from a valid formset; audited."""
    return save_partnership_formset(partnership, formset, by=by, request=request, label="survey_questions")


# --- Aggregates ---------------------------------------------------------------------------------------


@dataclass
class QuestionStats:
    question: SurveyQuestion
    answered: int = 0
    mean: float | None = None
    # (value, label, count, percent) for 1–5
    distribution: list[tuple[int, str, int, int]] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)


@dataclass
class Group:
    label: str
    reports: int
    shown: bool
    combined: bool = False
    # Free-text answers appear only inside organisation groups (see `aggregates`).
    with_texts: bool = True
    questions: list[QuestionStats] = field(default_factory=list)


@dataclass
class Aggregates:
    partnership: Group | None
    organisations: list[Group]
    total_reports: int
    min_group_size: int = MIN_GROUP_SIZE


def _group(label, report_ids, questions, answers_by_report, *, combined=False, with_texts=True) -> Group:
    shown = len(report_ids) >= MIN_GROUP_SIZE
    group = Group(label=label, reports=len(report_ids), shown=shown, combined=combined, with_texts=with_texts)
    if not shown:
        return group
    values: dict[int, list[int]] = defaultdict(list)
    texts: dict[int, list[str]] = defaultdict(list)
    for report_id in report_ids:
        for question_id, scale_value, text in answers_by_report.get(report_id, ()):
            if scale_value is not None:
                values[question_id].append(scale_value)
            elif text.strip():
                texts[question_id].append(text.strip())
    for question in questions:
        stats = QuestionStats(question=question)
        if question.kind == Kind.SCALE:
            answered = values.get(question.pk, [])
            stats.answered = len(answered)
            if answered:
                stats.mean = round(sum(answered) / len(answered), 1)
            counts = Counter(answered)
            stats.distribution = [
                (
                    value,
                    str(SCALE_LABELS[value]),
                    counts[value],
                    round(100 * counts[value] / len(answered)) if answered else 0,
                )
                for value in range(SCALE_MIN, SCALE_MAX + 1)
            ]
        elif with_texts:
            # Sorted, not in filing order, so that the list cannot be matched to who filed when.
            stats.texts = sorted(texts.get(question.pk, []), key=str.casefold)
            stats.answered = len(stats.texts)
        group.questions.append(stats)
    return group


def aggregates(partnership: Partnership, *, organisation_ids=None) -> Aggregates:
    """Mean and distribution per question, for the partnership and per sending organisation.

    No organisation with fewer than MIN_GROUP_SIZE submitted reports is shown on its own: such
    organisations are merged into "Other organisations (combined)", itself shown only if it reaches
    the minimum. Free-text answers appear only inside organisation groups that reach the minimum
    (never in the partnership-wide group, whose list would otherwise contain the hidden groups' texts).

    `organisation_ids` limits the figures to those sending organisations (a partner coordinator's view);
    then no partnership-wide group is given. Runs a fixed number of queries.
    """
    questions = list(SurveyQuestion.objects.filter(partnership=partnership).order_by("order", "id"))
    reports = LearnerReport.objects.filter(mobility__partnership=partnership, submitted_at__isnull=False)
    if organisation_ids is not None:
        reports = reports.filter(mobility__sending_organisation_id__in=organisation_ids)
    report_orgs = dict(reports.values_list("pk", "mobility__sending_organisation_id"))
    answers_by_report: dict[int, list[tuple[int, int | None, str]]] = defaultdict(list)
    for report_id, question_id, scale_value, text in LearnerAnswer.objects.filter(
        report__in=reports.values("pk")
    ).values_list("report_id", "question_id", "scale_value", "text"):
        answers_by_report[report_id].append((question_id, scale_value, text))

    by_org: dict[int, list[int]] = defaultdict(list)
    for report_id, org_id in report_orgs.items():
        by_org[org_id].append(report_id)
    names = dict(Organisation.objects.filter(pk__in=list(by_org)).values_list("pk", "short_name"))

    partnership_group = None
    if organisation_ids is None:
        partnership_group = _group(
            _("All organisations"), list(report_orgs), questions, answers_by_report, with_texts=False
        )

    groups: list[Group] = []
    small: list[int] = []
    for org_id in sorted(by_org, key=lambda pk: names.get(pk, "").casefold()):
        if len(by_org[org_id]) >= MIN_GROUP_SIZE:
            groups.append(_group(names.get(org_id, "?"), by_org[org_id], questions, answers_by_report))
        else:
            small.extend(by_org[org_id])
    if small:
        if organisation_ids is not None and len(by_org) == 1:
            # A partner's own single organisation: name it, but show nothing if it is too small.
            label = next(iter(names.values()), _("Your organisation"))
            groups.append(_group(label, small, questions, answers_by_report))
        else:
            groups.append(
                _group(_("Other organisations (combined)"), small, questions, answers_by_report, combined=True)
            )
    return Aggregates(partnership=partnership_group, organisations=groups, total_reports=len(report_orgs))


def report_counts(partnership: Partnership, *, organisation_ids=None) -> dict[str, int]:
    """Completed mobilities (reports due) and reports filed, for the aggregates page header."""
    mobilities = Mobility.objects.filter(partnership=partnership, status__in=FILING_STATUSES)
    if organisation_ids is not None:
        mobilities = mobilities.filter(sending_organisation_id__in=organisation_ids)
    return mobilities.aggregate(
        due=Count("pk"), filed=Count("pk", filter=Q(learner_report__submitted_at__isnull=False))
    )
