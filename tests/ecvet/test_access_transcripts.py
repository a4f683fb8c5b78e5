"""Role × organisation × Personal Transcript page: who gets what status.

tr_ba: m_b_to_a (B sends learner_b's mobility, A hosts, mentor_a mentors), awaiting the host's approval.
tr_ab: m_a_to_b (A sends, B hosts, mentor_b mentors), a draft.
tr_ab2: m_a_to_b2 (A sends, B hosts), completed and approved by the host: waiting for recognition.
tr_cd: m_c_to_d in P2, out of everyone's scope but partner_c's (and admins').

200 = allowed; 302 = redirected (to sign-in for anonymous, to the transcript after a POST or from the
mobility entry); 403 = in scope without the right; 404 = out of scope.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from ecvet.models import Approval, Transcript
from ecvet.services import approvals
from ecvet.services import transcripts as service
from mobility.models import AssessmentResult, Mobility
from tests.conftest import build_world
from tests.ecvet.support_memoranda import beauty_qualification, mark_recently_authenticated
from tests.mobility.conftest import build_mob

from .test_transcripts import make_approved_agreement, make_assessment

ACTORS = ["anonymous", "pc_a", "partner_b", "partner_c", "mentor_a", "mentor_b", "learner_b", "outsider", "admin"]
R = AssessmentResult.Result


def expect(default=404, **statuses):
    out = {actor: default for actor in ACTORS}
    out["anonymous"] = 302
    out.update(statuses)
    return out


READERS_BA = {"pc_a": 200, "partner_b": 200, "mentor_a": 200, "learner_b": 200, "admin": 200}
READERS_AB = {"pc_a": 200, "partner_b": 200, "mentor_b": 200, "admin": 200}


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
    for mobility, mentor in (
        (mob.m_b_to_a, mob.mentor_a),
        (mob.m_a_to_b, world.mentor_b),
        (mob.m_a_to_b2, mob.mentor_b2),
        (mob.m_c_to_d, None),
    ):
        # A transcript needs the Learning Agreement in force.
        make_approved_agreement(mobility, beauty_qualification(mobility.sending_organisation))
        make_assessment(mobility, mentor, [("", R.ACHIEVED)])
    Mobility.objects.filter(pk=mob.m_a_to_b2.pk).update(status=Mobility.Status.COMPLETED)
    tr_ba = service.send_for_approval(service.build_transcript(mob.m_b_to_a, by=world.pc_a), by=world.pc_a)
    tr_ab = service.build_transcript(mob.m_a_to_b, by=world.partner_b)
    tr_ab2 = service.send_for_approval(service.build_transcript(mob.m_a_to_b2, by=world.partner_b), by=world.partner_b)
    approvals.decide(
        tr_ab2,
        party_key="receiving",
        by=world.partner_b,
        expected_sha256=approvals.current_sha256(tr_ab2),
        decision=Approval.Decision.APPROVED,
    )
    tr_cd = service.build_transcript(mob.m_c_to_d, by=world.admin)
    return {
        "m_b_to_a": mob.m_b_to_a,
        "m_c_to_d": mob.m_c_to_d,
        "m_a_to_b2": mob.m_a_to_b2,
        "tr_ba": tr_ba,
        "tr_ab": tr_ab,
        "tr_ab2": Transcript.objects.get(pk=tr_ab2.pk),
        "tr_cd": tr_cd,
    }


def u(name, key):
    return lambda d: reverse(f"ecvet:{name}", kwargs={"code": d[key].code})


MATRIX = [
    (
        "entry from the mobility",
        u("transcript_for_mobility", "m_b_to_a"),
        "get",
        expect(**dict.fromkeys(READERS_BA, 302)),
    ),
    (
        "build from the mobility, POST (awaiting: refused with a message)",
        u("transcript_for_mobility", "m_b_to_a"),
        "post",
        expect(pc_a=200, admin=200, partner_b=403, mentor_a=403, learner_b=403),
    ),
    ("entry from a P2 mobility", u("transcript_for_mobility", "m_c_to_d"), "get", expect(partner_c=302, admin=302)),
    ("transcript page", u("transcript_detail", "tr_ba"), "get", expect(**READERS_BA)),
    ("transcript page, A sends to B", u("transcript_detail", "tr_ab"), "get", expect(**READERS_AB)),
    ("P2 transcript page", u("transcript_detail", "tr_cd"), "get", expect(partner_c=200, admin=200)),
    # The printable view has exactly the readers of the transcript page.
    ("printable view", u("transcript_print", "tr_ba"), "get", expect(**READERS_BA)),
    ("printable view, A sends to B", u("transcript_print", "tr_ab"), "get", expect(**READERS_AB)),
    ("P2 printable view", u("transcript_print", "tr_cd"), "get", expect(partner_c=200, admin=200)),
    ("JSON export", u("transcript_json", "tr_ba"), "get", expect(**{**READERS_BA, "mentor_a": 403})),
    ("P2 JSON export", u("transcript_json", "tr_cd"), "get", expect(partner_c=200, admin=200)),
    (
        "approve or refuse (host A)",
        u("transcript_decide", "tr_ba"),
        "get",
        # Only the host's signers; signing is never delegated and superusers sign for nobody.
        expect(pc_a=200, partner_b=403, learner_b=403, mentor_a=403, admin=403),
    ),
    (
        "approve or refuse, POST",
        u("transcript_decide", "tr_ba"),
        "post",
        expect(pc_a=200, partner_b=403, learner_b=403, mentor_a=403, admin=403),
    ),
    (
        "points and remarks (host B)",
        u("transcript_edit", "tr_ab"),
        "get",
        # A's project coordinator acts for B by delegation (docs/access.md).
        expect(partner_b=200, admin=200, pc_a=200, mentor_b=403),
    ),
    (
        "points and remarks, POST (empty: the form again)",
        u("transcript_edit", "tr_ab"),
        "post",
        expect(partner_b=200, admin=200, pc_a=200, mentor_b=403),
    ),
    (
        "send for approval",
        u("transcript_send", "tr_ab"),
        "post",
        expect(partner_b=302, admin=302, pc_a=302, mentor_b=403),
    ),
    # C sends m_c_to_d; only the host D issues its transcript.
    ("points of a P2 draft", u("transcript_edit", "tr_cd"), "get", expect(partner_c=403, admin=200)),
    (
        "record recognition (A sends)",
        u("transcript_recognise", "tr_ab2"),
        "get",
        expect(pc_a=200, admin=200, partner_b=403),
    ),
    (
        "record recognition, POST (empty: field errors)",
        u("transcript_recognise", "tr_ab2"),
        "post",
        expect(pc_a=200, admin=200, partner_b=403),
    ),
]


def actor(world, mob, name):
    if name == "anonymous":
        return None
    return getattr(mob, name) if name == "mentor_a" else getattr(world, name)


@pytest.mark.parametrize("actor_name", ACTORS)
@pytest.mark.parametrize(("label", "build", "method", "expected"), MATRIX, ids=[row[0] for row in MATRIX])
def test_transcript_access_matrix(world, mob, docs, client_for, actor_name, label, build, method, expected):
    user = actor(world, mob, actor_name)
    client = client_for(user)
    if user is not None:
        # Approvals need a recent re-authentication; the matrix is about scope and rights.
        mark_recently_authenticated(client, user)
    response = getattr(client, method)(build(docs))
    assert response.status_code == expected[actor_name], f"{label} as {actor_name}"


def test_a_partner_sees_only_transcripts_of_mobilities_its_organisation_sends_or_hosts(world, mob, docs):
    visible = lambda user: set(Transcript.objects.visible_to(user))  # noqa: E731
    assert visible(world.partner_b) == {docs["tr_ba"], docs["tr_ab"], docs["tr_ab2"]}
    assert visible(world.partner_c) == {docs["tr_cd"]}
    assert visible(world.learner_b) == {docs["tr_ba"]}
    assert visible(mob.mentor_a) == {docs["tr_ba"]}
    assert visible(world.mentor_b) == {docs["tr_ab"]}
    assert visible(world.outsider) == set()


def test_the_mentor_reads_the_transcript_without_the_learners_date_of_birth(world, mob, docs, client_for):
    response = client_for(mob.mentor_a).get(reverse("ecvet:transcript_detail", kwargs={"code": docs["tr_ba"].code}))
    dob = mob.learner_b1.date_of_birth
    assert response.context["content"]["learner"]["date_of_birth"] is None
    assert not response.context["may_decide"] and not response.context["can_edit"]
    assert dob is None or str(dob) not in response.content.decode()
