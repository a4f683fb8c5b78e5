"""Changes to host companies and placements, and placing a learner: each one transaction with its audit row.

Views and the selection app call these; nothing else writes the placements' tables (the status moves through
`partners.workflow.move`).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from mobility.models import Learner, Mobility
from mobility.models.mobilities import ERASMUS_PRO_MIN_DAYS
from mobility.services.mobilities import create_mobility
from partners import audit, workflow
from partners.models import AuditEntry, Organisation, User

from .models import HostCompany, Placement


@transaction.atomic
def save_host(host: HostCompany, *, mentors, by: User, changed=(), request=None) -> HostCompany:
    """Create or update a host company with its mentors (each a mentor of the keeping organisation)."""
    mentors = list(mentors)
    host.pending_mentors = mentors
    host.full_clean()  # HostCompany.clean checks the pending mentors
    created = host.pk is None
    host.save()
    before = set(host.mentors.values_list("pk", flat=True)) if not created else set()
    host.mentors.set(mentors)
    after = {m.pk for m in mentors}
    fields = set(changed) | ({"mentors"} if before != after else set())
    audit.record(
        actor=by,
        verb=AuditEntry.Verb.CREATED if created else AuditEntry.Verb.UPDATED,
        obj=host,
        request=request,
        organisation=host.organisation,
        details={"fields": sorted(fields)},
    )
    return host


@transaction.atomic
def save_placement(placement: Placement, *, by: User, changed=(), request=None) -> Placement:
    """Create or update a placement; its places never drop below the learners already placed."""
    created = placement.pk is None
    errors: dict[str, list] = {}
    try:
        placement.full_clean()
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    if not created:
        # Lock the row: a learner placed meanwhile counts.
        Placement.objects.select_for_update().filter(pk=placement.pk).first()
        taken = placement.mobilities.exclude(status=Mobility.Status.CANCELLED).count()
        if placement.places < taken:
            errors.setdefault("places", []).append(
                _("%(taken)s learners are already placed here: give at least %(taken)s places.") % {"taken": taken}
            )
    if errors:
        raise ValidationError(errors)
    placement.save()
    audit.record(
        actor=by,
        verb=AuditEntry.Verb.CREATED if created else AuditEntry.Verb.UPDATED,
        obj=placement,
        request=request,
        partnership=placement.partnership,
        organisation=placement.host.organisation,
        details={"fields": sorted(set(changed))},
    )
    return placement


MOVES = ("publish", "withdraw", "back_to_draft")


def move_placement(placement: Placement, name: str, *, by: User, reason: str = "", request=None) -> None:
    """Publish, withdraw or take back a placement (partners.workflow checks the map and the mover's right)."""
    if name not in MOVES:
        raise ValidationError(_("Unknown change."))
    workflow.move(placement, name, by=by, reason=reason, request=request)


def eligibility_errors(placement: Placement, learner: Learner) -> list[str]:
    """Why `learner` may not take `placement` (empty: they may): the host's minimum age on the first day and the
    EQF level of the learner's qualification."""
    errors = []
    host = placement.host
    if host.minimum_age:
        age = learner.age_on(placement.start_date)
        if age is None:
            errors.append(
                _("The host takes learners aged %(age)s or more: record the learner's date of birth first.")
                % {"age": host.minimum_age}
            )
        elif age < host.minimum_age:
            errors.append(
                _("The host takes learners aged %(age)s or more; the learner will be %(actual)s on the first day.")
                % {"age": host.minimum_age, "actual": age}
            )
    levels = [level for level in (host.minimum_eqf_level, placement.eqf_level) if level]
    if levels:
        required = max(levels)
        if learner.eqf_level is None:
            errors.append(
                _("This placement asks for EQF level %(level)s: record the EQF level of the learner's qualification.")
                % {"level": required}
            )
        elif learner.eqf_level < required:
            errors.append(
                _("This placement asks for EQF level %(level)s; the learner's qualification is at level %(actual)s.")
                % {"level": required, "actual": learner.eqf_level}
            )
    return errors


@transaction.atomic
def place(
    placement: Placement, learner: Learner, *, sending_organisation: Organisation, by: User, request=None
) -> Mobility:
    """Place `learner` on `placement`: a draft mobility at the host's keeping organisation for the placement's
    period, with the placement's mentor, created like any mobility (checklist, distance, audit).

    The placement row is locked first, so two coordinators placing the last free place at once cannot both
    succeed. Refused (ValidationError) when the placement is not published, is full, already holds this
    learner, or the learner does not meet the host's minimum age or EQF level. Who may place is the caller's
    question (`placements.access.may_place`); the mobility's own rules (learner of the sending organisation,
    both organisations members of the partnership, the mentor a mentor of the host) are checked again by
    `create_mobility`."""
    locked = Placement.objects.select_for_update().select_related("host", "host__organisation").get(pk=placement.pk)
    if locked.status != Placement.Status.PUBLISHED:
        raise ValidationError(_("This placement is not published: nobody can be placed on it."))
    taken = locked.mobilities.exclude(status=Mobility.Status.CANCELLED)
    if taken.filter(learner=learner).exists():
        raise ValidationError(_("This learner is already placed here."))
    if taken.count() >= locked.places:
        raise ValidationError(_("This placement is full: all its places are taken."))
    errors = eligibility_errors(locked, learner)
    if errors:
        raise ValidationError(errors)
    host = locked.host
    mobility = Mobility(
        learner=learner,
        partnership_id=locked.partnership_id,
        sending_organisation=sending_organisation,
        receiving_organisation=host.organisation,
        start_date=locked.start_date,
        end_date=locked.end_date,
        kind=Mobility.Kind.ERASMUS_PRO
        if (locked.end_date - locked.start_date).days + 1 >= ERASMUS_PRO_MIN_DAYS
        else Mobility.Kind.SHORT_TERM,
        mentor_id=locked.mentor_id,
        placement=locked,
        host_company=host.name,
        host_address=host.address,
        host_sector=host.get_sector_display(),
        host_contact_name=host.contact_name,
        host_contact_email=host.contact_email,
        host_contact_phone=host.contact_phone,
        planned_activities=locked.occupation,
    )
    return create_mobility(mobility=mobility, by=by, request=request)
