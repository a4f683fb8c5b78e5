"""The budget demo data added to `seed_demo`: the VISION grant split adding up to the EU grant, a dozen recorded
costs of the four partners (some paid), each with its audit row; idempotent."""

from collections import Counter
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command
from django.db.models import Sum

from partners.models import AuditEntry, Partnership
from reporting.models import KA2_LINES, BudgetLine, Cost, GrantAllocation
from reporting.services import budget as services

pytestmark = pytest.mark.django_db

TODAY = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
VISION = "2019-1-LT01-KA202-060748"


@pytest.fixture
def vision(demo):
    return Partnership.objects.get(project_number=VISION)


def test_allocations_add_up_to_the_eu_grant_across_every_line(vision):
    allocations = GrantAllocation.objects.filter(partnership=vision)
    assert allocations.aggregate(total=Sum("amount"))["total"] == Decimal("136836.00") == vision.eu_grant
    assert allocations.count() == 24  # four organisations × six lines
    assert {a.line for a in allocations} == set(KA2_LINES)
    per_org = dict(allocations.values_list("organisation__slug").annotate(total=Sum("amount")))
    assert per_org == {
        "kmpmc": Decimal("41886.00"),
        "essenia": Decimal("31650.00"),
        "nova": Decimal("31650.00"),
        "savo": Decimal("31650.00"),
    }


def test_the_budget_page_confirms_the_split(vision):
    from partners.models import User

    coordinator = User.objects.get(email="coordinator@kmpmc.example")
    result = services.budget_for(vision, coordinator)
    assert result.sees_all and result.allocations_match_grant


def test_a_dozen_costs_paid_and_unpaid_recorded_by_each_coordinator(vision):
    costs = list(Cost.objects.filter(partnership=vision).select_related("organisation", "recorded_by"))
    assert 12 <= len(costs) <= 14
    assert Counter(c.organisation.slug for c in costs).keys() == {"kmpmc", "essenia", "nova", "savo"}
    assert {c.line for c in costs} == {
        BudgetLine.MEETINGS,
        BudgetLine.MANAGEMENT,
        BudgetLine.DISSEMINATION,
        BudgetLine.EXCEPTIONAL,
    }
    assert any(c.is_spent for c in costs) and any(not c.is_spent for c in costs)
    for c in costs:
        assert c.recorded_by.email == f"coordinator@{c.organisation.slug}.example"
        assert date(2019, 10, 1) <= c.incurred_on <= date(2022, 6, 30)
        assert c.paid_on is None or c.incurred_on <= c.paid_on <= date(2022, 6, 30)
    audited = set(
        AuditEntry.objects.filter(
            verb=AuditEntry.Verb.CREATED, object_type="reporting.cost", partnership=vision
        ).values_list("object_code", flat=True)
    )
    assert audited == {str(c.code) for c in costs}


def test_seeding_twice_creates_nothing(vision):
    before = (
        GrantAllocation.objects.count(),
        Cost.objects.count(),
        AuditEntry.objects.filter(object_type__in=["reporting.cost", "partners.partnership"]).count(),
        list(GrantAllocation.objects.order_by("pk").values_list("amount", "updated_at")),
    )
    with time_machine.travel(TODAY, tick=False):
        call_command("seed_demo", verbosity=0)
    after = (
        GrantAllocation.objects.count(),
        Cost.objects.count(),
        AuditEntry.objects.filter(object_type__in=["reporting.cost", "partners.partnership"]).count(),
        list(GrantAllocation.objects.order_by("pk").values_list("amount", "updated_at")),
    )
    assert after == before
