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

from django.conf import settings
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

# What `createsuperuser` (and the demo's administrator) sets on an account: Django admin and every scope.
ADMINISTRATOR_FLAGS = {"is_staff": True, "is_superuser": True}


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
        # Every member of every partnership a staff organisation belongs to, in one query.
        ours = PartnershipMember.objects.filter(organisation_id__in=staff_org_ids).values("partnership_id")
        links = list(
            PartnershipMember.objects.filter(partnership_id__in=ours).values_list(
                "partnership_id", "organisation_id", "role"
            )
        )
        for partnership_id, org_id, member_role in links:
            if org_id not in staff_org_ids:
                continue
            partnership_ids.add(partnership_id)
            if member_role == PartnershipMember.Role.COORDINATOR and org_id in pc_rights_by_org:
                coordinated[partnership_id] = pc_rights_by_org[org_id]
        for partnership_id, org_id, _member_role in links:
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


# --- the partners app's rules ---------------------------------------------------------------------------------
# Named after the action; views call them, templates ask the same function (`{% test_rule "partners.…" %}`) or
# get the boolean the view computed with it. `Right`/`Role` are imported inside: models import this module.


def has_administrator_flags(account) -> bool:
    """The account carries Django's staff or superuser flag, active or not (an account to keep when a
    learner linked to it is erased)."""
    return bool(getattr(account, "is_staff", False) or getattr(account, "is_superuser", False))


def holds_admin_powers(user) -> bool:
    """A superuser or a Django staff account (the administration): two-factor authentication applies as to
    the roles named in VISION_MFA_REQUIRED_ROLES ("admin")."""
    return is_unrestricted(user) or bool(getattr(user, "is_staff", False))


def mfa_required_for(user) -> bool:
    """The user's role (or administrator flags) is named in VISION_MFA_REQUIRED_ROLES ("admin" = superuser or
    staff account)."""
    required = set(settings.VISION_MFA_REQUIRED_ROLES)
    if not required:
        return False
    if "admin" in required and holds_admin_powers(user):
        return True
    return bool(get_scope(user).roles & required)


def must_set_up_mfa(user) -> bool:
    """The one question behind two-factor enforcement: this user must use TOTP and has not set it up. Until then
    the portal sends them to the TOTP set-up page (partners.middleware.RequireMFAMiddleware), their API tokens
    answer 401 (api.authentication) and no token can be created for them (api.services.create_token)."""
    if user is None or not user.is_authenticated or not mfa_required_for(user):
        return False
    from allauth.mfa.models import Authenticator

    return not Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).exists()


def session_idle_seconds(user) -> int:
    """How long a signed-in session may stay unused (partners.middleware.IdleSessionMiddleware): shorter for
    administrators (VISION_ADMIN_SESSION_IDLE_SECONDS) than for everyone else (VISION_SESSION_IDLE_SECONDS);
    0 means no limit."""
    if holds_admin_powers(user):
        return settings.VISION_ADMIN_SESSION_IDLE_SECONDS
    return settings.VISION_SESSION_IDLE_SECONDS


def may_open_admin(user) -> bool:
    """Django's admin lets in active staff accounts only (`AdminSite.has_permission`): the link follows it."""
    return bool(user is not None and getattr(user, "is_active", False) and getattr(user, "is_staff", False))


def sees_everything(user) -> bool:
    """The administrator's view: every partnership and organisation (the dashboard says so)."""
    return get_scope(user).unrestricted


def sees_staff_pages(user) -> bool:
    """Partnerships, organisations, reports and the other staff menus: coordinators (and administrators)."""
    return get_scope(user).is_staff


def sees_network_overview(user) -> bool:
    """The network counts on the dashboard: project coordinators of some partnership (and administrators)."""
    return get_scope(user).coordinates_any()


def may_create_partnership(user) -> bool:
    return get_scope(user).unrestricted or bool(partnership_coordinator_org_ids(user))


