"""Trigram indexes for the lists' name search (`icontains` is `UPPER(column::text) LIKE UPPER('%word%')` on
PostgreSQL: these indexes answer it without reading every row). PostgreSQL only: the embedded SQLite demo scans."""

from django.db import migrations

INDEXES = [
    ("mobility_learner_first_name_trgm", "mobility_learner", "first_name"),
    ("mobility_learner_last_name_trgm", "mobility_learner", "last_name"),
    ("mobility_mobility_host_company_trgm", "mobility_mobility", "host_company"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # pg_trgm is a trusted extension (PostgreSQL 13+): the database's owner may create it.
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in INDEXES:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin (UPPER(("{column}")::text) gin_trgm_ops)'
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("mobility", "0015_mobility_placement")]

    operations = [migrations.RunPython(create, drop)]
