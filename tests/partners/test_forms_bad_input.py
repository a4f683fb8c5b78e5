"""Bad input gives field errors (never a 500) and leaves the stored data as it was; good input is saved and audited."""

from datetime import date
from decimal import Decimal

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse

from partners.models import AuditEntry, ContactPerson, Indicator, Organisation, Partnership
from tests.factories import ContactPersonFactory, OrganisationFactory, PartnershipFactory

pytestmark = pytest.mark.django_db

ORGANISATION_FIELDS = [
    "legal_name",
    "short_name",
    "kind",
    "country",
    "city",
    "latitude",
    "longitude",
    "oid",
    "pic",
    "address",
    "website",
    "email",
    "phone",
]
PARTNERSHIP_FIELDS = [
    "title",
    "acronym",
    "project_number",
    "key_action",
    "action",
    "action_type",
    "call_year",
    "start_date",
    "end_date",
    "eu_grant",
    "objectives",
]


def organisation_post(organisation, **changes):
    """The edit form as the browser would send it: current values, no contact rows, then the changes."""
    data = {name: "" if value is None else value for name, value in model_to_dict(organisation).items()}
    data = {name: str(data[name]) for name in ORGANISATION_FIELDS}
    data.update(
        {
            "contacts-TOTAL_FORMS": "0",
            "contacts-INITIAL_FORMS": "0",
            "contacts-MIN_NUM_FORMS": "0",
            "contacts-MAX_NUM_FORMS": "1000",
        }
    )
    data.update(changes)
    return data


def partnership_post(partnership, **changes):
    data = {name: getattr(partnership, name) for name in PARTNERSHIP_FIELDS}
    data = {name: "" if value is None else str(value) for name, value in data.items()}
    if partnership.uses_ecvet:
        data["uses_ecvet"] = "on"  # a ticked checkbox is sent; an unticked one is not
    data.update(changes)
    return data


def stored(instance, fields):
    fresh = type(instance).objects.get(pk=instance.pk)
    return {name: getattr(fresh, name) for name in fields}


def field_errors(response, field, form="form"):
    assert response.status_code == 200, response.status_code
    errors = response.context[form].errors
    assert field in errors, errors
    return errors[field]


@pytest.fixture
def org_b(world):
    world.org_b.oid = "E10000002"
    world.org_b.pic = "900000002"
    world.org_b.latitude = Decimal("52.387386")
    world.org_b.save()
    return world.org_b


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("oid", "X123"),
        ("oid", "E1234567"),
        ("pic", "12345"),
        ("pic", "ABCDEFGHI"),
        ("latitude", "200"),
        ("latitude", "north"),
        ("longitude", "-181"),
        ("website", "not a url"),
        ("email", "not-an-email"),
        ("country", "XX"),
        ("short_name", ""),
    ],
)
def test_invalid_organisation_field_gives_a_field_error_and_keeps_the_organisation(
    world, org_b, client_for, field, value
):
    before = stored(org_b, ORGANISATION_FIELDS)
    url = reverse("partners:organisation_edit", kwargs={"slug": org_b.slug})

    response = client_for(world.partner_b).post(url, organisation_post(org_b, city="Leiden", **{field: value}))

    assert field_errors(response, field)
    assert stored(org_b, ORGANISATION_FIELDS) == before
    assert not AuditEntry.objects.filter(object_code=org_b.slug).exists()


def test_another_organisations_oid_gives_an_error_not_a_crash(world, org_b, client_for):
    OrganisationFactory(oid="E10000099")
    url = reverse("partners:organisation_edit", kwargs={"slug": org_b.slug})

    response = client_for(world.partner_b).post(url, organisation_post(org_b, oid="E10000099"))

    assert response.status_code == 200
    assert response.context["form"].errors
    assert Organisation.objects.get(pk=org_b.pk).oid == "E10000002"


def test_invalid_contact_row_keeps_the_organisation_unchanged(world, org_b, client_for):
    url = reverse("partners:organisation_edit", kwargs={"slug": org_b.slug})
    data = organisation_post(
        org_b,
        city="Leiden",
        **{"contacts-TOTAL_FORMS": "1", "contacts-0-name": "Sanne de Vries", "contacts-0-email": "not-an-email"},
    )

    response = client_for(world.partner_b).post(url, data)

    assert response.status_code == 200
    assert response.context["formset"].errors[0]["email"]
    assert Organisation.objects.get(pk=org_b.pk).city == "Haarlem"
    assert not ContactPerson.objects.filter(organisation=org_b).exists()


