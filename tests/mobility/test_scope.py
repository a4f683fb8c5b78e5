"""visible_to for mobilities and learners: each actor sees exactly their scope."""

import pytest

from mobility.models import Learner, Mobility


def visible(model, user):
    return set(model.objects.visible_to(user).values_list("pk", flat=True))


@pytest.mark.parametrize(
    ("actor", "expected"),
    [
        ("pc_a", {"m_b_to_a", "m_a_to_b", "m_a_to_b2"}),
        ("partner_b", {"m_b_to_a", "m_a_to_b", "m_a_to_b2"}),
        ("partner_c", {"m_c_to_d"}),
        ("mentor_b", {"m_a_to_b"}),
        ("learner_b", {"m_b_to_a"}),
        ("outsider", set()),
        ("admin", {"m_b_to_a", "m_a_to_b", "m_a_to_b2", "m_c_to_d"}),
    ],
)
def test_each_actor_sees_exactly_their_mobilities(world, mob, actor, expected):
    assert visible(Mobility, world.actor(actor)) == {getattr(mob, name).pk for name in expected}


def test_mentor_sees_only_their_own_learners_not_another_mentors(world, mob):
    assert visible(Mobility, mob.mentor_b2) == {mob.m_a_to_b2.pk}
    assert visible(Learner, world.mentor_b) == {mob.learner_a1.pk}


def test_partner_sees_own_learners_and_incoming_learners_only(world, mob):
    assert visible(Learner, world.partner_b) == {mob.learner_b1.pk, mob.learner_a1.pk, mob.learner_a2.pk}
    assert visible(Learner, world.partner_c) == {mob.learner_c1.pk}


def test_anonymous_sees_nothing(mob):
    from django.contrib.auth.models import AnonymousUser

    assert not Mobility.objects.visible_to(AnonymousUser()).exists()
    assert not Learner.objects.visible_to(AnonymousUser()).exists()
