"""Role × object × view for the calendars and the training materials.

200 = allowed; 302 = redirected (to sign-in for anonymous, or after a POST); 403 = sees the event but may not
manage it; 404 = out of scope (the event is not visible to them).
Cast: tests/conftest.py (`world`) and tests/training_events/conftest.py (`te`): ev_a (P1, hosted by A; staff_b
registered), ev_c (P2, hosted by C). Mentors and learners see only the events they are registered for.
"""

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.conftest import build_world
from training_events.models import CalendarFeed, Material

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

PDF = b"%PDF-1.7\n%%EOF\n"


def build_once():
    """The casts of tests/conftest.py and tests/training_events/conftest.py, built once for the module
    (tests/once_per_module.py)."""
    world = build_world()
    te = build_te(world)
    return world, te


@pytest.fixture
def world(once):
    return once[0]


@pytest.fixture
def te(once):
    return once[1]


def expect(**overrides):
    base = dict.fromkeys(ACTORS, 200)
    base["anonymous"] = 302
    base.update(overrides)
    return base


NOT_P1 = {"partner_c": 404, "mentor_b": 404, "learner_b": 404, "outsider": 404}
ONLY_C = {"pc_a": 404, "partner_b": 404, "mentor_b": 404, "learner_b": 404, "outsider": 404, "staff_b": 404}
SEES_A_CANNOT_MANAGE = {"partner_b": 403, "staff_b": 403}


def material_on(event, title="Slides"):
    material = Material(event=event, title=title, size=len(PDF))
    material.file.save("slides.pdf", ContentFile(PDF), save=False)
    material.save()
    return material


def url(name, **kwargs):
    def build(te):
        return reverse(f"training_events:{name}", kwargs={key: value(te) for key, value in kwargs.items()})

    return build


def ev_a(te):
    return te.ev_a.code


def ev_c(te):
    return te.ev_c.code


def material_a(te):
    return material_on(te.ev_a).code


def material_c(te):
    return material_on(te.ev_c).code


def feed_token(te):
    return CalendarFeed.objects.get_or_create(user=te.staff_b)[0].token


def upload():
    return {"title": "Handout", "kind": "handout", "file": SimpleUploadedFile("handout.pdf", PDF)}


MATRIX = [
    ("event ics of ev_a", url("event_ics", code=ev_a), "get", expect(**NOT_P1)),
    ("event ics of ev_c", url("event_ics", code=ev_c), "get", expect(**ONLY_C)),
    ("calendar page", url("calendar"), "get", expect()),
    # The token is the credential: whoever asks, signed in or not.
    ("staff_b's personal feed", url("personal_ics", token=feed_token), "get", dict.fromkeys(ACTORS, 200)),
    ("replace feed token", url("calendar"), "post", expect(**dict.fromkeys(ACTORS, 302))),
    ("materials of ev_a", url("material_list", code=ev_a), "get", expect(**NOT_P1)),
    ("materials of ev_c", url("material_list", code=ev_c), "get", expect(**ONLY_C)),
    (
        "upload to ev_a",
        url("material_list", code=ev_a),
        "post",
        expect(pc_a=302, admin=302, **NOT_P1, **SEES_A_CANNOT_MANAGE),
    ),
    ("upload to ev_c", url("material_list", code=ev_c), "post", expect(partner_c=302, admin=302, **ONLY_C)),
    ("download material of ev_a", url("material_download", code=material_a), "get", expect(**NOT_P1)),
    ("download material of ev_c", url("material_download", code=material_c), "get", expect(**ONLY_C)),
    (
        "delete material of ev_a",
        url("material_delete", code=material_a),
        "post",
        expect(pc_a=302, admin=302, **NOT_P1, **SEES_A_CANNOT_MANAGE),
    ),
    (
        "delete material of ev_c",
        url("material_delete", code=material_c),
        "post",
        expect(partner_c=302, admin=302, **ONLY_C),
    ),
]


def actor_of(world, te, name):
    if name == "anonymous":
        return None
    return getattr(te, name, None) or world.actor(name)


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(("label", "build", "method", "expected"), MATRIX, ids=[row[0] for row in MATRIX])
def test_access_matrix(world, te, client_for, actor, label, build, method, expected):
    client = client_for(actor_of(world, te, actor))
    target = build(te)
    before = db_state("training_events")
    response = client.post(target, upload()) if method == "post" else client.get(target)
    assert response.status_code == expected[actor], f"{actor} on {label}: {response.status_code}"
    if actor == "anonymous" and expected[actor] == 302:
        assert response["Location"].startswith(reverse("account_login"))
    if method == "post" and (expected[actor] in REFUSED or actor == "anonymous"):
        assert db_state("training_events") == before, f"{actor} on {label} changed data"


@pytest.mark.parametrize("actor", ACTORS)
def test_personal_feed_is_reached_by_its_token_whoever_asks(world, te, client_for, actor):
    """The token is the credential: the feed answers the same whoever is signed in, and says nothing else."""
    feed = CalendarFeed.objects.create(user=te.staff_b)
    response = client_for(actor_of(world, te, actor)).get(
        reverse("training_events:personal_ics", kwargs={"token": feed.token})
    )
    assert response.status_code == 200
    assert str(te.ev_a.code) in response.content.decode()
    assert str(te.ev_c.code) not in response.content.decode()
    bad = client_for(actor_of(world, te, actor)).get(
        reverse("training_events:personal_ics", kwargs={"token": feed.token + "x"})
    )
    assert bad.status_code == 404


@pytest.mark.parametrize("actor", [a for a in ACTORS if a != "anonymous"])
def test_malformed_codes_are_not_found(world, te, client_for, actor):
    client = client_for(actor_of(world, te, actor))
    assert client.get("/training/events/not-a-code/calendar.ics").status_code == 404
    assert client.get("/training/materials/not-a-code/").status_code == 404


def test_get_on_delete_is_refused(world, te, client_for):
    material = material_on(te.ev_a)
    response = client_for(world.pc_a).get(reverse("training_events:material_delete", kwargs={"code": material.code}))
    assert response.status_code == 405