def test_contact_of_another_organisation_cannot_be_taken_over_through_the_formset(world, org_b, client_for):
    foreign = ContactPersonFactory(organisation=world.org_a, name="Alpha Contact")
    url = reverse("partners:organisation_edit", kwargs={"slug": org_b.slug})
    data = organisation_post(
        org_b,
        **{
            "contacts-TOTAL_FORMS": "1",
            "contacts-INITIAL_FORMS": "1",
            "contacts-0-id": str(foreign.pk),
            "contacts-0-name": "Taken Over",
        },
    )

    response = client_for(world.partner_b).post(url, data)

    # Django drops a row whose id is not among the organisation's own contacts.
    assert response.status_code in (200, 302)
    foreign.refresh_from_db()
    assert (foreign.organisation, foreign.name) == (world.org_a, "Alpha Contact")
    assert not ContactPerson.objects.filter(name="Taken Over").exists()


def test_valid_organisation_edit_saves_and_audits_the_changed_fields(world, org_b, client_for):
    contact = ContactPersonFactory(organisation=org_b, name="Old Name")
    url = reverse("partners:organisation_edit", kwargs={"slug": org_b.slug})
    data = organisation_post(
        org_b,
        city="Leiden",
        oid="E10000003",
        **{
            "contacts-TOTAL_FORMS": "1",
            "contacts-INITIAL_FORMS": "1",
            "contacts-0-id": str(contact.pk),
            "contacts-0-organisation": str(org_b.pk),
            "contacts-0-name": "Sanne de Vries",
            "contacts-0-is_primary": "on",
        },
    )

    response = client_for(world.partner_b).post(url, data, REMOTE_ADDR="198.51.100.4")

    assert response.status_code == 302
    assert response["Location"] == org_b.get_absolute_url()
    org = Organisation.objects.get(pk=org_b.pk)
    assert (org.city, org.oid) == ("Leiden", "E10000003")
    contact.refresh_from_db()
    assert (contact.name, contact.is_primary) == ("Sanne de Vries", True)
    entry = AuditEntry.objects.get(object_type="partners.organisation", object_code=org_b.slug)
    assert entry.verb == AuditEntry.Verb.UPDATED
    assert entry.actor == world.partner_b
    assert entry.organisation == org_b
    assert entry.ip_address == "198.51.100.4"
    assert entry.details["fields"] == ["city", "oid"]


def test_partnership_ending_before_it_starts_gives_a_field_error(world, client_for):
    url = reverse("partners:partnership_edit", kwargs={"slug": world.p1.slug})
    before = stored(world.p1, PARTNERSHIP_FIELDS)

    response = client_for(world.pc_a).post(
        url, partnership_post(world.p1, start_date="2021-01-01", end_date="2020-12-31", acronym="CHANGED")
    )

    assert "not be before" in " ".join(field_errors(response, "end_date"))
    assert stored(world.p1, PARTNERSHIP_FIELDS) == before


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("start_date", "31/31/2020"),
        ("call_year", "1999"),
        ("eu_grant", "-5"),
        ("eu_grant", "lots"),
        ("key_action", "KA9"),
        ("project_number", ""),
    ],
)
def test_invalid_partnership_field_gives_a_field_error(world, client_for, field, value):
    url = reverse("partners:partnership_edit", kwargs={"slug": world.p1.slug})
    before = stored(world.p1, PARTNERSHIP_FIELDS)

    response = client_for(world.pc_a).post(url, partnership_post(world.p1, acronym="CHANGED", **{field: value}))

    assert field_errors(response, field)
    assert stored(world.p1, PARTNERSHIP_FIELDS) == before


def test_valid_partnership_edit_saves_and_audits_the_changed_fields(world, client_for):
    url = reverse("partners:partnership_edit", kwargs={"slug": world.p1.slug})

    response = client_for(world.pc_a).post(url, partnership_post(world.p1, acronym="PONE-2", end_date="2022-12-31"))

    assert response.status_code == 302
    world.p1.refresh_from_db()
    assert (world.p1.acronym, world.p1.end_date) == ("PONE-2", date(2022, 12, 31))
    entry = AuditEntry.objects.get(object_type="partners.partnership", verb=AuditEntry.Verb.UPDATED)
    assert (entry.actor, entry.partnership) == (world.pc_a, world.p1)
    assert entry.details["fields"] == ["acronym", "end_date"]


