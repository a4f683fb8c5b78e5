"""Role × view for the public results page and its settings.

200 = allowed; 302 = redirected (to sign-in for anonymous, or after a POST); 403 = in scope but not the
project coordinator; 404 = out of scope, or a public page that is switched off. A refused POST (403/404, or
the sign-in redirect) changes nothing: no row, no audit entry.
P1 (coordinated by A, pc_a) has its page switched on; P2 (coordinated by C) has none. partner_c is a partner
coordinator at C, not its project coordinator: P2's settings answer 403 for them.
Cast: tests/conftest.py (`world`) and `public_world` (tests/dissemination/test_public.py).
"""

import pytest
from django.urls import reverse

from tests.conftest import build_world

from .conftest import REFUSED, db_state
from .test_public import ACTORS, build_public_world, enable


def build_once():
    """The cast of tests/conftest.py with the public results of tests/dissemination/test_public.py, built once
    for the module (tests/once_per_module.py)."""
    world = build_world()
    return world, build_public_world(world)


@pytest.fixture
def world(once):
    return once[0]


@pytest.fixture
def public_world(once):
    return once[1]


def everyone(status):
    return dict.fromkeys(ACTORS, status)


def expect(**overrides):
    base = dict.fromkeys(ACTORS, 200)
    base["anonymous"] = 302
    base.update(overrides)
    return base


def url(name, slug, result=None):
    def build(w, pw):
        kwargs = {"slug": slug}
        if result:
            kwargs["code"] = getattr(pw, result).code
        return reverse(f"dissemination:{name}", kwargs=kwargs)

    return build


# Out of P1's scope: C's staff and those without a staff role (mentor and learner of B see no partnership).
OUTSIDE_P1 = {"partner_c": 404, "mentor_b": 404, "learner_b": 404, "outsider": 404}
COORDINATE_P1 = expect(partner_b=403, **OUTSIDE_P1)
COORDINATE_P1_POST = expect(pc_a=302, admin=302, partner_b=403, **OUTSIDE_P1)
OUTSIDE_P2 = {"pc_a": 404, "partner_b": 404, "mentor_b": 404, "learner_b": 404, "outsider": 404}
COORDINATE_P2 = expect(partner_c=403, **OUTSIDE_P2)

MATRIX = [
    ("public page of P1 (on)", url("public_page", "p1"), "get", everyone(200)),
    ("public page of P2 (none)", url("public_page", "p2"), "get", everyone(404)),
    ("public file of P1", url("public_result_file", "p1", "result_file"), "get", everyone(200)),
    ("unpublished file of P1", url("public_result_file", "p1", "result_hidden"), "get", everyone(404)),
    ("file of P2 (page none)", url("public_result_file", "p2", "result_p2"), "get", everyone(404)),
    ("settings of P1", url("public_settings", "p1"), "get", COORDINATE_P1),
    ("save settings of P1", url("public_settings", "p1"), "post", COORDINATE_P1_POST),
    (
        "save settings of P2",
        url("public_settings", "p2"),
        "post",
        expect(partner_c=403, admin=302, **OUTSIDE_P2),
    ),
    ("settings of P2", url("public_settings", "p2"), "get", COORDINATE_P2),
    ("preview of P1", url("public_preview", "p1"), "get", COORDINATE_P1),
    ("preview of P2", url("public_preview", "p2"), "get", COORDINATE_P2),
    ("new result in P1", url("public_result_create", "p1"), "get", COORDINATE_P1),
    # An empty form: the coordinator gets it back with errors.
    ("post a new result in P1", url("public_result_create", "p1"), "post", COORDINATE_P1),
    ("new result in P2", url("public_result_create", "p2"), "get", COORDINATE_P2),
    ("post a new result in P2", url("public_result_create", "p2"), "post", COORDINATE_P2),
    ("edit a result of P1", url("public_result_edit", "p1", "result_file"), "get", COORDINATE_P1),
    ("post an edit of a result of P1", url("public_result_edit", "p1", "result_file"), "post", COORDINATE_P1),
    ("edit a result of P2", url("public_result_edit", "p2", "result_p2"), "get", COORDINATE_P2),
    ("post an edit of a result of P2", url("public_result_edit", "p2", "result_p2"), "post", COORDINATE_P2),
    ("delete a result of P1", url("public_result_delete", "p1", "result_link"), "post", COORDINATE_P1_POST),
    (
        "delete a result of P2",
        url("public_result_delete", "p2", "result_p2"),
        "post",
        expect(partner_c=403, admin=302, **OUTSIDE_P2),
    ),
    (
        "download an unpublished result of P1",
        url("public_result_download", "p1", "result_hidden"),
        "get",
        COORDINATE_P1,
    ),
    ("download a result of P2", url("public_result_download", "p2", "result_p2"), "get", COORDINATE_P2),
]


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(("label", "build", "method", "expected"), MATRIX, ids=[row[0] for row in MATRIX])
def test_access_matrix(world, public_world, client_for, actor, label, build, method, expected):
    enable(world.p1)
    client = client_for(world.actor(actor))
    target = build(world, public_world)
    before = db_state("dissemination")
    response = client.post(target, {}) if method == "post" else client.get(target)
    assert response.status_code == expected[actor], f"{actor} on {label}: {response.status_code}"
    if actor == "anonymous" and response.status_code == 302:
        assert response["Location"].startswith(reverse("account_login"))
    if method == "post" and (expected[actor] in REFUSED or actor == "anonymous"):
        assert db_state("dissemination") == before, f"{actor} on {label} changed data"


def test_the_public_pages_answer_only_safe_methods(world, public_world, client):
    enable(world.p1)
    assert client.post(reverse("dissemination:public_page", kwargs={"slug": "p1"})).status_code == 405
    assert client.head(reverse("dissemination:public_page", kwargs={"slug": "p1"})).status_code == 200


def test_a_malformed_code_is_not_found(world, public_world, client_for):
    enable(world.p1)
    client = client_for(world.pc_a)
    assert client.get("/results/p1/files/not-a-code/").status_code == 404
    assert client.get("/dissemination/public/p1/results/not-a-code/edit/").status_code == 404
    # A result's code under a partnership that is not its own.
    other = reverse("dissemination:public_result_edit", kwargs={"slug": "p2", "code": public_world.result_file.code})
    assert client.get(other).status_code == 404
