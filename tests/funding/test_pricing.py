"""funding.pricing.price: the grant of one stay, checked against worked examples published by National Agencies
and the Commission (docs/programme-guide-rates.md, "Worked examples") and against the seeded guide rules."""

from decimal import Decimal

import pytest

from funding.models import DailyRate, RuleSet
from funding.pricing import Category, Rules, Stay, price

pytestmark = pytest.mark.django_db


def day_rates(participant: str, *ranges, group: int = 0, confirmed: bool = False) -> list[dict]:
    """Daily-rate rows from (from_day, to_day, amount) ranges; to_day None is "to the end of the stay"."""
    return [
        {
            "participant": participant,
            "country_group": group,
            "from_day": from_day,
            "to_day": to_day,
            "amount_per_day": Decimal(amount),
            "confirmed": confirmed,
        }
        for from_day, to_day, amount in ranges
    ]


def learner_stay(**fields) -> Stay:
    return Stay(
        **{
            "participant": "learner",
            "activity": "any",
            "receiving_country": "FR",
            "distance_km": 600,
            "activity_days": 10,
            **fields,
        }
    )


def line(grant, category):
    (found,) = [line for line in grant.lines if line.category == category]
    return found


def guide(call_year: int, scheme: str = "mobility") -> Rules:
    """The seeded Programme Guide rules for a Lithuanian project of that call year (no LT01 set is seeded)."""
    return Rules.load(scheme=scheme, call_year=call_year, national_agency="LT01")


# --- Individual support: full rate for days 1–14, reduced rate after ------------------------------------------


# NA beim BIBB (German NA), reported 2016 for the 2017 guide ("Quelle: NA beim BIBB"):
# https://www.entwicklungsdienst.de/news/news/mehr-geld-fuer-laengere-auslandsaufenthalte-in-der-berufsbildung/
# "Wer ein viermonatiges Praktikum in Frankreich absolviert, würde 3.140 Euro (statt 2.720 Euro) Zuschuss erhalten.
# Wer einen neunmonatigen Lernaufenthalt in Schweden absolviert, würde 6.904 Euro (statt 5.434 Euro) Zuschuss
# erhalten." Months of 30 days and the rates below are the decomposition in docs/programme-guide-rates.md.
@pytest.mark.parametrize(
    ("country", "days", "full", "reduced", "expected"),
    [("FR", 120, "35", "25", "3140.00"), ("SE", 270, "36", "25", "6904.00")],
    ids=["four-months-in-france", "nine-months-in-sweden"],
)
def test_from_2017_a_long_stay_gets_the_reduced_rate_from_day_15_to_the_end(
    build_rules, country, days, full, reduced, expected
):
    rules = build_rules(daily=day_rates("learner", (1, 14, full), (15, None, reduced)))

    grant = price(learner_stay(receiving_country=country, activity_days=days, travel_days=0), rules)

    assert grant.support == Decimal(expected)
    assert grant.funded_days == days
    assert line(grant, Category.INDIVIDUAL_SUPPORT).working.startswith(
        f"14 days × EUR {full}.00 + {days - 14} days × EUR {reduced}.00"
    )


# Same source: the totals "statt …" are the rule before the 2017 guide (days 15–60 reduced, from day 61 reduced
# again, 18 EUR in both countries in the decomposition).
@pytest.mark.parametrize(
    ("country", "days", "full", "expected"),
    [("FR", 120, "35", "2720.00"), ("SE", 270, "36", "5434.00")],
    ids=["four-months-in-france", "nine-months-in-sweden"],
)
def test_before_2017_a_long_stay_was_reduced_again_from_day_61(build_rules, country, days, full, expected):
    rules = build_rules(
        from_call_year=2014, daily=day_rates("learner", (1, 14, full), (15, 60, "25"), (61, None, "18"))
    )

    grant = price(learner_stay(receiving_country=country, activity_days=days, travel_days=0), rules)

    assert grant.support == Decimal(expected)
    assert f"{days - 60} days × EUR 18.00" in line(grant, Category.INDIVIDUAL_SUPPORT).working


