"""Who may export or erase which learner (actors × URLs → status).

Scope first (Learner.objects.visible_to: 404 outside it), then can_manage_mobilities on the learner's
HOME organisation (403 without it). The cast (tests/conftest.py, tests/mobility/conftest.py):
learner_b1 — home B, account learner_b, goes B → A (mentor_a);
learner_a1 — home A, goes A → B (mentor_b); learner_c1 — home C, in P2.
A POST without valid data re-renders the form (200) for those allowed, so nothing is erased here.
"""

import pytest
from django.urls import reverse

from mobility.models import Learner
from partners.models import AuditEntry
from tests.conftest import build_world
from tests.mobility.conftest import build_mob

ACTORS = ["anonymous", "pc_a", "partner_b", "partner_c", "mentor_b", "learner_b", "outsider", "admin"]


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


def expect(anonymous=302, pc_a=200, partner_b=200, partner_c=200, mentor_b=200, learner_b=200, outsider=200, admin=200):
    return {
        "anonymous": anonymous,
        "pc_a": pc_a,
        "partner_b": partner_b,
        "partner_c": partner_c,
        "mentor_b": mentor_b,
        "learner_b": learner_b,
        "outsider": outsider,
        "admin": admin,
    }


def url(name, learner, query=""):
    return lambda mob: reverse(f"mobility:{name}", kwargs={"code": getattr(mob, learner).code}) + query


# Home B: B's coordinator and the project coordinator (delegated) manage; the learner sees themself only.
HOME_B = expect(partner_c=404, mentor_b=404, learner_b=403, outsider=404)
# Home A, hosted by B: B (receiving side) and B's mentor see the learner but may not export or erase.
HOME_A = expect(partner_b=403, partner_c=404, mentor_b=403, learner_b=404, outsider=404)
# Home C (P2): nobody of P1 sees the learner.
HOME_C = expect(pc_a=404, partner_b=404, mentor_b=404, learner_b=404, outsider=404)

MATRIX = [
    ("export own-side learner (html)", url("learner_export", "learner_b1"), "get", HOME_B),
    ("export own-side learner (json)", url("learner_export", "learner_b1", "?format=json"), "get", HOME_B),
    ("export incoming learner", url("learner_export", "learner_a1", "?format=json"), "get", HOME_A),
    ("export other network's learner", url("learner_export", "learner_c1"), "get", HOME_C),
    ("erase page, own-side learner", url("learner_erase", "learner_b1"), "get", HOME_B),
    ("erase page, incoming learner", url("learner_erase", "learner_a1"), "get", HOME_A),
    ("erase page, other network's learner", url("learner_erase", "learner_c1"), "get", HOME_C),
    ("erase (empty form), own-side learner", url("learner_erase", "learner_b1"), "post", HOME_B),
    ("erase (empty form), incoming learner", url("learner_erase", "learner_a1"), "post", HOME_A),
    ("erase (empty form), other network's learner", url("learner_erase", "learner_c1"), "post", HOME_C),
]


@pytest.mark.parametrize(("label", "build", "method", "expected"), MATRIX, ids=[row[0] for row in MATRIX])
@pytest.mark.parametrize("actor", ACTORS)
def test_access_matrix(world, mob, client_for, actor, label, build, method, expected):
    client = client_for(world.actor(actor))
    response = getattr(client, method)(build(mob))
    assert response.status_code == expected[actor], f"{actor} → {label}"


def test_nobody_erases_or_exports_outside_their_scope_and_nothing_is_recorded(world, mob, client_for):
    client = client_for(world.partner_b)

    client.get(reverse("mobility:learner_export", kwargs={"code": mob.learner_c1.code}))
    client.post(
        reverse("mobility:learner_erase", kwargs={"code": mob.learner_a1.code}),
        {"last_name": mob.learner_a1.last_name, "reason": "Request"},
    )

    assert Learner.objects.get(pk=mob.learner_a1.pk).anonymised_at is None
    assert not AuditEntry.objects.filter(verb__in=[AuditEntry.Verb.EXPORTED, AuditEntry.Verb.DELETED]).exists()


def test_export_and_erase_refuse_other_methods(world, mob, client_for):
    client = client_for(world.partner_b)

    assert client.post(reverse("mobility:learner_export", kwargs={"code": mob.learner_b1.code})).status_code == 405
    assert client.put(reverse("mobility:learner_erase", kwargs={"code": mob.learner_b1.code})).status_code == 405
