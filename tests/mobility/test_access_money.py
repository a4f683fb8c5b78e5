"""Budgets and imports, role × organisation × view: who gets what status for each page.

200 = allowed; 302 = redirected (to sign-in for anonymous, or after a POST); 403 = in scope but the right
is missing; 404 = out of scope (or no such import kind); 405 = wrong method.
"""

import pytest
from django.urls import reverse

from partners.models import Membership, Right
from tests.conftest import build_world
from tests.mobility.conftest import build_mob
from tests.partners.test_access_matrix import ACTORS, expect, u


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


P1 = {"slug": lambda w: w.p1.slug}
P2 = {"slug": lambda w: w.p2.slug}
ORG_A = {"slug": lambda w: w.org_a.slug}
ORG_B = {"slug": lambda w: w.org_b.slug}
ORG_C = {"slug": lambda w: w.org_c.slug}
NO_RIGHT = {"mentor_b": 403, "learner_b": 403, "outsider": 403}

MATRIX = [
    (
        "budget of P1",
        u("mobility:partnership_budget", **P1),
        "get",
        expect(partner_c=404, mentor_b=404, learner_b=404, outsider=404),
    ),
    (
        "budget of P1 as CSV",
        u("mobility:partnership_budget_csv", **P1),
        "get",
        expect(partner_c=404, mentor_b=404, learner_b=404, outsider=404),
    ),
    (
        "budget of P2",
        u("mobility:partnership_budget", **P2),
        "get",
        expect(pc_a=404, partner_b=404, mentor_b=404, learner_b=404, outsider=404),
    ),
    (
        "budget of P2 as CSV",
        u("mobility:partnership_budget_csv", **P2),
        "get",
        expect(pc_a=404, partner_b=404, mentor_b=404, learner_b=404, outsider=404),
    ),
    (
        "budget of organisation A",
        u("mobility:organisation_budget", **ORG_A),
        "get",
        expect(partner_b=403, partner_c=404, mentor_b=404, learner_b=404, outsider=404),
    ),
    (
        "budget of organisation B",
        u("mobility:organisation_budget", **ORG_B),
        "get",
        expect(partner_c=404, mentor_b=403, learner_b=403, outsider=404),
    ),
    (
        "budget of organisation B as CSV",
        u("mobility:organisation_budget_csv", **ORG_B),
        "get",
        expect(partner_c=404, mentor_b=403, learner_b=403, outsider=404),
    ),
    (
        "budget of organisation C",
        u("mobility:organisation_budget", **ORG_C),
        "get",
        expect(pc_a=404, partner_b=404, mentor_b=404, learner_b=404, outsider=404),
    ),
    (
        "budget of organisation C as CSV",
        u("mobility:organisation_budget_csv", **ORG_C),
        "get",
        expect(pc_a=404, partner_b=404, mentor_b=404, learner_b=404, outsider=404),
    ),
    ("import page", u("mobility:import"), "get", expect(**NO_RIGHT)),
    (
        "learners template (CSV)",
        u("mobility:import_template", kind=lambda w: "learners", fmt=lambda w: "csv"),
        "get",
        expect(**NO_RIGHT),
    ),
    (
        "mobilities template (XLSX)",
        u("mobility:import_template", kind=lambda w: "mobilities", fmt=lambda w: "xlsx"),
        "get",
        expect(**NO_RIGHT),
    ),
    (
        "template of an unknown kind",
        u("mobility:import_template", kind=lambda w: "passwords", fmt=lambda w: "csv"),
        "get",
        expect(pc_a=404, partner_b=404, partner_c=404, admin=404, **NO_RIGHT),
    ),
    (
        "confirm with nothing pending",
        u("mobility:import_confirm"),
        "post",
        expect(pc_a=302, partner_b=302, partner_c=302, admin=302, **NO_RIGHT),
    ),
    (
        "confirm by GET",
        u("mobility:import_confirm"),
        "get",
        expect(pc_a=405, partner_b=405, partner_c=405, mentor_b=405, learner_b=405, outsider=405, admin=405),
    ),
]


@pytest.mark.parametrize(
    ("label", "url", "method", "expected", "actor"),
    [(label, url, method, expected, actor) for label, url, method, expected in MATRIX for actor in ACTORS],
    ids=[f"{label} / {actor}" for label, *_rest in MATRIX for actor in ACTORS],
)
def test_money_access_matrix(world, mob, client_for, label, url, method, expected, actor):
    client = client_for(world.actor(actor))
    response = getattr(client, method)(url(world), {"token": "x"} if method == "post" else None)
    assert response.status_code == expected[actor], (label, actor, response.status_code)


def test_partner_coordinator_without_the_mobility_right_gets_403_on_budgets_and_import(world, client_for):
    Membership.objects.filter(user=world.partner_b).update(**{Right.MANAGE_MOBILITIES: False})
    client = client_for(world.partner_b)
    assert client.get(reverse("mobility:partnership_budget", kwargs={"slug": "p1"})).status_code == 403
    assert client.get(reverse("mobility:organisation_budget", kwargs={"slug": "org-b"})).status_code == 403
    assert client.get(reverse("mobility:import")).status_code == 403


def test_anonymous_is_sent_to_sign_in(world, client_for):
    response = client_for(None).get(reverse("mobility:partnership_budget", kwargs={"slug": "p1"}))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
