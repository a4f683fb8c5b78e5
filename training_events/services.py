"""Training events: who may do what, registration within capacity, attendance, evaluation, certificates,
grants. Views call these; every state change is a transaction and writes an audit row.

Rights (docs/access.md):
- the project coordinator (`can_manage_partnership` on the partnership) creates events and edits them;
- the host's staff edit their event, its agenda, questions and materials, mark attendance, issue certificates;
- each partner's staff register their own organisation's people, within the places per organisation;
- a registered participant answers the evaluation once, after the event has started its last day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from mobility.models import IndividualSupportRate
from mobility.services.money import band_for, organisation_distance_km, support_for
from partners import audit
from partners.access import get_scope
from partners.models import AuditEntry, PartnershipMember, Right

from .models import (
    Attendance,
    Certificate,
    EvaluationAnswer,
    EvaluationQuestion,
    EvaluationResponse,
    Participant,
    Session,
    TrainingEvent,
)

P = Participant.Status
MIN_ANSWERS_SHOWN = 3  # evaluation results stay hidden below this many responses
TRAVEL_MARGIN_DAYS = 2  # arrival up to two days before the event, departure up to two days after


# --- who may do what ----------------------------------------------------------------------------------


def may_create(user, partnership) -> bool:
    return get_scope(user).has_right(Right.MANAGE_PARTNERSHIP, partnership=partnership)


def may_manage(user, event: TrainingEvent) -> bool:
    """The host's staff and the project coordinator."""
    scope = get_scope(user)
    return (
        scope.is_superuser
        or event.host_organisation_id in scope.staff_org_ids
        or scope.has_right(Right.MANAGE_PARTNERSHIP, partnership=event.partnership_id)
    )


def may_mark_attendance(user, event: TrainingEvent) -> bool:
    """Only the host marks attendance (it is the host that sees who is in the room)."""
    scope = get_scope(user)
    return scope.is_superuser or event.host_organisation_id in scope.staff_org_ids


def registering_organisations(user, event: TrainingEvent) -> list[int]:
    """The partner organisations of the event's partnership whose staff this user is."""
    scope = get_scope(user)
    members = set(
        PartnershipMember.objects.filter(partnership_id=event.partnership_id).values_list("organisation_id", flat=True)
    )
    return sorted(members & scope.staff_org_ids)


def _audit(event, *, by, verb, obj=None, request=None, organisation=None, **details):
    audit.record(
        actor=by,
        verb=verb,
        obj=obj or event,
        request=request,
        partnership=event.partnership,
        organisation=organisation,
        details=details or None,
    )


# --- agenda ---------------------------------------------------------------------------------------------


def check_session(event: TrainingEvent, day, start_time, end_time) -> None:
    errors = {}
    if day is not None and not (event.start_date <= day <= event.end_date):
        errors["day"] = _("The session must be on one of the event's days (%(start)s – %(end)s).") % {
            "start": formats.date_format(event.start_date, "SHORT_DATE_FORMAT"),
            "end": formats.date_format(event.end_date, "SHORT_DATE_FORMAT"),
        }
    if start_time is not None and end_time is not None and end_time <= start_time:
        errors["end_time"] = _("The session must end after it starts.")
    if errors:
        raise ValidationError(errors)


# --- registration -----------------------------------------------------------------------------------------


def places_left(event: TrainingEvent, organisation_id: int) -> int:
    used = Participant.objects.filter(event=event, organisation_id=organisation_id, status=P.REGISTERED).count()
    return max(event.capacity_per_organisation - used, 0)


@transaction.atomic
def register(event: TrainingEvent, *, organisation_id: int, data: dict, by, request=None) -> Participant:
    """Register one person for `organisation_id` (which must be the registering user's own organisation and
    a partner of the event), within its places. `data`: first_name, last_name, email, position,
    arrival_date, departure_date, needs."""
    if organisation_id not in registering_organisations(by, event):
        raise PermissionDenied(_("You may register only your own organisation's staff."))
    event = TrainingEvent.objects.select_for_update().get(pk=event.pk)  # one registration at a time per event
    email = (data.get("email") or "").strip().lower()
    errors = {}
    if places_left(event, organisation_id) <= 0:
        errors["__all__"] = _("Your organisation has used all its %(n)s places for this event.") % {
            "n": event.capacity_per_organisation
        }
    if Participant.objects.filter(event=event, email__iexact=email, status=P.REGISTERED).exists():
        errors["email"] = _("This person is already registered for the event.")
    arrival, departure = data.get("arrival_date"), data.get("departure_date")
    margin = timedelta(days=TRAVEL_MARGIN_DAYS)
    if arrival and not (event.start_date - margin <= arrival <= event.end_date):
        errors["arrival_date"] = _("The arrival must fall between %(first)s and the event's last day.") % {
            "first": formats.date_format(event.start_date - margin, "SHORT_DATE_FORMAT")
        }
    if departure and not (event.start_date <= departure <= event.end_date + margin):
        errors["departure_date"] = _("The departure must fall between the event's first day and %(last)s.") % {
            "last": formats.date_format(event.end_date + margin, "SHORT_DATE_FORMAT")
        }
    if arrival and departure and departure < arrival:
        errors["departure_date"] = _("The departure must not be before the arrival.")
    if errors:
        raise ValidationError(errors)
    user = get_user_model().objects.filter(email__iexact=email, is_active=True).first()
    try:
        with transaction.atomic():
            participant = Participant.objects.create(
                event=event,
                organisation_id=organisation_id,
                user=user,
                first_name=data["first_name"].strip(),
                last_name=data["last_name"].strip(),
                email=email,
                position=(data.get("position") or "").strip(),
                arrival_date=arrival,
                departure_date=departure,
                needs=(data.get("needs") or "").strip(),
                registered_by=by,
            )
    except IntegrityError as error:  # the same person registered at the same moment
        raise ValidationError({"email": _("This person is already registered for the event.")}) from error
    _audit(event, by=by, verb=AuditEntry.Verb.CREATED, obj=participant, request=request, participant=str(participant))
    return participant


