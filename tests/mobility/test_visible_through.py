"""Each mobility list is one branch of the reader's scope (Mobility.objects.visible_through): the same rows as
filtering everything the reader sees, asked without the other branches (issue 15)."""

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from mobility.models import Mobility

pytestmark = pytest.mark.django_db

BRANCHES = {
    "sending": lambda user, scope: Q(sending_organisation_id__in=scope.staff_org_ids),
    "receiving": lambda user, scope: Q(receiving_organisation_id__in=scope.staff_org_ids),
    "coordinated": lambda user, scope: Q(partnership_id__in=scope.coordinated_partnership_ids),
    "mentor": lambda user, scope: Q(mentor=user),
    "tutor": lambda user, scope: Q(tutor=user),
    "learner": lambda user, scope: Q(learner__user=user),
}
ACTORS = ["pc_a", "partner_b", "partner_c", "mentor_b", "learner_b", "outsider"]


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("branch", BRANCHES)
def test_a_branch_shows_what_the_reader_sees_through_it_and_nothing_more(world, mob, actor, branch):
    from partners.access import get_scope

    user = world.actor(actor)
    scope = get_scope(user)
    expected = set(Mobility.objects.visible_to(user).filter(BRANCHES[branch](user, scope)).values_list("pk", flat=True))
    got = set(Mobility.objects.visible_through(user, branch).values_list("pk", flat=True))
    assert got == expected
    assert got <= set(Mobility.objects.visible_to(user).values_list("pk", flat=True))


def test_the_lists_readers_reach_are_not_empty_in_this_world(world, mob):
    # Guards the test above against passing on empty sets.
    assert set(Mobility.objects.visible_through(world.pc_a, "sending")) == {mob.m_a_to_b, mob.m_a_to_b2}
    assert set(Mobility.objects.visible_through(world.partner_b, "receiving")) == {mob.m_a_to_b, mob.m_a_to_b2}
    assert set(Mobility.objects.visible_through(world.pc_a, "coordinated")) == {
        mob.m_b_to_a,
        mob.m_a_to_b,
        mob.m_a_to_b2,
    }
    assert set(Mobility.objects.visible_through(world.mentor_b, "mentor")) == {mob.m_a_to_b}


def test_a_branch_the_reader_lacks_shows_nothing(world, mob):
    assert not Mobility.objects.visible_through(world.mentor_b, "coordinated").exists()
    assert not Mobility.objects.visible_through(world.partner_b, "coordinated").exists()
    assert not Mobility.objects.visible_through(world.outsider, "sending").exists()


def test_a_superusers_branch_is_still_that_branch(world, mob):
    # The admin's "my learners" lists the mobilities they mentor, not every mobility.
    assert not Mobility.objects.visible_through(world.admin, "mentor").exists()
    assert Mobility.objects.visible_to(world.admin).count() == 4


def test_the_partnership_wide_list_asks_only_for_the_partnerships(world, mob):
    with CaptureQueriesContext(connection) as queries:
        list(Mobility.objects.visible_through(world.pc_a, "coordinated"))
    where = queries.captured_queries[-1]["sql"].split(" WHERE ", 1)[1]
    assert '"partnership_id" IN' in where
    assert "mentor_id" not in where and "sending_organisation_id" not in where and "learner" not in where
