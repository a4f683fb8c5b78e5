"""The world of the security tests: the full demo (tests/crawl: `demo_world`) and one organisation outside it.

The outsider is a school in a partnership of its own, with a project coordinator, a learner on a mobility and an
applicant to its call: nobody of the demo shares a partnership with it, so every demo account (the VISION project
coordinator, who sees every demo learner, included) has someone whose data it must not read, and the outsider's
coordinator has the whole demo.
"""

from dataclasses import dataclass, field
from datetime import date

import pytest

from partners.models import User
from partners.models.people import Role
from tests.demo_data import DemoWorld

OUTSIDER = "coordinator@outsider.example"


@dataclass
class SecurityWorld:
    demo: DemoWorld
    outsider: User
    # (reader, URL) -> what its replay found (tests/security/test_replay.py: `replay`), for this world only.
    replayed: dict = field(default_factory=dict)

    def user(self, email: str) -> User:
        return self.outsider if email == OUTSIDER else self.demo.user(email)


def build_outsider() -> User:
    from selection.models import Call
    from tests.factories import MembershipFactory, OrganisationFactory, PartnershipFactory, UserFactory
    from tests.factories_mobility import LearnerFactory, MobilityFactory
    from tests.factories_selection import ApplicationFactory, CallFactory

    school = OrganisationFactory(slug="outsider", short_name="Outsider School", country="DE", city="Bremen")
    host = OrganisationFactory(slug="outsider-host", short_name="Outsider Host", country="AT", city="Graz")
    partnership = PartnershipFactory(slug="outsider-project", acronym="OUTSIDE", coordinator=school, partners=[host])
    user = UserFactory(email=OUTSIDER, first_name="Ines", last_name="Outerbridge")
    MembershipFactory(user=user, organisation=school, role=Role.PROJECT_COORDINATOR)
    learner = LearnerFactory(
        home_organisation=school,
        first_name="Wilhelmina",
        last_name="Fernsby",
        date_of_birth=date(2003, 11, 29),
        email="wilhelmina.fernsby@learners.outsider.example",
    )
    MobilityFactory(learner=learner, partnership=partnership, receiving_organisation=host)
    call = CallFactory(organisation=school, partnership=partnership, status=Call.Status.PUBLISHED)
    ApplicationFactory(
        call=call,
        first_name="Cornelius",
        last_name="Aldermoor",
        date_of_birth=date(2006, 2, 14),
        email="cornelius.aldermoor@applicants.outsider.example",
    )
    return user


@pytest.fixture(scope="module")
def security_world(demo_world, django_db_blocker):
    """The demo and the outsider, inside demo_world's transaction (rolled back when the module ends)."""
    with django_db_blocker.unblock():
        yield SecurityWorld(demo=demo_world, outsider=build_outsider())
