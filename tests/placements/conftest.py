"""The placements cast on top of tests/conftest.py's world (P1 = A + B, P2 = C):

host_a (kept by A, mentor mentor_a) with draft_a and pub_a in P1;
host_b (kept by B, mentor mentor_b) with draft_b and pub_b in P1;
host_c (kept by C, mentor mentor_c) with pub_c in P2.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from placements.models import HostCompany, Placement
from tests.factories_placements import HostCompanyFactory, PlacementFactory, mentor_at


@dataclass
class Places:
    mentor_a: object
    mentor_c: object
    host_a: HostCompany
    host_b: HostCompany
    host_c: HostCompany
    draft_a: Placement
    pub_a: Placement
    draft_b: Placement
    pub_b: Placement
    pub_c: Placement


def build_places(world) -> Places:
    mentor_a = mentor_at(world.org_a)
    mentor_c = mentor_at(world.org_c)
    host_a = HostCompanyFactory(organisation=world.org_a, name="Grožio studija", mentors=[mentor_a])
    host_b = HostCompanyFactory(organisation=world.org_b, name="Salon Haarlem", mentors=[world.mentor_b])
    host_c = HostCompanyFactory(organisation=world.org_c, name="Kylpylä Kuopio", mentors=[mentor_c])
    draft = Placement.Status.DRAFT
    return Places(
        mentor_a=mentor_a,
        mentor_c=mentor_c,
        host_a=host_a,
        host_b=host_b,
        host_c=host_c,
        draft_a=PlacementFactory(host=host_a, partnership=world.p1, status=draft, title="Draft at A"),
        pub_a=PlacementFactory(host=host_a, partnership=world.p1, title="Nails at A"),
        draft_b=PlacementFactory(host=host_b, partnership=world.p1, status=draft, title="Draft at B"),
        pub_b=PlacementFactory(host=host_b, partnership=world.p1, title="Skin care at B"),
        pub_c=PlacementFactory(host=host_c, partnership=world.p2, title="Spa at C"),
    )


@pytest.fixture
def places(world) -> Places:
    return build_places(world)
