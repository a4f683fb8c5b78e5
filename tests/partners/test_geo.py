"""partners.geo: great-circle distances and the offline city gazetteer (plain functions, no database)."""

import pytest

from partners.geo import find_city, great_circle_km

KAUNAS = (54.898521, 23.903597)
SALERNO = (40.682441, 14.768096)
HAARLEM = (52.387386, 4.646219)
KUOPIO = (62.8925, 27.677)
LONDON = (51.5074, -0.1278)
PARIS = (48.8566, 2.3522)


@pytest.mark.parametrize(
    ("a", "b", "expected_km"),
    [
        (KAUNAS, SALERNO, 1718),
        (KAUNAS, HAARLEM, 1295),
        (SALERNO, KUOPIO, 2613),
        (LONDON, PARIS, 344),
    ],
)
def test_great_circle_distance_matches_known_distances(a, b, expected_km):
    assert great_circle_km(*a, *b) == pytest.approx(expected_km, abs=1)


def test_great_circle_distance_is_symmetric():
    assert great_circle_km(*KAUNAS, *SALERNO) == pytest.approx(great_circle_km(*SALERNO, *KAUNAS))


def test_distance_from_a_place_to_itself_is_zero():
    assert great_circle_km(*HAARLEM, *HAARLEM) == 0


def test_antipodes_are_half_the_earths_circumference_apart():
    assert great_circle_km(0, 0, 0, 180) == pytest.approx(20015, abs=1)


def test_distance_across_the_date_line_takes_the_short_way():
    assert great_circle_km(0, 179.5, 0, -179.5) == pytest.approx(111.2, abs=0.1)


def test_find_city_gives_the_coordinates_of_kaunas_in_lithuania():
    assert find_city("Kaunas", "LT") == pytest.approx(KAUNAS, abs=0.05)


def test_find_city_gives_the_coordinates_of_haarlem_in_the_netherlands():
    assert find_city("Haarlem", "NL") == pytest.approx(HAARLEM, abs=0.05)


def test_find_city_ignores_case_and_surrounding_spaces():
    assert find_city("  kaunas ", "lt") == find_city("Kaunas", "LT")


def test_find_city_knows_alternate_names():
    assert find_city("Rome", "IT") == find_city("Roma", "IT") is not None


def test_unknown_city_is_not_found():
    assert find_city("Nowhereville-on-Sea", "LT") is None


def test_city_in_the_wrong_country_is_not_found():
    assert find_city("Kaunas", "NL") is None


@pytest.mark.parametrize(("name", "country"), [("", "LT"), ("   ", "LT"), ("Kaunas", "")])
def test_find_city_without_a_name_or_country_finds_nothing(name, country):
    assert find_city(name, country) is None


# --- OrganisationForm: coordinates from the city when both are left empty ------------------------------

ORGANISATION_DATA = {
    "legal_name": "Nova College",
    "short_name": "Nova College",
    "kind": "vet_provider",
    "country": "NL",
    "city": "Haarlem",
    "latitude": "",
    "longitude": "",
}


def organisation_form(**changes):
    from partners.forms import OrganisationForm

    form = OrganisationForm(data={**ORGANISATION_DATA, **changes})
    assert form.is_valid(), form.errors
    return form


@pytest.mark.django_db
def test_organisation_form_fills_empty_coordinates_from_the_city():
    form = organisation_form()
    assert float(form.cleaned_data["latitude"]) == pytest.approx(HAARLEM[0], abs=0.05)
    assert float(form.cleaned_data["longitude"]) == pytest.approx(HAARLEM[1], abs=0.05)
    assert form.city_found is True
    assert {"latitude", "longitude"} <= set(form.changed_data)
    organisation = form.save()
    assert organisation.latitude is not None and organisation.longitude is not None


@pytest.mark.django_db
def test_manual_coordinates_always_win_over_the_city():
    form = organisation_form(latitude="52.1", longitude="4.5")
    assert (str(form.cleaned_data["latitude"]), str(form.cleaned_data["longitude"])) == ("52.1", "4.5")
    assert form.city_found is None


@pytest.mark.django_db
def test_one_coordinate_given_is_left_as_entered():
    form = organisation_form(latitude="52.1")
    assert str(form.cleaned_data["latitude"]) == "52.1"
    assert form.cleaned_data["longitude"] is None


@pytest.mark.django_db
def test_unknown_city_leaves_the_coordinates_empty_with_a_note_and_still_saves():
    form = organisation_form(city="Nowhereville-on-Sea")
    assert form.cleaned_data["latitude"] is None and form.cleaned_data["longitude"] is None
    assert form.city_found is False
    assert "not found" in str(form.city_lookup_message)
    assert form.save().pk


@pytest.mark.django_db
def test_editing_an_organisation_without_coordinates_stores_them_from_the_city(world, client_for):
    from django.urls import reverse

    from partners.models import AuditEntry, Organisation

    org = world.org_b  # Haarlem, no coordinates
    data = {**ORGANISATION_DATA, "legal_name": org.legal_name, "short_name": org.short_name}
    data.update(
        {
            "oid": "",
            "pic": "",
            "address": "",
            "website": "",
            "email": "",
            "phone": "",
            "contacts-TOTAL_FORMS": "0",
            "contacts-INITIAL_FORMS": "0",
            "contacts-MIN_NUM_FORMS": "0",
            "contacts-MAX_NUM_FORMS": "1000",
        }
    )
    response = client_for(world.partner_b).post(reverse("partners:organisation_edit", kwargs={"slug": org.slug}), data)
    assert response.status_code == 302
    org = Organisation.objects.get(pk=org.pk)
    assert float(org.latitude) == pytest.approx(HAARLEM[0], abs=0.05)
    entry = AuditEntry.objects.get(object_type="partners.organisation", object_code=org.slug)
    assert {"latitude", "longitude"} <= set(entry.details["fields"])


def test_editing_an_organisation_in_an_unknown_city_warns_that_coordinates_are_missing(world, client_for):
    from django.urls import reverse

    org = world.org_b
    data = {
        "legal_name": org.legal_name,
        "short_name": org.short_name,
        "kind": org.kind,
        "country": "NL",
        "city": "Nowheresville",
        "latitude": "",
        "longitude": "",
        "oid": "",
        "pic": "",
        "address": "",
        "website": "",
        "email": "",
        "phone": "",
        "contacts-TOTAL_FORMS": "0",
        "contacts-INITIAL_FORMS": "0",
        "contacts-MIN_NUM_FORMS": "0",
        "contacts-MAX_NUM_FORMS": "1000",
    }
    response = client_for(world.partner_b).post(
        reverse("partners:organisation_edit", kwargs={"slug": org.slug}), data, follow=True
    )
    assert response.status_code == 200
    assert "not found in the gazetteer" in response.content.decode()
    org.refresh_from_db()
    assert org.city == "Nowheresville" and org.latitude is None
