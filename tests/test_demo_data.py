"""The copied demo (tests/demo_data.py) is the demo `seed_demo` makes, and each restore starts from it afresh."""

from collections import Counter

import pytest
from django.apps import apps
from django.db import connection, transaction

from partners.models import Organisation

from .demo_data import seed_demo_at_its_moment
from .factories import OrganisationFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the demo is copied on PostgreSQL only"),
]


def row_counts() -> Counter:
    return Counter({model._meta.label: model._base_manager.count() for model in apps.get_models()})


def in_savepoint(step):
    with transaction.atomic():
        result = step()
        transaction.set_rollback(True)
    return result


def test_the_copied_demo_has_as_many_rows_of_every_model_as_seeding_makes(demo_snapshot):
    def restored():
        demo_snapshot.restore()
        return row_counts()

    def seeded():
        seed_demo_at_its_moment()
        return row_counts()

    copied = in_savepoint(restored)
    assert copied["mobility.Mobility"] == 24
    assert copied == in_savepoint(seeded)


def test_a_restore_drops_what_was_written_since_and_puts_back_what_was_removed(demo_snapshot):
    def change_it():
        demo_snapshot.restore()
        Organisation.objects.filter(slug="nova").update(short_name="Renamed")
        OrganisationFactory(slug="not-in-the-demo", short_name="Not in the demo")
        # As a transactional test's flush leaves them: the rows the migrations made are gone (the foreign
        # keys are checked when the transaction ends, by which time the restore has put them back).
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM auth_permission; DELETE FROM django_content_type")

    def restored():
        demo_snapshot.restore()
        return row_counts(), set(Organisation.objects.values_list("short_name", flat=True))

    with transaction.atomic():
        change_it()
        counts, names = restored()
        transaction.set_rollback(True)
    assert (counts, names) == in_savepoint(restored)
    assert "Renamed" not in names and "Not in the demo" not in names and "Nova College" in names
    assert counts["mobility.Mobility"] == 24 and counts["auth.Permission"] > 0
