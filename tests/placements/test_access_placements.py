"""Role × object × view for every placements page.

200 = allowed; 302 = redirected (to sign-in for anonymous, after a POST, or to the only choice);
403 = in scope but the right is missing; 404 = out of scope.
Cast: tests/conftest.py (`world`: P1 = A + B, P2 = C) and tests/placements/conftest.py (`places`).
Host companies are read and kept by their keeping organisation's staff and the project coordinator (pc_a for
P1); published placements are read by the staff of the partnership's organisations and their mentor; drafts
only by the keeping organisation and the project coordinator. A learner is placed by a member organisation
other than the host's, with `can_manage_mobilities`. A refused POST changes nothing.
"""

import pytest
from django.urls import reverse

from tests.conftest import build_world
from tests.dissemination.conftest import REFUSED, db_state

from .conftest import build_places

ACTORS = ["anonymous", "pc_a", "partner_b", "partner_c", "mentor_b", "learner_b", "outsider", "admin"]


def expect(**overrides):
    base = dict.fromkeys(ACTORS, 200)
    base["anonymous"] = 302
    base.update(overrides)
    return base


def url(name, query="", **kwargs):
    def build(t):
        resolved = {key: value(t) for key, value in kwargs.items()}
        return reverse(f"placements:{name}", kwargs=resolved or None) + query

    return build


def code_of(attr):
    return lambda t: getattr(t, attr).code


def slug(value):
    return lambda t: value


NOT_STAFF = {"mentor_b": 403, "learner_b": 403, "outsider": 403}
NOBODY_ELSE = {"mentor_b": 404, "learner_b": 404, "outsider": 404}
# Kept by B (P1): B's staff and the project coordinator of P1.
KEPT_BY_B = expect(partner_c=404, **NOBODY_ELSE)
# Kept by A (P1): A's staff (pc_a) only.
KEPT_BY_A = expect(partner_b=404, partner_c=404, **NOBODY_ELSE)
# Kept by C (P2).
KEPT_BY_C = expect(pc_a=404, partner_b=404, **NOBODY_ELSE)
# Published in P1: every P1 staff reads it; its mentor too.
PUBLISHED_B = expect(partner_c=404, learner_b=404, outsider=404)
PUBLISHED_A = expect(partner_c=404, **NOBODY_ELSE)


def posted(expected, ok=302, **overrides):
    return {actor: (ok if code == 200 else code) for actor, code in expected.items()} | overrides


MATRIX = [
    ("placements index", url("index"), "get", expect(**NOT_STAFF)),
    ("catalogue of P1", url("catalogue", slug=slug("p1")), "get", expect(partner_c=404, **NOBODY_ELSE)),
    ("catalogue of P2", url("catalogue", slug=slug("p2")), "get", expect(pc_a=404, partner_b=404, **NOBODY_ELSE)),
    ("host list", url("host_list"), "get", expect(**NOT_STAFF)),
    ("new host (choose)", url("host_create"), "get", expect(partner_b=302, partner_c=302, **NOT_STAFF)),
    (
        "new host of B",
        url("host_create", "?organisation=org-b"),
        "get",
        expect(partner_c=404, mentor_b=403, learner_b=403, outsider=404),
    ),
    (
        "post an empty host of B",
        url("host_create", "?organisation=org-b"),
        "post",
        expect(partner_c=404, mentor_b=403, learner_b=403, outsider=404),
    ),
    ("new host of C", url("host_create", "?organisation=org-c"), "get", KEPT_BY_C),
    ("host of B", url("host_detail", code=code_of("host_b")), "get", KEPT_BY_B),
    ("host of A", url("host_detail", code=code_of("host_a")), "get", KEPT_BY_A),
    ("host of C", url("host_detail", code=code_of("host_c")), "get", KEPT_BY_C),
    ("edit host of B", url("host_edit", code=code_of("host_b")), "get", KEPT_BY_B),
    ("post an empty edit of host of B", url("host_edit", code=code_of("host_b")), "post", KEPT_BY_B),
    ("edit host of C", url("host_edit", code=code_of("host_c")), "get", KEPT_BY_C),
    ("new placement at B", url("placement_create", code=code_of("host_b")), "get", KEPT_BY_B),
    ("post an empty placement at B", url("placement_create", code=code_of("host_b")), "post", KEPT_BY_B),
    ("new placement at A", url("placement_create", code=code_of("host_a")), "get", KEPT_BY_A),
    ("new placement at C", url("placement_create", code=code_of("host_c")), "get", KEPT_BY_C),
    ("published placement of B", url("placement_detail", code=code_of("pub_b")), "get", PUBLISHED_B),
    ("published placement of A", url("placement_detail", code=code_of("pub_a")), "get", PUBLISHED_A),
    ("draft placement of B", url("placement_detail", code=code_of("draft_b")), "get", KEPT_BY_B),
    ("draft placement of A", url("placement_detail", code=code_of("draft_a")), "get", KEPT_BY_A),
    ("published placement of C", url("placement_detail", code=code_of("pub_c")), "get", KEPT_BY_C),
    (
        "edit published placement of B",
        url("placement_edit", code=code_of("pub_b")),
        "get",
        expect(partner_c=404, mentor_b=403, learner_b=404, outsider=404),
    ),
    (
        "edit published placement of A",
        url("placement_edit", code=code_of("pub_a")),
        "get",
        expect(partner_b=403, partner_c=404, **NOBODY_ELSE),
    ),
    (
        "post an empty edit of placement of A",
        url("placement_edit", code=code_of("pub_a")),
        "post",
        expect(partner_b=403, partner_c=404, **NOBODY_ELSE),
    ),
    ("edit draft placement of A", url("placement_edit", code=code_of("draft_a")), "get", KEPT_BY_A),
    ("edit placement of C", url("placement_edit", code=code_of("pub_c")), "get", KEPT_BY_C),
    (
        "move placement of B (no move)",
        url("placement_move", code=code_of("pub_b")),
        "post",
        posted(expect(partner_c=404, mentor_b=403, learner_b=404, outsider=404)),
    ),
    (
        "move placement of A (no move)",
        url("placement_move", code=code_of("pub_a")),
        "post",
        posted(expect(partner_b=403, partner_c=404, **NOBODY_ELSE)),
    ),
    ("move placement of C (no move)", url("placement_move", code=code_of("pub_c")), "post", posted(KEPT_BY_C)),
    # B's placement is placed on by A (pc_a); A's by B (partner_b) and pc_a (who manages B's mobilities too).
    (
        "place on placement of B",
        url("place_learner", code=code_of("pub_b")),
        "get",
        expect(partner_b=403, partner_c=404, mentor_b=403, learner_b=404, outsider=404),
    ),
    ("place on placement of A", url("place_learner", code=code_of("pub_a")), "get", PUBLISHED_A),
    ("post an empty placing on A", url("place_learner", code=code_of("pub_a")), "post", PUBLISHED_A),
    (
        "place on draft of B",
        url("place_learner", code=code_of("draft_b")),
        "get",
        expect(pc_a=403, partner_b=403, admin=403, partner_c=404, **NOBODY_ELSE),
    ),
    # P2 has only C: no other member organisation could send a learner there (not even for the administrator).
    (
        "place on placement of C",
        url("place_learner", code=code_of("pub_c")),
        "get",
        expect(partner_c=403, admin=403, pc_a=404, partner_b=404, **NOBODY_ELSE),
    ),
]


