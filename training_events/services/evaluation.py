"""The evaluation survey (the host's questions, a participant's answers, the results) and the certificates of
attendance. Each change is one transaction, re-checks its rule (`training_events.access`) and writes its
audit row with one `partners.audit.record` call."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partners import audit
from partners.models import AuditEntry

from .. import access
from ..models import (
    Certificate,
    EvaluationAnswer,
    EvaluationQuestion,
    EvaluationResponse,
    Participant,
    TrainingEvent,
)
from .events import attendance_by_participant

P = Participant.Status
MIN_ANSWERS_SHOWN = 3  # evaluation results stay hidden below this many responses


# --- questions ------------------------------------------------------------------------------------------------


class QuestionsLocked(ValidationError):
    """The evaluation has responses: its questions stay as they were answered."""


def questions_locked(event: TrainingEvent) -> bool:
    return EvaluationResponse.objects.filter(event=event).exists()


def _check_question_change(question: EvaluationQuestion, *, by) -> TrainingEvent:
    event = question.event
    if not access.may_manage(by, event):
        raise PermissionDenied
    TrainingEvent.objects.select_for_update().get(pk=event.pk)  # a response and a change do not cross
    if questions_locked(event):
        raise QuestionsLocked(_("The evaluation has responses: its questions can no longer be changed."))
    return event


@transaction.atomic
def add_question(question: EvaluationQuestion, *, by, request=None) -> EvaluationQuestion:
    """Add `question` (its event and fields set) while nobody has answered."""
    if question.pk is not None:
        raise PermissionDenied
    event = _check_question_change(question, by=by)
    question.save()
    audit.record(
        actor=by,
        verb=AuditEntry.Verb.CREATED,
        obj=question,
        request=request,
        partnership=event.partnership,
        details={"question": question.text},
    )
    return question


@transaction.atomic
def update_question(question: EvaluationQuestion, *, by, request=None) -> EvaluationQuestion:
    event = _check_question_change(question, by=by)
    question.save()
    audit.record(
        actor=by,
        verb=AuditEntry.Verb.UPDATED,
        obj=question,
        request=request,
        partnership=event.partnership,
        details={"question": question.text},
    )
    return question


@transaction.atomic
def delete_question(question: EvaluationQuestion, *, by, request=None) -> None:
    event = _check_question_change(question, by=by)
    audit.record(
        actor=by,
        verb=AuditEntry.Verb.DELETED,
        obj=question,
        request=request,
        partnership=event.partnership,
        details={"question": question.text},
    )
    question.delete()


# --- answers and results ------------------------------------------------------------------------------------


def evaluation_open(event: TrainingEvent, today=None) -> bool:
    today = today or timezone.localdate()
    return today >= event.end_date


@transaction.atomic
def submit_evaluation(participant: Participant, answers: dict[int, object], *, by, request=None):
    """`answers`: question id → 1..5 (scale) or text. One response per participant; every answer validated
    before anything is saved."""
    if participant.user_id != by.pk or participant.status != P.REGISTERED:
        raise PermissionDenied
    event = participant.event
    if not evaluation_open(event):
        raise ValidationError(_("The evaluation opens on the event's last day."))
    if EvaluationResponse.objects.filter(participant=participant).exists():
        raise ValidationError(_("You have already answered this evaluation."))
    errors = {}
    rows = []
    for question in EvaluationQuestion.objects.filter(event=event):
        value = answers.get(question.pk)
        key = f"q{question.pk}"
        if question.kind == EvaluationQuestion.Kind.SCALE:
            if value in (None, ""):
                if question.required:
                    errors[key] = _("Choose a value from 1 to 5.")
                continue
            try:
                number = int(value)
            except (TypeError, ValueError):
                number = 0
            if not 1 <= number <= 5:
                errors[key] = _("Choose a value from 1 to 5.")
                continue
            rows.append(EvaluationAnswer(question=question, scale=number))
        else:
            text = str(value or "").strip()
            if not text and question.required:
                errors[key] = _("This answer is required.")
                continue
            if text:
                rows.append(EvaluationAnswer(question=question, text=text[:5000]))
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            response = EvaluationResponse.objects.create(event=event, participant=participant)
    except IntegrityError as error:
        raise ValidationError(_("You have already answered this evaluation.")) from error
    for row in rows:
        row.response = response
    EvaluationAnswer.objects.bulk_create(rows)
    audit.record(actor=by, verb=AuditEntry.Verb.CREATED, obj=response, request=request, partnership=event.partnership)
    return response


def evaluation_results(event: TrainingEvent) -> dict:
    """Aggregates per question, only with at least MIN_ANSWERS_SHOWN responses (else `shown` is False)."""
    count = EvaluationResponse.objects.filter(event=event).count()
    if count < MIN_ANSWERS_SHOWN:
        return {"shown": False, "responses": count, "minimum": MIN_ANSWERS_SHOWN, "questions": []}
    questions = []
    answers = EvaluationAnswer.objects.filter(response__event=event).select_related("question")
    by_question: dict[int, list] = {}
    for answer in answers:
        by_question.setdefault(answer.question_id, []).append(answer)
    for question in EvaluationQuestion.objects.filter(event=event):
        given = by_question.get(question.pk, [])
        if len(given) < MIN_ANSWERS_SHOWN:
            # An optional question few people answered would identify them: its answers stay hidden too.
            questions.append({"question": question, "count": len(given), "hidden": True})
            continue
        if question.kind == EvaluationQuestion.Kind.SCALE:
            values = [a.scale for a in given if a.scale is not None]
            distribution = [values.count(n) for n in range(1, 6)]
            average = (Decimal(sum(values)) / len(values)).quantize(Decimal("0.1")) if values else None
            questions.append(
                {"question": question, "count": len(values), "average": average, "distribution": distribution}
            )
        else:
            texts = sorted(a.text for a in given)  # sorted: the order of submission says nothing
            questions.append({"question": question, "count": len(given), "texts": texts})
    return {"shown": True, "responses": count, "minimum": MIN_ANSWERS_SHOWN, "questions": questions}


# --- certificates -------------------------------------------------------------------------------------------


def certificate_content(participant: Participant, hours: Decimal) -> dict:
    event = participant.event
    return {
        "document": "Certificate of attendance",
        "participant": {"name": participant.full_name, "organisation": participant.organisation.legal_name},
        "event": {
            "title": event.title,
            "topic": event.topic,
            "partnership": f"{event.partnership.acronym} ({event.partnership.project_number})",
            "host": event.host_organisation.legal_name,
            "city": event.city,
            "format": event.format,
            "start": event.start_date.isoformat(),
            "end": event.end_date.isoformat(),
            "learning_outcomes": [line.strip() for line in event.learning_outcomes.splitlines() if line.strip()],
        },
        "sessions": [
            {"day": a.session.day.isoformat(), "title": a.session.title, "hours": str(a.session.hours)}
            for a in participant.attendance.filter(present=True)
            .select_related("session")
            .order_by("session__day", "session__start_time")
        ],
        "hours": str(hours),
        "issued": {"by": event.host_organisation.legal_name, "on": timezone.localdate().isoformat()},
    }


@transaction.atomic
def issue_certificates(event: TrainingEvent, *, by, request=None) -> list[Certificate]:
    """A certificate for every registered participant who attended at least one session and has none yet;
    each gets its sealed PDF through the pipeline."""
    if not access.may_issue_certificates(by, event):
        raise PermissionDenied
    if timezone.localdate() < event.end_date:
        raise ValidationError(_("Certificates are issued from the event's last day, when attendance is complete."))
    from documents.services import request_pdf

    issued = []
    participants = list(
        Participant.objects.filter(event=event, status=P.REGISTERED, certificate__isnull=True)
        .select_related("organisation", "event__partnership", "event__host_organisation")
        .order_by("pk")
    )
    attended = attendance_by_participant([p.pk for p in participants])
    for participant in participants:
        hours = attended.get(participant.pk, (Decimal("0"), 0))[0]
        if hours <= 0:
            continue
        certificate = Certificate.objects.create(
            participant=participant, hours=hours, content=certificate_content(participant, hours), issued_by=by
        )
        request_pdf(certificate)
        issued.append(certificate)
    if issued:
        audit.record(
            actor=by,
            verb=AuditEntry.Verb.CREATED,
            obj=event,
            request=request,
            partnership=event.partnership,
            details={"certificates": len(issued)},
        )
    return issued