# Polish NA, KA1 school education 2021+, rate table republished by a school:
# https://www.loczluchow.pl/zycie-szkolne/erasmus/o-projekcie/stawki-jednostkowe
# Staff, group 1: 117 EUR/day, from day 15 82 EUR/day; group 2: 104 / 73. 20 days in Norway incl. travel days:
# 14 × 117 + 6 × 82 = 2 130 EUR.
def test_staff_member_twenty_days_in_norway_is_paid_the_group_1_rates(build_rules):
    rules = build_rules(
        national_agency="PL01",
        from_call_year=2021,
        groups={"NO": 1, "FR": 2},
        daily=[
            *day_rates("staff", (1, 14, "117"), (15, None, "82"), group=1),
            *day_rates("staff", (1, 14, "104"), (15, None, "73"), group=2),
        ],
    )
    stay = Stay(
        participant="staff",
        activity="any",
        receiving_country="NO",
        distance_km=1200,
        activity_days=18,
        travel_days=2,
    )

    grant = price(stay, rules)

    assert grant.country_group == 1
    assert grant.funded_days == 20
    assert grant.support == Decimal("2130.00")
    working = line(grant, Category.INDIVIDUAL_SUPPORT).working
    assert "14 days × EUR 117.00 + 6 days × EUR 82.00" in working
    assert "country group 1" in working


def test_days_after_the_last_rate_are_not_funded_and_the_working_says_so():
    # The seeded KA2 2014–2020 learner rates stop at day 60.
    grant = price(learner_stay(activity_days=70, travel_days=0), guide(2019, scheme="cooperation"))

    assert grant.support == Decimal("2610.00")  # 14 × 55 + 46 × 40
    assert "days after day 60 are not funded" in line(grant, Category.INDIVIDUAL_SUPPORT).working


# --- Organisational support: lower from the 101st participant ---------------------------------------------------


# EC NAITDOC wiki, "KA131 Organisational support unit costs" (Programme Guide 2024, page 67):
# https://wikis.ec.europa.eu/spaces/NAITDOC/pages/177047649/KA131+Organisational+support+unit+costs
# "More than 100 = 100 × 400 + (number of participants − 100) × 230 €": for 120 participants 44 600 EUR.
def test_organisational_support_is_400_to_the_100th_participant_and_230_from_the_101st(build_rules):
    rules = build_rules(
        organisational=[
            {"activity": "any", "from_participant": 1, "amount": Decimal("400"), "confirmed": True},
            {"activity": "any", "from_participant": 101, "amount": Decimal("230"), "confirmed": True},
        ]
    )

    grants = {n: price(learner_stay(participant_number=n), rules) for n in range(1, 121)}

    assert sum(g.amount(Category.ORGANISATIONAL_SUPPORT) for g in grants.values()) == Decimal("44600.00")
    assert grants[100].amount(Category.ORGANISATIONAL_SUPPORT) == Decimal("400.00")
    assert grants[101].amount(Category.ORGANISATIONAL_SUPPORT) == Decimal("230.00")
    assert "participant 101 and later" in line(grants[101], Category.ORGANISATIONAL_SUPPORT).working
    assert rules.organisational_thresholds("any") == [101]


# --- Exceptional costs for expensive travel -----------------------------------------------------------------------


# EC Mobility Tool+ wiki, "Exceptional costs for expensive travel":
# https://wikis.ec.europa.eu/pages/diffpagesbyversion.action?pageId=33529687&selectedPageVersions=8&selectedPageVersions=9
# Ticking the box sets the EU travel grant to 0 and up to 80 % of the real travel cost is eligible: a real cost
# of 1 000 EUR gives 800 EUR. The seeded 2014–2020 mobility rules allow 80 %; 600 km is the 275 EUR band.
def test_expensive_travel_replaces_the_band_by_80_percent_of_the_real_cost():
    grant = price(learner_stay(expensive_travel_costs=Decimal("1000")), guide(2019))

    assert grant.amount(Category.EXCEPTIONAL) == Decimal("800.00")
    assert grant.travel == Decimal("0.00")
    assert line(grant, Category.TRAVEL).working == "Replaced by exceptional costs for expensive travel."
    assert line(grant, Category.EXCEPTIONAL).working == (
        "Expensive travel: 80% of the real cost EUR 1 000.00 = EUR 800.00"
    )
    assert not any("expensive" in problem for problem in grant.problems)


