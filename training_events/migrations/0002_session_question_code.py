"""Sessions and evaluation questions get a UUID `code` for their URLs (docs/access.md: codes, never integer ids).

Three steps, so existing rows each get their own code: the column is added nullable and not unique, every
row is given a fresh uuid4, then the column becomes unique and required like every other `code`."""

import uuid

from django.db import migrations, models

import partners.models.base


def fill_codes(apps, schema_editor):
    for name in ("Session", "EvaluationQuestion"):
        model = apps.get_model("training_events", name)
        rows = list(model.objects.filter(code__isnull=True).only("pk"))
        for row in rows:
            row.code = uuid.uuid4()
        model.objects.bulk_update(rows, ["code"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("training_events", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="session",
            name="code",
            field=models.UUIDField(editable=False, null=True, verbose_name="code"),
        ),
        migrations.AddField(
            model_name="evaluationquestion",
            name="code",
            field=models.UUIDField(editable=False, null=True, verbose_name="code"),
        ),
        migrations.RunPython(fill_codes, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="session",
            name="code",
            field=models.UUIDField(
                default=partners.models.base.new_code, editable=False, unique=True, verbose_name="code"
            ),
        ),
        migrations.AlterField(
            model_name="evaluationquestion",
            name="code",
            field=models.UUIDField(
                default=partners.models.base.new_code, editable=False, unique=True, verbose_name="code"
            ),
        ),
    ]
