"""Who may see and do what with host companies and placements: the one place the app decides.

Built on `partners.access` (the scope and its named questions). Scope first: objects are found through
`visible_to(user)` (out of scope → 404); these rules then decide within scope (refused → 403). Templates ask
the same rules through `rules`: `{% test_rule "placements.may_manage_host" request.user host as can %}`.

- host companies and their placements are kept by the keeping organisation: whoever may edit that
  organisation's data (`can_manage_organisation`: its coordinators, and the project coordinator of a
  partnership it belongs to) creates, edits, publishes and withdraws them;
- the catalogue of a partnership (its published placements) is read by the staff of its member organisations;
- placing a learner: a member organisation's staff with `can_manage_mobilities` for the sending organisation.
"""

from __future__ import annotations

from partners.access import get_scope, register
from partners.models import Organisation, Partnership, Right


def may_keep_hosts(user, organisation) -> bool:
    """Create and edit host companies of `organisation` (an Organisation or its id)."""
    return get_scope(user).has_right(Right.MANAGE_ORGANISATION, organisation=organisation)


def keeping_organisations(user):
    """The organisations (visible to the user) whose host companies they may keep."""
    scope = get_scope(user)
    organisations = Organisation.objects.visible_to(user)
    allowed = scope.org_ids_with_right(Right.MANAGE_ORGANISATION)
    if allowed is None:
        return organisations
    return organisations.filter(pk__in=allowed & scope.managed_org_ids)


def may_keep_hosts_somewhere(user) -> bool:
    """The "New host company" button and the host list."""
    scope = get_scope(user)
    allowed = scope.org_ids_with_right(Right.MANAGE_ORGANISATION)
    return allowed is None or bool(allowed & scope.managed_org_ids)


def may_manage_host(user, host) -> bool:
    """Edit the host company and create, edit, publish and withdraw its placements."""
    return may_keep_hosts(user, host.organisation_id)


def may_manage_placement(user, placement) -> bool:
    return may_keep_hosts(user, placement.host.organisation_id)


def placement_partnerships(user, host):
    """The partnerships a placement of `host` may be offered to: those its keeping organisation belongs to."""
    return Partnership.objects.filter(members__organisation_id=host.organisation_id).order_by("acronym").distinct()


def may_browse_catalogue(user, partnership) -> bool:
    """Read the partnership's catalogue of published placements: the staff of its member organisations."""
    return get_scope(user).in_partnership(partnership)


def may_browse_some_catalogue(user) -> bool:
    """The "Placements" entry of the navigation."""
    scope = get_scope(user)
    return scope.unrestricted or bool(scope.partnership_ids)


def placing_organisations(user, placement) -> list[int]:
    """The sending organisations for which the user may place a learner on `placement`: member organisations
    of its partnership, other than the host's keeping organisation, where the user manages mobilities."""
    from partners.models import PartnershipMember

    scope = get_scope(user)
    members = set(
        PartnershipMember.objects.filter(partnership_id=placement.partnership_id).values_list(
            "organisation_id", flat=True
        )
    )
    members.discard(placement.host.organisation_id)
    allowed = scope.org_ids_with_right(Right.MANAGE_MOBILITIES)
    return sorted(members if allowed is None else members & allowed)


def may_place(user, placement) -> bool:
    return placement.status == placement.Status.PUBLISHED and bool(placing_organisations(user, placement))


register(
    "placements",
    may_keep_hosts,
    may_keep_hosts_somewhere,
    may_manage_host,
    may_manage_placement,
    may_browse_catalogue,
    may_browse_some_catalogue,
    may_place,
)
