"""Who reports on what (docs/access.md, "Reporting"; docs/budget.md): the one place the reporting pages ask.

- `partnership_in_scope(user, slug)`: the partnership, if the user sees it (its organisations' staff,
  administrators), else 404;
- `sees_whole_partnership(user, partnership)`: the project coordinators (and administrators) see every
  organisation's figures, rows and costs; everyone else their own organisation's part
  (`visible_organisations`);
- the budget: who records costs for which organisation (`recording_organisation_ids`, `may_record_for`,
  `may_record_costs`, `may_edit_cost`) and who sets the grant split (`may_manage_allocations`);
- the Beneficiary Module import: who applies a BM file to the project's mobilities (`may_import_activities`).

Two-argument rules are published as `reporting.<name>` for templates (`{% test_rule %}`).
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from partners.access import get_scope, register
from partners.models import Partnership, PartnershipMember, Right


def partnership_in_scope(user, slug: str) -> Partnership:
    return get_object_or_404(Partnership.objects.visible_to(user), slug=slug)


def sees_whole_partnership(user, partnership) -> bool:
    return get_scope(user).coordinates(partnership)


def visible_organisations(user, partnership, members: list) -> list:
    """The member organisations (of `members`) whose money and rows the user sees: all for the partnership's
    project coordinators, else the organisations where the user is staff (the rule of the money querysets)."""
    if sees_whole_partnership(user, partnership):
        return list(members)
    scope = get_scope(user)
    return [org for org in members if scope.is_staff_of(org)]


def may_manage_allocations(user, partnership) -> bool:
    """Setting the grant split is the project coordinator's (can_manage_partnership for the partnership)."""
    return get_scope(user).has_right(Right.MANAGE_PARTNERSHIP, partnership=partnership)


def recording_organisation_ids(user, partnership, member_ids=None) -> set[int]:
    """Member organisations the user records costs for: the project coordinator (can_manage_organisation for
    the partnership) for every member; a partner's staff with can_manage_organisation for their own. A right
    delegated by coordinating *another* partnership does not count here."""
    scope = get_scope(user)
    pid = getattr(partnership, "pk", partnership)
    if member_ids is None:
        member_ids = PartnershipMember.objects.filter(partnership_id=pid).values_list("organisation_id", flat=True)
    ids = set(member_ids)
    if scope.unrestricted:
        return ids
    if scope.coordinates(pid) and scope.has_right(Right.MANAGE_ORGANISATION, partnership=pid):
        return ids
    return {pk for pk in ids if scope.is_staff_of(pk) and Right.MANAGE_ORGANISATION in scope.rights_by_org.get(pk, ())}


def may_record_for(user, partnership, organisation_id: int) -> bool:
    return organisation_id in recording_organisation_ids(user, partnership)


def may_record_costs(user, partnership) -> bool:
    """The "Record a cost" action: for at least one organisation of the partnership."""
    return bool(recording_organisation_ids(user, partnership))


def may_edit_cost(user, cost) -> bool:
    """Edit or delete a recorded cost: who records for its organisation."""
    return may_record_for(user, cost.partnership_id, cost.organisation_id)


def may_import_activities(user, partnership) -> bool:
    """Importing a Beneficiary Module file changes the project's mobilities: the project coordinator with the
    right to manage mobilities for the partnership (the one who reports the whole project in the BM)."""
    return sees_whole_partnership(user, partnership) and get_scope(user).has_right(
        Right.MANAGE_MOBILITIES, partnership=partnership
    )


register(
    "reporting", sees_whole_partnership, may_manage_allocations, may_record_costs, may_edit_cost, may_import_activities
)
