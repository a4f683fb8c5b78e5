"""The mobility lifecycle: the moves declared on `Mobility` (partners.workflow), asked by target status.

The map, the guards (mobility.guards: which fact each move needs) and who may make each move
(mobility.access.may_plan / may_run; *recognised* only by the transcript service) are declared on the model;
this module only names the move that leads to a status and runs it through `partners.workflow.move`, which
writes the history row and the audit entry.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from partners import workflow

from ..models import Mobility

S = Mobility.Status

# The move that leads to each status.
MOVE_TO: dict[str, str] = {
    S.PLANNED: "plan",
    S.DRAFT: "back_to_draft",
    S.AGREED: "agree",
    S.IN_MOBILITY: "start",
    S.COMPLETED: "complete",
    S.RECOGNISED: "recognise",
    S.CANCELLED: "cancel",
}

TransitionError = workflow.Refused


def moves_for(user, mobility: Mobility) -> list[tuple[str, str]]:
    """(status, button label) of the moves this user may make now: allowed by the map, the facts and their role."""
    return [(t.target, workflow.move_label(mobility, t.name)) for t in workflow.available_moves(mobility, user)]


def blocked_for(user, mobility: Mobility) -> list[tuple[str, str, list[workflow.Missing]]]:
    """The next steps this user would take (or, for recognition, follow) once the missing facts exist:
    (target status, label, missing facts with links)."""
    return [
        (t.target, str((t.custom or {}).get("label") or t.name), missing)
        for t, missing in workflow.blocked_moves(mobility, user)
    ]


def transition(
    mobility: Mobility, to_status: str, *, by, reason: str = "", request=None, system: bool = False
) -> Mobility:
    """Move a mobility to `to_status`, or refuse (`TransitionError` naming the missing facts, or
    PermissionDenied) and change nothing.

    `system=True` is for moves the portal makes itself (e.g. the Learning Agreement approved by all parties,
    recognition recorded on the transcript); it skips the role check, never the map or the facts.
    """
    mobility = Mobility.objects.select_related("partnership", "sending_organisation").get(pk=mobility.pk)
    name = MOVE_TO.get(to_status)
    if name is None or to_status not in mobility.allowed_transitions():
        raise TransitionError(
            _("A mobility that is “%(current)s” cannot become “%(target)s”.")
            % {
                "current": S(mobility.status).label,
                "target": S(to_status).label if to_status in S.values else to_status,
            }
        )
    if to_status == S.CANCELLED and not (reason or "").strip():
        raise TransitionError(_("Give a reason for cancelling the mobility."))
    workflow.move(mobility, name, by=by, reason=reason, request=request, system=system)
    return mobility


def complete_without_assessment(mobility: Mobility, *, why: str, by, request=None) -> Mobility:
    """Complete a stay whose mentor's assessment will not come, recording why (the fact that replaces it)."""
    why = (why or "").strip()
    if not why:
        raise TransitionError(_("Say why there is no assessment."))
    mobility = Mobility.objects.select_related("partnership", "sending_organisation").get(pk=mobility.pk)
    mobility.no_assessment_reason = why
    workflow.move(mobility, "complete", by=by, reason=why, request=request, update_fields=["no_assessment_reason"])
    return mobility
