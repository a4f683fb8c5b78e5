"""Role × object × view for the quality pages: checklists, evidence, assessments, learner reports.

200 = allowed; 302 = redirected (to sign-in for anonymous, or after a POST);
403 = in scope but the right is missing; 404 = out of scope.
Cast: tests/conftest.py (`world`) and tests/mobility/conftest.py (`mob`):
m_b_to_a (B sends, A hosts, mentor_a, learner_b's own), m_a_to_b (A sends, B hosts, mentor_b),
m_a_to_b2 (mentor_b2), m_c_to_d (P2).
"""

from dataclasses import dataclass

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from mobility.models import ChecklistItem, MentorAssessment
from mobility.models.checklists import Responsible
from mobility.services.checklists import generate_checklist
from tests.conftest import build_world
from tests.factories_mobility import AssessmentItemFactory
from tests.mobility.conftest import build_mob

ACTORS = [
    "anonymous",
    "pc_a",
    "partner_b",
    "partner_c",
    "mentor_b",
    "mentor_a",
    "mentor_b2",
    "learner_b",
    "outsider",
    "admin",
]


def expect(**overrides):
    base = dict.fromkeys(ACTORS, 200)
    base["anonymous"] = 302
    base.update(overrides)
    return base


OUT = 404
# Who sees each mobility (everyone else: 404).
SEES_B_TO_A = {"partner_c": OUT, "mentor_b": OUT, "mentor_b2": OUT, "outsider": OUT}
SEES_A_TO_B = {"partner_c": OUT, "mentor_a": OUT, "mentor_b2": OUT, "learner_b": OUT, "outsider": OUT}
SEES_P1 = {"partner_c": OUT, "mentor_b": OUT, "mentor_a": OUT, "mentor_b2": OUT, "learner_b": OUT, "outsider": OUT}
SEES_P2 = {
    "pc_a": OUT,
    "partner_b": OUT,
    "mentor_b": OUT,
    "mentor_a": OUT,
    "mentor_b2": OUT,
    "learner_b": OUT,
    "outsider": OUT,
}


@dataclass
class Quality:
    sending_item: ChecklistItem
    receiving_item: ChecklistItem
    mentor_item: ChecklistItem
    learner_item: ChecklistItem
    submitted: MentorAssessment


def _item(mobility, responsible):
    return mobility.checklist.filter(responsible=responsible).first()


def build_once():
    """The casts of tests/conftest.py and tests/mobility/conftest.py with the module's `quality`, built once for the
    module (tests/once_per_module.py)."""
    world = build_world()
    mob = build_mob(world)
    return world, mob, build_quality(world, mob)


@pytest.fixture
def world(once):
    return once[0]


@pytest.fixture
def mob(once):
    return once[1]


@pytest.fixture
def quality(once):
    return once[2]


