"""The budget pages: what the page and its CSV show, recording costs (field errors, audit rows, forged
organisations), the grant split, and query budgets at two sizes. Cast: tests/reporting/test_budget.py."""

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from mobility.models import Mobility
from partners.models import AuditEntry
from reporting.models import BudgetLine, Cost, GrantAllocation

from .test_budget import build_budget, cost, mobility

L = BudgetLine
D = Decimal
NOW = datetime(2022, 1, 15, 9, 0, tzinfo=UTC)


@pytest.fixture
def bud(world):
    with time_machine.travel(NOW, tick=False):
        yield build_budget(world)


def page(name, **kwargs):
    return reverse(f"reporting:{name}", kwargs={"slug": "p1", **kwargs})


def valid_cost(org, **overrides):
    data = {
        "organisation": org.pk,
        "line": L.MEETINGS,
        "description": "Meeting room, Vilnius",
        "amount": "480.00",
        "incurred_on": "2021-09-01",
        "paid_on": "",
        "reference": "INV-77",
    }
    data.update(overrides)
    return data


# --- the budget page and its CSV ---------------------------------------------------------------------------------


def test_budget_page_shows_the_figures_definitions_and_grant_check(world, bud, client_for):
    body = client_for(world.pc_a).get(page("budget")).content.decode()
    assert "<h1" in body and "<h2" in body
    assert "Remaining = allocated − planned − committed − spent" in body
    assert "80,836.00 EUR of the EU grant is not allocated" in body
    assert "16,630.00" in body  # A's learner-mobility remainder
    assert 'role="progressbar"' in body and 'aria-valuetext="' in body
    # partnership mobility: spent 3,370, committed 1,530 and planned 1,685 of 35,000
    assert "19 % used: 10 % spent, 4 % committed, 5 % planned" in body
    assert reverse("mobility:partnership_budget", kwargs={"slug": "p1"}) in body
    assert reverse("reporting:allocations", kwargs={"slug": "p1"}) in body


def test_partner_page_has_no_grant_check_and_no_other_organisation(world, bud, client_for):
    body = client_for(world.partner_b).get(page("budget")).content.decode()
    assert "Alpha VET" not in body
    assert "not allocated" not in body
    assert "your own organisation only" in body
    assert reverse("reporting:allocations", kwargs={"slug": "p1"}) not in body


def test_csv_has_a_row_per_organisation_and_line_and_totals(world, bud, client_for):
    response = client_for(world.pc_a).get(page("budget_csv"))
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == [
        "Project number",
        "Organisation",
        "Budget line code",
        "Budget line",
        "Allocated (EUR)",
        "Planned, not yet agreed (EUR)",
        "Committed, not yet spent (EUR)",
        "Spent (EUR)",
        "Remaining (EUR)",
    ]
    # 2 organisations × (6 lines + total) + the partnership's 6 lines + total
    assert len(rows) == 1 + 2 * 7 + 7
    by_key = {(row[1], row[2]): row[4:] for row in rows[1:]}
    assert by_key[("Alpha VET", "mobility")] == ["20000.00", "1685.00", "0.00", "1685.00", "16630.00"]
    assert by_key[("Beta College", "dissemination")] == ["2000.00", "0.00", "0.00", "250.50", "1749.50"]
    assert by_key[("All organisations", "total")] == ["56000.00", "1685.00", "3130.00", "4720.50", "46464.50"]
    assert AuditEntry.objects.filter(verb=AuditEntry.Verb.EXPORTED, partnership=world.p1).count() == 1


def test_csv_neutralises_formulas_in_names(world, bud, client_for):
    world.org_b.short_name = "=HYPERLINK(1)"
    world.org_b.save(update_fields=["short_name"])
    text = client_for(world.partner_b).get(page("budget_csv")).content.decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in text
    assert "Alpha VET" not in text


def test_budget_page_and_csv_queries_do_not_grow(world, bud, client_for, django_assert_max_num_queries):
    client = client_for(world.pc_a)
    with django_assert_max_num_queries(20):
        assert client.get(page("budget")).status_code == 200
    for n in range(40):
        mobility(world.p1, world.org_b, world.org_a, Mobility.Status.PLANNED)
        cost(world.p1, world.org_a, L.MANAGEMENT, "12.50", description=f"Stationery {n}")
    with django_assert_max_num_queries(20):
        assert client.get(page("budget")).status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(page("budget_csv")).status_code == 200


# --- recorded costs ------------------------------------------------------------------------------------------------


