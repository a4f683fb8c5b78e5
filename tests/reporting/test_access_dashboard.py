"""Role × organisation × view for the reports index and the coordinator dashboard.

200 = allowed; 302 = redirected to sign-in (anonymous); 404 = out of scope; 405 = wrong method.
Cast: tests/conftest.py (`world`): P1 = A (coordinator) + B, P2 = C. pc_a is project coordinator of P1,
partner_b partner coordinator at B (P1), partner_c partner coordinator at C (P2, which has no project
coordinator in the cast). Mentors, learners and outsiders have no partnership in their scope: 404.
"""

import pytest
from django.urls import reverse

from partners.models import AuditEntry
from tests.conftest import build_world

pytestmark = pytest.mark.django_db


def build_once():
    """The cast of tests/conftest.py, built once for the module (tests/once_per_module.py)."""
    return build_world()


@pytest.fixture
def world(once):
    return once


ACTORS = ["anonymous", "pc_a", "partner_b", "partner_c", "mentor_b", "learner_b", "outsider", "admin"]


def expect(**overrides):
    base = dict.fromkeys(ACTORS, 200)
    base["anonymous"] = 302
    base.update(overrides)
    return base


NOT_STAFF = {"mentor_b": 404, "learner_b": 404, "outsider": 404}

MATRIX = [
    # The index is a list: everyone signed in gets it, with only the partnerships they report on.
    ("reports index", reverse("reporting:index"), "get", expect()),
    (
        "dashboard of P1",
        reverse("reporting:dashboard", kwargs={"slug": "p1"}),
        "get",
        expect(partner_c=404, **NOT_STAFF),
    ),
    (
        "dashboard of P2",
        reverse("reporting:dashboard", kwargs={"slug": "p2"}),
        "get",
        expect(pc_a=404, partner_b=404, **NOT_STAFF),
    ),
    (
        "dashboard of an unknown partnership",
        reverse("reporting:dashboard", kwargs={"slug": "nope"}),
        "get",
        expect(pc_a=404, partner_b=404, partner_c=404, admin=404, **NOT_STAFF),
    ),
    # Read-only pages: a POST is refused whoever sends it (after sign-in).
    (
        "POST to the dashboard of P1",
        reverse("reporting:dashboard", kwargs={"slug": "p1"}),
        "post",
        expect(pc_a=405, partner_b=405, partner_c=405, mentor_b=405, learner_b=405, outsider=405, admin=405),
    ),
]


@pytest.mark.parametrize(("label", "url", "method", "expected"), MATRIX, ids=[row[0] for row in MATRIX])
@pytest.mark.parametrize("actor", ACTORS)
def test_access_matrix(world, client_for, actor, label, url, method, expected):
    client = client_for(world.actor(actor))
    audit_before = list(AuditEntry.objects.order_by("pk").values())
    response = getattr(client, method)(url)
    assert response.status_code == expected[actor], f"{actor} {label}"
    if response.status_code == 302:
        assert "/accounts/login/" in response["Location"] or "login" in response["Location"]
    if method == "post":
        # Read-only pages: a POST, refused, writes nothing (not even an audit row).
        assert list(AuditEntry.objects.order_by("pk").values()) == audit_before


def test_index_lists_only_the_partnerships_in_scope(world, client_for):
    seen = {}
    for actor in ("pc_a", "partner_b", "partner_c", "mentor_b", "outsider", "admin"):
        response = client_for(world.actor(actor)).get(reverse("reporting:index"))
        seen[actor] = {row["partnership"].slug for row in response.context["rows"]}
    assert seen == {
        "pc_a": {"p1"},
        "partner_b": {"p1"},
        "partner_c": {"p2"},
        "mentor_b": set(),
        "outsider": set(),
        "admin": {"p1", "p2"},
    }