def build_quality(world, mob):
    for mobility in (mob.m_b_to_a, mob.m_a_to_b):
        generate_checklist(mobility)
    sending = _item(mob.m_a_to_b, Responsible.SENDING)
    sending.evidence.save("insurance.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
    AssessmentItemFactory(mobility=mob.m_b_to_a)
    submitted = MentorAssessment.objects.create(
        mobility=mob.m_b_to_a, status=MentorAssessment.Status.SUBMITTED, submitted_at=timezone.now()
    )
    return Quality(
        sending_item=sending,
        receiving_item=_item(mob.m_a_to_b, Responsible.RECEIVING),
        mentor_item=_item(mob.m_a_to_b, Responsible.MENTOR),
        learner_item=_item(mob.m_b_to_a, Responsible.LEARNER),
        submitted=submitted,
    )


def url(name, **kwargs):
    def build(w, m, q):
        return reverse(name, kwargs={key: value(w, m, q) for key, value in kwargs.items()})

    return build


def mobility_code(attr):
    return lambda w, m, q: getattr(m, attr).code


def quality_code(attr):
    return lambda w, m, q: getattr(q, attr).code


P1 = {"slug": lambda w, m, q: w.p1.slug}
P2 = {"slug": lambda w, m, q: w.p2.slug}

MATRIX = [
    ("checklist of m_b_to_a", url("mobility:checklist", code=mobility_code("m_b_to_a")), "get", expect(**SEES_B_TO_A)),
    ("checklist of m_a_to_b", url("mobility:checklist", code=mobility_code("m_a_to_b")), "get", expect(**SEES_A_TO_B)),
    (
        "checklist of m_c_to_d",
        url("mobility:checklist", code=mobility_code("m_c_to_d")),
        "get",
        expect(**SEES_P2),
    ),
    # A sends m_a_to_b: A's staff (pc_a) tick sending items; B's staff do not.
    (
        "tick a sending item (A sends)",
        url("mobility:checklist_item", code=quality_code("sending_item")),
        "get",
        expect(partner_b=403, mentor_b=403, **SEES_A_TO_B),
    ),
    (
        "tick a receiving item (B hosts)",
        url("mobility:checklist_item", code=quality_code("receiving_item")),
        "get",
        expect(mentor_b=403, **SEES_A_TO_B),
    ),
    (
        "tick a mentor item",
        url("mobility:checklist_item", code=quality_code("mentor_item")),
        "get",
        expect(**SEES_A_TO_B),
    ),
    (
        "tick a learner item (learner_b's own)",
        url("mobility:checklist_item", code=quality_code("learner_item")),
        "get",
        expect(mentor_a=403, **SEES_B_TO_A),
    ),
    (
        "download evidence",
        url("mobility:evidence_download", code=quality_code("sending_item")),
        "get",
        expect(**SEES_A_TO_B),
    ),
    ("checklist template of P1", url("mobility:checklist_template", **P1), "get", expect(**SEES_P1)),
    (
        "save checklist template of P1",
        url("mobility:checklist_template", **P1),
        "post",
        expect(partner_b=403, **SEES_P1),
    ),
    ("checklist template of P2", url("mobility:checklist_template", **P2), "get", expect(**SEES_P2)),
    (
        "assessment of m_a_to_b",
        url("mobility:assessment", code=mobility_code("m_a_to_b")),
        "get",
        expect(**SEES_A_TO_B),
    ),
    # The host (A) assesses m_b_to_a: its mentor and A's staff; the sending side and the learner may not.
    (
        "save an assessment of m_b_to_a (submitted: refused for everyone)",
        url("mobility:assessment", code=mobility_code("m_b_to_a")),
        "post",
        expect(pc_a=403, partner_b=403, mentor_a=403, learner_b=403, admin=403, **SEES_B_TO_A),
    ),
    (
        "save a draft assessment of m_a_to_b",
        url("mobility:assessment", code=mobility_code("m_a_to_b")),
        "post",
        expect(pc_a=302, partner_b=302, mentor_b=302, admin=302, **SEES_A_TO_B),
    ),
    (
        "learning outcomes of m_b_to_a",
        url("mobility:assessment_items", code=mobility_code("m_b_to_a")),
        "get",
        expect(learner_b=403, **SEES_B_TO_A),
    ),
    (
        "learning outcomes of m_a_to_b",
        url("mobility:assessment_items", code=mobility_code("m_a_to_b")),
        "get",
        # The sending side (A) and the mentor; B's staff host and do not agree the outcomes.
        expect(partner_b=403, **SEES_A_TO_B),
    ),
    (
        "correct the assessment of m_b_to_a",
        url("mobility:assessment_correct", code=mobility_code("m_b_to_a")),
        "get",
        expect(partner_b=403, learner_b=403, **SEES_B_TO_A),
    ),
    (
        "a submitted assessment version",
        url("mobility:assessment_version", code=quality_code("submitted")),
        "get",
        expect(**SEES_B_TO_A),
    ),
    # The report rates the host and the mentor: the mentor does not read it.
    (
        "report of m_b_to_a",
        url("mobility:report", code=mobility_code("m_b_to_a")),
        "get",
        expect(mentor_a=403, **SEES_B_TO_A),
    ),
    (
        "file the report of m_b_to_a before it is completed",
        url("mobility:report", code=mobility_code("m_b_to_a")),
        "post",
        expect(pc_a=403, partner_b=403, mentor_a=403, learner_b=403, admin=403, **SEES_B_TO_A),
    ),
    (
        "report of m_a_to_b",
        url("mobility:report", code=mobility_code("m_a_to_b")),
        "get",
        expect(mentor_b=403, **SEES_A_TO_B),
    ),
    ("survey questions of P1", url("mobility:survey_questions", **P1), "get", expect(**SEES_P1)),
    (
        "save survey questions of P1",
        url("mobility:survey_questions", **P1),
        "post",
        expect(partner_b=403, **SEES_P1),
    ),
    ("report aggregates of P1", url("mobility:report_aggregates", **P1), "get", expect(**SEES_P1)),
    ("report aggregates of P2", url("mobility:report_aggregates", **P2), "get", expect(**SEES_P2)),
    ("dashboard", lambda w, m, q: reverse("home"), "get", expect()),
]


def actor_of(world, mob, name):
    if name == "anonymous":
        return None
    return getattr(mob, name, None) or world.actor(name)


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(("label", "build", "method", "expected"), MATRIX, ids=[row[0] for row in MATRIX])
def test_access_matrix(world, mob, quality, client_for, actor, label, build, method, expected):
    client = client_for(actor_of(world, mob, actor))
    target = build(world, mob, quality)
    response = client.post(target, {}) if method == "post" else client.get(target)
    assert response.status_code == expected[actor], f"{actor} on {label}: {response.status_code}"
    if actor == "anonymous":
        assert response["Location"].startswith(reverse("account_login"))
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)  # the test client closes the file once it is read


def test_a_mentor_cannot_open_another_mentors_checklist_or_assessment(world, mob, quality, client_for):
    client = client_for(world.mentor_b)
    for name in ("mobility:checklist", "mobility:assessment", "mobility:report"):
        assert client.get(reverse(name, kwargs={"code": mob.m_a_to_b2.code})).status_code == 404
    assert client.get(reverse("mobility:assessment", kwargs={"code": mob.m_a_to_b.code})).status_code == 200


def test_evidence_of_another_network_is_not_found(world, mob, quality, client_for):
    response = client_for(world.partner_c).get(
        reverse("mobility:evidence_download", kwargs={"code": quality.sending_item.code})
    )
    assert response.status_code == 404
