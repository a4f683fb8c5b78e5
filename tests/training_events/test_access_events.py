"""Role × object × view for the event pages: list, creation, event, agenda, participants, attendance.

200 = allowed; 302 = redirected (to sign-in for anonymous, or after a POST / to the only partnership);
403 = in scope but the right is missing; 404 = out of scope. A refused POST (403/404, or the sign-in redirect)
changes nothing: no row, no audit entry.
Cast: tests/conftest.py (`world`) and tests/training_events/conftest.py (`te`); `staff_b` is a mentor at B
registered for ev_a, so ev_a is in their scope through their registration only.
"""

import pytest
from django.urls import reverse

from tests.conftest import build_world
from training_events.models import Participant, Session

from .conftest import REFUSED, build_te, db_state

ACTORS = ["anonymous", "pc_a", "partner_b", "partner_c", "mentor_b", "learner_b", "outsider", "admin", "staff_b"]


def expect(**overrides):
    base = dict.fromkeys(ACTORS, 200)
    base["anonymous"] = 302
    base.update(overrides)
    return base


def url(name, query="", **kwargs):
    def build(w, t):
        resolved = {key: value(w, t) for key, value in kwargs.items()}
        return reverse(f"training_events:{name}", kwargs=resolved or None) + query

    return build


def code_of(attr):
    return lambda w, t: getattr(t, attr).code


NOT_STAFF = {"mentor_b": 403, "learner_b": 403, "outsider": 403, "staff_b": 403}
# ev_a is P1's, hosted by A: out of scope for C and for those without a staff role (staff_b is registered).
OUTSIDE_EV_A = {"partner_c": 404, "mentor_b": 404, "learner_b": 404, "outsider": 404}
# ev_c is P2's, hosted by C.
OUTSIDE_EV_C = {"pc_a": 404, "partner_b": 404, "mentor_b": 404, "learner_b": 404, "outsider": 404, "staff_b": 404}
# Managing ev_a: the host's staff (pc_a, who also coordinates P1) and the admin.
MANAGE_EV_A = expect(partner_b=403, staff_b=403, **OUTSIDE_EV_A)
ONLY_C = expect(**OUTSIDE_EV_C)

MATRIX = [
    ("event list", url("event_list"), "get", expect()),
    (
        "new event (choose the partnership)",
        url("event_create"),
        "get",
        expect(pc_a=302, partner_b=403, partner_c=403, **NOT_STAFF),
    ),
    (
        "new event in P1",
        url("event_create", "?partnership=p1"),
        "get",
        expect(partner_b=403, partner_c=404, mentor_b=404, learner_b=404, outsider=404, staff_b=404),
    ),
    (
        "new event in P2",
        url("event_create", "?partnership=p2"),
        "get",
        expect(pc_a=404, partner_b=404, partner_c=403, mentor_b=404, learner_b=404, outsider=404, staff_b=404),
    ),
    (
        # An empty form: those who may create get it back with errors (nothing saved either).
        "post a new event in P1",
        url("event_create", "?partnership=p1"),
        "post",
        expect(partner_b=403, partner_c=404, mentor_b=404, learner_b=404, outsider=404, staff_b=404),
    ),
    ("event of P1 hosted by A", url("event_detail", code=code_of("ev_a")), "get", expect(**OUTSIDE_EV_A)),
    ("event of P2 hosted by C", url("event_detail", code=code_of("ev_c")), "get", ONLY_C),
    ("edit event of P1", url("event_edit", code=code_of("ev_a")), "get", MANAGE_EV_A),
    ("edit event of P2", url("event_edit", code=code_of("ev_c")), "get", ONLY_C),
    ("post an empty edit of event of P1", url("event_edit", code=code_of("ev_a")), "post", MANAGE_EV_A),
    ("post an empty edit of event of P2", url("event_edit", code=code_of("ev_c")), "post", ONLY_C),
    ("new session at ev_a", url("session_create", code=code_of("ev_a")), "get", MANAGE_EV_A),
    ("new session at ev_c", url("session_create", code=code_of("ev_c")), "get", ONLY_C),
    ("post an empty session at ev_a", url("session_create", code=code_of("ev_a")), "post", MANAGE_EV_A),
    ("post an empty session edit of ev_a", url("session_edit", code=code_of("s1")), "post", MANAGE_EV_A),
    ("edit session of ev_a", url("session_edit", code=code_of("s1")), "get", MANAGE_EV_A),
    ("edit session of ev_c", url("session_edit", code=code_of("s_c")), "get", ONLY_C),
    ("confirm deleting a session of ev_a", url("session_delete", code=code_of("s1")), "get", MANAGE_EV_A),
    (
        "delete a session of ev_a",
        url("session_delete", code=code_of("s1")),
        "post",
        expect(pc_a=302, admin=302, partner_b=403, staff_b=403, **OUTSIDE_EV_A),
    ),
    (
        "delete a session of ev_c",
        url("session_delete", code=code_of("s_c")),
        "post",
        expect(partner_c=302, admin=302, **OUTSIDE_EV_C),
    ),
    ("participants of ev_a", url("participant_list", code=code_of("ev_a")), "get", expect(**OUTSIDE_EV_A)),
    ("participants of ev_c", url("participant_list", code=code_of("ev_c")), "get", ONLY_C),
    (
        # An empty registration: staff of a partner get the form back with errors; nobody else may register.
        "register at ev_a",
        url("participant_list", code=code_of("ev_a")),
        "post",
        expect(admin=403, staff_b=403, **OUTSIDE_EV_A),
    ),
    (
        "cancel staff_b's registration",
        url("participant_cancel", code=code_of("p_staff_b")),
        "post",
        expect(pc_a=302, partner_b=302, admin=302, staff_b=403, **OUTSIDE_EV_A),
    ),
    (
        "cancel a registration at ev_c",
        url("participant_cancel", code=code_of("p_c")),
        "post",
        expect(partner_c=302, admin=302, **OUTSIDE_EV_C),
    ),
    (
        "attendance at ev_a",
        url("attendance", code=code_of("ev_a")),
        "get",
        expect(partner_b=403, staff_b=403, **OUTSIDE_EV_A),
    ),
    (
        "save attendance at ev_a",
        url("attendance", code=code_of("ev_a")),
        "post",
        expect(pc_a=302, admin=302, partner_b=403, staff_b=403, **OUTSIDE_EV_A),
    ),
    ("attendance at ev_c", url("attendance", code=code_of("ev_c")), "get", ONLY_C),
    (
        "save attendance at ev_c",
        url("attendance", code=code_of("ev_c")),
        "post",
        expect(partner_c=302, admin=302, **OUTSIDE_EV_C),
    ),
]


