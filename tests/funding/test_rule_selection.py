"""Which rule set prices which project (funding.projects.rules_for), and the seed files the rule sets come from."""

from decimal import Decimal

import pytest

from funding import seed
from funding.models import CountryGroup, DailyRate, OrganisationalSupportRate, RuleSet, TravelBand
from funding.pricing import Stay, price
from funding.projects import rules_for
from tests.factories import PartnershipFactory

pytestmark = pytest.mark.django_db


def project(number: str, action: str):
    return PartnershipFactory(project_number=number, call_year=int(number[:4]), action=action)


def rule_set_key(rules):
    rule_set = rules.rule_set
    return (rule_set.scheme, rule_set.from_call_year, rule_set.national_agency)


@pytest.mark.parametrize(
    ("number", "action", "expected"),
    [
        ("2019-1-LT01-KA202-060748", "KA202", ("cooperation", 2014, "")),
        ("2019-1-LT01-KA102-060123", "KA102", ("mobility", 2014, "")),
        ("2022-1-LT01-KA122-VET-000123", "KA122-VET", ("mobility", 2021, "")),
        ("2025-1-LT01-KA122-VET-000456", "KA122-VET", ("mobility", 2024, "")),
        ("2022-1-LT01-KA220-VET-000789", "KA220-VET", ("cooperation", 2021, "")),
    ],
    ids=["2019-KA202", "2019-KA102", "2022-KA122-VET", "2025-KA122-VET", "2022-KA220-VET"],
)
def test_a_project_is_priced_by_the_guide_rules_of_its_action_and_call_year(number, action, expected):
    assert rule_set_key(rules_for(project(number, action))) == expected


@pytest.fixture
def lt01_2025():
    return RuleSet.objects.create(
        scheme="mobility",
        from_call_year=2025,
        national_agency="LT01",
        name="Lithuanian NA, KA1 VET, call 2025",
        source="Grant agreement, Annex IV.",
    )


def test_a_national_agencys_own_rule_set_prices_that_agencys_projects(lt01_2025):
    rules = rules_for(project("2025-1-LT01-KA122-VET-000001", "KA122-VET"))

    assert rules.rule_set == lt01_2025


def test_another_agencys_project_keeps_the_guide_rules(lt01_2025):
    rules = rules_for(project("2025-1-DE02-KA122-VET-000002", "KA122-VET"))

    assert rule_set_key(rules) == ("mobility", 2024, "")


def test_an_agencys_older_rule_set_does_not_beat_a_later_guide_rule_set():
    RuleSet.objects.create(
        scheme="mobility", from_call_year=2021, national_agency="LT01", name="LT01 2021", source="Annex IV."
    )

    rules = rules_for(project("2025-1-LT01-KA122-VET-000003", "KA122-VET"))

    assert rule_set_key(rules) == ("mobility", 2024, "")


def test_an_agencys_rule_set_wins_over_the_guide_set_of_the_same_year():
    own = RuleSet.objects.create(
        scheme="mobility", from_call_year=2024, national_agency="LT01", name="LT01 2024", source="Annex IV."
    )

    assert rules_for(project("2025-1-LT01-KA122-VET-000004", "KA122-VET")).rule_set == own


def test_a_mobility_in_a_lump_sum_cooperation_partnership_has_problems_not_a_silent_0():
    rules = rules_for(project("2022-1-LT01-KA220-VET-000005", "KA220-VET"))
    stay = Stay(participant="learner", activity="any", receiving_country="FR", distance_km=600, activity_days=10)

    grant = price(stay, rules)

    assert grant.total == Decimal("0.00")
    assert any("has no distance bands" in problem for problem in grant.problems)
    assert any("no daily rate for learners" in problem for problem in grant.problems)


# --- The seed files -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", seed.files(), ids=lambda path: path.name)
def test_every_seed_file_names_its_programme_guide_source(path):
    header = []
    for text in path.read_text(encoding="utf-8").splitlines():
        if not text.startswith("#"):
            break
        header.append(text)
    data = seed.read(path)

    assert "Programme Guide" in "\n".join(header)
    assert data["source"].strip()
    assert data["name"].strip()


def test_there_is_a_seed_file_for_each_scheme_and_period():
    keys = {(seed.read(path)["scheme"], seed.read(path)["from_call_year"]) for path in seed.files()}

    assert keys == {
        ("cooperation", 2014),
        ("cooperation", 2021),
        ("mobility", 2014),
        ("mobility", 2021),
        ("mobility", 2024),
    }


def row_counts():
    return [
        model.objects.count() for model in (RuleSet, TravelBand, CountryGroup, DailyRate, OrganisationalSupportRate)
    ]


def test_loading_the_seed_twice_creates_nothing_the_second_time():
    RuleSet.objects.all().delete()

    created = seed.load()
    counts = row_counts()

    assert len(created) == len(seed.files())
    assert seed.load() == []
    assert row_counts() == counts


def test_the_seeded_rule_sets_are_there_after_migrating():
    assert seed.load() == []


def test_loading_the_seed_keeps_an_administrators_correction():
    rule_set = RuleSet.objects.get(scheme="mobility", from_call_year=2024, national_agency="")
    rule_set.name = "Corrected by an administrator"
    rule_set.save(update_fields=["name"])
    TravelBand.objects.filter(rule_set=rule_set, min_km=10).update(standard=Decimal("30"))

    seed.load()

    rule_set.refresh_from_db()
    assert rule_set.name == "Corrected by an administrator"
    assert rule_set.bands.get(min_km=10).standard == Decimal("30.00")
