"""Role × organisation × API endpoint: every list holds exactly the caller's visible set (the same
`visible_to` as the portal), every detail outside it answers 404, anonymous callers 401, and the writes
are refused (403) where the portal refuses the pages.

Cast: tests/conftest.py (world), tests/mobility/conftest.py (mob), tests/training_events/conftest.py (te),
tests/api/conftest.py (docs). mentor_b mentors m_a_to_b; learner_b is Lina Bakker (m_b_to_a).
"""

from __future__ import annotations

import pytest

ACTORS = ["anonymous", "pc_a", "partner_b", "partner_c", "mentor_b", "learner_b", "outsider", "admin"]


def actor(world, mob, name):
    return None if name == "anonymous" else getattr(world, name, None) or getattr(mob, name)


def listed(client, url, key):
    out, page = set(), url
    while page:
        response = client.get(page)
        assert response.status_code == 200, response.content
        out |= {str(row[key]) for row in response.json()["results"]}
        page = response.json()["next"]
    return out


@pytest.fixture
def cast(world, mob, te, docs):
    return {
        "organisations": {
            "pc_a": {"org-a", "org-b"},
            "partner_b": {"org-a", "org-b"},
            "partner_c": {"org-c", "org-d"},
            "mentor_b": {"org-b"},
            "learner_b": {"org-b"},
            "outsider": set(),
            "admin": {"org-a", "org-b", "org-c", "org-d"},
        },
        "partnerships": {
            "pc_a": {"p1"},
            "partner_b": {"p1"},
            "partner_c": {"p2"},
            "mentor_b": set(),
            "learner_b": set(),
            "outsider": set(),
            "admin": {"p1", "p2"},
        },
        "learners": {
            "pc_a": {mob.learner_a1, mob.learner_a2, mob.learner_b1},
            "partner_b": {mob.learner_b1, mob.learner_a1, mob.learner_a2},
            "partner_c": {mob.learner_c1},
            "mentor_b": {mob.learner_a1},
            "learner_b": {mob.learner_b1},
            "outsider": set(),
            "admin": {mob.learner_a1, mob.learner_a2, mob.learner_b1, mob.learner_c1},
        },
        "mobilities": {
            "pc_a": {mob.m_b_to_a, mob.m_a_to_b, mob.m_a_to_b2},
            "partner_b": {mob.m_b_to_a, mob.m_a_to_b, mob.m_a_to_b2},
            "partner_c": {mob.m_c_to_d},
            "mentor_b": {mob.m_a_to_b},
            "learner_b": {mob.m_b_to_a},
            "outsider": set(),
            "admin": {mob.m_b_to_a, mob.m_a_to_b, mob.m_a_to_b2, mob.m_c_to_d},
        },
        "documents": {
            "pc_a": {docs.mou_p1, docs.mou_p1q},
            "partner_b": {docs.mou_p1, docs.mou_p1q},
            "partner_c": {docs.mou_p2},
            "mentor_b": set(),
            "learner_b": set(),
            "outsider": set(),
            "admin": {docs.mou_p1, docs.mou_p1q, docs.mou_p2},
        },
        "training-events": {
            "pc_a": {te.ev_a},
            "partner_b": {te.ev_a},
            "partner_c": {te.ev_c},
            "mentor_b": set(),
            "learner_b": set(),
            "outsider": set(),
            "admin": {te.ev_a, te.ev_c},
        },
        "all": {
            "organisations": {"org-a", "org-b", "org-c", "org-d"},
            "partnerships": {"p1", "p2"},
            "learners": {mob.learner_a1, mob.learner_a2, mob.learner_b1, mob.learner_c1},
            "mobilities": {mob.m_b_to_a, mob.m_a_to_b, mob.m_a_to_b2, mob.m_c_to_d},
            "documents": {docs.mou_p1, docs.mou_p1q, docs.mou_p2},
            "training-events": {te.ev_a, te.ev_c},
        },
    }


def ids(objects):
    return {o if isinstance(o, str) else str(o.code) for o in objects}


ENDPOINTS = [
    ("organisations", "slug"),
    ("partnerships", "slug"),
    ("learners", "code"),
    ("mobilities", "code"),
    ("documents", "code"),
    ("training-events", "code"),
]


@pytest.mark.parametrize("name", [a for a in ACTORS if a != "anonymous"])
@pytest.mark.parametrize(("endpoint", "key"), ENDPOINTS)
def test_list_holds_exactly_the_visible_set_and_details_outside_answer_404(
    world, mob, cast, api_for, name, endpoint, key
):
    client = api_for(actor(world, mob, name))
    expected = ids(cast[endpoint][name])
    assert listed(client, f"/api/v1/{endpoint}/", key) == expected
    for identifier in ids(cast["all"][endpoint]):
        response = client.get(f"/api/v1/{endpoint}/{identifier}/")
        assert response.status_code == (200 if identifier in expected else 404), (identifier, response.content)


@pytest.mark.parametrize(("endpoint", "key"), ENDPOINTS)
def test_anonymous_callers_get_401_on_every_endpoint(world, mob, cast, api_for, endpoint, key):
    client = api_for(None)
    assert client.get(f"/api/v1/{endpoint}/").status_code == 401
    identifier = sorted(ids(cast["all"][endpoint]))[0]
    assert client.get(f"/api/v1/{endpoint}/{identifier}/").status_code == 401


# The portal: learner_create / mobility_create answer 403 to those without can_manage_mobilities anywhere.
WRITE_REFUSED = ["mentor_b", "learner_b", "outsider"]


@pytest.mark.parametrize("name", WRITE_REFUSED)
def test_writes_are_refused_with_403_where_the_portal_refuses_them(world, mob, api_for, name):
    client = api_for(actor(world, mob, name))
    learner = {"home_organisation": "org-b", "first_name": "X", "last_name": "Y"}
    assert client.post("/api/v1/learners/", learner, format="json").status_code == 403
    mobility = {
        "learner": str(mob.learner_b1.code),
        "partnership": "p1",
        "receiving_organisation": "org-a",
        "start_date": "2021-03-01",
        "end_date": "2021-03-20",
    }
    assert client.post("/api/v1/mobilities/", mobility, format="json").status_code == 403


def test_anonymous_writes_get_401(world, mob, api_for):
    client = api_for(None)
    assert client.post("/api/v1/learners/", {}, format="json").status_code == 401
    assert client.post("/api/v1/mobilities/", {}, format="json").status_code == 401


@pytest.mark.parametrize(("endpoint", "key"), ENDPOINTS)
@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_other_methods_are_not_offered(world, mob, cast, api_for, endpoint, key, method):
    client = api_for(world.admin)
    identifier = sorted(ids(cast["all"][endpoint]))[0]
    assert getattr(client, method)(f"/api/v1/{endpoint}/{identifier}/", {}, format="json").status_code == 405


@pytest.mark.parametrize("endpoint", ["organisations", "partnerships", "documents", "training-events"])
def test_read_only_lists_refuse_post(world, api_for, endpoint):
    assert api_for(world.admin).post(f"/api/v1/{endpoint}/", {}, format="json").status_code == 405
