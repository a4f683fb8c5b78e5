"""The admin's "copy" action on rule sets: a National Agency's own set (or a later call year) starts as a copy of
the guide's, with every row, unconfirmed until someone checks it against the grant agreement."""

from decimal import Decimal

import pytest
from django.urls import reverse

from funding.models import RuleSet
from partners.models import AuditEntry

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:funding_ruleset_changelist"
ACTION_LABEL = "Copy for a National Agency or a later call year"


@pytest.fixture
def admin_client_(world, client_for):
    return client_for(world.admin)


@pytest.fixture
def source():
    """The seeded 2021 guide set for KA1 VET, with a learner daily rate (the seed has none) and marked confirmed,
    so that the copy's rows and its confirmation can be told apart."""
    rule_set = RuleSet.objects.get(scheme="mobility", from_call_year=2021, national_agency="")
    rule_set.daily_rates.create(
        participant="learner", country_group=1, from_day=1, to_day=14, amount_per_day=Decimal("64")
    )
    rule_set.daily_rates.create(participant="learner", country_group=1, from_day=15, amount_per_day=Decimal("45"))
    RuleSet.objects.filter(pk=rule_set.pk).update(confirmed=True)
    rule_set.refresh_from_db()
    return rule_set


def rows(rule_set) -> dict:
    return {
        "bands": sorted(rule_set.bands.values_list("min_km", "max_km", "standard", "green")),
        "groups": sorted(rule_set.country_groups.values_list("country", "group")),
        "daily": sorted(
            rule_set.daily_rates.values_list(
                "participant", "country_group", "from_day", "to_day", "amount_per_day", "confirmed"
            )
        ),
        "organisational": sorted(
            rule_set.organisational_rates.values_list("activity", "from_participant", "amount", "confirmed")
        ),
    }


def run_copy(client, *rule_sets, follow=False, **form):
    data = {"action": "copy", "_selected_action": [rule_set.pk for rule_set in rule_sets], **form}
    return client.post(reverse(CHANGELIST), data, follow=follow)


def test_the_rule_set_list_offers_the_copy_action(admin_client_):
    response = admin_client_.get(reverse(CHANGELIST))

    assert response.status_code == 200
    assert ACTION_LABEL in response.content.decode()


def test_choosing_copy_shows_the_form_filled_from_the_rule_set(admin_client_, source):
    response = run_copy(admin_client_, source)

    assert response.status_code == 200
    assert "admin/funding/copy_rule_set.html" in [template.name for template in response.templates]
    form = response.context["form"]
    assert not form.is_bound
    assert form.initial == {"from_call_year": 2021, "name": source.name}
    page = response.content.decode()
    assert 'name="national_agency"' in page
    assert 'name="apply"' in page
    assert RuleSet.objects.count() == 5


def test_applying_the_copy_creates_an_unconfirmed_agency_set_with_every_row_and_an_audit_entry(
    world, admin_client_, source
):
    response = run_copy(
        admin_client_,
        source,
        apply="Copy",
        national_agency="LT01",
        from_call_year="2021",
        name="Lithuanian NA: KA1 VET 2021",
    )

    copy = RuleSet.objects.get(scheme="mobility", from_call_year=2021, national_agency="LT01")
    assert response.status_code == 302
    assert response.url == reverse("admin:funding_ruleset_change", args=[copy.pk])
    assert copy.name == "Lithuanian NA: KA1 VET 2021"
    assert not copy.confirmed
    assert (copy.source, copy.exceptional_costs_percent, copy.travel_days_green) == (
        source.source,
        source.exceptional_costs_percent,
        source.travel_days_green,
    )
    assert rows(copy) == rows(source)
    assert all(rows(copy).values())
    entry = AuditEntry.objects.get(object_type="funding.ruleset", object_code=str(copy.pk))
    assert entry.verb == AuditEntry.Verb.CREATED
    assert entry.actor == world.admin
    assert entry.details == {"copied_from": source.pk}
    # The source is untouched.
    source.refresh_from_db()
    assert source.confirmed
    assert source.national_agency == ""


def test_the_copy_is_announced_on_its_change_page(admin_client_, source):
    response = run_copy(
        admin_client_, source, follow=True, apply="Copy", national_agency="LT01", from_call_year="2021", name="LT01"
    )

    assert response.status_code == 200
    assert "Copied: LT01." in response.content.decode()


def test_a_bad_agency_code_is_a_form_error_and_creates_nothing(admin_client_, source):
    response = run_copy(
        admin_client_, source, apply="Copy", national_agency="lt1", from_call_year="2021", name="Lithuanian copy"
    )

    assert response.status_code == 200
    assert "national_agency" in response.context["form"].errors
    assert RuleSet.objects.count() == 5
    assert not AuditEntry.objects.filter(object_type="funding.ruleset").exists()


def test_copying_onto_an_existing_rule_set_is_a_form_error_and_creates_nothing(admin_client_, source):
    # The guide's 2024 set exists: a copy of the 2021 set for call year 2024 without an agency would clash.
    response = run_copy(admin_client_, source, apply="Copy", national_agency="", from_call_year="2024", name="Again")

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert RuleSet.objects.count() == 5
    assert not AuditEntry.objects.filter(object_type="funding.ruleset").exists()


def test_selecting_two_rule_sets_is_an_error_message_and_creates_nothing(admin_client_, source):
    other = RuleSet.objects.get(scheme="mobility", from_call_year=2024, national_agency="")

    response = run_copy(admin_client_, source, other, follow=True)

    assert response.status_code == 200
    assert "Choose exactly one rule set to copy." in response.content.decode()
    assert RuleSet.objects.count() == 5


def test_a_partner_coordinator_cannot_copy_a_rule_set(world, client_for, source):
    response = run_copy(
        client_for(world.partner_b), source, apply="Copy", national_agency="LT01", from_call_year="2021", name="x"
    )

    assert response.status_code in (302, 403)
    assert RuleSet.objects.count() == 5
