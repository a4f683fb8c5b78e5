"""The budget of a KA1 mobility project (issue 14, points 1 and 2): KA1 categories, planned / committed /
spent per category and organisation from the funding rules, warnings only past a real limit — and the same
sums at 25,000 mobilities from one aggregate query (the budget is priced in groups, not row by row)."""

from collections import Counter
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from funding.models import DailyRate, RuleSet
from funding.services import copy_rule_set
from mobility.models import Learner, Mobility
from mobility.services.money import grant_for
from partners.models import Partnership
from partners.models.people import Role
from reporting.models import BudgetLine, Cost, GrantAllocation
from reporting.services.budget import budget_for
from tests.factories import MembershipFactory, OrganisationFactory, PartnershipFactory
from tests.factories_mobility import LearnerFactory, MobilityFactory

pytestmark = pytest.mark.django_db

S = Mobility.Status
PLACES = {
    "kaunas": {"city": "Kaunas", "country": "LT", "latitude": Decimal("54.898521"), "longitude": Decimal("23.903597")},
    "salerno": {
        "city": "Salerno",
        "country": "IT",
        "latitude": Decimal("40.682441"),
        "longitude": Decimal("14.768096"),
    },
    "haarlem": {"city": "Haarlem", "country": "NL", "latitude": Decimal("52.387386"), "longitude": Decimal("4.646219")},
    "kuopio": {"city": "Kuopio", "country": "FI", "latitude": Decimal("62.892500"), "longitude": Decimal("27.677000")},
}
# The National Agency's daily rates for learners (demo-like figures): country group → (days 1–14, from day 15).
RATES = {1: (Decimal("77"), Decimal("54")), 2: (Decimal("68"), Decimal("48")), 3: (Decimal("60"), Decimal("42"))}


@pytest.fixture
def ka122():
    """A 2025 KA122-VET project of the Lithuanian NA, four schools with coordinates, the agency's rule set."""
    orgs = {name: OrganisationFactory(slug=name, short_name=name.title(), **place) for name, place in PLACES.items()}
    project = PartnershipFactory(
        slug="ka122",
        project_number="2025-1-LT01-KA122-VET-000999",
        call_year=2025,
        action=Partnership.Action.KA122_VET,
        key_action=Partnership.KeyAction.KA1,
        start_date=date(2025, 6, 1),
        end_date=date(2027, 8, 31),
        eu_grant=Decimal("100000"),
        coordinator=orgs["kaunas"],
        partners=[orgs["salerno"], orgs["haarlem"], orgs["kuopio"]],
    )
    guide = RuleSet.objects.get(scheme="mobility", from_call_year=2024, national_agency="")
    agency = copy_rule_set(guide, by=None, national_agency="LT01", from_call_year=2025, name="LT01 test rates")
    for group, (full, reduced) in RATES.items():
        DailyRate.objects.create(
            rule_set=agency, participant="learner", country_group=group, from_day=1, to_day=14, amount_per_day=full
        )
        DailyRate.objects.create(
            rule_set=agency, participant="learner", country_group=group, from_day=15, amount_per_day=reduced
        )
    coordinator = MembershipFactory(organisation=orgs["kaunas"], role=Role.PROJECT_COORDINATOR).user
    return project, orgs, coordinator


def send(project, sending, receiving, **kwargs):
    return MobilityFactory(
        partnership=project,
        learner=kwargs.pop("learner", None) or LearnerFactory(home_organisation=sending),
        sending_organisation=sending,
        receiving_organisation=receiving,
        start_date=kwargs.pop("start_date", date(2026, 3, 2)),
        end_date=kwargs.pop("end_date", date(2026, 3, 29)),  # 28 days
        **kwargs,
    )


def lines_of(budget, organisation):
    [org] = [org for org in budget.organisations if org.organisation == organisation]
    return org.lines


def set_status(mobility, status):
    # A completed ECVET stay counts as spent with its assessment or a recorded reason (ecvet.chain).
    Mobility.objects.filter(pk=mobility.pk).update(status=status, no_assessment_reason="The host closed early.")


def test_a_ka1_project_budget_has_the_ka1_categories_not_the_ka2_lines(ka122, client_for):
    project, orgs, coordinator = ka122
    response = client_for(coordinator).get(reverse("reporting:budget", kwargs={"slug": project.slug}))
    assert response.status_code == 200
    html = response.content.decode()
    for label in (
        "Organisational support",
        "Individual support",
        "Inclusion support for organisations",
        "Preparatory visits",
    ):
        assert label in html
    assert "Transnational project meetings" not in html
    assert "Multiplier events" not in html


