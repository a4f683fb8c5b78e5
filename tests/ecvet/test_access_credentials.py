"""Role × organisation × Europass digital credential: who gets what status.

cr_ba: m_b_to_a (learner_b's own mobility; B sends, A hosts, mentor_a mentors), approved and recognised.
cr_cd: m_c_to_d in P2 (C sends), recognised: out of everyone's scope but partner_c's (and admins').
ep_ba, ep_cd: the same mobilities' Europass Mobility, approved by both organisations.

200 = the sealed file; 302 = to sign-in (anonymous) or, from the mobility, to the transcript's credential;
403 = in scope without the right to take personal data away (a mentor, as for the sealed PDF); 404 = out of
scope, including another learner's credential.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from ecvet.models import Approval, EuropassMobility, Transcript
from ecvet.services import approvals
from ecvet.services import transcripts as service
from mobility.models import AssessmentResult, Mobility
from partners.models import AuditEntry
from tests.conftest import build_world
from tests.ecvet.support_memoranda import beauty_qualification
from tests.mobility.conftest import build_mob

from .support_credentials import approve_europass
from .test_transcripts import make_approved_agreement, make_assessment

ACTORS = ["anonymous", "pc_a", "partner_b", "partner_c", "mentor_a", "mentor_b", "learner_b", "outsider", "admin"]
R = AssessmentResult.Result


def expect(default=404, **statuses):
    out = {actor: default for actor in ACTORS}
    out["anonymous"] = 302
    out.update(statuses)
    return out


def build_once():
    """The casts of tests/conftest.py and tests/mobility/conftest.py with the module's `creds`, built once for the
    module (tests/once_per_module.py)."""
    world = build_world()
    mob = build_mob(world)
    return world, mob, build_creds(world, mob)


@pytest.fixture
def world(once):
    return once[0]


@pytest.fixture
def mob(once):
    return once[1]


@pytest.fixture
def creds(once):
    return once[2]


def build_creds(world, mob):
    Mobility.objects.filter(pk__in=[mob.m_b_to_a.pk, mob.m_c_to_d.pk]).update(status=Mobility.Status.COMPLETED)
    # A transcript needs the Learning Agreement in force; "recognised in full" needs every unit achieved.
    for mobility in (mob.m_b_to_a, mob.m_c_to_d):
        make_approved_agreement(mobility, beauty_qualification(mobility.sending_organisation))
    make_assessment(mob.m_b_to_a, mob.mentor_a, [("FAC", R.ACHIEVED), ("MAN", R.ACHIEVED)])
    make_assessment(mob.m_c_to_d, None, [("", R.ACHIEVED)])
    # B → A through the services: the host's signer approves, the sending side recognises.
    tr_ba = service.send_for_approval(service.build_transcript(mob.m_b_to_a, by=world.pc_a), by=world.pc_a)
    approvals.decide(
        tr_ba,
        party_key="receiving",
        by=world.pc_a,
        expected_sha256=approvals.current_sha256(tr_ba),
        decision=Approval.Decision.APPROVED,
    )
    service.record_recognition(
        Transcript.objects.get(pk=tr_ba.pk),
        by=world.partner_b,
        decision="recognised",
        decided_on=date(2021, 7, 1),
        how_it_counts="Counts",
    )
    # P2: the state set directly (the matrix is about scope, not the workflow).
    tr_cd = service.send_for_approval(service.build_transcript(mob.m_c_to_d, by=world.admin), by=world.admin)
    Transcript.objects.filter(pk=tr_cd.pk).update(
        status=Transcript.Status.APPROVED, decision="recognised", decided_on=date(2021, 7, 1)
    )
    Mobility.objects.filter(pk=mob.m_c_to_d.pk).update(status=Mobility.Status.RECOGNISED)
    ep_ba = approve_europass(Mobility.objects.get(pk=mob.m_b_to_a.pk), sending=world.partner_b, host=world.pc_a)
    ep_cd = EuropassMobility.objects.create(mobility=mob.m_c_to_d, objective="Salon work", job_related="Facials")
    approvals.freeze(ep_cd)
    ep_cd.save(update_fields=approvals.FROZEN_FIELDS)
    EuropassMobility.objects.filter(pk=ep_cd.pk).update(status=EuropassMobility.Status.APPROVED)
    return {
        "cr_ba": tr_ba,
        "cr_cd": tr_cd,
        "ep_ba": ep_ba,
        "ep_cd": ep_cd,
        "m_b_to_a": mob.m_b_to_a,
        "m_c_to_d": mob.m_c_to_d,
    }


def u(name, key):
    return lambda d: reverse(f"ecvet:{name}", kwargs={"code": d[key].code})


MATRIX = [
    (
        "credential of learner_b's mobility",
        u("transcript_credential", "cr_ba"),
        expect(pc_a=200, partner_b=200, learner_b=200, admin=200, mentor_a=403),
    ),
    ("credential of a P2 mobility", u("transcript_credential", "cr_cd"), expect(partner_c=200, admin=200)),
    (
        "from learner_b's mobility page",
        u("mobility_credential", "m_b_to_a"),
        expect(pc_a=302, partner_b=302, learner_b=302, admin=302, mentor_a=302),
    ),
    ("from a P2 mobility page", u("mobility_credential", "m_c_to_d"), expect(partner_c=302, admin=302)),
    (
        "Europass Mobility credential of learner_b's mobility",
        u("europass_credential", "ep_ba"),
        expect(pc_a=200, partner_b=200, learner_b=200, admin=200, mentor_a=403),
    ),
    (
        "Europass Mobility credential of a P2 mobility",
        u("europass_credential", "ep_cd"),
        expect(partner_c=200, admin=200),
    ),
    (
        "Europass Mobility credential from learner_b's mobility page",
        u("mobility_europass_credential", "m_b_to_a"),
        expect(pc_a=302, partner_b=302, learner_b=302, admin=302, mentor_a=302),
    ),
    (
        "Europass Mobility credential from a P2 mobility page",
        u("mobility_europass_credential", "m_c_to_d"),
        expect(partner_c=302, admin=302),
    ),
]


def actor(world, mob, name):
    if name == "anonymous":
        return None
    return getattr(mob, name) if name == "mentor_a" else getattr(world, name)


@pytest.mark.parametrize("actor_name", ACTORS)
@pytest.mark.parametrize(("label", "build", "expected"), MATRIX, ids=[row[0] for row in MATRIX])
def test_credential_access_matrix(world, mob, creds, client_for, actor_name, label, build, expected):
    response = client_for(actor(world, mob, actor_name)).get(build(creds))
    assert response.status_code == expected[actor_name], f"{label} as {actor_name}"
    if response.status_code == 200:
        assert response["Content-Disposition"].startswith("attachment;")


def test_anonymous_is_sent_to_sign_in(creds, client_for):
    response = client_for(None).get(u("transcript_credential", "cr_ba")(creds))
    assert "/login" in response["Location"] or "next=" in response["Location"]


def test_refused_and_hidden_requests_leave_no_export_in_the_audit_log(world, mob, creds, client_for):
    for user in (mob.mentor_a, world.partner_c, world.outsider, world.mentor_b):
        client_for(user).get(u("transcript_credential", "cr_ba")(creds))
        client_for(user).get(u("europass_credential", "ep_ba")(creds))
    assert not AuditEntry.objects.filter(verb=AuditEntry.Verb.EXPORTED).exists()
