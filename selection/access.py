"""Who may see and do what in the selection app (docs/selection.md, docs/access.md).

Scope (which calls and applications exist for a user at all) is `visible_to(user)` in `querysets.py`: the
sending organisation's staff and the call's panel members. These predicates decide within that scope (403);
they never widen it. The one- and two-argument ones are published as rules (`selection.<name>`) for templates.
"""

from __future__ import annotations

from partners.access import get_scope, register
from partners.models import Organisation, Right


def _signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def _call_of(obj):
    return getattr(obj, "call", obj)


def is_call_staff(user, call) -> bool:
    """A project or partner coordinator of the call's sending organisation (sees all of the call)."""
    return _signed_in(user) and get_scope(user).is_staff_of(_call_of(call).organisation_id)


def is_panel_member(user, call) -> bool:
    if not _signed_in(user):
        return False
    call = _call_of(call)
    seats = getattr(call, "_panel_user_ids", None)
    if seats is None:
        seats = call._panel_user_ids = set(call.panel.values_list("user_id", flat=True))
    return user.pk in seats


def may_manage_call(user, call) -> bool:
    """Edit, publish, close or cancel the call; enter and check applications: the sending organisation's
    coordinators with the right to manage mobilities."""
    call = _call_of(call)
    scope = get_scope(user) if _signed_in(user) else None
    return bool(
        scope
        and scope.is_staff_of(call.organisation_id)
        and scope.has_right(Right.MANAGE_MOBILITIES, organisation=call.organisation_id)
    )


def may_manage_applications(user, call) -> bool:
    return may_manage_call(user, call)


def may_decide(user, call) -> bool:
    """Record the panel's decision (selected, reserve, not selected): the sending organisation's coordinators."""
    return may_manage_call(user, call)


def sees_applicants(user, call) -> bool:
    """Applicants' personal data and documents: the sending organisation's coordinators, and the call's panel
    members once they declared no conflict of interest (then on the panel's pages, eligible applications only:
    `access_panel.may_read_application`)."""
    from .access_panel import has_declared

    return is_call_staff(user, call) or has_declared(user, call)


def may_download_document(user, document) -> bool:
    """A document through the coordinators' pages; the panel downloads through its own (`panel_document`), which
    asks `access_panel.may_read_application`."""
    return is_call_staff(user, document.application.call)


def call_organisations(user):
    """Organisations for which the user may open a call."""
    ids = get_scope(user).org_ids_with_right(Right.MANAGE_MOBILITIES)
    staff = get_scope(user).staff_org_ids
    organisations = Organisation.objects.visible_to(user).order_by("short_name")
    if ids is None:
        return organisations
    return organisations.filter(pk__in=ids & staff)


def may_create_call(user) -> bool:
    return _signed_in(user) and call_organisations(user).exists()


register(
    "selection",
    is_call_staff,
    is_panel_member,
    may_manage_call,
    may_manage_applications,
    may_decide,
    sees_applicants,
    may_download_document,
    may_create_call,
)


# --- the panel, the ranking and the decision (issue 18, point 4): selection/access_panel.py -------------------

from .access_panel import PANEL_RULES  # noqa: E402

register("selection", *PANEL_RULES)