def new_partnership_post(world, **changes):
    data = {
        "slug": "new-network",
        "title": "A new network",
        "acronym": "NEW",
        "project_number": "2024-1-LT01-KA220-VET-000111",
        "key_action": "KA2",
        "action_type": "Cooperation partnerships in VET (KA220-VET)",
        "call_year": "2024",
        "start_date": "2024-11-01",
        "end_date": "2026-10-31",
        "eu_grant": "250000",
        "objectives": "",
        "coordinator": str(world.org_a.pk),
    }
    data.update(changes)
    return data


def test_new_partnership_with_a_duplicate_project_number_gives_a_field_error(world, client_for):
    partnerships = Partnership.objects.count()

    response = client_for(world.pc_a).post(
        reverse("partners:partnership_create"), new_partnership_post(world, project_number=world.p2.project_number)
    )

    assert field_errors(response, "project_number")
    assert Partnership.objects.count() == partnerships


def test_new_partnership_with_a_duplicate_slug_gives_a_field_error(world, client_for):
    partnerships = Partnership.objects.count()
    response = client_for(world.pc_a).post(
        reverse("partners:partnership_create"), new_partnership_post(world, slug="p2")
    )
    assert field_errors(response, "slug")
    assert Partnership.objects.count() == partnerships


def test_new_partnership_coordinated_by_a_partner_organisation_gives_a_field_error(world, client_for):
    # Only the project coordinator's own organisation may coordinate the new partnership.
    response = client_for(world.pc_a).post(
        reverse("partners:partnership_create"), new_partnership_post(world, coordinator=str(world.org_b.pk))
    )
    assert field_errors(response, "coordinator")
    assert not Partnership.objects.filter(slug="new-network").exists()


def test_valid_new_partnership_is_created_with_its_coordinator_and_audited(world, client_for):
    response = client_for(world.pc_a).post(reverse("partners:partnership_create"), new_partnership_post(world))

    partnership = Partnership.objects.get(slug="new-network")
    assert response.status_code == 302
    assert response["Location"] == partnership.get_absolute_url()
    assert partnership.coordinator == world.org_a
    entry = AuditEntry.objects.get(object_type="partners.partnershipmember", partnership=partnership)
    assert (entry.verb, entry.actor, entry.details) == (AuditEntry.Verb.CREATED, world.pc_a, {"role": "coordinator"})


@pytest.mark.parametrize("value", ["abc", "-1", "1e400", "12345678901234"])
def test_bad_indicator_value_gives_a_field_error_and_keeps_the_value(world, client_for, value):
    indicator = world.indicator_b
    url = reverse("partners:indicator_value", kwargs={"code": indicator.code})

    response = client_for(world.partner_b).post(url, {"current_value": value})

    assert field_errors(response, "current_value")
    fresh = Indicator.objects.get(pk=indicator.pk)
    assert fresh.current_value == Decimal("4")
    assert fresh.value_updated_at is None
    assert not AuditEntry.objects.filter(object_code=str(indicator.code)).exists()


def test_indicator_with_a_bad_target_and_due_date_gives_field_errors(world, client_for):
    indicator = world.indicator_b
    url = reverse("partners:indicator_edit", kwargs={"goal_code": indicator.goal.code, "code": indicator.code})

    response = client_for(world.partner_b).post(
        url,
        {
            "name": "Renamed",
            "unit_choice": "learners",
            "baseline_value": "0",
            "target_value": "ten",
            "current_value": "4",
            "due_date": "2024-02-30",
        },
    )

    assert field_errors(response, "target_value")
    assert field_errors(response, "due_date")
    assert Indicator.objects.get(pk=indicator.pk).name == indicator.name