def partnership_coordinator_org_ids(user) -> set[int]:
    """Organisations a new partnership may be coordinated by: where the user is project coordinator with
    can_manage_partnership. (Administrators choose any organisation: callers ask `sees_everything` first.)"""
    from .models import Right, Role

    scope = get_scope(user)
    return {
        org
        for org, roles in scope.roles_by_org.items()
        if Role.PROJECT_COORDINATOR in roles and scope.has_right(Right.MANAGE_PARTNERSHIP, organisation=org)
    }


def may_edit_partnership(user, partnership) -> bool:
    """Edit the partnership, add members, its quality checklist and report questions: its project coordinator."""
    from .models import Right

    return get_scope(user).has_right(Right.MANAGE_PARTNERSHIP, partnership=partnership)


def may_view_partnership_audit(user, partnership) -> bool:
    from .models import Right

    return get_scope(user).has_right(Right.VIEW_AUDIT, partnership=partnership)


def may_edit_organisation(user, organisation) -> bool:
    from .models import Right

    return get_scope(user).has_right(Right.MANAGE_ORGANISATION, organisation=organisation)


def sees_people(user, organisation) -> bool:
    """The organisation's staff list (and other internal data): its own coordinators, the project coordinator
    of a partnership it belongs to, administrators."""
    return get_scope(user).manages(organisation)


def may_view_audit(user, organisation) -> bool:
    """The organisation's audit log: those who see its people, holding can_view_audit for it."""
    from .models import Right

    scope = get_scope(user)
    return scope.manages(organisation) and scope.has_right(Right.VIEW_AUDIT, organisation=organisation)


def sees_all_strategies(user, partnership) -> bool:
    """Every partner's column on the strategies page, including those not started yet: the project coordinator."""
    return get_scope(user).coordinates(partnership)


def may_start_strategy(user, organisation) -> bool:
    """Start an organisation's strategy in a partnership: who may edit the organisation (the view also
    requires that it has none there yet)."""
    return may_edit_organisation(user, organisation)


def may_edit_strategy(user, strategy) -> bool:
    """Edit a strategy, its goals, indicators and their values: who may edit its organisation."""
    return may_edit_organisation(user, strategy.organisation_id)


def may_invite_anyone(user) -> bool:
    """The invitations page: holders of can_invite somewhere."""
    from .models import Right

    return get_scope(user).has_right(Right.INVITE)


def may_invite(user, organisation) -> bool:
    """Invite people to `organisation`, manage its invitations and memberships."""
    from .models import Right

    return get_scope(user).has_right(Right.INVITE, organisation=organisation)


def invitable_organisation_ids(user) -> set[int] | None:
    """Organisations the user may invite people to (None = every organisation: administrators)."""
    from .models import Right

    scope = get_scope(user)
    if scope.unrestricted:
        return None
    return {org for org in scope.managed_org_ids if scope.has_right(Right.INVITE, organisation=org)}


def may_assign_project_coordinator(user) -> bool:
    """Only a project coordinator (or an administrator) hands out the project coordinator role."""
    from .models import Role

    scope = get_scope(user)
    return scope.unrestricted or scope.has_role(Role.PROJECT_COORDINATOR)


def may_edit_membership(user, membership) -> bool:
    """Change someone's role and rights: who may invite to that organisation; nobody edits their own
    membership (except administrators)."""
    scope = get_scope(user)
    if membership.user_id == scope.user_id and not scope.unrestricted:
        return False
    return may_invite(user, membership.organisation_id)


def may_manage_invitation(user, invitation) -> bool:
    """Resend or withdraw an invitation: who may invite to its organisation."""
    return may_invite(user, invitation.organisation_id)


register(
    "partners",
    sees_everything,
    sees_staff_pages,
    sees_network_overview,
    may_open_admin,
    may_create_partnership,
    may_edit_partnership,
    may_view_partnership_audit,
    may_edit_organisation,
    sees_people,
    may_view_audit,
    sees_all_strategies,
    may_start_strategy,
    may_edit_strategy,
    may_invite_anyone,
    may_invite,
    may_assign_project_coordinator,
    may_edit_membership,
    may_manage_invitation,
)