def test_each_category_counts_planned_committed_and_spent_from_the_mobilities_status(ka122):
    project, orgs, coordinator = ka122
    kaunas, salerno = orgs["kaunas"], orgs["salerno"]
    draft = send(project, kaunas, salerno)
    agreed = send(project, kaunas, salerno)
    completed = send(project, kaunas, salerno)
    cancelled = send(project, kaunas, salerno)
    set_status(agreed, S.AGREED)
    set_status(completed, S.COMPLETED)
    set_status(cancelled, S.CANCELLED)

    lines = lines_of(budget_for(project, coordinator), kaunas)
    # Kaunas → Salerno, ~1,718 km: 500–1999 km, 309 EUR (2024 table); Italy is group 2: 30 funded days =
    # 14 × 68 + 16 × 48 = 1,720; organisational support 350 (all other activities).
    one = grant_for(draft)
    assert (one.travel, one.support, one.amount("org_support")) == (Decimal("309"), Decimal("1720"), Decimal("350"))
    for category, amount in (("travel", 309), ("indiv_support", 1720), ("org_support", 350)):
        figures = lines[category]
        assert (figures.planned, figures.committed, figures.spent) == (amount, amount, amount), category
    assert lines["inclusion_org"].used == 0  # nobody with fewer opportunities


def test_inclusion_support_green_travel_and_expensive_travel_land_in_their_categories(ka122):
    project, orgs, coordinator = ka122
    learner = LearnerFactory(home_organisation=orgs["kaunas"], fewer_opportunities=True)
    send(project, orgs["kaunas"], orgs["haarlem"], learner=learner, inclusion_support_costs=Decimal("420"))
    send(project, orgs["kaunas"], orgs["haarlem"], green_travel=True, travel_days=4)
    send(project, orgs["kaunas"], orgs["kuopio"], expensive_travel_costs=Decimal("900"))

    lines = lines_of(budget_for(project, coordinator), orgs["kaunas"])
    assert lines["inclusion_org"].planned == Decimal("125")  # 2024 rules, per participant with fewer opportunities
    assert lines["inclusion_part"].planned == Decimal("420")  # real costs
    # Travel: 309 standard + 417 green (500–1999 km) + 0 (replaced by exceptional costs: 80 % of 900 = 720,
    # since 309 covers less than 70 % of 900).
    assert lines["travel"].planned == Decimal("309") + Decimal("417")
    assert lines["exceptional"].planned == Decimal("720")


def test_a_category_within_the_allowed_transfers_is_information_and_past_them_a_warning(ka122):
    project, orgs, coordinator = ka122
    send(project, orgs["kaunas"], orgs["salerno"])
    kaunas = orgs["kaunas"]
    GrantAllocation.objects.create(
        partnership=project, organisation=kaunas, line=BudgetLine.TRAVEL, amount=Decimal("300")
    )
    GrantAllocation.objects.create(
        partnership=project, organisation=kaunas, line=BudgetLine.INDIVIDUAL_SUPPORT, amount=Decimal("5000")
    )
    GrantAllocation.objects.create(
        partnership=project, organisation=kaunas, line=BudgetLine.ORGANISATIONAL_SUPPORT, amount=Decimal("350")
    )

    budget = budget_for(project, coordinator)
    # No transfer limit in the KA1 rules (none found in any source): travel 9 EUR above its amount is a transfer.
    assert [check.line for check in budget.transfers] == ["travel"]
    assert budget.warnings == [] and budget.over_grant == 0

    RuleSet.objects.filter(national_agency="LT01").update(transfer_limit_percent=Decimal("2"))
    budget = budget_for(project, coordinator)
    [warning] = budget.warnings  # 9 > 2 % of 300 = 6
    assert (warning.line, warning.excess, warning.allowed) == ("travel", Decimal("9"), Decimal("6.00"))


def test_passing_the_eu_grant_is_a_warning_and_the_page_says_it(ka122, client_for):
    project, orgs, coordinator = ka122
    Partnership.objects.filter(pk=project.pk).update(eu_grant=Decimal("1000"))
    send(project, orgs["kaunas"], orgs["salerno"])  # 2,379 EUR
    html = client_for(coordinator).get(reverse("reporting:budget", kwargs={"slug": project.slug})).content.decode()
    assert "passes the EU grant by 1,379.00 EUR" in html


def test_the_grant_split_and_costs_take_only_the_projects_categories(ka122, client_for):
    project, orgs, coordinator = ka122
    client = client_for(coordinator)
    response = client.get(reverse("reporting:allocations", kwargs={"slug": project.slug}))
    assert "Preparatory visits" in response.content.decode()
    assert "Transnational project meetings" not in response.content.decode()
    form = client.get(reverse("reporting:cost_create", kwargs={"slug": project.slug})).context["form"]
    assert [value for value, _label in form.fields["line"].choices if value] == [
        "org_support",
        "travel",
        "indiv_support",
        "inclusion_org",
        "inclusion_part",
        "course_fees",
        "exceptional",
        "prep_visits",
    ]


