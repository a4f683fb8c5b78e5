"""Role × object × view for the evaluation and certificate pages.

200 = allowed; 302 = redirected (to sign-in for anonymous, or after a POST); 403 = in scope but the right is
missing; 404 = out of scope. Cast: tests/conftest.py (`world`) and tests/training_events/conftest.py (`te`):
ev_a of P1 hosted by A (pc_a is the host's staff and the project coordinator), staff_b registered for it;
ev_c of P2 hosted by C. mentor_b and learner_b are not staff: the events are out of their scope.

Answering: someone who sees the event but is not registered for it (the partners' staff, an administrator)
gets 403; someone who does not see it, 404. A certificate is for its participant, their organisation's staff
and the host's staff who issued it (pc_a opens staff_b's certificate and its PDF).
"""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from documents.models import RenderedDocument
from documents.services import current_row
from tests.conftest import build_world
from training_events import services

from .conftest import REFUSED, build_te, db_state

ACTORS = [
    "anonymous",
    "pc_a",
    "partner_b",
    "partner_c",
    "mentor_b",
    "learner_b",
    "outsider",
    "admin",
    "staff_b",
]
OUT = 404


def expect(**overrides):
    base = dict.fromkeys(ACTORS, OUT)
    base["anonymous"] = 302
    base.update(overrides)
    return base


def build_once():
    """The casts of tests/conftest.py and tests/training_events/conftest.py with staff_b's certificate, built
    once for the module (tests/once_per_module.py)."""
    world = build_world()
    te = build_te(world)
    return world, te, build_certificate(te, world)


@pytest.fixture
def world(once):
    return once[0]


@pytest.fixture
def te(once):
    return once[1]


@pytest.fixture
def certificate(once):
    return once[2]


def build_certificate(te, world):
    """staff_b's certificate (s1 attended), its sealed PDF row marked ready with a stand-in file."""
    services.mark_attendance(te.ev_a, {(te.p_staff_b.pk, te.s1.pk): True}, by=world.pc_a)
    (issued,) = services.issue_certificates(te.ev_a, by=world.pc_a)
    row = current_row(issued)
    data = b"%PDF-1.7 stand-in"
    row.file.save(f"{row.code}.pdf", ContentFile(data), save=False)
    RenderedDocument.objects.filter(pk=row.pk).update(  # arranged, not moved
        file=row.file.name,
        file_sha256=hashlib.sha256(data).hexdigest(),
        file_size=len(data),
        pages=1,
        status=RenderedDocument.Status.READY,
        finished_at=timezone.now(),
    )
    return issued


def on(name, event="ev_a", **extra):
    def build(w, t, c):
        kwargs = {"code": getattr(t, event).code}
        kwargs.update({key: value(w, t, c) for key, value in extra.items()})
        return reverse(f"training_events:{name}", kwargs=kwargs)

    return build


# may_manage (the host's staff, the project coordinator): pc_a and admin; the others who see ev_a: 403.
MANAGE_A = {"pc_a": 200, "admin": 200, "partner_b": 403, "staff_b": 403}


def question(w, t, c):
    return t.q_scale.code


MATRIX = [
    ("questions of ev_a", on("question_list"), "get", expect(**MANAGE_A)),
    ("add a question to ev_a", on("question_list"), "post", expect(**MANAGE_A)),
    ("edit a question of ev_a", on("question_edit", question_code=question), "get", expect(**MANAGE_A)),
    ("delete a question of ev_a", on("question_delete", question_code=question), "get", expect(**MANAGE_A)),
    (
        "post an empty question edit of ev_a",
        on("question_edit", question_code=question),
        "post",
        expect(**MANAGE_A),
    ),
    (
        "delete a question of ev_a (post)",
        on("question_delete", question_code=question),
        "post",
        expect(**{**MANAGE_A, "pc_a": 302, "admin": 302}),
    ),
    ("questions of ev_c", on("question_list", "ev_c"), "get", expect(partner_c=200, admin=200)),
    ("answer ev_a", on("evaluation_answer"), "get", expect(staff_b=200, pc_a=403, partner_b=403, admin=403)),
    ("send answers to ev_a", on("evaluation_answer"), "post", expect(staff_b=200, pc_a=403, partner_b=403, admin=403)),
    ("answer ev_c", on("evaluation_answer", "ev_c"), "get", expect(partner_c=403, admin=403)),
    ("results of ev_a", on("evaluation_results"), "get", expect(pc_a=200, partner_b=200, admin=200, staff_b=403)),
    ("results of ev_c", on("evaluation_results", "ev_c"), "get", expect(partner_c=200, admin=200)),
    ("certificates of ev_a", on("certificate_list"), "get", expect(pc_a=200, partner_b=200, admin=200, staff_b=403)),
    (
        "issue certificates of ev_a",
        on("certificate_list"),
        "post",
        expect(pc_a=302, admin=302, partner_b=403, staff_b=403),
    ),
    ("certificates of ev_c", on("certificate_list", "ev_c"), "get", expect(partner_c=200, admin=200)),
    (
        "staff_b's certificate",
        lambda w, t, c: reverse("training_events:certificate_detail", kwargs={"code": c.code}),
        "get",
        expect(staff_b=200, partner_b=200, pc_a=200, admin=200),
    ),
    (
        "staff_b's certificate PDF",
        lambda w, t, c: reverse("documents:download", kwargs={"code": current_row(c).code}),
        "get",
        expect(staff_b=200, partner_b=200, pc_a=200, admin=200),
    ),
    (
        "my certificates",
        lambda w, t, c: reverse("training_events:my_certificates"),
        "get",
        {**dict.fromkeys(ACTORS, 200), "anonymous": 302},
    ),
]


def actor_of(world, te, name):
    if name == "staff_b":
        return te.staff_b
    return world.actor(name)


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(("label", "build", "method", "expected"), MATRIX, ids=[row[0] for row in MATRIX])
def test_access_matrix(world, te, certificate, client_for, actor, label, build, method, expected):
    client = client_for(actor_of(world, te, actor))
    target = build(world, te, certificate)
    before = db_state("training_events", "documents")
    response = client.post(target, {}) if method == "post" else client.get(target)
    assert response.status_code == expected[actor], f"{actor} on {label}: {response.status_code}"
    if actor == "anonymous":
        assert response["Location"].startswith(reverse("account_login"))
    if method == "post" and (expected[actor] in REFUSED or actor == "anonymous"):
        assert db_state("training_events", "documents") == before, f"{actor} on {label} changed data"
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)  # the test client closes the file once it is read


def test_a_certificate_of_another_partnership_is_not_found(te, world, client_for, certificate):
    for name in ("partner_c", "outsider", "mentor_b", "learner_b"):
        response = client_for(world.actor(name)).get(certificate.get_absolute_url())
        assert response.status_code == 404, name


def test_unknown_codes_are_not_found(te, world, client_for):
    import uuid

    client = client_for(world.admin)
    for name in ("question_list", "evaluation_answer", "evaluation_results", "certificate_list"):
        assert client.get(reverse(f"training_events:{name}", kwargs={"code": uuid.uuid4()})).status_code == 404
    assert client.get(reverse("training_events:certificate_detail", kwargs={"code": uuid.uuid4()})).status_code == 404
