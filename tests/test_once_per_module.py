"""A world built once per module (tests/once_per_module.py): each test starts from it as built."""

import pytest

from partners.models import Organisation
from tests.conftest import build_world
from tests.factories import OrganisationFactory
from tests.mobility.conftest import build_mob


def build_once():
    world = build_world()
    return world, build_mob(world)


@pytest.mark.parametrize("turn", ["one test", "the next test"])
def test_each_test_starts_from_the_world_as_built_whatever_the_test_before_changed(once, turn):
    """Run twice: whichever runs second on a process sees nothing of what the first did."""
    world, mob = once
    assert world.org_b.short_name == "Beta College" and world.p1.acronym == "PONE"
    assert Organisation.objects.get(pk=world.org_b.pk).short_name == "Beta College"
    assert not Organisation.objects.filter(slug="written-by-a-test").exists()
    # What a test does to the rows and to its instances stays with it.
    Organisation.objects.filter(pk=world.org_b.pk).update(short_name="Changed")
    world.org_b.refresh_from_db()
    world.org_b.short_name = "Changed in memory"
    OrganisationFactory(slug="written-by-a-test")
    mob.m_a_to_b.partnership.acronym = "CHANGED"
    assert world.p1.acronym == "CHANGED"  # one copy: the world and the mobility share their partnership


def test_one_copy_per_test_keeps_the_parts_of_the_world_sharing_their_instances(once):
    world, mob = once
    assert mob.m_b_to_a.partnership is world.p1
    assert mob.m_a_to_b.mentor is world.mentor_b
