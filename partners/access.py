"""Who may see and do what: the one place that reads memberships for access decisions.

`get_scope(user)` loads a user's active memberships once per request (cached on the
user object) and answers two questions:

- visibility: which organisations and partnerships are in the user's scope
  (used by every model's ``visible_to(user)`` queryset method);
- rights: does the user hold a named right (`partners.models.Right`) for an
  organisation or partnership (`has_right`).

Rules (docs/access.md has the full table):
- project coordinator: everything in the partnerships their organisation
  coordinates; their rights reach every member organisation of those
  partnerships, except signing, which stays with each organisation's own signers;
- partner coordinator: their own organisation's data;
- mentor and learner: only what is assigned to them (mobility issue) and their
  own organisation's profile;
- superuser: everything.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied

# Rights a project coordinator's membership extends to the partner organisations
# of the partnerships they coordinate. Signing is not delegated.
DELEGATED_RIGHTS = frozenset(
    {"can_manage_organisation", "can_manage_mobilities", "can_invite", "can_view_audit", "can_manage_partnership"}
)


@dataclass(frozen=True)
class Scope:
    user_id: int | None
    is_superuser: bool = False
    # org id -> roles the user holds there
    roles_by_org: dict[int, frozenset[str]] = field(default_factory=dict)
    # org id -> rights the user holds for that organisation
    rights_by_org: dict[int, frozenset[str]] = field(default_factory=dict)
    # partnership id -> rights for partnership-level actions
    rights_by_partnership: dict[int, frozenset[str]] = field(default_factory=dict)
    # partnerships whose coordinating organisation employs the user as project coordinator
    coordinated_partnership_ids: frozenset[int] = frozenset()
    # every organisation that is a member of a coordinated partnership
    coordinated_org_ids: frozenset[int] = frozenset()
    # organisations where the user is project or partner coordinator
    staff_org_ids: frozenset[int] = frozenset()
    # partnerships that any of the staff organisations belongs to
    partnership_ids: frozenset[int] = frozenset()
    # organisations that share a partnership with a staff organisation
    network_org_ids: frozenset[int] = frozenset()

    @property
    def member_org_ids(self) -> frozenset[int]:
        return frozenset(self.roles_by_org)

    @property
    def managed_org_ids(self) -> frozenset[int]:
        """Organisations whose internal data (people, strategy, audit) the user may read."""
        return self.staff_org_ids | self.coordinated_org_ids

    @property
    def roles(self) -> frozenset[str]:
        out: set[str] = set()
        for roles in self.roles_by_org.values():
            out |= roles
        return frozenset(out)

    # Named questions every app asks of a scope. Apps ask these (through their own `<app>/access.py`)
    # instead of reading `is_superuser` themselves: this module is the only one that does.
    @property
    def unrestricted(self) -> bool:
        """Sees and may do everything (a superuser): querysets skip their filters."""
        return self.is_superuser

    @property
    def is_staff(self) -> bool:
        """Project or partner coordinator somewhere (or unrestricted): the staff pages and menus."""
        return self.is_superuser or bool(self.staff_org_ids)

    def coordinates(self, partnership) -> bool:
        """Project coordinator of `partnership` (or unrestricted): sees every organisation's part of it."""
        pid = getattr(partnership, "pk", partnership)
        return self.is_superuser or pid in self.coordinated_partnership_ids

    def coordinates_any(self) -> bool:
        return self.is_superuser or bool(self.coordinated_partnership_ids)

    def in_partnership(self, partnership) -> bool:
        """Staff of an organisation that belongs to `partnership` (or unrestricted)."""
        pid = getattr(partnership, "pk", partnership)
        return self.is_superuser or pid in self.partnership_ids

    def is_staff_of(self, organisation) -> bool:
        """Project or partner coordinator at `organisation` itself (or unrestricted)."""
        oid = getattr(organisation, "pk", organisation)
        return self.is_superuser or oid in self.staff_org_ids

    def manages(self, organisation) -> bool:
        """Reads `organisation`'s internal data (people, strategy, audit): its own staff or the project
        coordinator of a partnership it belongs to (or unrestricted)."""
        oid = getattr(organisation, "pk", organisation)
        return self.is_superuser or oid in self.managed_org_ids

    def org_ids_with_right(self, right: str) -> frozenset[int] | None:
        """Organisations where the user holds `right`; None means every organisation (unrestricted)."""
        if self.is_superuser:
            return None
        return frozenset(oid for oid, rights in self.rights_by_org.items() if right in rights)

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles & set(roles))

    def has_right(self, right: str, organisation=None, partnership=None) -> bool:
        """True if the user holds `right` for the organisation or partnership given (or for any, if neither)."""
        if self.is_superuser:
            return True
        if partnership is not None:
            pid = getattr(partnership, "pk", partnership)
            return right in self.rights_by_partnership.get(pid, frozenset())
        if organisation is not None:
            oid = getattr(organisation, "pk", organisation)
            return right in self.rights_by_org.get(oid, frozenset())
        return any(right in rights for rights in self.rights_by_org.values()) or any(
            right in rights for rights in self.rights_by_partnership.values()
        )

    def can_grant(self, right: str, organisation) -> bool:
        """May the user give `right` to someone at `organisation` (by invitation or membership edit)?

        Only rights one holds there, so nobody escalates through an invitation; a project
        coordinator may grant any right at the member organisations of the partnerships they
        coordinate, since they set partners up (including the partners' signers)."""
        oid = getattr(organisation, "pk", organisation)
        return (
            self.is_superuser or right in self.rights_by_org.get(oid, frozenset()) or (oid in self.coordinated_org_ids)
        )

    def require_right(self, right: str, organisation=None, partnership=None) -> None:
        """Raise PermissionDenied (403) unless the user holds the right."""
        if not self.has_right(right, organisation=organisation, partnership=partnership):
            raise PermissionDenied


