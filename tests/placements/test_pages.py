"""The placements pages as their users see them: the mentor pickers, bad input as field errors, placing a learner
from the placement page, and the query budgets of the catalogue, host and placement pages."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mobility.models import Mobility
from partners.models.people import Role
from placements.models import HostCompany, Placement
from tests.factories import MembershipFactory
from tests.factories_mobility import LearnerFactory, LearnerReportFactory, MobilityFactory
from tests.factories_placements import HostCompanyFactory, PlacementFactory

pytestmark = pytest.mark.django_db


def host_data(**overrides):
    data = {
        "name": "Studio Venere",
        "sector": "beauty_care",
        "occupations": "Beautician",
        "street": "Via Roma 1",
        "postcode": "84121",
        "city": "Salerno",
        "country": "IT",
        "languages": "Italian, English",
        "contact_name": "Giulia Rossi",
        "contact_email": "giulia@example.com",
        "contact_phone": "+39 089 000",
        "minimum_age": "",
        "minimum_eqf_level": "",
        "accessibility": "",
        "insurance_notes": "",
        "is_active": "on",
    }
    data.update(overrides)
    return data


def placement_data(world, mentor, **overrides):
    data = {
        "partnership": world.p1.pk,
        "title": "Hair styling",
        "occupation": "Hairdresser",
        "eqf_level": "4",
        "start_date": "2021-05-03",
        "end_date": "2021-05-28",
        "places": "2",
        "languages": "Dutch, English",
        "mentor": mentor.pk,
        "conditions": "",
    }
    data.update(overrides)
    return data


# --- the mentor pickers --------------------------------------------------------------------------------------


def test_the_host_form_offers_only_the_keeping_organisations_active_mentors(world, places, client_for):
    inactive = MembershipFactory(organisation=world.org_b, role=Role.MENTOR, is_active=False).user
    response = client_for(world.partner_b).get(reverse("placements:host_create") + "?organisation=org-b")
    offered = set(response.context["form"].fields["mentors"].queryset)
    assert offered == {world.mentor_b}
    assert places.mentor_a not in offered and world.partner_b not in offered and inactive not in offered
    assert world.mentor_b.email in response.content.decode()
    assert places.mentor_a.email not in response.content.decode()


def test_a_forged_mentor_is_a_field_error_and_saves_nothing(world, places, client_for):
    url = reverse("placements:host_create") + "?organisation=org-b"
    response = client_for(world.partner_b).post(url, host_data(mentors=[places.mentor_a.pk]))
    assert response.status_code == 200
    assert "mentors" in response.context["form"].errors
    assert not HostCompany.objects.filter(name="Studio Venere").exists()


def test_a_host_is_created_with_its_mentors(world, places, client_for):
    url = reverse("placements:host_create") + "?organisation=org-b"
    response = client_for(world.partner_b).post(url, host_data(mentors=[world.mentor_b.pk]))
    host = HostCompany.objects.get(name="Studio Venere")
    assert response["Location"] == host.get_absolute_url()
    assert host.organisation == world.org_b
    assert list(host.mentors.all()) == [world.mentor_b]


def test_bad_host_input_gives_field_errors(world, places, client_for):
    url = reverse("placements:host_create") + "?organisation=org-b"
    response = client_for(world.partner_b).post(
        url, host_data(name="", country="XX", contact_email="not-an-address", minimum_age="7", minimum_eqf_level="9")
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"name", "country", "contact_email", "minimum_age", "minimum_eqf_level"} <= set(errors)


def test_the_placement_form_offers_only_the_hosts_mentors_and_partnerships(world, places, client_for):
    other = MembershipFactory(organisation=world.org_b, role=Role.MENTOR).user  # B's mentor, not at this host
    response = client_for(world.partner_b).get(
        reverse("placements:placement_create", kwargs={"code": places.host_b.code})
    )
    form = response.context["form"]
    assert set(form.fields["mentor"].queryset) == {world.mentor_b}
    assert other not in form.fields["mentor"].queryset
    assert set(form.fields["partnership"].queryset) == {world.p1}


def test_bad_placement_input_gives_field_errors(world, places, client_for):
    url = reverse("placements:placement_create", kwargs={"code": places.host_b.code})
    client = client_for(world.partner_b)
    response = client.post(
        url, placement_data(world, places.mentor_a, partnership=world.p2.pk, places="0", start_date="2021-06-01")
    )
    errors = response.context["form"].errors
    assert {"mentor", "partnership", "places"} <= set(errors)
    response = client.post(url, placement_data(world, world.mentor_b, end_date="2021-04-01"))
    assert "end_date" in response.context["form"].errors
    response = client.post(url, placement_data(world, world.mentor_b, start_date="2023-01-02", end_date="2023-01-20"))
    assert "start_date" in response.context["form"].errors
    assert not Placement.objects.filter(title="Hair styling").exists()


def test_a_new_placement_is_a_draft_until_published(world, places, client_for):
    client = client_for(world.partner_b)
    url = reverse("placements:placement_create", kwargs={"code": places.host_b.code})
    response = client.post(url, placement_data(world, world.mentor_b))
    placement = Placement.objects.get(title="Hair styling")
    assert response["Location"] == placement.get_absolute_url()
    assert placement.status == Placement.Status.DRAFT
    catalogue = reverse("placements:catalogue", kwargs={"slug": "p1"})
    assert "Hair styling" not in client_for(world.pc_a).get(catalogue).content.decode()
    move = reverse("placements:placement_move", kwargs={"code": placement.code})
    client_for(world.partner_b).post(move, {"move": "publish"})
    placement.refresh_from_db()
    assert placement.status == Placement.Status.PUBLISHED
    assert "Hair styling" in client_for(world.pc_a).get(catalogue).content.decode()


def test_withdrawing_without_a_reason_is_refused_with_a_message(world, places, client_for):
    move = reverse("placements:placement_move", kwargs={"code": places.pub_b.code})
    response = client_for(world.partner_b).post(move, {"move": "withdraw"}, follow=True)
    assert "Give a reason." in response.content.decode()
    places.pub_b.refresh_from_db()
    assert places.pub_b.status == Placement.Status.PUBLISHED


# --- placing from the placement page -------------------------------------------------------------------------


def test_a_partner_places_its_learner_from_the_placement_page(world, places, client_for):
    learner = LearnerFactory(home_organisation=world.org_b)
    url = reverse("placements:place_learner", kwargs={"code": places.pub_a.code})
    client = client_for(world.partner_b)
    form = client.get(url).context["form"]
    assert learner in form.fields["learner"].queryset
    assert all(option.home_organisation_id == world.org_b.pk for option in form.fields["learner"].queryset)
    response = client.post(url, {"learner": learner.pk})
    mobility = Mobility.objects.get(learner=learner)
    assert response["Location"] == mobility.get_absolute_url()
    assert mobility.placement == places.pub_a


def test_a_refused_placing_is_a_field_error(world, places, client_for):
    places.host_a.minimum_age = 30
    places.host_a.save()
    learner = LearnerFactory(home_organisation=world.org_b)
    url = reverse("placements:place_learner", kwargs={"code": places.pub_a.code})
    response = client_for(world.partner_b).post(url, {"learner": learner.pk})
    assert response.status_code == 200
    assert "aged 30 or more" in " ".join(response.context["form"].errors["learner"])
    other = LearnerFactory(home_organisation=world.org_c)  # not a learner of B: not offered
    response = client_for(world.partner_b).post(url, {"learner": other.pk})
    assert "learner" in response.context["form"].errors
    assert not Mobility.objects.exists()


# --- query budgets ----------------------------------------------------------------------------------------------

SMALL, LARGE = 5, 50


def grow_catalogue(world, places, n):
    for i in range(n):
        host = HostCompanyFactory(
            organisation=world.org_b, mentors=[world.mentor_b], city=f"City {i % 7}", country="NL"
        )
        placement = PlacementFactory(host=host, partnership=world.p1, mentor=world.mentor_b)
        MobilityFactory(placement=placement, partnership=world.p1, receiving_organisation=world.org_b)


def grow_host(world, places, n):
    for _ in range(n):
        PlacementFactory(host=places.host_b, partnership=world.p1, mentor=world.mentor_b)


def grow_feedback(world, places, n):
    """n learners placed on pub_b, each with a submitted report."""
    from django.utils import timezone

    for _ in range(n):
        mobility = MobilityFactory(placement=places.pub_b, partnership=world.p1, receiving_organisation=world.org_b)
        LearnerReportFactory(mobility=mobility, submitted_at=timezone.now())
    Placement.objects.filter(pk=places.pub_b.pk).update(places=200, end_date=places.pub_b.start_date + timedelta(1))


PAGES = {
    "catalogue": (lambda p: reverse("placements:catalogue", kwargs={"slug": "p1"}), grow_catalogue),
    "host list": (lambda p: reverse("placements:host_list"), grow_catalogue),
    "host page": (lambda p: p.host_b.get_absolute_url(), grow_host),
    "placement page": (lambda p: p.pub_b.get_absolute_url(), grow_feedback),
}


def measure(client, target):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(target)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("name", PAGES)
def test_query_count_does_not_grow_with_the_rows(world, places, client_for, name):
    target, grow = PAGES[name]
    client = client_for(world.pc_a)
    grow(world, places, SMALL)
    client.get(target(places))
    small = measure(client, target(places))
    grow(world, places, LARGE - SMALL)
    large = measure(client, target(places))
    assert large == small, f"{name}: {small} → {large} queries"


@pytest.mark.parametrize(
    ("name", "budget"), [("catalogue", 12), ("host list", 10), ("host page", 14), ("placement page", 14)]
)
def test_page_stays_within_its_query_budget(world, places, client_for, django_assert_max_num_queries, name, budget):
    target, grow = PAGES[name]
    client = client_for(world.pc_a)
    grow(world, places, LARGE)
    client.get(target(places))
    with django_assert_max_num_queries(budget):
        assert client.get(target(places)).status_code == 200
