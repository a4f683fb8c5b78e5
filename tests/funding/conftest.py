"""Fixtures for the funding rules.

The migrations seed the Programme Guide's rule sets from funding/seed/, so every test sees them. Worked examples
from a National Agency's published table need rates of their own: `build_rules` saves a rule set with exactly
those rows and returns it loaded as `funding.pricing.Rules`, independent of the seeded sets.
"""

from decimal import Decimal

import pytest

from funding.models import CountryGroup, DailyRate, OrganisationalSupportRate, RuleSet, TravelBand
from funding.pricing import Rules


@pytest.fixture
def build_rules(db):
    """build_rules(daily=[…], bands=[…], groups={"NO": 1}, organisational=[…], **rule set fields) -> Rules.

    Rows are dicts of model fields; the rule set is a confirmed mobility set of a National Agency (DE02, from
    call year 2017) unless told otherwise."""

    def build(*, bands=(), daily=(), groups=None, organisational=(), **fields) -> Rules:
        fields = {
            "scheme": "mobility",
            "from_call_year": 2017,
            "national_agency": "DE02",
            "name": "Rates built by the test",
            "source": "The worked example cited in the test.",
            "confirmed": True,
            **fields,
        }
        rule_set = RuleSet.objects.create(**fields)
        for row in bands:
            TravelBand.objects.create(rule_set=rule_set, **row)
        for row in daily:
            DailyRate.objects.create(rule_set=rule_set, **row)
        for country, group in (groups or {}).items():
            CountryGroup.objects.create(rule_set=rule_set, country=country, group=group)
        for row in organisational:
            OrganisationalSupportRate.objects.create(rule_set=rule_set, **row)
        return Rules(
            rule_set=rule_set,
            bands=tuple(rule_set.bands.order_by("min_km")),
            daily=tuple(rule_set.daily_rates.order_by("participant", "from_day")),
            groups={str(country): group for country, group in rule_set.country_groups.values_list("country", "group")},
            organisational=tuple(rule_set.organisational_rates.order_by("activity", "from_participant")),
        )

    return build


@pytest.fixture
def guide_2021(db) -> RuleSet:
    """The seeded Programme Guide rule set for KA1 VET mobility, calls 2021–2023."""
    return RuleSet.objects.get(scheme="mobility", from_call_year=2021, national_agency="")


@pytest.fixture
def guide_2021_with_learner_rate(guide_2021) -> Rules:
    """The seeded 2021 guide rules plus one learner daily rate for every country group (as an administrator
    adds the National Agency's amount), loaded as `Rules`."""
    DailyRate.objects.create(
        rule_set=guide_2021, participant="learner", country_group=0, from_day=1, amount_per_day=Decimal("50")
    )
    return Rules.load(scheme="mobility", call_year=2022, national_agency="LT01")