ANONYMOUS = Scope(user_id=None)


def is_unrestricted(user) -> bool:
    """A superuser: Django admin, and every object in every scope."""
    return bool(user is not None and getattr(user, "is_active", False) and getattr(user, "is_superuser", False))


def register(app_label: str, *predicates) -> None:
    """Publish an app's access predicates as named rules (`rules` library), so templates ask the same
    function the view asks: `{% load rules %}{% test_rule "ecvet.may_export_json" request.user obj as ok %}`.

    The rule's name is `<app_label>.<function name>`; registering again replaces it (module reloads)."""
    import rules

    for fn in predicates:
        rules.set_rule(f"{app_label}.{fn.__name__}", rules.predicate(fn))


def get_scope(user) -> Scope:
    if user is None or not user.is_authenticated or not user.is_active:
        return ANONYMOUS
    cached = getattr(user, "_vision_scope", None)
    if cached is not None:
        return cached
    scope = _build_scope(user)
    user._vision_scope = scope
    return scope


def clear_scope(user) -> None:
    """Forget the cached scope (after memberships change within a request)."""
    if hasattr(user, "_vision_scope"):
        del user._vision_scope


def _build_scope(user) -> Scope:
    from .models import Membership, PartnershipMember, Right, Role

    if user.is_superuser:
        return Scope(user_id=user.pk, is_superuser=True)

    right_names = [r.value for r in Right]
    memberships = list(
        Membership.objects.filter(user=user, is_active=True).values("organisation_id", "role", *right_names)
    )
    roles_by_org: dict[int, set[str]] = defaultdict(set)
    rights_by_org: dict[int, set[str]] = defaultdict(set)
    staff_org_ids: set[int] = set()
    pc_rights_by_org: dict[int, set[str]] = defaultdict(set)
    for m in memberships:
        org = m["organisation_id"]
        roles_by_org[org].add(m["role"])
        rights_by_org[org] |= {name for name in right_names if m[name]}
        if m["role"] in (Role.PROJECT_COORDINATOR, Role.PARTNER_COORDINATOR):
            staff_org_ids.add(org)
        if m["role"] == Role.PROJECT_COORDINATOR:
            pc_rights_by_org[org] |= {name for name in right_names if m[name]}

    partnership_ids: set[int] = set()
    coordinated: dict[int, set[str]] = {}
    network_org_ids: set[int] = set()
    coordinated_org_ids: set[int] = set()
    rights_by_partnership: dict[int, set[str]] = defaultdict(set)
    if staff_org_ids:
        own_links = PartnershipMember.objects.filter(organisation_id__in=staff_org_ids).values_list(
            "partnership_id", "organisation_id", "role"
        )
        for partnership_id, org_id, member_role in own_links:
            partnership_ids.add(partnership_id)
            if member_role == PartnershipMember.Role.COORDINATOR and org_id in pc_rights_by_org:
                coordinated[partnership_id] = pc_rights_by_org[org_id]
        if partnership_ids:
            for partnership_id, org_id in PartnershipMember.objects.filter(
                partnership_id__in=partnership_ids
            ).values_list("partnership_id", "organisation_id"):
                network_org_ids.add(org_id)
                if partnership_id in coordinated:
                    coordinated_org_ids.add(org_id)
                    delegated = coordinated[partnership_id] & DELEGATED_RIGHTS
                    rights_by_org[org_id] |= delegated
        for partnership_id, rights in coordinated.items():
            rights_by_partnership[partnership_id] |= rights

    return Scope(
        user_id=user.pk,
        roles_by_org={k: frozenset(v) for k, v in roles_by_org.items()},
        rights_by_org={k: frozenset(v) for k, v in rights_by_org.items()},
        rights_by_partnership={k: frozenset(v) for k, v in rights_by_partnership.items()},
        coordinated_partnership_ids=frozenset(coordinated),
        coordinated_org_ids=frozenset(coordinated_org_ids),
        staff_org_ids=frozenset(staff_org_ids),
        partnership_ids=frozenset(partnership_ids),
        network_org_ids=frozenset(network_org_ids),
    )
