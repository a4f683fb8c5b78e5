"""Erasmus+ project numbers (partners.project_number) and what a partnership takes from its number."""

import pytest
from django.core.exceptions import ValidationError

from partners.project_number import ProjectNumber, parse
from tests.factories import PartnershipFactory


def test_a_2014_2020_number_gives_year_round_agency_action_and_serial():
    assert parse("2019-1-LT01-KA202-060748") == ProjectNumber(
        call_year=2019, round=1, national_agency="LT01", action="KA202", serial="060748"
    )


def test_a_number_from_2021_carries_the_field_in_the_action():
    assert parse("2025-2-DE02-KA122-VET-000123456") == ProjectNumber(
        call_year=2025, round=2, national_agency="DE02", action="KA122-VET", serial="000123456"
    )


def test_lower_case_and_surrounding_spaces_are_read_as_the_official_number():
    assert parse("  2022-1-lt01-ka220-vet-000089765 ") == parse("2022-1-LT01-KA220-VET-000089765")
    assert parse("2022-1-lt01-ka220-vet-000089765").action == "KA220-VET"


@pytest.mark.parametrize(
    "number",
    [
        "",
        None,
        "VISION",
        "2019-LT01-KA202-060748",  # no round
        "2019-1-LT1-KA202-060748",  # agency without two digits
        "2019-1-LT01-KA20-060748",  # action too short
        "2019-1-LT01-KA202-06074",  # serial too short
        "2025-1-LT01-KA122-VOCATIONAL-000123",  # field too long
        "19-1-LT01-KA202-060748",  # two-digit year
        "2019-1-LT01-KA202-060748-X",  # trailing part
    ],
)
def test_a_malformed_number_is_not_parsed(number):
    assert parse(number) is None


@pytest.mark.parametrize(
    ("number", "tool"),
    [
        ("2014-1-LT01-KA102-000001", "mtplus"),
        ("2020-1-LT01-KA202-077777", "mtplus"),
        ("2021-1-LT01-KA122-VET-000001", "bm"),
        ("2025-1-LT01-KA121-VET-000001", "bm"),
    ],
)
def test_calls_to_2020_report_in_mobility_tool_and_later_ones_in_the_beneficiary_module(number, tool):
    assert parse(number).reporting_tool == tool


@pytest.mark.django_db
@pytest.mark.parametrize(("call_year", "tool"), [(2020, "mtplus"), (2021, "bm")])
def test_a_partnership_reports_in_the_tool_of_its_call_year(call_year, tool):
    partnership = PartnershipFactory.build(project_number=f"{call_year}-1-LT01-KA202-000001", call_year=call_year)

    assert partnership.reporting_tool == tool


# --- Partnership.full_clean ---------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["other", ""], ids=["other", "blank"])
def test_the_action_is_read_from_the_project_number_when_left_open(action):
    partnership = PartnershipFactory.build(project_number="2022-1-LT01-KA122-VET-000123", call_year=2022, action=action)

    partnership.full_clean()

    assert partnership.action == "KA122-VET"
    assert partnership.is_mobility_project
    assert partnership.national_agency == "LT01"


@pytest.mark.django_db
def test_a_call_year_the_number_contradicts_is_an_error_on_the_call_year():
    partnership = PartnershipFactory.build(project_number="2019-1-LT01-KA202-060748", call_year=2020, action="KA202")

    with pytest.raises(ValidationError) as raised:
        partnership.full_clean()

    assert set(raised.value.message_dict) == {"call_year"}
    assert raised.value.message_dict["call_year"] == ["The project number says call year 2019."]


@pytest.mark.django_db
def test_an_action_the_number_contradicts_is_an_error_on_the_action():
    partnership = PartnershipFactory.build(project_number="2019-1-LT01-KA202-060748", call_year=2019, action="KA102")

    with pytest.raises(ValidationError) as raised:
        partnership.full_clean()

    assert set(raised.value.message_dict) == {"action"}
    assert raised.value.message_dict["action"] == ["The project number says KA202."]


@pytest.mark.django_db
def test_a_number_without_the_official_shape_leaves_the_action_other():
    partnership = PartnershipFactory.build(project_number="VISION-2019", call_year=2019, action="")

    partnership.full_clean()

    assert partnership.action == "other"
    assert partnership.national_agency == ""
    assert not partnership.is_mobility_project


@pytest.mark.django_db
def test_an_action_the_portal_does_not_know_is_kept_as_other():
    # KA229 (school exchange partnerships, 2018–2020) has the official shape but no budget rules in the portal.
    partnership = PartnershipFactory.build(project_number="2019-1-LT01-KA229-060748", call_year=2019, action="")

    partnership.full_clean()

    assert partnership.action == "other"
