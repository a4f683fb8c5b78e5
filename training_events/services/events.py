"""The event, its agenda, registration within the places per organisation, grants and attendance.

Every change is one transaction that re-checks the rule (`training_events.access`) and writes its audit row
with one `partners.audit.record` call."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats
from django.utils.translation import gettext as _

from funding.models import Activity
from funding.models import Participant as FundingParticipant
from funding.pricing import Stay, price
from funding.projects import organisation_distance_km, rules_for
from partners import audit, workflow
from partners.models import AuditEntry

from .. import access
from ..models import Attendance, Certificate, Participant, Session, TrainingEvent

P = Participant.Status
TRAVEL_MARGIN_DAYS = 2  # arrival up to two days before the event, departure up to two days after


# --- the event ------------------------------------------------------------------------------------------------


@transaction.atomic
def create_event(event: TrainingEvent, *, by, request=None) -> TrainingEvent:
    """Save a new event (its fields set and validated, e.g. by `EventForm`) in its partnership."""
    if event.pk is not None or not access.may_create(by, event.partnership_id):
        raise PermissionDenied
    event.full_clean()
    event.save()
    audit.record(
        actor=by,
        verb=AuditEntry.Verb.CREATED,
        obj=event,
        request=request,
        partnership=event.partnership,
        organisation=event.host_organisation,
    )
    return event


@transaction.atomic
def update_event(event: TrainingEvent, *, by, fields: list[str] | None = None, request=None) -> TrainingEvent:
    """Save the changes made to `event`; the right is checked on the stored event (a new host does not
    give its staff the right to make the change that names it)."""
    stored = TrainingEvent.objects.select_for_update().get(pk=event.pk)
    if not access.may_manage(by, stored):
        raise PermissionDenied
    event.full_clean()
    event.save()
    audit.record(
        actor=by,
        verb=AuditEntry.Verb.UPDATED,
        obj=event,
        request=request,
        partnership=event.partnership,
        organisation=event.host_organisation,
        details={"fields": list(fields)} if fields else None,
    )
    return event


# --- the agenda ---------------------------------------------------------------------------------------------


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


def _save_session(session: Session, *, by, verb: str, fields=None, request=None) -> Session:
    event = session.event
    if not access.may_manage(by, event):
        raise PermissionDenied
    check_session(event, session.day, session.start_time, session.end_time)
    session.save()
    audit.record(
        actor=by,
        verb=verb,
        obj=session,
        request=request,
        partnership=event.partnership,
        organisation=event.host_organisation,
        details={"fields": list(fields)} if fields else None,
    )
    return session


@transaction.atomic
def add_session(session: Session, *, by, request=None) -> Session:
    """Add `session` (its event and fields set) to its event's agenda."""
    if session.pk is not None:
        raise PermissionDenied
    return _save_session(session, by=by, verb=AuditEntry.Verb.CREATED, request=request)


@transaction.atomic
def update_session(session: Session, *, by, fields: list[str] | None = None, request=None) -> Session:
    if session.pk is None or Session.objects.filter(pk=session.pk).values_list("event_id", flat=True).first() != (
        session.event_id
    ):
        raise PermissionDenied  # a session does not move to another event
    return _save_session(session, by=by, verb=AuditEntry.Verb.UPDATED, fields=fields, request=request)


@transaction.atomic
def delete_session(session: Session, *, by, request=None) -> int:
    """Remove the session (and the attendance marked at it); returns how many were marked present."""
    event = session.event
    if not access.may_manage(by, event):
        raise PermissionDenied
    marks = session.attendance.filter(present=True).count()
    audit.record(
        actor=by,
        verb=AuditEntry.Verb.DELETED,
        obj=session,
        request=request,
        partnership=event.partnership,
        organisation=event.host_organisation,
        details={"attendance": marks},
    )
    session.delete()
    return marks


# --- registration -----------------------------------------------------------------------------------------


def places_left(event: TrainingEvent, organisation_id: int) -> int:
    used = Participant.objects.filter(event=event, organisation_id=organisation_id, status=P.REGISTERED).count()
    return max(event.capacity_per_organisation - used, 0)


