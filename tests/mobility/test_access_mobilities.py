"""Role × object × view for learners, mobilities, their lists, export and status changes.

200 = allowed; 302 = redirected (to sign-in for anonymous, or after a POST / to the one mobility);
403 = in scope but the right is missing (or not a list of theirs); 404 = out of scope.
Cast: tests/conftest.py (`world`) and tests/mobility/conftest.py (`mob`).
"""

import pytest
from django.urls import reverse

from tests.conftest import build_world
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


def expect(**overrides):
    base = dict.fromkeys(ACTORS, 200)
    base["anonymous"] = 302
    base.update(overrides)
    return base


def url(name, query="", **kwargs):
    def build(w, m):
        resolved = {key: value(w, m) for key, value in kwargs.items()}
        return reverse(name, kwargs=resolved) + query

    return build


def code_of(attr):
    return lambda w, m: getattr(m, attr).code


NOT_STAFF = {"mentor_b": 403, "mentor_a": 403, "mentor_b2": 403, "learner_b": 403, "outsider": 403}
ONLY_C = {
    "pc_a": 404,
    "partner_b": 404,
    "mentor_b": 404,
    "mentor_a": 404,
    "mentor_b2": 404,
    "learner_b": 404,
    "outsider": 404,
}

MATRIX = [
    ("learner list", url("mobility:learner_list"), "get", expect(**NOT_STAFF)),
    ("new learner", url("mobility:learner_create"), "get", expect(**NOT_STAFF)),
    (
        "learner of A (outgoing to B, mentored by mentor_b)",
        url("mobility:learner_detail", code=code_of("learner_a1")),
        "get",
        expect(partner_c=404, mentor_a=404, mentor_b2=404, learner_b=404, outsider=404),
    ),
    (
        "learner of B (learner_b's own record)",
        url("mobility:learner_detail", code=code_of("learner_b1")),
        "get",
        expect(partner_c=404, mentor_b=404, mentor_b2=404, outsider=404),
    ),
    ("learner of C", url("mobility:learner_detail", code=code_of("learner_c1")), "get", expect(**ONLY_C)),
    (
        "edit learner of A",
        url("mobility:learner_edit", code=code_of("learner_a1")),
        "get",
        expect(partner_b=403, partner_c=404, mentor_b=403, mentor_a=404, mentor_b2=404, learner_b=404, outsider=404),
    ),
    (
        "edit learner of B",
        url("mobility:learner_edit", code=code_of("learner_b1")),
        "get",
        expect(partner_c=404, mentor_b=404, mentor_a=403, mentor_b2=404, learner_b=403, outsider=404),
    ),
    ("edit learner of C", url("mobility:learner_edit", code=code_of("learner_c1")), "get", expect(**ONLY_C)),
    ("outgoing list", url("mobility:outgoing"), "get", expect(**NOT_STAFF)),
    ("incoming list", url("mobility:incoming"), "get", expect(**NOT_STAFF)),
    (
        "all in my partnerships",
        url("mobility:all_mobilities"),
        "get",
        expect(partner_b=403, partner_c=403, **NOT_STAFF),
    ),
    ("my learners", url("mobility:my_learners"), "get", expect()),
    ("my mobility", url("mobility:my_mobility"), "get", expect(learner_b=302)),
    ("export outgoing", url("mobility:mobility_export", "?list=outgoing&format=csv"), "get", expect(**NOT_STAFF)),
    ("export incoming xlsx", url("mobility:mobility_export", "?list=incoming&format=xlsx"), "get", expect(**NOT_STAFF)),
    (
        "export all",
        url("mobility:mobility_export", "?list=all&format=csv"),
        "get",
        expect(partner_b=403, partner_c=403, **NOT_STAFF),
    ),
    ("export my learners", url("mobility:mobility_export", "?list=mine&format=csv"), "get", expect()),
    (
        "export of an unknown list",
        url("mobility:mobility_export", "?list=everything&format=csv"),
        "get",
        expect(**{actor: 404 for actor in ACTORS if actor != "anonymous"}),
    ),
    ("new mobility", url("mobility:mobility_create"), "get", expect(**NOT_STAFF)),
    (
        "new mobility for learner of A",
        url("mobility:mobility_create", "?learner={}"),
        "get",
        # filled in by the test: the learner's code
        expect(partner_b=403, partner_c=404, **NOT_STAFF),
    ),
    (
        "mobility A → B (mentor_b)",
        url("mobility:mobility_detail", code=code_of("m_a_to_b")),
        "get",
        expect(partner_c=404, mentor_a=404, mentor_b2=404, learner_b=404, outsider=404),
    ),
    (
        "mobility A → B (mentor_b2): another mentor's learner",
        url("mobility:mobility_detail", code=code_of("m_a_to_b2")),
        "get",
        expect(partner_c=404, mentor_b=404, mentor_a=404, learner_b=404, outsider=404),
    ),
    (
        "mobility B → A (learner_b's own)",
        url("mobility:mobility_detail", code=code_of("m_b_to_a")),
        "get",
        expect(partner_c=404, mentor_b=404, mentor_b2=404, outsider=404),
    ),
    ("mobility C → D", url("mobility:mobility_detail", code=code_of("m_c_to_d")), "get", expect(**ONLY_C)),
    (
        "edit mobility A → B (B edits as host)",
        url("mobility:mobility_edit", code=code_of("m_a_to_b")),
        "get",
        expect(partner_c=404, mentor_b=403, mentor_a=404, mentor_b2=404, learner_b=404, outsider=404),
    ),
    (
        "edit mobility B → A",
        url("mobility:mobility_edit", code=code_of("m_b_to_a")),
        "get",
        expect(partner_c=404, mentor_b=404, mentor_a=403, mentor_b2=404, learner_b=403, outsider=404),
    ),
    ("edit mobility C → D", url("mobility:mobility_edit", code=code_of("m_c_to_d")), "get", expect(**ONLY_C)),
    (
        "plan mobility A → B (a sending-side move)",
        url("mobility:mobility_transition", code=code_of("m_a_to_b")),
        "post:planned",
        expect(
            pc_a=302,
            partner_b=403,
            partner_c=404,
            mentor_b=403,
            mentor_a=404,
            mentor_b2=404,
            learner_b=404,
            outsider=404,
            admin=302,
        ),
    ),
    (
        "learner tries to plan their own mobility",
        url("mobility:mobility_transition", code=code_of("m_b_to_a")),
        "post:planned",
        expect(
            pc_a=302,
            partner_b=302,
            partner_c=404,
            mentor_b=404,
            mentor_a=403,
            mentor_b2=404,
            learner_b=403,
            outsider=404,
            admin=302,
        ),
    ),
]