def test_valid_indicator_edit_audits_the_changed_fields(world, client_for):
    indicator = world.indicator_b
    url = reverse("partners:indicator_edit", kwargs={"goal_code": indicator.goal.code, "code": indicator.code})
    data = {
        "name": "Learners abroad",
        "unit_choice": indicator.unit,
        "baseline_value": str(indicator.baseline_value),
        "target_value": "12",
        "current_value": str(indicator.current_value),
        "due_date": indicator.due_date.isoformat(),
    }

    response = client_for(world.partner_b).post(url, data)

    assert response.status_code == 302
    indicator.refresh_from_db()
    assert (indicator.name, indicator.target_value) == ("Learners abroad", Decimal("12"))
    entry = AuditEntry.objects.get(object_code=str(indicator.code))
    assert entry.details["fields"] == ["name", "target_value"]
    assert (entry.partnership, entry.organisation) == (world.p1, world.org_b)


def test_strategy_period_ending_before_it_starts_gives_a_field_error(world, client_for):
    strategy = world.strategy_b
    url = reverse("partners:strategy_edit", kwargs={"code": strategy.code})

    response = client_for(world.partner_b).post(
        url, {"summary": "Changed", "period_start": "2022-01-01", "period_end": "2021-01-01"}
    )

    assert field_errors(response, "period_end")
    strategy.refresh_from_db()
    assert strategy.summary == "Internationalise the school."


def test_valid_strategy_edit_audits_the_changed_fields(world, client_for):
    strategy = world.strategy_b
    url = reverse("partners:strategy_edit", kwargs={"code": strategy.code})

    response = client_for(world.partner_b).post(
        url, {"summary": "Grow incoming mobility.", "period_start": "2021-01-01", "period_end": ""}
    )

    assert response.status_code == 302
    strategy.refresh_from_db()
    assert strategy.summary == "Grow incoming mobility."
    entry = AuditEntry.objects.get(object_code=str(strategy.code))
    assert entry.details["fields"] == ["period_start", "summary"]


def test_accept_form_with_mismatched_passwords_gives_a_field_error(world, client):
    invitation = world.invitation_b
    url = reverse("partners:invitation_accept", kwargs={"token": invitation.token})

    response = client.post(
        url,
        {
            "first_name": "Nina",
            "last_name": "Novak",
            "password1": "Tulip-harbour-lantern-42",
            "password2": "Tulip-harbour-lantern-43",
        },
    )

    assert "differ" in " ".join(field_errors(response, "password2"))
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_accept_form_without_a_name_gives_field_errors(world, client):
    url = reverse("partners:invitation_accept", kwargs={"token": world.invitation_b.token})
    response = client.post(
        url, {"first_name": "", "last_name": "", "password1": "Tulip-harbour-lantern-42", "password2": ""}
    )
    assert field_errors(response, "first_name")
    assert field_errors(response, "password2")


def test_membership_edit_with_a_forbidden_role_gives_a_field_error(world, client_for):
    membership = world.membership_mentor_b
    url = reverse("partners:membership_edit", kwargs={"code": membership.code})

    response = client_for(world.partner_b).post(url, {"role": "project_coordinator", "is_active": "on"})

    assert field_errors(response, "role")
    membership.refresh_from_db()
    assert membership.role == "mentor"


def test_add_member_with_an_organisation_outside_scope_gives_a_field_error(world, client_for):
    url = reverse("partners:partnership_add_member", kwargs={"slug": world.p1.slug})
    response = client_for(world.pc_a).post(
        url, {"action": "existing", "organisation": str(world.org_c.pk), "role": "partner"}
    )
    assert field_errors(response, "organisation", form="existing_form")
    assert not world.p1.members.filter(organisation=world.org_c).exists()


def test_add_member_twice_gives_a_field_error(world, client_for):
    url = reverse("partners:partnership_add_member", kwargs={"slug": world.p1.slug})
    response = client_for(world.pc_a).post(
        url, {"action": "existing", "organisation": str(world.org_b.pk), "role": "partner"}
    )
    assert field_errors(response, "organisation", form="existing_form")
    assert world.p1.members.filter(organisation=world.org_b).count() == 1


def test_unused_partnership_is_not_touched_by_a_failed_post(world, client_for):
    other = PartnershipFactory()
    before = stored(other, PARTNERSHIP_FIELDS)
    client_for(world.pc_a).post(
        reverse("partners:partnership_create"), new_partnership_post(world, project_number=other.project_number)
    )
    assert stored(other, PARTNERSHIP_FIELDS) == before
