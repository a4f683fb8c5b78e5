"""Role × organisation × Learning Agreement page: who gets what status.

LA of m_b_to_a: B sends learner_b's mobility to A (pc_a is A's project coordinator and coordinates P1),
mentor_a mentors; its version 1 awaits approval. LA of m_a_to_b: A sends, B hosts, mentor_b mentors; its
version 1 is a draft. LA of m_c_to_d lives in P2, out of everyone's scope but partner_c's.

200 = allowed; 302 = redirected (to sign-in for anonymous, to the agreement after a POST or from the
mobility entry); 403 = in scope without the right; 404 = out of scope.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from ecvet.models import LearningAgreementUnit
from ecvet.services import agreements
from mobility.models import Mobility
from tests.conftest import build_world
from tests.factories_ecvet import UnitFactory
from tests.mobility.conftest import build_mob

from .test_agreements_views import mark_reauthenticated

ACTORS = ["anonymous", "pc_a", "partner_b", "partner_c", "mentor_a", "mentor_b", "learner_b", "outsider", "admin"]


def expect(default=404, **statuses):
    out = {actor: default for actor in ACTORS}
    out["anonymous"] = 302
    out.update(statuses)
    return out


# Who reads the LA of m_b_to_a: both organisations' staff, its mentor, its learner, admins.
READERS_BA = {"pc_a": 200, "partner_b": 200, "mentor_a": 200, "learner_b": 200, "admin": 200}
# Who edits it (the sending side B: its coordinator, and A's project coordinator by delegation).
EDITORS_BA = {"pc_a": 200, "partner_b": 200, "admin": 200, "mentor_a": 403, "learner_b": 403}


def build_once():
    """The casts of tests/conftest.py and tests/mobility/conftest.py with the module's `docs`, built once for the
    module (tests/once_per_module.py)."""
    world = build_world()
    mob = build_mob(world)
    return world, mob, build_docs(world, mob)


@pytest.fixture
def world(once):
    return once[0]


@pytest.fixture
def mob(once):
    return once[1]


@pytest.fixture
def docs(once):
    return once[2]


def build_docs(world, mob):
    Mobility.objects.filter(pk__in=[mob.m_b_to_a.pk, mob.m_a_to_b.pk]).update(status=Mobility.Status.PLANNED)
    unit = UnitFactory(qualification__organisation=world.org_b, ecvet_points=Decimal("5"))
    la_ba, v_ba = agreements.start_agreement(mob.m_b_to_a, by=world.partner_b, qualification=unit.qualification)
    LearningAgreementUnit.objects.create(version=v_ba, unit=unit, ecvet_points=Decimal("2"), learning_outcomes="x")
    agreements.send_for_approval(v_ba, by=world.partner_b)
    la_ab, v_ab = agreements.start_agreement(mob.m_a_to_b, by=world.pc_a)
    la_cd, v_cd = agreements.start_agreement(mob.m_c_to_d, by=world.partner_c)
    return {
        "m_b_to_a": mob.m_b_to_a,
        "m_c_to_d": mob.m_c_to_d,
        "la_ba": la_ba,
        "v_ba": v_ba,
        "la_ab": la_ab,
        "v_ab": v_ab,
        "la_cd": la_cd,
        "v_cd": v_cd,
    }


def u(name, key):
    return lambda d: reverse(f"ecvet:{name}", kwargs={"code": d[key].code})


# (label, url builder, method, expectations)
MATRIX = [
    (
        "entry from the mobility (agreement exists)",
        u("agreement_for_mobility", "m_b_to_a"),
        "get",
        expect(**{k: 302 for k in READERS_BA}),
    ),
    ("entry from a P2 mobility", u("agreement_for_mobility", "m_c_to_d"), "get", expect(partner_c=302, admin=302)),
    ("agreement page", u("agreement_detail", "la_ba"), "get", expect(**READERS_BA)),
    ("P2 agreement page", u("agreement_detail", "la_cd"), "get", expect(partner_c=200, admin=200)),
    (
        "agreement page, A sends to B",
        u("agreement_detail", "la_ab"),
        "get",
        expect(pc_a=200, partner_b=200, mentor_b=200, admin=200),
    ),
    ("version page", u("agreement_version", "v_ba"), "get", expect(**READERS_BA)),
    ("printable view", u("agreement_print", "v_ba"), "get", expect(**READERS_BA)),
    ("JSON export", u("agreement_json", "v_ba"), "get", expect(**{**READERS_BA, "mentor_a": 403})),
    ("P2 JSON export", u("agreement_json", "v_cd"), "get", expect(partner_c=200, admin=200)),
    (
        "approve or refuse (awaiting)",
        u("agreement_decide", "v_ba"),
        "get",
        # Signing is never delegated and superusers sign for nobody.
        expect(pc_a=200, partner_b=200, learner_b=200, mentor_a=403, admin=403),
    ),
    (
        "approve or refuse, POST",
        u("agreement_decide", "v_ba"),
        "post",
        expect(pc_a=200, partner_b=200, learner_b=200, mentor_a=403, admin=403),
    ),
    (
        "edit the draft (A sends to B)",
        u("agreement_edit", "v_ab"),
        "get",
        expect(pc_a=200, admin=200, partner_b=403, mentor_b=403),
    ),
    (
        "edit the draft, POST (A sends to B)",
        u("agreement_edit", "v_ab"),
        "post",
        expect(pc_a=200, admin=200, partner_b=403, mentor_b=403),
    ),
    ("edit the draft of P2", u("agreement_edit", "v_cd"), "get", expect(partner_c=200, admin=200)),
    (
        "send the draft (A sends to B)",
        u("agreement_send", "v_ab"),
        "post",
        expect(pc_a=302, admin=302, partner_b=403, mentor_b=403),
    ),
    ("propose a change", u("agreement_propose", "la_ba"), "get", expect(**EDITORS_BA)),
    (
        "propose a change, POST",
        u("agreement_propose", "la_ba"),
        "post",
        expect(**{**EDITORS_BA, "pc_a": 200, "partner_b": 200, "admin": 200}),
    ),
    (
        "prepare a new version",
        u("agreement_redraft", "la_ba"),
        "post",
        expect(**{**EDITORS_BA, "pc_a": 302, "partner_b": 302, "admin": 302}),
    ),
]


def actor(world, mob, name):
    if name == "anonymous":
        return None
    return getattr(mob, name) if name == "mentor_a" else getattr(world, name)


@pytest.mark.parametrize("actor_name", ACTORS)
@pytest.mark.parametrize(("label", "build", "method", "expected"), MATRIX, ids=[row[0] for row in MATRIX])
def test_agreement_access_matrix(world, mob, docs, client_for, actor_name, label, build, method, expected):
    user = actor(world, mob, actor_name)
    client = client_for(user)
    if user is not None:
        # Approvals need a recent re-authentication; the matrix is about scope and rights.
        mark_reauthenticated(client, user)
    response = getattr(client, method)(build(docs))
    assert response.status_code == expected[actor_name], f"{label} as {actor_name}"


def test_a_partner_sees_only_agreements_of_mobilities_its_organisation_sends_or_hosts(world, mob, docs):
    from ecvet.models import LearningAgreement

    visible = lambda user: set(LearningAgreement.objects.visible_to(user))  # noqa: E731
    assert visible(world.partner_b) == {docs["la_ba"], docs["la_ab"]}
    assert visible(world.partner_c) == {docs["la_cd"]}
    assert visible(world.learner_b) == {docs["la_ba"]}
    assert visible(mob.mentor_a) == {docs["la_ba"]}
    assert visible(world.mentor_b) == {docs["la_ab"]}
    assert visible(world.outsider) == set()
