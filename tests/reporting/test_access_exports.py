"""Role × partnership × view for the exports: the page, the reporting-tool files (both formats) and the archive.

Those who see a partnership (the staff of its organisations) open its exports; everyone else gets 404 —
mentors and learners too (they do not see the partnership); anonymous users are sent to sign in (302).
pc_a coordinates P1 (A + B); partner_b is B's partner coordinator; partner_c coordinates P2 (C alone).
"""

import pytest
from django.urls import reverse

from tests.conftest import build_world
from tests.mobility.conftest import build_mob

ACTORS = ["anonymous", "pc_a", "partner_b", "partner_c", "mentor_b", "learner_b", "outsider", "admin"]
P1 = {"anonymous": 302, "pc_a": 200, "partner_b": 200, "partner_c": 404, "mentor_b": 404, "learner_b": 404,
      "outsider": 404, "admin": 200}  # fmt: skip
P2 = P1 | {"pc_a": 404, "partner_b": 404, "partner_c": 200}
UNKNOWN_FORMAT = dict.fromkeys(ACTORS, 404) | {"anonymous": 302}

VIEWS = [
    ("exports page", "reporting:exports", {}),
    ("mobilities csv", "reporting:export_mobilities", {"fmt": "csv"}),
    ("mobilities xlsx", "reporting:export_mobilities", {"fmt": "xlsx"}),
    ("participants csv", "reporting:export_participants", {"fmt": "csv"}),
    ("participants xlsx", "reporting:export_participants", {"fmt": "xlsx"}),
    ("archive", "reporting:archive", {}),
]

CASES = (
    [
        pytest.param(name, kwargs | {"slug": slug}, actor, expected[actor], id=f"{label}-{slug}-{actor}")
        for label, name, kwargs in VIEWS
        for slug, expected in (("p1", P1), ("p2", P2))
        for actor in ACTORS
    ]
    + [
        pytest.param(name, {"slug": "p1", "fmt": "pdf"}, actor, UNKNOWN_FORMAT[actor], id=f"{name}-pdf-{actor}")
        for name in ("reporting:export_mobilities", "reporting:export_participants")
        for actor in ACTORS
    ]
    + [
        pytest.param("reporting:exports", {"slug": "no-such"}, actor, UNKNOWN_FORMAT[actor], id=f"unknown-{actor}")
        for actor in ACTORS
    ]
)


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


@pytest.mark.parametrize(("name", "kwargs", "actor", "expected"), CASES)
def test_exports_access_matrix(world, mob, client, client_for, name, kwargs, actor, expected):
    http = client if actor == "anonymous" else client_for(world.actor(actor))
    response = http.get(reverse(name, kwargs=kwargs))
    assert response.status_code == expected
    if expected == 302:
        assert "/accounts/login/" in response["Location"]
    if response.streaming:
        b"".join(response.streaming_content)


@pytest.mark.parametrize("name", ["reporting:export_mobilities", "reporting:archive", "reporting:exports"])
def test_exports_answer_only_get(world, client_for, name):
    kwargs = {"slug": "p1"} | ({"fmt": "csv"} if name == "reporting:export_mobilities" else {})
    assert client_for(world.pc_a).post(reverse(name, kwargs=kwargs)).status_code == 405
