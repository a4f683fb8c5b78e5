"""The demo data (`seed_demo`) for the tests that read it: seeded once per test process, restored per test.

Seeding takes 4–6 s; about 160 tests read the demo. On PostgreSQL the first test that asks for `demo` seeds it
once, exactly as `manage.py seed_demo` does at the demo's moment (DEMO_MOMENT, DEBUG on), inside a
transaction; every table is then read out with COPY and the transaction rolled back, so the database is as
the migrations left it. Each test asking for `demo` gets the rows back inside its own transaction (COPY FROM,
rolled back with the test like anything else it writes), the files seeding wrote put back in the media root,
and the clock frozen at DEMO_MOMENT: it sees exactly the demo, and nothing another test wrote. The browser
journeys and the link crawl copy their own snapshots, seeded at the real clock (`live_demo_snapshot`,
`rendered_demo_snapshot`).

Elsewhere (SQLite) the fixtures simply run `seed_demo`. Tests of seeding itself call the command themselves.
See docs/testing.md.
"""

from __future__ import annotations

import hashlib
import io
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.conf import settings as django_settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import override_settings
from psycopg import sql

if TYPE_CHECKING:
    from partners.models import User

from .demo_support import DEMO_MOMENT


@dataclass
class TableCopy:
    name: str
    rows: bytes  # COPY … TO STDOUT text format, every row the table holds after seeding
    fingerprint: str  # md5 of the COPY text as the migrations left it ("" when that was empty)
    seeded: bool  # seeding changed the table


@dataclass
class DemoSnapshot:
    tables: list[TableCopy]
    sequences: dict[str, int]  # sequence name -> highest id seeding gave out
    media: dict[str, bytes] = field(default_factory=dict)  # files seeding wrote, relative to MEDIA_ROOT

    def restore(self) -> None:
        """Make the database exactly the seeded demo inside the current transaction (which must be open)."""
        assert connection.in_atomic_block, "the demo is restored inside a transaction"
        with connection.cursor() as cursor:
            raw = cursor.cursor
            # Tables the migrations filled and seeding left alone (content types, permissions) are usually as
            # they were; a transactional test's flush may have emptied or renumbered them.
            stale = [t for t in self.tables if t.seeded or _fingerprint(raw, t.name) != t.fingerprint]
            # Foreign keys are deferred (Django creates them DEFERRABLE INITIALLY DEFERRED), so the order of the
            # tables does not matter; they are checked when the test ends.
            raw.execute(sql.SQL("").join(sql.SQL("DELETE FROM {};").format(sql.Identifier(t.name)) for t in stale))
            for table in stale:
                if table.rows:
                    with raw.copy(sql.SQL("COPY {} FROM STDIN").format(sql.Identifier(table.name))) as copy:
                        copy.write(table.rows)
            # Sequences are not transactional: moving them forward once per process is enough.
            for sequence, highest in self.sequences.items():
                raw.execute(
                    "SELECT setval(%s, %s) FROM pg_sequences WHERE schemaname = current_schema()"
                    " AND sequencename = %s AND coalesce(last_value, 0) < %s",
                    [sequence, highest, sequence, highest],
                )
        ContentType.objects.clear_cache()
        put_back_media(self.media)


def _tables(raw) -> list[str]:
    raw.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename <> 'django_migrations'"
        " ORDER BY tablename"
    )
    return [name for (name,) in raw.fetchall()]


def _read(raw, table: str) -> bytes:
    buffer = bytearray()
    with raw.copy(sql.SQL("COPY {} TO STDOUT").format(sql.Identifier(table))) as copy:
        for block in copy:
            buffer += block
    return bytes(buffer)


def _fingerprint(raw, table: str) -> str:
    return hashlib.md5(_read(raw, table), usedforsecurity=False).hexdigest() if _has_rows(raw, table) else ""


def _has_rows(raw, table: str) -> bool:
    raw.execute(sql.SQL("SELECT EXISTS (SELECT 1 FROM {})").format(sql.Identifier(table)))
    return raw.fetchone()[0]


def _sequences(raw) -> dict[str, int]:
    raw.execute("SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = current_schema()")
    return {name: value or 0 for name, value in raw.fetchall()}


def media_files() -> dict[str, tuple[int, int]]:
    """Every file under MEDIA_ROOT with its modification time and size."""
    root = Path(django_settings.MEDIA_ROOT)
    if not root.exists():
        return {}
    return {
        str(path.relative_to(root)): (path.stat().st_mtime_ns, path.stat().st_size)
        for path in root.rglob("*")
        if path.is_file()
    }


def media_written_since(before: dict[str, tuple[int, int]]) -> dict[str, bytes]:
    """The content of the files under MEDIA_ROOT written since `media_files()` returned `before`."""
    root = Path(django_settings.MEDIA_ROOT)
    return {name: (root / name).read_bytes() for name, stamp in media_files().items() if before.get(name) != stamp}