def build_once():
    world = build_world()
    return world, build_places(world)


@pytest.fixture
def world(once):
    return once[0]


@pytest.fixture
def places(once):
    return once[1]


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(("label", "build", "method", "expected"), MATRIX, ids=[row[0] for row in MATRIX])
def test_access_matrix(world, places, client_for, actor, label, build, method, expected):
    client = client_for(world.actor(actor))
    target = build(places)
    before = db_state("placements", "mobility")
    response = client.post(target, {}) if method == "post" else client.get(target)
    assert response.status_code == expected[actor], f"{actor} on {label}: {response.status_code}"
    if actor == "anonymous":
        assert response["Location"].startswith(reverse("account_login"))
    if method == "post" and (expected[actor] in REFUSED or actor == "anonymous"):
        assert db_state("placements", "mobility") == before, f"{actor} on {label} changed data"


def test_malformed_or_foreign_codes_are_not_found(world, places, client_for):
    client = client_for(world.pc_a)
    assert client.get("/placements/not-a-code/").status_code == 404
    assert client.get(reverse("placements:placement_detail", kwargs={"code": places.host_b.code})).status_code == 404
    assert client.get(reverse("placements:host_detail", kwargs={"code": places.pub_b.code})).status_code == 404
    assert client.get(reverse("placements:catalogue", kwargs={"slug": "nope"})).status_code == 404
    assert client.get(reverse("placements:host_create") + "?organisation=nope").status_code == 404


def test_get_is_refused_where_only_post_is_meant(world, places, client_for):
    response = client_for(world.pc_a).get(reverse("placements:placement_move", kwargs={"code": places.pub_b.code}))
    assert response.status_code == 405


def test_the_catalogue_lists_only_published_placements_of_its_partnership(world, places, client_for):
    body = client_for(world.partner_b).get(reverse("placements:catalogue", kwargs={"slug": "p1"})).content.decode()
    assert "Skin care at B" in body and "Nails at A" in body
    assert "Draft at A" not in body and "Draft at B" not in body and "Spa at C" not in body


def test_the_nav_link_shows_only_to_readers_of_a_catalogue(world, places, client_for):
    link = f'href="{reverse("placements:index")}"'
    assert link in client_for(world.partner_b).get(reverse("home")).content.decode()
    assert link not in client_for(world.mentor_b).get(reverse("home")).content.decode()
    assert link not in client_for(world.learner_b).get(reverse("home")).content.decode()


def test_pages_offer_only_the_actions_their_reader_may_take(world, places, client_for):
    detail = reverse("placements:placement_detail", kwargs={"code": places.pub_a.code})
    edit = reverse("placements:placement_edit", kwargs={"code": places.pub_a.code})
    place = reverse("placements:place_learner", kwargs={"code": places.pub_a.code})
    as_b = client_for(world.partner_b).get(detail).content.decode()
    assert edit not in as_b and place in as_b
    as_a = client_for(world.pc_a).get(detail).content.decode()
    assert edit in as_a and 'name="move" value="withdraw"' in as_a
    mentor = (
        client_for(world.mentor_b)
        .get(reverse("placements:placement_detail", kwargs={"code": places.pub_b.code}))
        .content.decode()
    )
    assert "/edit/" not in mentor.split("<main")[1] and "/place/" not in mentor
