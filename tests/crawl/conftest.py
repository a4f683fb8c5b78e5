"""The demo world for the crawl tests: `seed_demo`'s data with its sealed PDFs rendered, once per module.

The demo is seeded once per test process (tests/demo_data.py: `rendered_demo_snapshot`) and copied inside an
outer transaction that is rolled back when the module ends, so the other test modules still start from an
empty database. Each test runs inside it (pytest-django's `db` transaction becomes a savepoint), so what one
test changes is gone before the next.
"""

import time
from dataclasses import dataclass

import pytest
from django.db import transaction

from partners.models import User

from .accounts import DEMO_EMAILS


@dataclass
class DemoWorld:
    users: dict[str, User]
    seconds: float  # how long seeding (about 15 s on two cores, PDFs included) or copying the seeded demo took

    def user(self, email: str) -> User:
        return self.users[email]


@pytest.fixture(scope="module")
def demo_world(django_db_setup, django_db_blocker, rendered_demo_snapshot):
    """The full demo data (as `manage.py seed_demo` leaves it, PDFs rendered), rolled back after the module."""
    from tests.demo_data import seed_demo_now

    with django_db_blocker.unblock(), transaction.atomic():
        started = time.monotonic()
        if rendered_demo_snapshot is None:
            seed_demo_now(render_documents=True)
        else:
            rendered_demo_snapshot.restore()
        users = {user.email: user for user in User.objects.filter(email__in=DEMO_EMAILS)}
        assert set(users) == set(DEMO_EMAILS), "seed_demo did not create every demo account"
        yield DemoWorld(users=users, seconds=time.monotonic() - started)
        transaction.set_rollback(True)