# Same source: only when the band covers less than 70 % of the real cost. 275 EUR is 78.6 % of 350 EUR.
def test_expensive_travel_is_refused_when_the_band_covers_70_percent_of_the_real_cost():
    grant = price(learner_stay(expensive_travel_costs=Decimal("350")), guide(2019))

    assert grant.amount(Category.EXCEPTIONAL) == Decimal("0.00")
    assert grant.travel == Decimal("275.00")
    assert any("not exceptionally expensive" in problem for problem in grant.problems)


def test_expensive_travel_is_refused_when_the_band_covers_exactly_70_percent(build_rules):
    rules = build_rules(
        exceptional_costs_percent=Decimal("80"),
        bands=[{"min_km": 500, "max_km": 1999, "standard": Decimal("280")}],
    )

    grant = price(learner_stay(expensive_travel_costs=Decimal("400")), rules)  # 70 % of 400 = 280

    assert grant.travel == Decimal("280.00")
    assert grant.amount(Category.EXCEPTIONAL) == Decimal("0.00")


def test_expensive_travel_is_allowed_when_the_band_covers_just_under_70_percent():
    # 275 / 392.86 = 69.9995 %: the band does not cover 70 % of the real cost (the threshold is 275.002 EUR).
    grant = price(learner_stay(expensive_travel_costs=Decimal("392.86")), guide(2019))

    assert grant.travel == Decimal("0.00")
    assert grant.amount(Category.EXCEPTIONAL) == Decimal("314.29")  # 80 % of 392.86 = 314.288


# --- Seeded rules: travel bands -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call_year", "km", "green", "expected"),
    [
        (2021, 600, True, "320.00"),
        (2021, 600, False, "275.00"),
        (2024, 50, True, "56.00"),
        (2019, 600, False, "275.00"),
    ],
    ids=["2021-green-600km", "2021-standard-600km", "2024-green-50km", "2019-600km"],
)
def test_seeded_guide_rules_price_travel_by_the_band_of_the_call_year(call_year, km, green, expected):
    grant = price(learner_stay(distance_km=km, green_travel=green), guide(call_year))

    assert grant.travel == Decimal(expected)


def test_green_travel_in_a_band_without_a_green_amount_gets_the_standard_amount():
    grant = price(learner_stay(distance_km=50, green_travel=True), guide(2021))

    assert grant.travel == Decimal("23.00")
    assert "no green-travel amount" in line(grant, Category.TRAVEL).working


# --- Travel days --------------------------------------------------------------------------------------------------


# EC NAITDOC wiki, Beneficiary Module, "Funded travel days" (https://wikis.ec.europa.eu/x/UINTC):
# up to 2 travel days with standard travel, up to 6 with green travel (seeded for calls from 2021).
@pytest.mark.parametrize(
    ("green", "funded_travel_days"), [(False, 2), (True, 4)], ids=["standard-travel", "green-travel"]
)
def test_travel_days_are_funded_up_to_the_cap_of_the_kind_of_travel(
    guide_2021_with_learner_rate, green, funded_travel_days
):
    grant = price(learner_stay(activity_days=10, travel_days=4, green_travel=green), guide_2021_with_learner_rate)

    assert grant.funded_days == 10 + funded_travel_days
    assert grant.support == Decimal(50 * (10 + funded_travel_days))
    assert (
        f"{10 + funded_travel_days} days: 10 of activity + {funded_travel_days} of travel"
        in line(grant, Category.INDIVIDUAL_SUPPORT).working
    )


# --- Problems, never a silent 0 -----------------------------------------------------------------------------------


def test_unknown_distance_is_a_problem_not_a_travel_grant_of_0(guide_2021_with_learner_rate):
    grant = price(learner_stay(distance_km=None), guide_2021_with_learner_rate)

    assert not [line for line in grant.lines if line.category == Category.TRAVEL]
    assert any("distance is unknown" in problem for problem in grant.problems)


def test_receiving_country_in_no_country_group_is_a_problem(guide_2021_with_learner_rate):
    grant = price(learner_stay(receiving_country="US"), guide_2021_with_learner_rate)

    assert grant.country_group is None
    assert not [line for line in grant.lines if line.category == Category.INDIVIDUAL_SUPPORT]
    assert any("(US) is in no country group" in problem for problem in grant.problems)


