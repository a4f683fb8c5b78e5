"""The mobility lifecycle: one transition function, an explicit map and role rules."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from partners import audit
from partners.models import AuditEntry

from ..access import RECEIVING, SENDING, sides_of
from ..models import Mobility, MobilityStatusChange

S = Mobility.Status

# Which side's staff (with can_manage_mobilities, mobility.access.sides_of) may make each move.
WHO_MAY: dict[tuple[str, str], tuple[str, ...]] = {
    (S.DRAFT, S.PLANNED): (SENDING,),
    (S.PLANNED, S.DRAFT): (SENDING,),
    # Until the ECVET Learning Agreement exists the sending side records the agreement by hand;
    # with it, the LA's full approval makes this move.
    (S.PLANNED, S.AGREED): (SENDING,),
    (S.AGREED, S.IN_MOBILITY): (SENDING, RECEIVING),
    (S.IN_MOBILITY, S.COMPLETED): (SENDING, RECEIVING),
    (S.COMPLETED, S.RECOGNISED): (SENDING,),
}
CANCEL_SIDES = (SENDING, RECEIVING)


def transitions_for(user, mobility: Mobility) -> list[str]:
    """The moves this user may make now (for buttons)."""
    sides = sides_of(user, mobility)
    out = []
    for target in mobility.allowed_transitions():
        allowed = CANCEL_SIDES if target == S.CANCELLED else WHO_MAY.get((mobility.status, target), ())
        if sides & set(allowed):
            out.append(target)
    return out


class TransitionError(ValidationError):
    pass


@transaction.atomic
def transition(
    mobility: Mobility, to_status: str, *, by, reason: str = "", request=None, system: bool = False
) -> Mobility:
    """Move a mobility to `to_status`, or refuse with a clear message.

    `system=True` is for moves the portal makes itself (e.g. the Learning Agreement approved by
    all parties); it skips the role check but not the transition map.
    """
    mobility = Mobility.objects.select_for_update().get(pk=mobility.pk)
    current = mobility.status
    if to_status not in mobility.allowed_transitions():
        raise TransitionError(
            _("A mobility that is “%(current)s” cannot become “%(target)s”.")
            % {"current": S(current).label, "target": S(to_status).label}
        )
    if to_status == S.CANCELLED and not reason.strip():
        raise TransitionError(_("Give a reason for cancelling the mobility."))
    if not system:
        allowed = CANCEL_SIDES if to_status == S.CANCELLED else WHO_MAY.get((current, to_status), ())
        if not sides_of(by, mobility) & set(allowed):
            raise PermissionDenied(_("You may not make this change."))
    mobility.status = to_status
    mobility.save(update_fields=["status", "updated_at"])
    MobilityStatusChange.objects.create(
        mobility=mobility, from_status=current, to_status=to_status, by=by, reason=reason.strip()
    )
    audit.record(
        actor=by,
        verb=AuditEntry.Verb.STATE_CHANGED,
        obj=mobility,
        request=request,
        partnership=mobility.partnership,
        organisation=mobility.sending_organisation,
        details={"from": current, "to": to_status, "reason": reason.strip()},
    )
    return mobility
