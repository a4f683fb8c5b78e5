"""Role × organisation × Europass Mobility page: who gets what status.

ep_ba: learner_b's mobility m_b_to_a (B sends, A hosts, mentor_a mentors), completed, awaiting approval.
ep_ab: m_a_to_b (A sends, B hosts, mentor_b mentors), completed, a draft. ep_cd: P2, partner_c's only.
m_a_to_b2 (A sends, B hosts) is still open and has no Europass Mobility.

200 = allowed; 302 = redirected (to sign-in for anonymous, to the document after a POST or from the
mobility entry); 403 = in scope without the right; 404 = out of scope.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from ecvet.models import EuropassMobility
from ecvet.services import europass as service
from mobility.models import Mobility
from tests.conftest import build_world
from tests.mobility.conftest import build_mob

from .support_memoranda import mark_recently_authenticated

ACTORS = ["anonymous", "pc_a", "partner_b", "partner_c", "mentor_a", "mentor_b", "learner_b", "outsider", "admin"]


def expect(default=404, **statuses):
    out = {actor: default for actor in ACTORS}
    out["anonymous"] = 302
    out.update(statuses)
    return out


READERS_BA = {"pc_a": 200, "partner_b": 200, "mentor_a": 200, "learner_b": 200, "admin": 200}
READERS_AB = {"pc_a": 200, "partner_b": 200, "mentor_b": 200, "admin": 200}
SENDING_AB = {**READERS_AB, "partner_b": 403, "mentor_b": 403}  # A's side (pc_a), admins
HOST_AB = READERS_AB  # B's staff, the mentor, and pc_a as coordinator of P1 (delegated)


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
    done = [mob.m_b_to_a.pk, mob.m_a_to_b.pk, mob.m_c_to_d.pk]
    Mobility.objects.filter(pk__in=done).update(status=Mobility.Status.COMPLETED)
    for m in (mob.m_b_to_a, mob.m_a_to_b, mob.m_c_to_d):
        m.refresh_from_db()
    ep_ba = service.start_europass(mob.m_b_to_a, by=world.partner_b)
    service.update_host(ep_ba, {"job_related": "Facials"}, by=world.pc_a)
    ep_ba = service.send_for_approval(ep_ba, by=world.partner_b)
    return {
        "m_b_to_a": mob.m_b_to_a,
        "m_a_to_b2": mob.m_a_to_b2,
        "ep_ba": ep_ba,
        "ep_ab": service.start_europass(mob.m_a_to_b, by=world.pc_a),
        "ep_cd": service.start_europass(mob.m_c_to_d, by=world.partner_c),
    }


def u(name, key):
    return lambda d: reverse(f"ecvet:{name}", kwargs={"code": d[key].code})


SECTION_5A = {"job_related": "Facials"}
DESCRIPTION = {"objective": "x", "qualification": "y", "programme": "Erasmus+"}

# (label, url builder, method, data, expectations)
MATRIX = [
    (
        "entry from the mobility (exists)",
        u("europass_for_mobility", "m_b_to_a"),
        "get",
        None,
        expect(**{k: 302 for k in READERS_BA}),
    ),
    (
        "entry from an open mobility",
        u("europass_for_mobility", "m_a_to_b2"),
        "get",
        None,
        expect(pc_a=200, partner_b=200, admin=200),
    ),
    (
        "start for an open mobility, POST",
        u("europass_for_mobility", "m_a_to_b2"),
        "post",
        {},
        expect(pc_a=302, admin=302, partner_b=403),
    ),
    ("read view", u("europass_detail", "ep_ba"), "get", None, expect(**READERS_BA)),
    ("read view, A sends to B", u("europass_detail", "ep_ab"), "get", None, expect(**READERS_AB)),
    ("P2 read view", u("europass_detail", "ep_cd"), "get", None, expect(partner_c=200, admin=200)),
    # The printable view has exactly the readers of the read view.
    ("printable view", u("europass_print", "ep_ba"), "get", None, expect(**READERS_BA)),
    ("printable view, A sends to B", u("europass_print", "ep_ab"), "get", None, expect(**READERS_AB)),
    ("P2 printable view", u("europass_print", "ep_cd"), "get", None, expect(partner_c=200, admin=200)),
    ("JSON export", u("europass_json", "ep_ba"), "get", None, expect(**{**READERS_BA, "mentor_a": 403})),
    ("edit the description", u("europass_edit_sending", "ep_ab"), "get", None, expect(**SENDING_AB)),
    (
        "edit the description, POST",
        u("europass_edit_sending", "ep_ab"),
        "post",
        DESCRIPTION,
        expect(**{**SENDING_AB, "pc_a": 302, "admin": 302}),
    ),
    ("fill in 5a", u("europass_edit_host", "ep_ab"), "get", None, expect(**HOST_AB)),
    (
        "fill in 5a, POST",
        u("europass_edit_host", "ep_ab"),
        "post",
        SECTION_5A,
        expect(**{k: 302 for k in HOST_AB}),
    ),
    (
        "edit once sent",
        u("europass_edit_host", "ep_ba"),
        "get",
        None,
        expect(**{**READERS_BA, "pc_a": 302, "mentor_a": 302, "admin": 302, "partner_b": 403, "learner_b": 403}),
    ),
    (
        "send for approval, POST",
        u("europass_send", "ep_ab"),
        "post",
        {},
        expect(pc_a=302, admin=302, partner_b=403, mentor_b=403),
    ),
    (
        "approve or refuse",
        u("europass_decide", "ep_ba"),
        "get",
        None,
        # Signing is never delegated and superusers sign for nobody; the learner is no party here.
        expect(pc_a=200, partner_b=200, mentor_a=403, learner_b=403, admin=403),
    ),
    (
        "approve or refuse, POST",
        u("europass_decide", "ep_ba"),
        "post",
        {},
        expect(pc_a=200, partner_b=200, mentor_a=403, learner_b=403, admin=403),
    ),
]


def actor(world, mob, name):
    if name == "anonymous":
        return None
    return getattr(mob, name) if name == "mentor_a" else getattr(world, name)


@pytest.mark.parametrize("actor_name", ACTORS)
@pytest.mark.parametrize(("label", "build", "method", "data", "expected"), MATRIX, ids=[row[0] for row in MATRIX])
def test_europass_access_matrix(world, mob, docs, client_for, actor_name, label, build, method, data, expected):
    user = actor(world, mob, actor_name)
    client = client_for(user)
    if user is not None:
        # Approvals need a recent re-authentication; the matrix is about scope and rights.
        mark_recently_authenticated(client, user)
    response = getattr(client, method)(build(docs), data) if method == "post" else client.get(build(docs))
    assert response.status_code == expected[actor_name], f"{label} as {actor_name}"


def test_a_partner_sees_only_the_europass_of_mobilities_its_organisation_sends_or_hosts(world, mob, docs):
    visible = lambda user: set(EuropassMobility.objects.visible_to(user))  # noqa: E731
    assert visible(world.partner_b) == {docs["ep_ba"], docs["ep_ab"]}
    assert visible(world.partner_c) == {docs["ep_cd"]}
    assert visible(world.learner_b) == {docs["ep_ba"]}
    assert visible(mob.mentor_a) == {docs["ep_ba"]}
    assert visible(world.mentor_b) == {docs["ep_ab"]}
    assert visible(world.outsider) == set()
