"""Role × object × view for the catalogue. Partners of a network read each other's qualifications; only
staff who manage the owning organisation edit them (the project coordinator by delegation).

200 = allowed; 302 = to sign-in (anonymous); 403 = in scope without the right; 404 = out of scope.
"""

import pytest
from django.urls import reverse

from tests.conftest import build_world
from tests.factories_ecvet import QualificationFactory, UnitFactory

ACTORS = ["anonymous", "pc_a", "partner_b", "partner_c", "mentor_b", "learner_b", "outsider", "admin"]
OUT = 404


def expect(**overrides):
    base = dict.fromkeys(ACTORS, 200)
    base["anonymous"] = 302
    base.update(overrides)
    return base


STAFF_ONLY = {"mentor_b": 403, "learner_b": 403, "outsider": 403}
SEES_P1 = {"partner_c": OUT, "mentor_b": OUT, "learner_b": OUT, "outsider": OUT}
SEES_P2 = {"pc_a": OUT, "partner_b": OUT, "mentor_b": OUT, "learner_b": OUT, "outsider": OUT}


def build_once():
    """The cast of tests/conftest.py with the module's `objects`, built once for the
    module (tests/once_per_module.py)."""
    world = build_world()
    return world, build_objects(world)


@pytest.fixture
def world(once):
    return once[0]


@pytest.fixture
def objects(once):
    return once[1]


def build_objects(world):
    units = {key: UnitFactory(qualification=QualificationFactory(organisation=org)) for key, org in (
        ("a", world.org_a), ("b", world.org_b), ("c", world.org_c))}  # fmt: skip
    return {
        **{f"q{key}": unit.qualification for key, unit in units.items()},
        **{f"u{key}": unit for key, unit in units.items()},
    }


def url(name, obj=None):
    return lambda o: reverse(name, kwargs={"code": o[obj].code}) if obj else reverse(name)


MATRIX = [
    ("catalogue list", url("ecvet:qualification_list"), expect(**STAFF_ONLY)),
    ("new qualification", url("ecvet:qualification_create"), expect(**STAFF_ONLY)),
    ("A's qualification", url("ecvet:qualification_detail", "qa"), expect(**SEES_P1)),
    ("B's qualification", url("ecvet:qualification_detail", "qb"), expect(**SEES_P1)),
    ("C's qualification", url("ecvet:qualification_detail", "qc"), expect(**SEES_P2)),
    ("edit A's qualification", url("ecvet:qualification_edit", "qa"), expect(**SEES_P1, partner_b=403)),
    ("edit B's qualification", url("ecvet:qualification_edit", "qb"), expect(**SEES_P1)),
    ("edit C's qualification", url("ecvet:qualification_edit", "qc"), expect(**SEES_P2)),
    ("add a unit to A's", url("ecvet:unit_create", "qa"), expect(**SEES_P1, partner_b=403)),
    ("add a unit to C's", url("ecvet:unit_create", "qc"), expect(**SEES_P2)),
    ("edit A's unit", url("ecvet:unit_edit", "ua"), expect(**SEES_P1, partner_b=403)),
    ("edit B's unit", url("ecvet:unit_edit", "ub"), expect(**SEES_P1)),
    ("edit C's unit", url("ecvet:unit_edit", "uc"), expect(**SEES_P2)),
    ("delete A's unit", url("ecvet:unit_delete", "ua"), expect(**SEES_P1, partner_b=403)),
    ("delete C's unit", url("ecvet:unit_delete", "uc"), expect(**SEES_P2)),
]


@pytest.mark.parametrize(("label", "build", "expected"), MATRIX, ids=[row[0] for row in MATRIX])
@pytest.mark.parametrize("actor", ACTORS)
def test_catalogue_access_matrix(world, objects, client_for, label, build, expected, actor):
    response = client_for(world.actor(actor)).get(build(objects))
    assert response.status_code == expected[actor], f"{actor} on {label}"


def test_a_partner_cannot_edit_another_organisations_qualification_by_posting(world, objects, client_for):
    qualification = objects["qa"]
    response = client_for(world.partner_b).post(
        reverse("ecvet:qualification_edit", kwargs={"code": qualification.code}), {"title_en": "Hijacked"}
    )
    assert response.status_code == 403
    qualification.refresh_from_db()
    assert qualification.title_en != "Hijacked"


def test_an_unknown_code_is_not_found(world, client_for):
    response = client_for(world.pc_a).get("/ecvet/catalogue/not-a-code/")
    assert response.status_code == 404