def test_missing_learner_daily_rate_in_the_guide_set_says_the_national_agency_fixes_it():
    grant = price(learner_stay(), guide(2021))

    assert not [line for line in grant.lines if line.category == Category.INDIVIDUAL_SUPPORT]
    (problem,) = [problem for problem in grant.problems if "daily rate" in problem]
    assert "no daily rate for learners in country group 2" in problem
    assert "the National Agency fixes it" in problem


def test_daily_rates_of_country_groups_in_a_rule_set_without_country_groups_are_a_problem_not_a_sum(build_rules):
    # E.g. a National Agency's 2014–2020 rates entered per country group in a set whose groups are not entered yet:
    # which rate applies cannot be known, and adding both would pay 64 + 56 EUR a day.
    rules = build_rules(
        daily=[
            *day_rates("learner", (1, None, "64"), group=1),
            *day_rates("learner", (1, None, "56"), group=2),
        ]
    )

    grant = price(learner_stay(activity_days=10), rules)

    assert grant.support == Decimal("0.00")
    assert any("country group" in problem for problem in grant.problems)


def test_a_stay_without_a_day_of_activity_is_a_problem(guide_2021_with_learner_rate):
    grant = price(learner_stay(activity_days=0), guide_2021_with_learner_rate)

    assert any("no day of activity" in problem for problem in grant.problems)


def test_under_10_km_travel_is_0_with_a_working_that_says_so_and_no_problem(guide_2021_with_learner_rate):
    grant = price(learner_stay(distance_km=8), guide_2021_with_learner_rate)

    travel = line(grant, Category.TRAVEL)
    assert travel.amount == Decimal("0.00")
    assert travel.working == "8 km: below 10 km there is no travel grant."
    assert grant.problems == ()


def test_no_rule_set_for_the_call_year_is_a_problem():
    grant = price(learner_stay(), Rules.load(scheme="mobility", call_year=2013))

    assert grant.lines == ()
    assert grant.problems == ("No funding rules apply to this project's call year.",)


# --- Rounding -----------------------------------------------------------------------------------------------------


def test_a_share_of_real_costs_is_rounded_to_the_cent_half_up(build_rules):
    rules = build_rules(
        exceptional_costs_percent=Decimal("75"),
        bands=[{"min_km": 500, "max_km": 1999, "standard": Decimal("275")}],
    )

    # 75 % of 1 000.06 = 750.045: half up gives 750.05 (half even would give 750.04).
    grant = price(learner_stay(expensive_travel_costs=Decimal("1000.06")), rules)

    assert grant.amount(Category.EXCEPTIONAL) == Decimal("750.05")


# --- Provisional figures ------------------------------------------------------------------------------------------


def test_lines_of_an_unconfirmed_rule_set_are_provisional_but_a_confirmed_daily_rate_is_not(guide_2021):
    assert not guide_2021.confirmed
    DailyRate.objects.create(
        rule_set=guide_2021,
        participant="learner",
        from_day=1,
        amount_per_day=Decimal("50"),
        confirmed=True,
    )

    grant = price(learner_stay(), guide(2021))

    assert line(grant, Category.TRAVEL).provisional
    assert not line(grant, Category.INDIVIDUAL_SUPPORT).provisional
    assert grant.provisional


def test_a_confirmed_rule_set_with_confirmed_rates_gives_no_provisional_line(build_rules):
    rules = build_rules(
        bands=[{"min_km": 500, "max_km": 1999, "standard": Decimal("275")}],
        daily=day_rates("learner", (1, None, "50"), confirmed=True),
        organisational=[{"activity": "any", "from_participant": 1, "amount": Decimal("350"), "confirmed": True}],
    )
    assert RuleSet.objects.get(pk=rules.rule_set.pk).confirmed

    grant = price(learner_stay(), rules)

    assert grant.problems == ()
    assert [line.provisional for line in grant.lines] == [False, False, False]
    assert not grant.provisional
    assert grant.total == Decimal("1125.00")  # 350 + 275 + 10 × 50
