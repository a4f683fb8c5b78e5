"""The seeded funding rules: one TOML file per rule set, its header naming the Programme Guide and table.

`load()` creates the rule sets that do not exist yet (by scheme, first call year and agency) and never
touches one that exists: administrators' corrections win over the seed."""

from __future__ import annotations

import tomllib
from decimal import Decimal
from pathlib import Path

SEED_DIR = Path(__file__).resolve().parent

RULE_SET_FIELDS = (
    "name",
    "source",
    "confirmed",
    "notes",
    "travel_days_standard",
    "travel_days_green",
    "inclusion_support_per_participant",
    "exceptional_costs_percent",
    "course_fee_per_day",
    "course_fee_max",
    "preparatory_visit_per_person",
    "preparatory_visit_max_persons",
    "transfer_limit_percent",
)
DECIMAL_FIELDS = {
    "inclusion_support_per_participant",
    "exceptional_costs_percent",
    "course_fee_per_day",
    "course_fee_max",
    "preparatory_visit_per_person",
    "transfer_limit_percent",
}


def files() -> list[Path]:
    return sorted(SEED_DIR.glob("*.toml"))


def read(path: Path) -> dict:
    with path.open("rb") as handle:
        return tomllib.load(handle)


def load(models=None) -> list:
    """Create the missing seeded rule sets. `models` maps names to model classes (a migration passes its
    historical ones); by default the app's models. Returns the rule sets created."""
    if models is None:
        from .. import models as app_models

        models = {name: getattr(app_models, name) for name in MODEL_NAMES}
    created = []
    for path in files():
        data = read(path)
        rule_set, was_created = models["RuleSet"].objects.get_or_create(
            scheme=data["scheme"],
            from_call_year=data["from_call_year"],
            national_agency=data.get("national_agency", ""),
            defaults={key: _value(key, data[key]) for key in RULE_SET_FIELDS if key in data},
        )
        if not was_created:
            continue
        created.append(rule_set)
        for band in data.get("bands", []):
            models["TravelBand"].objects.create(
                rule_set=rule_set,
                min_km=band["min_km"],
                max_km=band.get("max_km"),
                standard=Decimal(band["standard"]),
                green=Decimal(band["green"]) if "green" in band else None,
            )
        for group, countries in data.get("country_groups", {}).items():
            for country in countries:
                models["CountryGroup"].objects.create(rule_set=rule_set, country=country, group=int(group))
        for row in data.get("organisational", []):
            models["OrganisationalSupportRate"].objects.create(
                rule_set=rule_set,
                activity=row["activity"],
                from_participant=row["from_participant"],
                amount=Decimal(row["amount"]),
                confirmed=row.get("confirmed", False),
            )
        for row in data.get("daily", []):
            models["DailyRate"].objects.create(
                rule_set=rule_set,
                participant=row["participant"],
                country_group=row.get("country_group", 0),
                from_day=row["from_day"],
                to_day=row.get("to_day"),
                amount_per_day=Decimal(row["amount"]),
                confirmed=row.get("confirmed", False),
            )
    return created


MODEL_NAMES = ("RuleSet", "TravelBand", "CountryGroup", "OrganisationalSupportRate", "DailyRate")


def _value(key, value):
    return Decimal(value) if key in DECIMAL_FIELDS and value is not None else value
