"""The catalogue: each organisation maintains its qualifications and units; partners read them."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ecvet.access import qualification_owner_choices
from ecvet.models import Qualification, Unit
from partners.models import AuditEntry
from tests.factories_ecvet import QualificationFactory, UnitFactory

from .support_memoranda import make_memorandum

pytestmark = pytest.mark.django_db

QUALIFICATION_DATA = {
    "title_original": "Kosmetikas",
    "title_en": "Beauty therapist",
    "country": "LT",
    "eqf_level": 4,
    "nqf_level": "IV",
    "awarding_body": "Ministry",
    "sector": "Beauty",
    "total_ecvet_points": "20",
}


def unit_data(**overrides):
    data = {
        "reference": "BT-01",
        "title": "Facial treatments",
        "ecvet_points": "6",
        "knowledge": "Knows skin anatomy",
        "skills": "Performs a facial\nAnalyses the skin",
        "competence": "",
        "assessment_criteria": "",
        "order": 0,
    }
    data.update(overrides)
    return data


def test_a_partner_coordinator_creates_a_qualification_for_their_own_organisation_only(world, client_for):
    client = client_for(world.partner_b)
    page = client.get(reverse("ecvet:qualification_create"))
    assert list(page.context["form"].fields["organisation"].queryset) == [world.org_b]
    response = client.post(
        reverse("ecvet:qualification_create"), {**QUALIFICATION_DATA, "organisation": world.org_a.pk}
    )
    assert response.status_code == 200
    assert "organisation" in response.context["form"].errors
    response = client.post(
        reverse("ecvet:qualification_create"), {**QUALIFICATION_DATA, "organisation": world.org_b.pk}
    )
    qualification = Qualification.objects.get()
    assert response.status_code == 302
    assert qualification.organisation == world.org_b
    assert AuditEntry.objects.filter(verb=AuditEntry.Verb.CREATED, object_code=str(qualification.code)).exists()


def test_the_project_coordinator_maintains_the_catalogues_of_the_partnership_by_delegation(world):
    assert set(qualification_owner_choices(world.pc_a)) == {world.org_a, world.org_b}


def test_units_may_not_carry_more_points_than_the_qualification(world, client_for):
    qualification = QualificationFactory(organisation=world.org_b, total_ecvet_points=Decimal("10"))
    UnitFactory(qualification=qualification, ecvet_points=Decimal("6"))
    client = client_for(world.partner_b)
    url = reverse("ecvet:unit_create", kwargs={"code": qualification.code})
    response = client.post(url, unit_data(reference="BT-99", ecvet_points="5"))
    assert response.status_code == 200
    assert "4" in response.context["form"].errors["ecvet_points"][0]  # 4 points are still free
    assert client.post(url, unit_data(reference="BT-99", ecvet_points="4")).status_code == 302
    assert qualification.units.count() == 2


def test_unit_points_stay_between_half_a_point_and_sixty(world, client_for):
    qualification = QualificationFactory(organisation=world.org_b, total_ecvet_points=None)
    client = client_for(world.partner_b)
    url = reverse("ecvet:unit_create", kwargs={"code": qualification.code})
    for points in ("0.4", "61", "abc"):
        response = client.post(url, unit_data(ecvet_points=points))
        assert "ecvet_points" in response.context["form"].errors
    assert not qualification.units.exists()


def test_the_total_cannot_drop_below_the_points_already_described(world, client_for):
    qualification = QualificationFactory(organisation=world.org_b, total_ecvet_points=Decimal("20"))
    UnitFactory(qualification=qualification, ecvet_points=Decimal("12"))
    response = client_for(world.partner_b).post(
        reverse("ecvet:qualification_edit", kwargs={"code": qualification.code}),
        {**QUALIFICATION_DATA, "organisation": world.org_b.pk, "total_ecvet_points": "10"},
    )
    assert "total_ecvet_points" in response.context["form"].errors
    qualification.refresh_from_db()
    assert qualification.total_ecvet_points == Decimal("20")


def test_a_duplicate_unit_code_is_a_field_error_not_a_crash(world, client_for):
    unit = UnitFactory(qualification__organisation=world.org_b, reference="BT-01")
    response = client_for(world.partner_b).post(
        reverse("ecvet:unit_create", kwargs={"code": unit.qualification.code}), unit_data(reference="bt-01")
    )
    assert response.status_code == 200
    assert "reference" in response.context["form"].errors


def test_a_unit_used_by_a_memorandum_cannot_be_deleted(world, client_for):
    unit = UnitFactory(qualification__organisation=world.org_b)
    make_memorandum(partnership=world.p1, organisations=[world.org_a, world.org_b], units=[unit])
    response = client_for(world.partner_b).post(
        reverse("ecvet:unit_delete", kwargs={"code": unit.code}), {"confirm": "on"}
    )
    assert response.status_code == 200
    assert "cannot be deleted" in response.context["form"].errors["confirm"][0]
    assert Unit.objects.filter(pk=unit.pk).exists()


def test_an_unused_unit_is_deleted_with_an_audit_row(world, client_for):
    unit = UnitFactory(qualification__organisation=world.org_b)
    client = client_for(world.partner_b)
    url = reverse("ecvet:unit_delete", kwargs={"code": unit.code})
    assert "confirm" in client.post(url, {}).context["form"].errors  # the confirmation box is required
    assert client.post(url, {"confirm": "on"}).status_code == 302
    assert not Unit.objects.filter(pk=unit.pk).exists()
    assert AuditEntry.objects.filter(verb=AuditEntry.Verb.DELETED, object_code=str(unit.code)).exists()


def test_the_detail_shows_units_with_their_learning_outcomes_by_category(world, client_for):
    unit = UnitFactory(qualification__organisation=world.org_a, competence="Works safely")
    response = client_for(world.partner_b).get(
        reverse("ecvet:qualification_detail", kwargs={"code": unit.qualification.code})
    )
    content = response.content.decode()
    assert "Performs a deep-cleansing facial" in content
    assert "Works safely" in content
    assert "Knowledge" in content and "Competence" in content
    assert "Edit qualification" not in content  # a partner reads, the owner edits


def test_the_list_filters_by_country_level_sector_organisation_and_search(world, client_for):
    QualificationFactory(organisation=world.org_a, title_en="Beauty therapist", country="LT", eqf_level=4)
    QualificationFactory(organisation=world.org_b, title_en="Hairdresser", country="NL", eqf_level=3, sector="Hair")
    QualificationFactory(organisation=world.org_c, title_en="Make-up artist", country="FI")  # another network
    client = client_for(world.partner_b)
    url = reverse("ecvet:qualification_list")

    def titles(**params):
        return [q.title_en for q in client.get(url, params).context["page"].object_list]

    assert titles() == ["Beauty therapist", "Hairdresser"]
    assert titles(country="NL") == ["Hairdresser"]
    assert titles(eqf_level=4) == ["Beauty therapist"]
    assert titles(sector="hai") == ["Hairdresser"]
    assert titles(organisation=world.org_a.pk) == ["Beauty therapist"]
    assert titles(q="beauty") == ["Beauty therapist"]


def test_the_list_runs_the_same_number_of_queries_for_5_and_60_qualifications(
    world, client_for, django_assert_max_num_queries
):
    client = client_for(world.partner_b)
    url = reverse("ecvet:qualification_list")

    def count(n):
        for _ in range(n - Qualification.objects.count()):
            UnitFactory(qualification=QualificationFactory(organisation=world.org_a))
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    assert count(5) == count(60)
    with django_assert_max_num_queries(15):
        client.get(url, {"page": 2})


def test_the_detail_page_runs_the_same_queries_for_2_and_12_units(world, client_for):
    qualification = QualificationFactory(organisation=world.org_a)
    UnitFactory.create_batch(2, qualification=qualification)
    client = client_for(world.partner_b)
    url = reverse("ecvet:qualification_detail", kwargs={"code": qualification.code})

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    before = count()
    UnitFactory.create_batch(10, qualification=qualification)
    assert count() == before
