"""Role × organisation × API endpoint: every list holds exactly the caller's visible set (the same
`visible_to` as the portal), every detail outside it answers 404, anonymous callers 401, and the writes
are refused (403) where the portal refuses the pages.

Cast: tests/conftest.py (world), tests/mobility/conftest.py (mob), tests/training_events/conftest.py (te),
tests/api/conftest.py (docs). mentor_b mentors m_a_to_b; learner_b is Lina Bakker (m_b_to_a).
A refused write leaves the learners, mobilities, tokens and the audit log as they were.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from knox.models import AuthToken

from api import services
from api.models import TokenLabel
from mobility.models import Learner, Mobility
from partners.models import AuditEntry
from tests.api.conftest import build_docs
from tests.conftest import build_world
from tests.mobility.conftest import build_mob
from tests.training_events.conftest import build_te


def build_once():
    """The casts of tests/conftest.py, tests/mobility/conftest.py, tests/training_events/conftest.py and the
    API's sealed PDFs (tests/api/conftest.py), built once for the module (tests/once_per_module.py)."""
    world = build_world()
    mob = build_mob(world)
    return world, mob, build_te(world), build_docs(world, mob)


@pytest.fixture
def world(once):
    return once[0]


@pytest.fixture
def mob(once):
    return once[1]


@pytest.fixture
def te(once):
    return once[2]


@pytest.fixture
def docs(once):
    return once[3]


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


# (cast key, list URL name, detail URL name, lookup field)
ENDPOINTS = [
    ("organisations", "api:organisation-list", "api:organisation-detail", "slug"),
    ("partnerships", "api:partnership-list", "api:partnership-detail", "slug"),
    ("learners", "api:learner-list", "api:learner-detail", "code"),
    ("mobilities", "api:mobility-list", "api:mobility-detail", "code"),
    ("documents", "api:document-list", "api:document-detail", "code"),
    ("training-events", "api:training-event-list", "api:training-event-detail", "code"),
]
ENDPOINT_IDS = [row[0] for row in ENDPOINTS]


def detail(name, key, identifier):
    return reverse(name, kwargs={key: identifier})


def snapshot() -> dict:
    """Learners, mobilities, tokens and the audit log: a refused write leaves them exactly as they were."""
    models = (Learner, Mobility, TokenLabel, AuthToken, AuditEntry)
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in models}


@pytest.mark.parametrize("name", [a for a in ACTORS if a != "anonymous"])
@pytest.mark.parametrize(("endpoint", "list_name", "detail_name", "key"), ENDPOINTS, ids=ENDPOINT_IDS)
def test_list_holds_exactly_the_visible_set_and_details_outside_answer_404(
    world, mob, cast, api_for, name, endpoint, list_name, detail_name, key
):
    client = api_for(actor(world, mob, name))
    expected = ids(cast[endpoint][name])
    assert listed(client, reverse(list_name), key) == expected
    for identifier in ids(cast["all"][endpoint]):
        response = client.get(detail(detail_name, key, identifier))
        assert response.status_code == (200 if identifier in expected else 404), (identifier, response.content)


@pytest.mark.parametrize(("endpoint", "list_name", "detail_name", "key"), ENDPOINTS, ids=ENDPOINT_IDS)
def test_anonymous_callers_get_401_on_every_endpoint(world, mob, cast, api_for, endpoint, list_name, detail_name, key):
    client = api_for(None)
    assert client.get(reverse(list_name)).status_code == 401
    identifier = sorted(ids(cast["all"][endpoint]))[0]
    assert client.get(detail(detail_name, key, identifier)).status_code == 401


# The sealed PDF through the API: its readers get it, everyone else 404 (401 without a token); a queued
# PDF has nothing to download yet.
DOWNLOADS = {
    "mou_p1": {"pc_a": 200, "partner_b": 200, "admin": 200},
    "mou_p2": {"partner_c": 200, "admin": 200},
    "mou_p1q": {},
}


@pytest.mark.parametrize("name", ACTORS)
@pytest.mark.parametrize("document", list(DOWNLOADS))
def test_document_download_matrix(world, mob, docs, api_for, name, document):
    target = getattr(docs, document)
    response = api_for(actor(world, mob, name)).get(reverse("api:document-download", kwargs={"code": target.code}))
    expected = 401 if name == "anonymous" else DOWNLOADS[document].get(name, 404)
    assert response.status_code == expected, (name, document)
    if expected == 200:
        assert response["Content-Type"] == "application/pdf"


# The portal: learner_create / mobility_create answer 403 to those without can_manage_mobilities anywhere.
WRITE_REFUSED = ["mentor_b", "learner_b", "outsider"]


@pytest.mark.parametrize("name", WRITE_REFUSED)
def test_writes_are_refused_with_403_where_the_portal_refuses_them(world, mob, api_for, name):
    client = api_for(actor(world, mob, name))
    before = snapshot()
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
    assert snapshot() == before


def test_anonymous_writes_get_401(world, mob, api_for):
    client = api_for(None)
    before = snapshot()
    assert client.post("/api/v1/learners/", {}, format="json").status_code == 401
    assert client.post("/api/v1/mobilities/", {}, format="json").status_code == 401
    assert snapshot() == before


@pytest.mark.parametrize(("endpoint", "list_name", "detail_name", "key"), ENDPOINTS, ids=ENDPOINT_IDS)
@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_other_methods_are_not_offered(world, mob, cast, api_for, endpoint, list_name, detail_name, key, method):
    client = api_for(world.admin)
    identifier = sorted(ids(cast["all"][endpoint]))[0]
    before = snapshot()
    assert getattr(client, method)(detail(detail_name, key, identifier), {}, format="json").status_code == 405
    assert snapshot() == before


@pytest.mark.parametrize("endpoint", ["organisations", "partnerships", "documents", "training-events"])
def test_read_only_lists_refuse_post(world, api_for, endpoint):
    assert api_for(world.admin).post(f"/api/v1/{endpoint}/", {}, format="json").status_code == 405


# --- the token page (a portal page, signed in with the session) --------------------------------------------


@pytest.mark.parametrize("name", ACTORS)
def test_token_page_matrix(world, client_for, name):
    """Everyone signed in has the page (with their own tokens only); an empty form creates nothing."""
    label, _secret = services.create_token(user=world.pc_a, name="pc_a's", by=world.pc_a)
    client = client_for(world.actor(name))
    response = client.get(reverse("api:tokens"))
    before = snapshot()
    posted = client.post(reverse("api:tokens"), {})
    assert snapshot() == before
    if name == "anonymous":
        assert (response.status_code, posted.status_code) == (302, 302)
        assert response["Location"].startswith(reverse("account_login"))
    else:
        assert (response.status_code, posted.status_code) == (200, 200)
        listed_labels = [row["label"] for row in response.context["tokens"]]
        assert listed_labels == ([label] if name == "pc_a" else [])


@pytest.mark.parametrize("name", ACTORS)
def test_token_revoke_matrix(world, client_for, name):
    """Only its holder revokes a token: anyone else gets 404 (it is not even found) and it keeps working."""
    label, _secret = services.create_token(user=world.pc_a, name="pc_a's", by=world.pc_a)
    client = client_for(world.actor(name))
    before = snapshot()
    response = client.post(reverse("api:token_revoke", kwargs={"code": label.code}))
    if name == "pc_a":
        assert response.status_code == 302
        assert not TokenLabel.objects.filter(pk=label.pk).exists()
        return
    assert response.status_code == (302 if name == "anonymous" else 404)
    assert snapshot() == before
