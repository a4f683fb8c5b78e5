from decimal import Decimal

from django.db import migrations

# Erasmus+ distance bands of the 2014–2020 calls and the (unconfirmed) 2019 daily support
# for learners in short-term blended mobility; both stay editable in the admin.
BANDS = [(10, 99, "20"), (100, 499, "180"), (500, 1999, "275"), (2000, 2999, "360"), (3000, 3999, "530"),
         (4000, 7999, "820"), (8000, None, "1500")]
SUPPORT_2019 = [(1, 14, "55"), (15, 60, "40")]


def seed(apps, schema_editor):
    band = apps.get_model("mobility", "DistanceBand")
    rate = apps.get_model("mobility", "IndividualSupportRate")
    for year in range(2014, 2021):
        for low, high, amount in BANDS:
            band.objects.get_or_create(programme_year=year, min_km=low,
                                       defaults={"max_km": high, "amount": Decimal(amount)})
    for low, high, amount in SUPPORT_2019:
        rate.objects.get_or_create(programme_year=2019, from_day=low,
                                   defaults={"to_day": high, "amount_per_day": Decimal(amount)})


class Migration(migrations.Migration):
    dependencies = [("mobility", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