def test_cost_list_filters_by_organisation_line_and_payment(world, bud, client_for):
    client = client_for(world.pc_a)
    body = client.get(page("cost_list")).content.decode()
    assert "Kick-off venue" in body and "Leaflets" in body and "Gamma meeting" not in body
    body = client.get(page("cost_list") + "?organisation=org-b").content.decode()
    assert "Leaflets" in body and "Kick-off venue" not in body
    body = client.get(page("cost_list") + "?line=meetings&paid=yes").content.decode()
    assert "Catering" in body and "Kick-off venue" not in body and "Leaflets" not in body
    body = client.get(page("cost_list") + "?paid=no").content.decode()
    assert "Kick-off venue" in body and "Insurance" in body and "Catering" not in body


def test_partner_lists_only_their_own_costs(world, bud, client_for):
    body = client_for(world.partner_b).get(page("cost_list")).content.decode()
    assert "Leaflets" in body and "Kick-off venue" not in body


def test_cost_list_is_paginated_with_bounded_queries(world, bud, client_for, django_assert_max_num_queries):
    client = client_for(world.pc_a)
    with django_assert_max_num_queries(16):
        small = client.get(page("cost_list"))
    assert small.status_code == 200
    for n in range(60):
        cost(world.p1, world.org_b, L.MANAGEMENT, "1", description=f"Postage {n}")
    with django_assert_max_num_queries(16):
        large = client.get(page("cost_list"))
    assert large.context["page"].paginator.num_pages == 3
    assert len(large.context["page"].object_list) == 25


def test_recording_a_cost_saves_it_with_an_audit_row(world, bud, client_for):
    client = client_for(world.partner_b)
    with time_machine.travel(NOW, tick=False):
        response = client.post(page("cost_create"), valid_cost(world.org_b, paid_on="2021-09-10"))
    assert response.status_code == 302
    saved = Cost.objects.get(description="Meeting room, Vilnius")
    assert (saved.organisation, saved.amount, saved.recorded_by, saved.is_spent) == (
        world.org_b,
        D("480.00"),
        world.partner_b,
        True,
    )
    entry = AuditEntry.objects.get(verb=AuditEntry.Verb.CREATED, object_code=str(saved.code))
    assert entry.actor == world.partner_b and entry.organisation == world.org_b and entry.partnership == world.p1
    assert entry.details["amount"] == "480.00"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"amount": "-5"}, "amount", "more than 0"),
        ({"amount": "0"}, "amount", "more than 0"),
        ({"amount": "twelve"}, "amount", "Enter an amount in euro"),
        ({"amount": "1.005"}, "amount", "decimal places"),
        ({"amount": "123456789012.00"}, "amount", "digits"),
        ({"incurred_on": "2019-09-30"}, "incurred_on", "within the project period"),
        ({"incurred_on": "2022-07-01"}, "incurred_on", "within the project period"),
        ({"incurred_on": "yesterday"}, "incurred_on", "valid date"),
        ({"paid_on": "2021-08-31"}, "paid_on", "cannot be before the cost date"),
        ({"paid_on": "2022-02-01"}, "paid_on", "cannot be in the future"),
        ({"line": "travel"}, "line", "valid choice"),
        ({"description": ""}, "description", "required"),
    ],
)
def test_bad_input_gives_field_errors(world, bud, client_for, overrides, field, message):
    client = client_for(world.pc_a)
    with time_machine.travel(NOW, tick=False):
        response = client.post(page("cost_create"), valid_cost(world.org_a, **overrides))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    assert message in " ".join(errors[field])
    assert not Cost.objects.filter(description="Meeting room, Vilnius").exists()


def test_a_forged_organisation_is_refused(world, bud, client_for):
    client = client_for(world.partner_b)
    response = client.post(page("cost_create"), valid_cost(world.org_a))
    assert response.status_code == 403
    response = client.post(page("cost_create"), valid_cost(world.org_c))
    assert response.status_code == 403
    assert not Cost.objects.filter(description="Meeting room, Vilnius").exists()


def test_editing_a_cost_records_the_changed_fields(world, bud, client_for):
    target = bud.costs["b_mobility"]
    client = client_for(world.pc_a)
    data = valid_cost(world.org_b, line=L.MOBILITY, description="Insurance", amount="120.00", incurred_on="2021-05-03")
    with time_machine.travel(NOW, tick=False):
        response = client.post(page("cost_edit", code=target.code), data)
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.amount == D("120.00") and target.reference == "INV-77"
    entry = AuditEntry.objects.get(verb=AuditEntry.Verb.UPDATED, object_code=str(target.code))
    assert set(entry.details["fields"]) == {"amount", "reference"}
    assert entry.actor == world.pc_a


def test_partner_cannot_move_their_cost_to_another_organisation(world, bud, client_for):
    target = bud.costs["b_mobility"]
    client = client_for(world.partner_b)
    response = client.post(page("cost_edit", code=target.code), valid_cost(world.org_a))
    assert response.status_code == 403
    target.refresh_from_db()
    assert target.organisation == world.org_b