def put_back_media(files: dict[str, bytes]) -> None:
    """Write `files` (name relative to MEDIA_ROOT -> content) into the media root in use."""
    root = Path(django_settings.MEDIA_ROOT)
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)


def seed_demo_at_its_moment() -> None:
    """`seed_demo` at DEMO_MOMENT. Inside a test's transaction, the work it defers to commit (the sealed PDFs)
    is dropped, as it is for anything a test does."""
    import time_machine

    with time_machine.travel(DEMO_MOMENT, tick=False), override_settings(DEBUG=True):
        call_command("seed_demo", verbosity=0, stdout=io.StringIO())


def seed_demo_now(*, render_documents: bool) -> None:
    """`seed_demo` as a server runs it: at the real clock, with the work deferred to commit done (the sealed PDFs
    rendered, or left queued when render_documents is False)."""
    from unittest import mock

    from django.test import TestCase

    from documents import services as documents

    enqueue = documents.enqueue if render_documents else (lambda pk: False)
    with (
        override_settings(DEBUG=True),
        mock.patch.object(documents, "enqueue", enqueue),
        TestCase.captureOnCommitCallbacks(execute=True),
    ):
        call_command("seed_demo", verbosity=0, stdout=io.StringIO())


def take_snapshot(seed=seed_demo_at_its_moment) -> DemoSnapshot:
    """Seed the demo with `seed` in a transaction, read every table out, and roll the transaction back."""
    files_before = media_files()
    with transaction.atomic(), connection.cursor() as cursor:
        raw = cursor.cursor
        tables = _tables(raw)
        before = {name: _read(raw, name) for name in tables}
        sequences_before = _sequences(raw)
        seed()
        copies = []
        for name in tables:
            rows = _read(raw, name)
            if rows or before[name]:
                fingerprint = hashlib.md5(before[name], usedforsecurity=False).hexdigest() if before[name] else ""
                copies.append(TableCopy(name, rows, fingerprint, seeded=rows != before[name]))
        sequences = {name: value for name, value in _sequences(raw).items() if value != sequences_before.get(name)}
        transaction.set_rollback(True)
    return DemoSnapshot(tables=copies, sequences=sequences, media=media_written_since(files_before))


def _snapshot(django_db_blocker, seed) -> DemoSnapshot | None:
    with django_db_blocker.unblock():
        if connection.vendor != "postgresql":
            return None
        return take_snapshot(seed)


@pytest.fixture(scope="session")
def demo_snapshot(django_db_setup, django_db_blocker) -> DemoSnapshot | None:
    """The seeded demo of this test process (one per xdist worker); None where it cannot be copied (SQLite)."""
    return _snapshot(django_db_blocker, seed_demo_at_its_moment)


@pytest.fixture(scope="session")
def live_demo_snapshot(django_db_setup, django_db_blocker) -> DemoSnapshot | None:
    """The demo as a server seeds it now, its sealed PDFs left queued (the browser journeys open none)."""
    return _snapshot(django_db_blocker, lambda: seed_demo_now(render_documents=False))


@pytest.fixture(scope="session")
def rendered_demo_snapshot(django_db_setup, django_db_blocker) -> DemoSnapshot | None:
    """The demo as a server seeds it now, its sealed PDFs rendered (the link crawl downloads them)."""
    return _snapshot(django_db_blocker, lambda: seed_demo_now(render_documents=True))


@pytest.fixture
def demo_rows(demo_snapshot, db, settings):
    """The demo data as `seed_demo` leaves it (seeded at DEMO_MOMENT), with DEBUG on; the clock runs."""
    import time_machine

    settings.DEBUG = True
    if demo_snapshot is None:
        with time_machine.travel(DEMO_MOMENT, tick=False):
            call_command("seed_demo", verbosity=0)
    else:
        demo_snapshot.restore()
    yield
    ContentType.objects.clear_cache()


@pytest.fixture
def demo(demo_rows):
    """The demo data, with the clock frozen at DEMO_MOMENT for the whole test (the demo's dates are relative
    to it: "today" on its pages is that day)."""
    import time_machine

    with time_machine.travel(DEMO_MOMENT, tick=False):
        yield


# --- the demo world of the crawl and security tests, once per module --------------------------------------------


@dataclass
class DemoWorld:
    users: dict[str, User]
    seconds: float  # how long seeding (about 15 s on two cores, PDFs included) or copying the seeded demo took

    def user(self, email: str) -> User:
        return self.users[email]


@pytest.fixture(scope="module")
def demo_world(django_db_setup, django_db_blocker, rendered_demo_snapshot):
    """The full demo data (as `manage.py seed_demo` leaves it, PDFs rendered), rolled back after the module: the
    world of the crawl and security tests. The demo is copied inside an outer transaction that is rolled back when
    the module ends, so the other test modules still start from an empty database; each test runs inside it
    (pytest-django's `db` transaction becomes a savepoint), so what one test changes is gone before the next."""
    from partners.models import User
    from tests.crawl.accounts import DEMO_EMAILS

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
