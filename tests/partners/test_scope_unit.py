"""partners.access.get_scope and Scope.has_right, without views."""

import pytest

from partners.access import ANONYMOUS, DELEGATED_RIGHTS, clear_scope, get_scope
from partners.models import Right
from partners.models.people import Role
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

ALL_RIGHTS = {right.value for right in Right}


def test_project_coordinator_rights_reach_partner_organisations_except_signing(world):
    scope = get_scope(world.pc_a)
    for right in ALL_RIGHTS - {Right.SIGN_DOCUMENTS}:
        assert scope.has_right(right, organisation=world.org_b), right
    assert not scope.has_right(Right.SIGN_DOCUMENTS, organisation=world.org_b)
    # Signing stays with the coordinator's own organisation.
    assert scope.has_right(Right.SIGN_DOCUMENTS, organisation=world.org_a)
    assert DELEGATED_RIGHTS == ALL_RIGHTS - {Right.SIGN_DOCUMENTS}


def test_project_coordinator_holds_every_partnership_right_for_the_coordinated_partnership_only(world):
    scope = get_scope(world.pc_a)
    for right in ALL_RIGHTS:
        assert scope.has_right(right, partnership=world.p1), right
        assert not scope.has_right(right, partnership=world.p2), right
    assert scope.coordinated_partnership_ids == {world.p1.pk}
    assert scope.coordinated_org_ids == {world.org_a.pk, world.org_b.pk}


def test_project_coordinator_rights_do_not_reach_organisations_of_other_networks(world):
    scope = get_scope(world.pc_a)
    for right in ALL_RIGHTS:
        assert not scope.has_right(right, organisation=world.org_c), right


def test_project_coordinator_delegates_only_the_rights_they_hold(world):
    limited = MembershipFactory(organisation=world.org_a, role=Role.PROJECT_COORDINATOR, can_invite=False).user
    scope = get_scope(limited)
    assert not scope.has_right(Right.INVITE, organisation=world.org_b)
    assert not scope.has_right(Right.INVITE, partnership=world.p1)
    assert scope.has_right(Right.MANAGE_ORGANISATION, organisation=world.org_b)


def test_project_coordinator_at_a_partner_organisation_coordinates_nothing(world):
    # The role alone is not enough: the organisation must be the partnership's coordinator.
    user = MembershipFactory(organisation=world.org_b, role=Role.PROJECT_COORDINATOR).user
    scope = get_scope(user)
    assert scope.coordinated_partnership_ids == frozenset()
    assert not scope.has_right(Right.MANAGE_PARTNERSHIP, partnership=world.p1)
    assert not scope.has_right(Right.MANAGE_ORGANISATION, organisation=world.org_a)


def test_inactive_membership_gives_nothing(world):
    membership = MembershipFactory(organisation=world.org_a, role=Role.PROJECT_COORDINATOR, is_active=False)
    scope = get_scope(membership.user)
    assert scope.roles == frozenset()
    assert scope.member_org_ids == frozenset()
    assert scope.partnership_ids == frozenset()
    assert scope.managed_org_ids == frozenset()
    for right in ALL_RIGHTS:
        assert not scope.has_right(right)
        assert not scope.has_right(right, organisation=world.org_a)
        assert not scope.has_right(right, partnership=world.p1)


def test_inactive_user_gets_the_anonymous_scope(world):
    world.pc_a.is_active = False
    assert get_scope(world.pc_a) is ANONYMOUS
    assert not get_scope(world.pc_a).has_right(Right.INVITE, organisation=world.org_a)


def test_partner_coordinator_has_no_partnership_level_rights(world):
    scope = get_scope(world.partner_b)
    assert scope.rights_by_partnership == {}
    for right in ALL_RIGHTS:
        assert not scope.has_right(right, partnership=world.p1), right


def test_partner_coordinator_holds_default_rights_for_own_organisation_only(world):
    scope = get_scope(world.partner_b)
    expected = {
        Right.MANAGE_ORGANISATION,
        Right.MANAGE_MOBILITIES,
        Right.SIGN_DOCUMENTS,
        Right.INVITE,
        Right.VIEW_AUDIT,
    }
    for right in ALL_RIGHTS:
        assert scope.has_right(right, organisation=world.org_b) == (right in expected), right
        assert not scope.has_right(right, organisation=world.org_a), right
    # Sees the network's profiles but manages only its own organisation.
    assert scope.network_org_ids == {world.org_a.pk, world.org_b.pk}
    assert scope.managed_org_ids == {world.org_b.pk}


def test_mentor_and_learner_hold_no_rights(world):
    for user in (world.mentor_b, world.learner_b):
        scope = get_scope(user)
        assert scope.staff_org_ids == frozenset()
        assert scope.partnership_ids == frozenset()
        assert not any(scope.has_right(right) for right in ALL_RIGHTS)


def test_user_without_membership_holds_no_rights_and_sees_nothing(world):
    scope = get_scope(world.outsider)
    assert scope.user_id == world.outsider.pk
    assert scope.member_org_ids == frozenset()
    assert not any(scope.has_right(right) for right in ALL_RIGHTS)


def test_superuser_holds_every_right_everywhere(world):
    scope = get_scope(world.admin)
    assert scope.is_superuser
    assert scope.has_right(Right.SIGN_DOCUMENTS, organisation=world.org_c)
    assert scope.has_right(Right.MANAGE_PARTNERSHIP, partnership=world.p2)


def test_anonymous_user_gets_the_empty_scope():
    from django.contrib.auth.models import AnonymousUser

    assert get_scope(AnonymousUser()) is ANONYMOUS
    assert get_scope(None) is ANONYMOUS
    assert not ANONYMOUS.has_right(Right.INVITE)


def test_scope_is_cached_on_the_user_object(world, django_assert_num_queries):
    first = get_scope(world.pc_a)
    with django_assert_num_queries(0):
        second = get_scope(world.pc_a)
    assert second is first


def test_scope_is_built_with_at_most_three_queries(world, django_assert_max_num_queries):
    clear_scope(world.pc_a)
    with django_assert_max_num_queries(3):
        get_scope(world.pc_a)


def test_clearing_the_scope_picks_up_a_new_membership(world):
    user = UserFactory()
    assert get_scope(user).member_org_ids == frozenset()
    MembershipFactory(user=user, organisation=world.org_b, role=Role.MENTOR)
    # Still the cached answer within the same request…
    assert get_scope(user).member_org_ids == frozenset()
    clear_scope(user)
    assert get_scope(user).member_org_ids == {world.org_b.pk}


def test_has_right_without_a_target_asks_whether_any_organisation_grants_it(world):
    other = OrganisationFactory()
    user = MembershipFactory(organisation=other, role=Role.MENTOR).user
    MembershipFactory(user=user, organisation=world.org_c, role=Role.PARTNER_COORDINATOR)
    scope = get_scope(user)
    assert scope.has_right(Right.INVITE)
    assert not scope.has_right(Right.INVITE, organisation=other)
    assert scope.has_role(Role.MENTOR) and scope.has_role(Role.PARTNER_COORDINATOR)
    assert not scope.has_role(Role.PROJECT_COORDINATOR)