def actor_of(world, mob, name):
    if name == "anonymous":
        return None
    return getattr(mob, name, None) or world.actor(name)


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(("label", "build", "method", "expected"), MATRIX, ids=[row[0] for row in MATRIX])
def test_access_matrix(world, mob, client_for, actor, label, build, method, expected):
    client = client_for(actor_of(world, mob, actor))
    target = build(world, mob)
    if "{}" in target:
        target = target.format(mob.learner_a1.code)
    if method.startswith("post"):
        response = client.post(target, {"to": method.partition(":")[2]})
    else:
        response = client.get(target)
    assert response.status_code == expected[actor], f"{actor} on {label}: {response.status_code}"
    if actor == "anonymous":
        assert response["Location"].startswith(reverse("account_login"))


def test_mentor_cannot_open_another_mentors_learner(world, mob, client_for):
    client = client_for(world.mentor_b)
    assert client.get(mob.m_a_to_b2.get_absolute_url()).status_code == 404
    assert client.get(mob.learner_a2.get_absolute_url()).status_code == 404
    assert client.get(mob.m_a_to_b.get_absolute_url()).status_code == 200


def test_learner_account_is_sent_straight_to_their_mobility(world, mob, client_for):
    response = client_for(world.learner_b).get(reverse("mobility:my_mobility"))
    assert response.status_code == 302
    assert response["Location"] == mob.m_b_to_a.get_absolute_url()


def test_a_malformed_learner_code_is_not_found_rather_than_an_error(world, mob, client_for):
    response = client_for(world.pc_a).get(reverse("mobility:mobility_create") + "?learner=not-a-code")
    assert response.status_code == 404


def test_transition_url_refuses_get(world, mob, client_for):
    response = client_for(world.pc_a).get(reverse("mobility:mobility_transition", kwargs={"code": mob.m_a_to_b.code}))
    assert response.status_code == 405
