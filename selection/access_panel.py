"""The panel's rules: naming the panel, declaring no conflict, scoring, the ranking and the decision
(issue 18, point 4; docs/selection.md). Imported at the end of `selection.access`, which publishes the
one- and two-argument ones as rules (`selection.<name>`).

Scope stays `visible_to(user)` (querysets.py): the sending organisation's staff and the call's panel. Within it:

- the panel (each member after declaring no conflict) reads the call's *eligible* applications only — those the
  eligibility check let through, and the ones decided from them — with their documents, every assessor's
  scores and the ranking; before declaring, a member reads nothing of the applicants (403);
- the sending organisation's coordinators (`may_decide`) name the panel, read the ranking (totals and
  per-criterion means, not who gave which points unless they sit on the panel themselves), record the
  decision and offer placements.
"""

from __future__ import annotations

from partners.models.people import Role

from .models import Application, Call, PanelMember

# Applications the panel reads: eligible, or decided from eligible (a withdrawn one leaves the panel's view).
PANEL_STATES = (
    Application.Status.ELIGIBLE,
    Application.Status.SELECTED,
    Application.Status.RESERVE,
    Application.Status.NOT_SELECTED,
)
# Roles from which the coordinators pick the panel: the sending organisation's people, never its learners.
PANEL_ROLES = (Role.PROJECT_COORDINATOR, Role.PARTNER_COORDINATOR, Role.MENTOR)


def _call_of(obj) -> Call:
    return getattr(obj, "call", obj)


def seat_of(user, call) -> PanelMember | None:
    """The user's panel seat on the call, or None (cached on the call for the request)."""
    if not getattr(user, "is_authenticated", False):
        return None
    call = _call_of(call)
    seats = getattr(call, "_panel_seats", None)
    if seats is None:
        seats = call._panel_seats = {seat.user_id: seat for seat in call.panel.all()}
    return seats.get(user.pk)


def has_declared(user, call) -> bool:
    """A panel member of the call who declared no conflict of interest."""
    seat = seat_of(user, call)
    return bool(seat and seat.has_declared)


def may_name_panel(user, call) -> bool:
    """Name or change the panel: the coordinators who decide, while nobody has scored yet… and until the
    decision (a member without scores may be replaced)."""
    from .access import may_decide

    call = _call_of(call)
    return call.status in (Call.Status.DRAFT, Call.Status.PUBLISHED, Call.Status.CLOSED) and may_decide(user, call)


def may_declare(user, call) -> bool:
    """Declare no conflict: the member themself, once, before the decision."""
    seat = seat_of(user, call)
    return bool(seat and not seat.has_declared and _call_of(call).status != Call.Status.CANCELLED)


def reads_applications(user, call) -> bool:
    """Reads the eligible applications and their documents through the panel's pages."""
    from .access import may_decide

    return has_declared(user, call) or may_decide(user, call)


def sees_panel_page(user, call) -> bool:
    """The call's panel page: its members (to declare) and those who read the applications."""
    return seat_of(user, call) is not None or reads_applications(user, call)


def may_read_application(user, application) -> bool:
    """One application on the panel's pages: eligible (or decided from eligible) and read as above."""
    return application.status in PANEL_STATES and reads_applications(user, application.call)


def may_score(user, call) -> bool:
    """Give points: a declared panel member while the call is closed (no more applications, no decision yet)."""
    return _call_of(call).status == Call.Status.CLOSED and has_declared(user, call)


def sees_scores(user, call) -> bool:
    """Every assessor's points and comments: the declared panel (issue 18, point 5)."""
    return has_declared(user, call)


def sees_ranking(user, call) -> bool:
    """The ranking (totals, per-criterion means): the declared panel and the coordinators who decide."""
    return reads_applications(user, call)


def may_record_decision(user, call) -> bool:
    """Record the decision for the whole call: the sending organisation's coordinators (not the panel chair:
    the panel assesses, the school decides), while the call is closed."""
    from .access import may_decide

    call = _call_of(call)
    return call.status == Call.Status.CLOSED and may_decide(user, call)


def may_offer_placement(user, application) -> bool:
    """Offer a placement to a selected applicant not yet placed: the coordinators who decide."""
    from .access import may_decide

    return (
        application.status == Application.Status.SELECTED
        and application.mobility_id is None
        and application.erased_at is None
        and may_decide(user, application.call)
    )


def panel_candidates(call):
    """The people who may sit on the call's panel: active members of its sending organisation (not learners)."""
    from partners.models import User

    return (
        User.objects.filter(
            is_active=True,
            memberships__organisation_id=_call_of(call).organisation_id,
            memberships__is_active=True,
            memberships__role__in=PANEL_ROLES,
        )
        .distinct()
        .order_by("last_name", "first_name", "email")
    )


PANEL_RULES = (
    has_declared,
    may_name_panel,
    may_declare,
    reads_applications,
    sees_panel_page,
    may_read_application,
    may_score,
    sees_scores,
    sees_ranking,
    may_record_decision,
    may_offer_placement,
)