def test_deleting_a_cost_asks_first_then_deletes_with_an_audit_row(world, bud, client_for):
    target = bud.costs["a_meeting_open"]
    client = client_for(world.pc_a)
    confirm = client.get(page("cost_delete", code=target.code))
    assert confirm.status_code == 200 and "Kick-off venue" in confirm.content.decode()
    assert Cost.objects.filter(pk=target.pk).exists()
    response = client.post(page("cost_delete", code=target.code))
    assert response.status_code == 302
    assert not Cost.objects.filter(pk=target.pk).exists()
    entry = AuditEntry.objects.get(verb=AuditEntry.Verb.DELETED, object_code=str(target.code))
    assert entry.details["description"] == "Kick-off venue" and entry.organisation == world.org_a


# --- the grant split ---------------------------------------------------------------------------------------------


def grid(world, **cells):
    """Every cell of A and B empty except the given ones: {"a_mobility": "100"}."""
    data = {}
    for org, key in ((world.org_a, "a"), (world.org_b, "b")):
        for line in L.values:
            data[f"a-{org.pk}-{line}"] = cells.get(f"{key}_{line}", "")
    return data


def test_grant_split_form_is_prefilled_and_labelled(world, bud, client_for):
    body = client_for(world.pc_a).get(page("allocations")).content.decode()
    assert f'name="a-{world.org_a.pk}-mobility"' in body and 'value="20000.00"' in body
    assert f'<label class="visually-hidden" for="id_a-{world.org_b.pk}-training">' in body
    assert "<caption>" in body


def test_saving_the_grant_split_changes_cells_and_writes_one_audit_row(world, bud, client_for):
    data = grid(world, a_management="10000", a_meetings="6000", a_mobility="20000", b_mobility="15000.50")
    response = client_for(world.pc_a).post(page("allocations"), data)
    assert response.status_code == 302
    cells = {
        (a.organisation.slug, a.line): a.amount
        for a in GrantAllocation.objects.filter(partnership=world.p1).select_related("organisation")
    }
    assert cells == {
        ("org-a", "management"): D("10000"),
        ("org-a", "meetings"): D("6000"),
        ("org-a", "mobility"): D("20000"),
        ("org-b", "mobility"): D("15000.50"),
    }
    entry = AuditEntry.objects.get(verb=AuditEntry.Verb.UPDATED, object_type="partners.partnership")
    assert entry.details["allocations"]["org-a/meetings"] == ["5000.00", "6000"]
    assert entry.details["allocations"]["org-b/training"] == ["1000.00", None]
    assert "org-a/management" not in entry.details["allocations"]


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        ({"a_management": "-1"}, "greater than or equal to 0"),
        ({"a_management": "lots"}, "Enter an amount in euro"),
        ({"a_management": "136836", "b_mobility": "1"}, "more than the EU grant"),
    ],
)
def test_bad_grant_split_gives_errors_and_changes_nothing(world, bud, client_for, cells, message):
    response = client_for(world.pc_a).post(page("allocations"), grid(world, **cells))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert GrantAllocation.objects.filter(partnership=world.p1).count() == 7
    assert not AuditEntry.objects.filter(object_type="partners.partnership", verb=AuditEntry.Verb.UPDATED).exists()


def test_cells_left_out_of_the_request_stay_as_they_are(world, bud, client_for):
    client = client_for(world.pc_a)
    response = client.post(page("allocations"), {f"a-{world.org_b.pk}-training": "1500"})
    assert response.status_code == 302
    assert GrantAllocation.objects.filter(partnership=world.p1).count() == 7
    assert GrantAllocation.objects.get(organisation=world.org_b, line=L.TRAINING).amount == D("1500")
    assert GrantAllocation.objects.get(organisation=world.org_a, line=L.MOBILITY).amount == D("20000")
    assert client.post(page("allocations"), {}).status_code == 302
    assert GrantAllocation.objects.filter(partnership=world.p1).count() == 7


def test_a_split_adding_up_to_the_grant_is_confirmed_on_the_budget_page(world, bud, client_for):
    client = client_for(world.pc_a)
    client.post(page("allocations"), grid(world, a_management="100000", b_mobility="36836"))
    body = client.get(page("budget")).content.decode()
    assert "The allocations add up to the EU grant." in body


def test_dates_outside_the_period_keep_the_form(world, bud, client_for):
    # A cost dated before the project is a field error even for the administrator.
    response = client_for(world.admin).post(
        page("cost_create"), valid_cost(world.org_b, incurred_on=date(2019, 1, 1).isoformat())
    )
    assert response.status_code == 200
    assert "incurred_on" in response.context["form"].errors
