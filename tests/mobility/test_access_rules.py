"""The mobility rules (mobility/access.py), asked directly and through the pages that show their links.

The cast (tests/mobility/conftest.py): m_b_to_a — B sends learner_b's mobility to A, mentor_a mentors,
partner_b tutors; m_a_to_b — A sends learner_a1 (no portal account) to B, mentor_b mentors; P1 = A + B is
coordinated by A (pc_a); partner_c is in P2 only.
"""

from __future__ import annotations

import pytest
import rules
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from mobility import access
from mobility.models import Mobility
from partners.models.people import Role
from tests.conftest import build_world
from tests.factories import MembershipFactory
from tests.mobility.conftest import build_mob


def build_once():
    """The casts of tests/conftest.py and tests/mobility/conftest.py, built once for the module
    (tests/once_per_module.py)."""
    world = build_world()
    return world, build_mob(world)


@pytest.fixture
def world(once):
    return once[0]


@pytest.fixture
def mob(once):
    return once[1]


ACTORS = ["anonymous", "pc_a", "partner_b", "partner_c", "mentor_a", "mentor_b", "learner_b", "outsider", "admin"]


def actor(world, mob, name):
    if name == "anonymous":
        return AnonymousUser()
    return getattr(mob, name, None) or world.actor(name)


def allowed(world, mob, predicate, obj) -> set[str]:
    return {name for name in ACTORS if predicate(actor(world, mob, name), obj)}


def test_is_learner_of_is_only_the_learners_own_account(world, mob):
    assert allowed(world, mob, access.is_learner_of, mob.m_b_to_a) == {"learner_b"}
    # A learner without a portal account is nobody's.
    assert allowed(world, mob, access.is_learner_of, mob.m_a_to_b) == set()


def test_the_learner_record_shows_personal_details_to_the_home_organisation_and_the_learner(world, mob):
    # learner_b1's home is B: B's coordinator, A's project coordinator (delegated in P1), the learner, admins.
    assert allowed(world, mob, access.sees_personal_details, mob.learner_b1) == {
        "pc_a",
        "partner_b",
        "learner_b",
        "admin",
    }
    # learner_a1's home is A: the host B's coordinator does not read the record's personal details…
    assert "partner_b" not in allowed(world, mob, access.sees_personal_details, mob.learner_a1)


def test_a_mobilitys_documents_show_personal_details_to_its_parties_not_the_mentor(world, mob):
    # …but as the host, B is a party to the documents of A's mobility to B.
    assert allowed(world, mob, access.sees_personal_details, mob.m_a_to_b) == {"pc_a", "partner_b", "admin"}
    assert allowed(world, mob, access.sees_personal_details, mob.m_b_to_a) == {
        "pc_a",
        "partner_b",
        "learner_b",
        "admin",
    }


def test_the_learner_report_is_read_by_the_learner_and_staff_not_the_mentor(world, mob):
    assert allowed(world, mob, access.may_read_report, mob.m_b_to_a) == {"pc_a", "partner_b", "learner_b", "admin"}


def test_the_partnership_budget_is_read_by_those_who_manage_mobilities_in_it(world, mob):
    assert allowed(world, mob, access.may_read_budget, world.p1) == {"pc_a", "partner_b", "admin"}
    assert allowed(world, mob, access.sees_whole_budget, world.p1) == {"pc_a", "admin"}


def test_a_learner_account_that_also_works_for_an_organisation_is_a_work_account(world, mob):
    learner_only = list(world.learner_b.memberships.all())
    assert not access.is_work_account(world.learner_b, learner_only)
    assert access.is_work_account(world.mentor_b, list(world.mentor_b.memberships.all()))
    assert access.is_work_account(world.admin, [])


def test_the_rules_the_templates_ask_are_the_functions_the_views_ask(world, mob):
    for name in ("is_learner_of", "sees_personal_details", "may_read_report", "may_tick", "may_assess"):
        assert rules.rule_exists(f"mobility.{name}")
    for who in ("learner_b", "mentor_a", "partner_c"):
        user = actor(world, mob, who)
        assert rules.test_rule("mobility.may_read_report", user, mob.m_b_to_a) == access.may_read_report(
            user, mob.m_b_to_a
        )


# --- The links on the mobility page follow the same rules ---------------------------------------------------


def report_url(mobility):
    return reverse("mobility:report", kwargs={"code": mobility.code})


@pytest.mark.parametrize("who", ["pc_a", "partner_b", "learner_b", "mentor_a"])
def test_the_mobility_page_links_to_the_report_only_for_its_readers(world, mob, client_for, who):
    mobility = mob.m_b_to_a
    client = client_for(actor(world, mob, who))
    page = client.get(mobility.get_absolute_url()).content.decode()
    shown = report_url(mobility) in page
    assert shown is (who != "mentor_a")
    assert client.get(report_url(mobility)).status_code == (200 if shown else 403)


def test_a_tutor_who_is_not_a_coordinator_gets_no_report_link(world, mob, client_for):
    # A mentor of the sending organisation may tutor (staff of the sending side), but does not read the report.
    Mobility.objects.filter(pk=mob.m_b_to_a.pk).update(tutor=world.mentor_b)
    client = client_for(world.mentor_b)
    page = client.get(mob.m_b_to_a.get_absolute_url())
    assert page.status_code == 200
    assert report_url(mob.m_b_to_a) not in page.content.decode()
    assert client.get(report_url(mob.m_b_to_a)).status_code == 403


def test_the_budget_link_shows_only_to_those_who_read_the_budget(world, mob, client_for):
    budget = reverse("mobility:partnership_budget", kwargs={"slug": world.p1.slug})
    for who, shown in {"partner_b": True, "pc_a": True, "mentor_a": False, "learner_b": False}.items():
        client = client_for(actor(world, mob, who))
        assert (budget in client.get(mob.m_b_to_a.get_absolute_url()).content.decode()) is shown, who
        if shown:
            assert client.get(budget).status_code == 200


def test_the_host_coordinator_without_the_right_to_manage_mobilities_gets_no_edit_or_budget_link(
    world, mob, client_for
):
    host_staff = MembershipFactory(
        organisation=world.org_a, role=Role.PARTNER_COORDINATOR, can_manage_mobilities=False
    ).user
    page = client_for(host_staff).get(mob.m_b_to_a.get_absolute_url()).content.decode()
    assert reverse("mobility:mobility_edit", kwargs={"code": mob.m_b_to_a.code}) not in page
    assert reverse("mobility:partnership_budget", kwargs={"slug": world.p1.slug}) not in page
    assert report_url(mob.m_b_to_a) in page  # staff of the host read the report
