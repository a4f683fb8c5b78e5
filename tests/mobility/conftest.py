"""The mobility cast, on top of the partners `world` (tests/conftest.py):

P1 = A (coordinator) + B;  P2 = C (coordinator) + D
m_b_to_a   learner_b's own mobility (learner account: world.learner_b), B sends, A hosts,
           mentor_a mentors, partner_b tutors
m_a_to_b   A sends, B hosts, mentor: world.mentor_b
m_a_to_b2  A sends, B hosts, mentor: mentor_b2 (another mentor at B)
m_c_to_d   C sends, D hosts (P2: nobody of P1 may see it)
"""

from dataclasses import dataclass
from datetime import date

import pytest

from partners.models import PartnershipMember
from partners.models.people import Role
from tests.factories import MembershipFactory, OrganisationFactory
from tests.factories_mobility import LearnerFactory, MobilityFactory


@dataclass
class MobilityWorld:
    org_d: object
    mentor_a: object
    mentor_b2: object
    learner_b1: object
    learner_a1: object
    learner_a2: object
    learner_c1: object
    m_b_to_a: object
    m_a_to_b: object
    m_a_to_b2: object
    m_c_to_d: object


@pytest.fixture
def mob(world) -> MobilityWorld:
    return build_mob(world)


def build_mob(world) -> MobilityWorld:
    org_d = OrganisationFactory(slug="org-d", short_name="Delta Academy", country="IT", city="Salerno")
    PartnershipMember.objects.create(partnership=world.p2, organisation=org_d, role=PartnershipMember.Role.PARTNER)
    mentor_a = MembershipFactory(organisation=world.org_a, role=Role.MENTOR).user
    mentor_b2 = MembershipFactory(organisation=world.org_b, role=Role.MENTOR).user
    learner_b1 = LearnerFactory(
        home_organisation=world.org_b, user=world.learner_b, first_name="Lina", last_name="Bakker"
    )
    learner_a1 = LearnerFactory(home_organisation=world.org_a, first_name="Austeja", last_name="Kairyte")
    learner_a2 = LearnerFactory(home_organisation=world.org_a, first_name="Jonas", last_name="Petraitis")
    learner_c1 = LearnerFactory(home_organisation=world.org_c, first_name="Aino", last_name="Laine")
    return MobilityWorld(
        org_d=org_d,
        mentor_a=mentor_a,
        mentor_b2=mentor_b2,
        learner_b1=learner_b1,
        learner_a1=learner_a1,
        learner_a2=learner_a2,
        learner_c1=learner_c1,
        m_b_to_a=MobilityFactory(
            learner=learner_b1,
            partnership=world.p1,
            receiving_organisation=world.org_a,
            mentor=mentor_a,
            tutor=world.partner_b,
        ),
        m_a_to_b=MobilityFactory(
            learner=learner_a1,
            partnership=world.p1,
            receiving_organisation=world.org_b,
            mentor=world.mentor_b,
            tutor=world.pc_a,
        ),
        m_a_to_b2=MobilityFactory(
            learner=learner_a2,
            partnership=world.p1,
            receiving_organisation=world.org_b,
            mentor=mentor_b2,
            start_date=date(2021, 9, 6),
        ),
        m_c_to_d=MobilityFactory(learner=learner_c1, partnership=world.p2, receiving_organisation=org_d),
    )