def _stay_errors(event: TrainingEvent, arrival, departure) -> dict:
    errors = {}
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
    return errors


@transaction.atomic
def register(event: TrainingEvent, *, organisation_id: int, data: dict, by, request=None) -> Participant:
    """Register one person for `organisation_id` (which must be the registering user's own organisation and
    a partner of the event), within its places. `data`: first_name, last_name, email, position,
    arrival_date, departure_date, needs.

    The person is a member of that organisation's staff: an e-mail address that belongs to a portal
    account must be one of its staff (`access.registrable_people`: not a learner, not someone of another
    organisation); a colleague without an account is linked when they accept an invitation."""
    if not access.may_register_for(by, event, organisation_id):
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
    account = get_user_model().objects.filter(email__iexact=email, is_active=True).first()
    if account is not None and "email" not in errors and not access.is_registrable(account, organisation_id):
        errors["email"] = _(
            "This address belongs to a portal account that is not on your organisation's staff: "
            "register only your organisation's staff."
        )
    arrival, departure = data.get("arrival_date"), data.get("departure_date")
    errors.update(_stay_errors(event, arrival, departure))
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            participant = Participant.objects.create(
                event=event,
                organisation_id=organisation_id,
                user=account,
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
    audit.record(
        actor=by,
        verb=AuditEntry.Verb.CREATED,
        obj=participant,
        request=request,
        partnership=event.partnership,
        details={"participant": str(participant)},
    )
    return participant


@transaction.atomic
def cancel(participant: Participant, *, by, request=None) -> Participant:
    if not access.may_cancel(by, participant):
        raise PermissionDenied
    if participant.status == P.CANCELLED:
        return participant
    if Certificate.objects.filter(participant=participant).exists():
        raise ValidationError(_("A certificate was issued to this participant: the registration stays."))
    workflow.move(participant, "cancel", by=by, request=request)
    return participant


def link_participations(user, organisation_id: int) -> int:
    """Give a new account the registrations made for its e-mail by `organisation_id` before it existed (so
    they can answer the evaluation and read their certificate); returns how many. The invitation's
    acceptance is the audited change (partners); this follows from it."""
    return Participant.objects.filter(
        user__isnull=True, email__iexact=user.email, organisation_id=organisation_id
    ).update(user=user)


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


def grant_for(participant: Participant, *, rules=None) -> StaffGrant:
    """Travel (distance band between the participant's organisation and the host) and daily support for staff,
    under the project's funding rules (funding app), like learner mobility. Pass `rules` to price many."""
    event = participant.event
    if event.format == TrainingEvent.Format.ONLINE:
        return StaffGrant(None, Decimal("0"), 0, Decimal("0"))
    rules = rules or rules_for(event.partnership)
    distance = organisation_distance_km(participant.organisation, event.host_organisation)
    if participant.arrival_date and participant.departure_date:
        days = (participant.departure_date - participant.arrival_date).days + 1
    else:
        days = event.days
    # The arrival and departure days are the travel days: individual support counts the days present.
    grant = price(
        Stay(
            participant=FundingParticipant.STAFF,
            activity=Activity.STAFF_COURSE,
            receiving_country=str(event.host_organisation.country),
            distance_km=distance,
            activity_days=days,
        ),
        rules,
    )
    return StaffGrant(distance, grant.travel, days, grant.support)


# --- attendance ---------------------------------------------------------------------------------------------


@transaction.atomic
def mark_attendance(event: TrainingEvent, present: dict[tuple[int, int], bool], *, by, request=None) -> int:
    """`present`: (participant id, session id) → present. Only the event's registered participants and
    sessions count; returns how many marks changed."""
    if not access.may_mark_attendance(by, event):
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
        audit.record(
            actor=by,
            verb=AuditEntry.Verb.UPDATED,
            obj=event,
            request=request,
            partnership=event.partnership,
            details={"attendance_changes": changed},
        )
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
