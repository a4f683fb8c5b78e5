"""Creating and changing mobilities: the rules about people and organisations, and the save itself.

`mobility_errors` holds the rules that need more than the record itself (Mobility.clean has the
rest); forms call it to show field errors, and the services call it again so nothing invalid is
ever saved, whoever calls them.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partners import audit
from partners.models import AuditEntry, PartnershipMember, User

from ..access import may_mentor, may_tutor
from ..models import Mobility
from .checklists import generate_checklist
from .money import organisation_distance_km

# A change to any of these moves the checklist's due dates.
DATE_FIELDS = frozenset({"start_date", "end_date"})
MENTOR_ELSEWHERE = gettext_lazy("The mentor must be a mentor at the receiving organisation.")
TUTOR_ELSEWHERE = gettext_lazy("The tutor must be a member of staff of the sending organisation.")


def mobility_errors(mobility: Mobility) -> dict[str, list[str]]:
    """Field → messages for the rules about who and which organisations take part."""
    errors: dict[str, list[str]] = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    sending, receiving, partnership = (
        mobility.sending_organisation_id,
        mobility.receiving_organisation_id,
        mobility.partnership_id,
    )
    if mobility.learner_id and sending != mobility.learner.home_organisation_id:
        add("learner", _("The sending organisation is the learner's home organisation."))
    if partnership and sending:
        members = set(
            PartnershipMember.objects.filter(partnership_id=partnership).values_list("organisation_id", flat=True)
        )
        if sending not in members:
            add("partnership", _("The learner's home organisation is not a member of this partnership."))
        if receiving and receiving != sending and receiving not in members:
            add("receiving_organisation", _("The receiving organisation must be a member of the partnership."))
    # "sending ≠ receiving" is Mobility.clean's.
    # The pickers' rules (mobility.access), re-checked whoever calls.
    if mobility.mentor_id and receiving and not may_mentor(mobility.mentor_id, receiving):
        add("mentor", str(MENTOR_ELSEWHERE))
    if mobility.tutor_id and sending and not may_tutor(mobility.tutor_id, sending):
        add("tutor", str(TUTOR_ELSEWHERE))
    if mobility.learner_id and mobility.start_date:
        learner = mobility.learner
        if learner.is_minor_on(mobility.start_date) and not learner.guardian_name:
            add(
                "start_date",
                _(
                    "The learner will be under 18 at the start of the mobility: record a parent or guardian "
                    "on the learner's page first."
                ),
            )
    return errors


def validate_mobility(mobility: Mobility) -> None:
    """Raise ValidationError unless the record and its people and organisations are consistent."""
    errors: dict[str, list] = {}
    try:
        mobility.full_clean(validate_unique=False)
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    for field, messages in mobility_errors(mobility).items():
        errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def _fill_distance(mobility: Mobility) -> None:
    if mobility.distance_km is None:
        mobility.distance_km = organisation_distance_km(mobility.sending_organisation, mobility.receiving_organisation)


@transaction.atomic
def create_mobility(*, mobility: Mobility, by: User, request=None) -> Mobility:
    """Save a new mobility (status draft), generate its quality checklist and record who did it."""
    if mobility.learner_id and not mobility.sending_organisation_id:
        mobility.sending_organisation_id = mobility.learner.home_organisation_id
    validate_mobility(mobility)
    _fill_distance(mobility)
    mobility.save()
    generate_checklist(mobility)
    audit.record(
        actor=by,
        verb=AuditEntry.Verb.CREATED,
        obj=mobility,
        request=request,
        partnership=mobility.partnership,
        organisation=mobility.sending_organisation,
        details={"fields": sorted(_filled_fields(mobility))},
    )
    return mobility


@transaction.atomic
def update_mobility(*, mobility: Mobility, changed: list[str] | set[str], by: User, request=None) -> Mobility:
    """Save the changed fields of a mobility; dates moved → checklist due dates follow."""
    changed = set(changed)
    if not changed:
        return mobility
    validate_mobility(mobility)
    # The distance follows the receiving organisation unless someone typed one in this change.
    if "receiving_organisation" in changed and "distance_km" not in changed:
        mobility.distance_km = None
        changed.add("distance_km")
    if mobility.distance_km is None:
        _fill_distance(mobility)
        if mobility.distance_km is not None:
            changed.add("distance_km")
    mobility.save(update_fields=sorted(changed | {"updated_at"}))
    if changed & DATE_FIELDS:
        generate_checklist(mobility)
    audit.record(
        actor=by,
        verb=AuditEntry.Verb.UPDATED,
        obj=mobility,
        request=request,
        partnership=mobility.partnership,
        organisation=mobility.sending_organisation,
        details={"fields": sorted(changed)},
    )
    return mobility


def _filled_fields(mobility: Mobility) -> set[str]:
    """The editable fields given a value (names only: the audit trail keeps no personal data)."""
    out = set()
    for field in mobility._meta.concrete_fields:
        if not field.editable or field.primary_key or field.name in ("created_at", "updated_at"):
            continue
        value = getattr(mobility, field.attname)
        if value not in (None, "", field.get_default()):
            out.add(field.name)
    return out
