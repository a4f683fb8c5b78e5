"""The catalogue: qualifications and their units of learning outcomes. Each organisation maintains its own."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext_lazy

from partners import audit
from partners.models import AuditEntry

from ..models import LearningAgreementUnit, MemorandumUnit, Unit


def unit_in_use(unit: Unit) -> bool:
    """A unit named in a memorandum or a learning agreement stays: those documents point to it."""
    return MemorandumUnit.objects.filter(unit=unit).exists() or LearningAgreementUnit.objects.filter(unit=unit).exists()


UNIT_IN_USE_MESSAGE = gettext_lazy(
    "This unit is used by a memorandum of understanding or a learning agreement, so it cannot be deleted. "
    "Edit it instead, or remove it from those documents first."
)


@transaction.atomic
def delete_unit(unit: Unit, *, by, request=None) -> None:
    unit = Unit.objects.select_for_update().select_related("qualification__organisation").get(pk=unit.pk)
    if unit_in_use(unit):
        raise ValidationError(str(UNIT_IN_USE_MESSAGE))
    audit.record(
        actor=by,
        verb=AuditEntry.Verb.DELETED,
        obj=unit,
        request=request,
        organisation=unit.qualification.organisation,
        details={"qualification": str(unit.qualification.code), "reference": unit.reference},
    )
    try:
        unit.delete()
    except ProtectedError:  # a document took it between the check and the delete
        raise ValidationError(str(UNIT_IN_USE_MESSAGE)) from None
