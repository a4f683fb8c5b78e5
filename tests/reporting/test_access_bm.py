"""Role × partnership × view for the Beneficiary Module export and import (issue 14, point 4).

The `world` of tests/conftest.py with P1 turned into a 2025 KA122-VET project (2025-1-LT01-KA122-VET-000777,
2025-06-01 – 2027-08-31) whose organisations have OIDs and coordinates; A sends a learner to B and B one to A.
P2 stays a 2019 KA202 project (Mobility Tool+).

- The exports page and the BM file: those who see the partnership (pc_a, partner_b, admin) 200, others 404,
  anonymous users are sent to sign in (302).
- The import changes the project's mobilities: the project coordinator with the right to manage mobilities
  (pc_a, admin) 200; partner_b sees the partnership but may not import (403); the rest 404.
- A Mobility Tool+ project has no BM file and no import: 404 for everyone who signs in.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from mobility.models import Mobility
from partners.models import AuditEntry, Organisation, Partnership
from tests.conftest import build_world
from tests.factories_mobility import LearnerFactory, MobilityFactory

ACTORS = ["anonymous", "pc_a", "partner_b", "partner_c", "mentor_b", "learner_b", "outsider", "admin"]
SEES = {"anonymous": 302, "pc_a": 200, "partner_b": 200, "partner_c": 404, "mentor_b": 404, "learner_b": 404,
        "outsider": 404, "admin": 200}  # fmt: skip
IMPORTS = SEES | {"partner_b": 403}
CONFIRMS = IMPORTS | {"pc_a": 302, "admin": 302}  # nothing waits for confirmation: back to the upload
MTPLUS = dict.fromkeys(ACTORS, 404) | {"anonymous": 302}

GETS = [
    ("exports page", "reporting:exports", {}, SEES),
    ("activities csv", "reporting:export_activities", {"fmt": "csv"}, SEES),
    ("activities xlsx", "reporting:export_activities", {"fmt": "xlsx"}, SEES),
    ("activities pdf", "reporting:export_activities", {"fmt": "pdf"}, MTPLUS),
    ("import page", "reporting:import_activities", {}, IMPORTS),
]
MTPLUS_VIEWS = [
    ("activities csv", "reporting:export_activities", {"fmt": "csv"}),
    ("import page", "reporting:import_activities", {}),
]

CASES = [
    pytest.param(name, kwargs | {"slug": "p1"}, actor, expected[actor], id=f"{label}-p1-{actor}")
    for label, name, kwargs, expected in GETS
    for actor in ACTORS
] + [
    pytest.param(name, kwargs | {"slug": "p2"}, actor, MTPLUS[actor], id=f"{label}-p2-{actor}")
    for label, name, kwargs in MTPLUS_VIEWS
    for actor in ACTORS
]


def build_once():
    """The cast of tests/conftest.py with the module's `bm_world`, built once for the
    module (tests/once_per_module.py)."""
    world = build_world()
    return world, build_bm_world(world)


@pytest.fixture
def world(once):
    return once[0]


@pytest.fixture
def bm_world(once):
    return once[1]


def build_bm_world(world):
    Partnership.objects.filter(pk=world.p1.pk).update(
        project_number="2025-1-LT01-KA122-VET-000777",
        call_year=2025,
        action=Partnership.Action.KA122_VET,
        key_action=Partnership.KeyAction.KA1,
        start_date=date(2025, 6, 1),
        end_date=date(2027, 8, 31),
    )
    Organisation.objects.filter(pk=world.org_a.pk).update(
        oid="E10012345", latitude=Decimal("54.898521"), longitude=Decimal("23.903597")
    )
    Organisation.objects.filter(pk=world.org_b.pk).update(
        oid="E10234567", latitude=Decimal("52.387386"), longitude=Decimal("4.646219")
    )
    world.p1.refresh_from_db()
    for sending, receiving in ((world.org_a, world.org_b), (world.org_b, world.org_a)):
        sending.refresh_from_db()
        MobilityFactory(
            partnership=world.p1,
            learner=LearnerFactory(home_organisation=sending),
            receiving_organisation=receiving,
            start_date=date(2026, 3, 2),
        )
    return world


def read(response):
    if response.streaming:
        b"".join(response.streaming_content)
    return response


@pytest.mark.parametrize(("name", "kwargs", "actor", "expected"), CASES)
def test_bm_export_and_import_access_matrix(bm_world, client, client_for, name, kwargs, actor, expected):
    http = client if actor == "anonymous" else client_for(bm_world.actor(actor))
    response = read(http.get(reverse(name, kwargs=kwargs)))
    assert response.status_code == expected
    if expected == 302:
        assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("actor", ACTORS)
def test_confirming_without_a_pending_import_saves_nothing(bm_world, client, client_for, actor):
    http = client if actor == "anonymous" else client_for(bm_world.actor(actor))
    before = list(Mobility.objects.order_by("pk").values_list("pk", "updated_at", "end_date", "activity_id"))
    response = http.post(reverse("reporting:confirm_activities", kwargs={"slug": "p1"}), {"token": "guessed"})
    assert response.status_code == CONFIRMS[actor]
    if actor == "anonymous":
        assert "/accounts/login/" in response["Location"]
    elif response.status_code == 302:
        assert response["Location"] == reverse("reporting:import_activities", kwargs={"slug": "p1"})
    assert list(Mobility.objects.order_by("pk").values_list("pk", "updated_at", "end_date", "activity_id")) == before
    assert not AuditEntry.objects.filter(details__import="beneficiary-module").exists()


def test_the_confirmation_answers_only_post(bm_world, client_for):
    response = client_for(bm_world.pc_a).get(reverse("reporting:confirm_activities", kwargs={"slug": "p1"}))
    assert response.status_code == 405


@pytest.mark.parametrize(("actor", "shown"), [("pc_a", True), ("partner_b", False), ("admin", True)])
def test_the_exports_page_links_the_import_only_for_those_who_may_import(bm_world, client_for, actor, shown):
    http = client_for(bm_world.actor(actor))
    url = reverse("reporting:import_activities", kwargs={"slug": "p1"})
    html = http.get(reverse("reporting:exports", kwargs={"slug": "p1"})).content.decode()
    assert (f'href="{url}"' in html) == shown
    if shown:
        assert http.get(url).status_code == 200, "no link that answers 403"
