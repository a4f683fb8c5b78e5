"""The money of a stay entered on the mobility form (issue 14): green travel, inclusion support, expensive
travel and the OLS licence are saved, shown and priced; bad amounts are field errors that save nothing."""

from decimal import Decimal

import pytest
from django.urls import reverse

from mobility.models import Mobility
from mobility.services.money import grant_for

from .forms_support import create_url, edit_data, new_mobility_data

pytestmark = pytest.mark.django_db


def edit(client, mobility, **changes):
    return client.post(
        reverse("mobility:mobility_edit", kwargs={"code": mobility.code}), edit_data(mobility, **changes)
    )


def test_the_form_offers_the_grant_fields_with_labels(world, mob, client_for):
    page = client_for(world.partner_b).get(create_url(mob.learner_b1)).content.decode()
    for name, label in (
        ("green_travel", "Green travel"),
        ("inclusion_support_costs", "Inclusion support for the participant (EUR, real costs)"),
        ("expensive_travel_costs", "Real travel cost claimed as exceptional costs (EUR)"),
        ("ols_licence", "Online Language Support licence"),
    ):
        assert f'for="id_{name}"' in page and label in page, name


def test_a_new_mobility_without_the_money_fields_gets_zero_amounts(world, mob, client_for):
    data = new_mobility_data(mob.learner_b1, world.p1, world.org_a)
    del data["inclusion_support_costs"], data["expensive_travel_costs"]
    response = client_for(world.partner_b).post(create_url(mob.learner_b1), data)
    assert response.status_code == 302
    mobility = Mobility.objects.exclude(pk=mob.m_b_to_a.pk).get(learner=mob.learner_b1)
    assert (mobility.inclusion_support_costs, mobility.expensive_travel_costs) == (0, 0)
    assert not mobility.green_travel and not mobility.ols_licence


def test_green_travel_inclusion_costs_and_ols_are_saved_and_priced(world, mob, client_for):
    mobility = mob.m_a_to_b
    response = edit(
        client_for(world.pc_a),
        mobility,
        green_travel="on",
        travel_days="4",
        inclusion_support_costs="420.00",
        ols_licence="on",
        distance_km="1300",
    )
    assert response.status_code == 302, response.context["form"].errors
    mobility.refresh_from_db()
    assert mobility.green_travel and mobility.ols_licence and mobility.travel_days == 4
    assert mobility.inclusion_support_costs == Decimal("420.00")
    grant = grant_for(mobility)
    assert grant.amount("inclusion_part") == Decimal("420.00")
    # The project is KA2 of the 2014–2020 calls: no green amount, and 1 + 1 travel days funded.
    assert grant.funded_days == mobility.duration_days + 2
    page = client_for(world.pc_a).get(mobility.get_absolute_url()).content.decode()
    assert "green travel" in page and "licence assigned" in page
    assert "Real costs: EUR 420.00" in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("inclusion_support_costs", "-5", "greater than or equal to 0"),
        ("expensive_travel_costs", "12.345", "no more than 2 decimal places"),
        ("inclusion_support_costs", "a lot", "Enter a number"),
        ("travel_days", "7", "less than or equal to 6"),
    ],
)
def test_bad_amounts_are_field_errors_and_save_nothing(world, mob, client_for, field, value, message):
    mobility = mob.m_a_to_b
    before = Mobility.objects.values().get(pk=mobility.pk)
    response = edit(client_for(world.pc_a), mobility, **{field: value})
    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors[field])
    assert Mobility.objects.values().get(pk=mobility.pk) == before


def test_the_grant_is_shown_to_the_sending_side_not_to_the_host_or_the_mentor(world, mob, client_for):
    # The working names inclusion support for a participant with fewer opportunities: the sending side's.
    mobility = mob.m_a_to_b  # A sends to B; B's staff host, mentor_b mentors
    Mobility.objects.filter(pk=mobility.pk).update(inclusion_support_costs=Decimal("420"))
    for user, shown in ((world.pc_a, True), (world.partner_b, False), (world.mentor_b, False), (world.admin, True)):
        page = client_for(user).get(mobility.get_absolute_url())
        assert page.status_code == 200
        html = page.content.decode()
        assert ('data-testid="mobility-money"' in html) is shown, user
        assert ("Real costs: EUR 420.00" in html) is shown, user
