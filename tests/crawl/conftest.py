"""The demo world for the crawl tests: `seed_demo`'s data, seeded once per module.

The data is written inside an outer transaction that is rolled back when the module ends, so the
other test modules still start from an empty database. Each test runs inside it (pytest-django's
`db` transaction becomes a savepoint), so what one test changes is gone before the next.
"""

import io
import time
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.test import TestCase

from partners.models import User

from .accounts import DEMO_EMAILS


@dataclass
class DemoWorld:
    users: dict[str, User]
    seconds: float  # how long seeding took (about 15 s on two cores, PDFs included)
    on_commit_callbacks: int  # work seeding deferred to commit (the sealed PDFs), run before the tests

    def user(self, email: str) -> User:
        return self.users[email]


@pytest.fixture(scope="module")
def demo_world(django_db_setup, django_db_blocker):
    """Seed the full demo data (as `manage.py seed_demo` does) and roll it back after the module."""
    import demo

    with django_db_blocker.unblock(), transaction.atomic():
        started = time.monotonic()
        # seed_demo runs in autocommit, where work deferred to on_commit (PDF jobs, mails) happens at
        # once; inside this transaction it would never run, so run it when seeding is done.
        with TestCase.captureOnCommitCallbacks(execute=True) as callbacks:
            demo.seed_all("vision-demo", stdout=io.StringIO())
        users = {user.email: user for user in User.objects.filter(email__in=DEMO_EMAILS)}
        assert set(users) == set(DEMO_EMAILS), "seed_demo did not create every demo account"
        yield DemoWorld(users=users, seconds=time.monotonic() - started, on_commit_callbacks=len(callbacks))
        transaction.set_rollback(True)
