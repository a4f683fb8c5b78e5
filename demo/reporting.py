"""Demo data for reporting: grant allocations and recorded costs for the VISION partnership.

Added by `manage.py seed_demo` through its signal. VISION (2019-1-LT01-KA202-060748) ran 33 months
(2019-10-01 … 2022-06-30) on an EU grant of 136,836 EUR. The split below adds up to exactly that:

| line | KMPMC (coordinator) | Essenia UETP | Nova College | Savo Consortium |
| --- | --- | --- | --- | --- |
| project management (500 / 250 EUR a month × 33) | 16,500 | 8,250 | 8,250 | 8,250 |
| transnational meetings (8 × 575 EUR) | 4,600 | 4,600 | 4,600 | 4,600 |
| joint staff training events | 9,800 | 9,800 | 9,800 | 9,800 |
| learner mobility (blended) | 6,986 | 7,000 | 7,000 | 7,000 |
| multiplier events and dissemination | 3,000 | 1,500 | 1,500 | 1,500 |
| exceptional costs | 1,000 | 500 | 500 | 500 |
| total | 41,886 | 31,650 | 31,650 | 31,650 |

set by the project coordinator through `services.save_allocations` (one audit row), and thirteen costs the
partners recorded through `services.save_cost` (each with its audit row, recorded by the organisation's
coordinator): meetings, management, dissemination and exceptional costs, nine paid (spent), four not yet
(committed), all dated within the project period.

Idempotent: allocations are found by organisation and line, costs by organisation and description; only
what is missing is created and nothing existing is changed, so a second run creates nothing.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from partners.access import clear_scope
from partners.models import Organisation, Partnership, User
from reporting.models import BudgetLine, Cost, GrantAllocation
from reporting.services import budget as services

VISION_PROJECT_NUMBER = "2019-1-LT01-KA202-060748"
ORGANISATIONS = ("kmpmc", "essenia", "nova", "savo")
L = BudgetLine

# line → amount per organisation, in the order of ORGANISATIONS
ALLOCATIONS: dict[str, tuple[str, str, str, str]] = {
    L.MANAGEMENT: ("16500", "8250", "8250", "8250"),
    L.MEETINGS: ("4600", "4600", "4600", "4600"),
    L.TRAINING: ("9800", "9800", "9800", "9800"),
    L.MOBILITY: ("6986", "7000", "7000", "7000"),
    L.DISSEMINATION: ("3000", "1500", "1500", "1500"),
    L.EXCEPTIONAL: ("1000", "500", "500", "500"),
}

CURRENT_PROJECT_NUMBER = "2025-1-LT01-KA122-VET-000123"

# VISION Mobility (KA122-VET): the grant agreement's amounts per category and sending organisation; the
# mobilities' grants stay inside them (the budget page shows no warning), with room for the stays still to plan.
CURRENT_ALLOCATIONS: dict[str, tuple[str, str, str, str]] = {
    L.ORGANISATIONAL_SUPPORT: ("1750", "1750", "1750", "1750"),
    L.TRAVEL: ("1500", "1700", "1600", "1700"),
    L.INDIVIDUAL_SUPPORT: ("11500", "8000", "8000", "7200"),
    L.INCLUSION_ORGANISATIONS: ("250", "125", "125", "125"),
    L.INCLUSION_PARTICIPANTS: ("840", "420", "420", "420"),
    L.PREPARATORY_VISITS: ("1150", "0", "0", "0"),
}
CURRENT_COSTS = [
    ("kmpmc", L.PREPARATORY_VISITS, "Preparatory visit to Salon Bloem, Haarlem: 2 persons × 575 EUR", "1150.00",
     date(2025, 9, 15), date(2025, 10, 1), "KMPMC-2025-201"),
]  # fmt: skip

# (organisation, line, description, amount, incurred on, paid on or None, reference)
COSTS = [
    ("kmpmc", L.MEETINGS, "Kick-off meeting, Kaunas: venue and catering", "1840.00",
     date(2019, 11, 4), date(2019, 11, 20), "KMPMC-2019-114"),
    ("kmpmc", L.MANAGEMENT, "Project website: hosting and domain for three years", "420.00",
     date(2019, 12, 2), date(2019, 12, 10), "KMPMC-2019-131"),
    ("kmpmc", L.DISSEMINATION, "Final conference, Kaunas: room and interpreting", "2350.00",
     date(2022, 6, 1), date(2022, 6, 20), "KMPMC-2022-088"),
    ("kmpmc", L.EXCEPTIONAL, "Audit certificate of the final report", "900.00",
     date(2022, 6, 15), None, ""),
    ("essenia", L.MANAGEMENT, "Translation of the partnership agreement", "310.00",
     date(2019, 10, 20), date(2019, 10, 30), "ESS-19/207"),
    ("essenia", L.MEETINGS, "Second transnational meeting, Salerno: meeting room", "760.00",
     date(2020, 2, 10), date(2020, 2, 28), "ESS-20/031"),
    ("essenia", L.DISSEMINATION, "Project brochure in Italian: design and printing", "680.00",
     date(2021, 11, 15), date(2021, 12, 1), "ESS-21/412"),
    ("nova", L.MEETINGS, "Online partner meetings: video-conference licence", "240.00",
     date(2020, 11, 2), date(2020, 11, 5), "NC-2020-5521"),
    ("nova", L.DISSEMINATION, "National dissemination event, Haarlem: catering", "540.00",
     date(2021, 12, 9), date(2021, 12, 20), "NC-2021-7730"),
    ("nova", L.EXCEPTIONAL, "Travel insurance for the blended-mobility learners", "380.00",
     date(2022, 3, 1), None, ""),
    ("savo", L.MEETINGS, "Third transnational meeting, Kuopio: venue", "1150.00",
     date(2021, 9, 20), date(2021, 10, 5), "SAVO-21-0917"),
    ("savo", L.MANAGEMENT, "Translation of the ECVET instruments into Finnish", "1200.00",
     date(2022, 4, 4), None, ""),
    ("savo", L.DISSEMINATION, "Multiplier event, Kuopio: room and printed materials", "720.00",
     date(2022, 5, 12), None, ""),
]  # fmt: skip


def coordinator(org: str) -> User:
    user = User.objects.get(email=f"coordinator@{org}.example")
    clear_scope(user)
    return user


def seed_reporting_demo(stdout=None) -> None:
    created = seed()
    if stdout is not None:
        stdout.write(f"Reporting demo data: {created} new rows.")


def seed() -> int:
    created = _seed_project(VISION_PROJECT_NUMBER, ALLOCATIONS, COSTS)
    return created + _seed_project(CURRENT_PROJECT_NUMBER, CURRENT_ALLOCATIONS, CURRENT_COSTS)


def _seed_project(project_number: str, allocations: dict, costs: list) -> int:
    partnership = Partnership.objects.filter(project_number=project_number).first()
    if partnership is None:
        return 0
    orgs = {org.slug: org for org in Organisation.objects.filter(slug__in=ORGANISATIONS)}
    existing = set(GrantAllocation.objects.filter(partnership=partnership).values_list("organisation_id", "line"))
    missing = {}
    for line, amounts in allocations.items():
        for slug, amount in zip(ORGANISATIONS, amounts, strict=True):
            key = (orgs[slug].pk, line)
            if key not in existing and Decimal(amount):
                missing[key] = Decimal(amount)
    created = 0
    if missing:
        created += services.save_allocations(partnership, missing, by=coordinator("kmpmc"))
    recorded = set(Cost.objects.filter(partnership=partnership).values_list("organisation__slug", "description"))
    for slug, line, description, amount, incurred_on, paid_on, reference in costs:
        if (slug, description) in recorded:
            continue
        cost = Cost(
            partnership=partnership,
            organisation=orgs[slug],
            line=line,
            description=description,
            amount=Decimal(amount),
            incurred_on=incurred_on,
            paid_on=paid_on,
            reference=reference,
        )
        services.save_cost(cost, by=coordinator(slug))
        created += 1
    return created