@transaction.atomic
def cancel(participant: Participant, *, by, request=None) -> Participant:
    if participant.organisation_id not in registering_organisations(by, participant.event) and not may_manage(
        by, participant.event
    ):
        raise PermissionDenied
    if participant.status == P.CANCELLED:
        return participant
    if Certificate.objects.filter(participant=participant).exists():
        raise ValidationError(_("A certificate was issued to this participant: the registration stays."))
    participant.status = P.CANCELLED
    participant.save(update_fields=["status", "updated_at"])
    _audit(
        participant.event, by=by, verb=AuditEntry.Verb.STATE_CHANGED, obj=participant, request=request, to=P.CANCELLED
    )
    return participant


# --- grants -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StaffGrant:
    distance_km: int | None
    travel: Decimal
    days: int
    support: Decimal

    @property
    def total(self) -> Decimal:
        return self.travel + self.support


def grant_for(participant: Participant, *, bands=None, rates=None) -> StaffGrant:
    """Travel (distance band between the participant's organisation and the host) and daily support for staff,
    from the same admin-edited tables as learner mobility (group "staff")."""
    event = participant.event
    year = event.partnership.call_year
    if event.format == TrainingEvent.Format.ONLINE:
        return StaffGrant(None, Decimal("0"), 0, Decimal("0"))
    distance = organisation_distance_km(participant.organisation, event.host_organisation)
    band = band_for(distance, year, bands)
    if participant.arrival_date and participant.departure_date:
        days = (participant.departure_date - participant.arrival_date).days + 1
    else:
        days = event.days
    support = support_for(days, year, rates, group=IndividualSupportRate.Group.STAFF)
    return StaffGrant(distance, band.amount if band else Decimal("0"), days, support)


# --- attendance ---------------------------------------------------------------------------------------------


@transaction.atomic
def mark_attendance(event: TrainingEvent, present: dict[tuple[int, int], bool], *, by, request=None) -> int:
    """`present`: (participant id, session id) → present. Only the event's registered participants and
    sessions count; returns how many marks changed."""
    if not may_mark_attendance(by, event):
        raise PermissionDenied
    TrainingEvent.objects.select_for_update().get(pk=event.pk)  # one save at a time per event
    participants = set(Participant.objects.filter(event=event, status=P.REGISTERED).values_list("pk", flat=True))
    sessions = set(Session.objects.filter(event=event).values_list("pk", flat=True))
    existing = {(a.participant_id, a.session_id): a for a in Attendance.objects.filter(session__event=event)}
    changed = 0
    for (participant_id, session_id), value in present.items():
        if participant_id not in participants or session_id not in sessions:
            continue
        mark = existing.get((participant_id, session_id))
        if mark is None:
            if value:
                Attendance.objects.create(
                    participant_id=participant_id, session_id=session_id, present=True, marked_by=by
                )
                changed += 1
        elif mark.present != value:
            mark.present = value
            mark.marked_by = by
            mark.save(update_fields=["present", "marked_by", "marked_at"])
            changed += 1
    if changed:
        _audit(event, by=by, verb=AuditEntry.Verb.UPDATED, request=request, attendance_changes=changed)
    return changed


def attendance_by_participant(participant_ids) -> dict[int, tuple[Decimal, int]]:
    """participant id → (hours attended, sessions attended), for many participants in one query."""
    totals: dict[int, tuple[Decimal, int]] = {}
    for mark in Attendance.objects.filter(participant_id__in=participant_ids, present=True).select_related("session"):
        hours, count = totals.get(mark.participant_id, (Decimal("0"), 0))
        totals[mark.participant_id] = (hours + mark.session.hours, count + 1)
    return totals


def hours_attended(participant: Participant) -> Decimal:
    return attendance_by_participant([participant.pk]).get(participant.pk, (Decimal("0"), 0))[0]


# --- evaluation ---------------------------------------------------------------------------------------------


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
    _audit(event, by=by, verb=AuditEntry.Verb.CREATED, obj=response, request=request)
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
    if not may_mark_attendance(by, event):
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
        _audit(event, by=by, verb=AuditEntry.Verb.CREATED, request=request, certificates=len(issued))
    return issued