def test_a_recorded_preparatory_visit_counts_on_its_category(ka122):
    project, orgs, coordinator = ka122
    Cost.objects.create(
        partnership=project,
        organisation=orgs["kaunas"],
        line=BudgetLine.PREPARATORY_VISITS,
        description="Preparatory visit",
        amount=Decimal("1150"),
        incurred_on=date(2025, 9, 15),
        paid_on=date(2025, 10, 1),
    )
    lines = lines_of(budget_for(project, coordinator), orgs["kaunas"])
    assert lines["prep_visits"].spent == Decimal("1150")


# --- 25,000 mobilities ------------------------------------------------------------------------------------------

ORDER = ["kaunas", "salerno", "haarlem", "kuopio"]
STATUSES = [S.DRAFT, S.PLANNED, S.AGREED, S.IN_MOBILITY, S.COMPLETED, S.CANCELLED]
BUCKET = {
    S.DRAFT: "planned",
    S.PLANNED: "planned",
    S.AGREED: "committed",
    S.IN_MOBILITY: "committed",
    S.COMPLETED: "spent",
}


def bulk_mobilities(project, orgs, start: int, count: int, learners) -> None:
    """`count` mobilities numbered from `start`: the organisations, length, green travel and status vary with the
    number, so that the groups of the budget query are many (pairs × lengths × travel × status)."""
    rows = []
    for i in range(start, start + count):
        sending = ORDER[i % 4]
        receiving = ORDER[(i % 4 + 1 + (i // 4) % 3) % 4]
        first = date(2026, 1, 5) + timedelta(days=i % 300)
        rows.append(
            Mobility(
                partnership=project,
                learner=learners[i % len(learners)],
                sending_organisation=orgs[sending],
                receiving_organisation=orgs[receiving],
                start_date=first,
                end_date=first + timedelta(days=4 + i % 60),  # 5 to 64 days
                green_travel=i % 7 == 0,
                travel_days=4 if i % 7 == 0 else 2,
                status=STATUSES[i % len(STATUSES)],
                uses_ecvet=False,  # completed means completed (no assessment to wait for, ecvet.chain)
            )
        )
    Mobility.objects.bulk_create(rows, batch_size=2000)


def expected(project, orgs, coordinator, start, count, learners):
    """The sums the budget must show, from first principles: each mobility priced on its own with the same
    rules (no query per mobility: its organisations are known), summed per category and bucket."""
    from funding.pricing import Stay, price
    from funding.projects import organisation_distance_km, rules_for

    rules = rules_for(project)
    out = Counter()
    for i in range(start, start + count):
        status = STATUSES[i % len(STATUSES)]
        if status == S.CANCELLED:
            continue
        sending, receiving = orgs[ORDER[i % 4]], orgs[ORDER[(i % 4 + 1 + (i // 4) % 3) % 4]]
        stay = Stay(
            participant="learner",
            activity="any",
            receiving_country=str(receiving.country),
            distance_km=organisation_distance_km(sending, receiving),
            activity_days=5 + i % 60,
            travel_days=4 if i % 7 == 0 else 2,
            green_travel=i % 7 == 0,
            fewer_opportunities=learners[i % len(learners)].fewer_opportunities,
        )
        for line in price(stay, rules).lines:
            out[(line.category, BUCKET[status])] += line.amount
    return out


def observed(budget) -> Counter:
    out = Counter()
    for org in budget.organisations:
        for category, figures in org.lines.items():
            for bucket in ("planned", "committed", "spent"):
                if getattr(figures, bucket):
                    out[(category, bucket)] += getattr(figures, bucket)
    return out


def test_the_budget_of_25000_mobilities_adds_up_from_one_grouped_query(ka122):
    project, orgs, coordinator = ka122
    learners = Learner.objects.bulk_create(
        Learner(
            home_organisation=orgs[ORDER[n % 4]],
            first_name="Learner",
            last_name=f"No {n}",
            date_of_birth=date(2005, 1, 1),
            gender=Learner.Gender.FEMALE,
            nationality="LT",
            email=f"scale{n}@example.org",
            fewer_opportunities=n % 5 == 0,
        )
        for n in range(500)
    )

    bulk_mobilities(project, orgs, 0, 60, learners)
    budget_for(project, coordinator)  # the user's scope is cached after the first call
    with CaptureQueriesContext(connection) as small_queries:
        small = budget_for(project, coordinator)
    assert observed(small) == expected(project, orgs, coordinator, 0, 60, learners)

    bulk_mobilities(project, orgs, 60, 25_000 - 60, learners)
    assert Mobility.objects.filter(partnership=project).count() == 25_000
    with CaptureQueriesContext(connection) as large_queries:
        large = budget_for(project, coordinator)
    assert len(large_queries) == len(small_queries)
    assert observed(large) == expected(project, orgs, coordinator, 0, 25_000, learners)
    # Sanity of the arithmetic behind it: 20,834 counted mobilities (every sixth is cancelled) × 350.
    counted = sum(1 for i in range(25_000) if STATUSES[i % 6] != S.CANCELLED)
    assert large.total.used > 0
    assert sum(org.lines["org_support"].used for org in large.organisations) == counted * Decimal("350")
