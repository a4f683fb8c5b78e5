"""Seed the funding rules (funding/seed/*.toml) and carry over the former unit-cost tables of the mobility app
(mobility.DistanceBand, mobility.IndividualSupportRate), which priced every partnership as KA2 cooperation:
their rows replace the seeded KA2 2014–2020 rows for call year 2019, and any other call year becomes a KA2
rule set of its own, so no administrator's figure is lost."""

from decimal import Decimal

from django.db import migrations

SEEDED_KA2_YEAR = 2014  # funding/seed/cooperation-2019.toml: the KA2 rules of the 2014–2020 calls


def seed(apps, schema_editor):
    from funding.seed import MODEL_NAMES, load

    models = {name: apps.get_model("funding", name) for name in MODEL_NAMES}
    load(models)
    RuleSet, TravelBand, DailyRate = models["RuleSet"], models["TravelBand"], models["DailyRate"]
    OldBand = apps.get_model("mobility", "DistanceBand")
    OldRate = apps.get_model("mobility", "IndividualSupportRate")
    years = set(OldBand.objects.values_list("programme_year", flat=True)) | set(
        OldRate.objects.values_list("programme_year", flat=True)
    )
    seeded = RuleSet.objects.get(scheme="cooperation", from_call_year=SEEDED_KA2_YEAR, national_agency="")
    seeded_bands = set(TravelBand.objects.filter(rule_set=seeded).values_list("min_km", "max_km", "standard"))
    for year in sorted(years):
        old_bands = set(OldBand.objects.filter(programme_year=year).values_list("min_km", "max_km", "amount"))
        if year != 2019 and year <= 2020 and old_bands == seeded_bands and not OldRate.objects.filter(
            programme_year=year
        ).exists():
            continue  # the 2014–2020 bands repeated per year (mobility/0002): the seeded KA2 rules hold them
        if year == 2019:
            rule_set = seeded
            TravelBand.objects.filter(rule_set=rule_set).delete()
            DailyRate.objects.filter(rule_set=rule_set).delete()
        else:
            rule_set, _created = RuleSet.objects.get_or_create(
                scheme="cooperation",
                from_call_year=year,
                national_agency="",
                defaults={
                    "name": f"Unit costs of call year {year} (carried over from the former tables)",
                    "source": "Entered by administrators in the former distance-band and daily-rate tables.",
                    "travel_days_standard": 4,
                    "travel_days_green": 4,
                },
            )
        for band in OldBand.objects.filter(programme_year=year):
            TravelBand.objects.update_or_create(
                rule_set=rule_set, min_km=band.min_km, defaults={"max_km": band.max_km, "standard": band.amount}
            )
        for rate in OldRate.objects.filter(programme_year=year):
            DailyRate.objects.update_or_create(
                rule_set=rule_set,
                participant=rate.group,
                country_group=0,
                from_day=rate.from_day,
                defaults={"to_day": rate.to_day, "amount_per_day": Decimal(rate.amount_per_day)},
            )


class Migration(migrations.Migration):
    dependencies = [
        ("funding", "0001_initial"),
        ("mobility", "0006_uses_ecvet"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