class Targets:
    """The `te` cast plus a session and a participant of ev_c."""

    def __init__(self, te, world):
        self.__dict__.update(vars(te))
        self.s_c = Session.objects.create(
            event=te.ev_c, day=te.ev_c.start_date, start_time=te.s1.start_time, end_time=te.s1.end_time, title="C"
        )
        self.p_c = Participant.objects.create(
            event=te.ev_c, organisation=world.org_c, first_name="Aino", last_name="Virtanen", email="aino@example.org"
        )


def actor_of(world, te, name):
    if name == "anonymous":
        return None
    if name == "staff_b":
        return te.staff_b
    return world.actor(name)


def build_once():
    """The casts of tests/conftest.py and tests/training_events/conftest.py with the Targets on top, built once
    for the module (tests/once_per_module.py)."""
    world = build_world()
    return world, Targets(build_te(world), world)


@pytest.fixture
def world(once):
    return once[0]


@pytest.fixture
def te(once):
    return once[1]


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(("label", "build", "method", "expected"), MATRIX, ids=[row[0] for row in MATRIX])
def test_access_matrix(world, te, client_for, actor, label, build, method, expected):
    targets = te
    client = client_for(actor_of(world, te, actor))
    target = build(world, targets)
    before = db_state("training_events", "documents")
    response = client.post(target, {}) if method == "post" else client.get(target)
    assert response.status_code == expected[actor], f"{actor} on {label}: {response.status_code}"
    if actor == "anonymous":
        assert response["Location"].startswith(reverse("account_login"))
    if method == "post" and (expected[actor] in REFUSED or actor == "anonymous"):
        assert db_state("training_events", "documents") == before, f"{actor} on {label} changed data"


def test_a_malformed_code_is_not_found(world, te, client_for):
    client = client_for(world.pc_a)
    assert client.get("/training/events/not-a-code/").status_code == 404
    assert client.get("/training/sessions/999999/edit/").status_code == 404  # integer ids are no URLs
    assert client.get(f"/training/sessions/{te.s1.pk}/edit/").status_code == 404
    response = client.post(reverse("training_events:participant_cancel", kwargs={"code": te.ev_a.code}))
    assert response.status_code == 404  # an event's code is not a participant's
