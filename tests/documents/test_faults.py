"""Fault tests of the sealed-PDF pipeline with a real Celery worker and a real Redis.

Each test starts its own redis-server on a free port and its own worker process (both stopped by PID at
the end), against the test database — so PostgreSQL is needed (an in-memory SQLite database cannot be
shared with another process); `.ci/run` runs them with REQUIRE_SERVICES=1.

- Redis down while PDFs are requested: the requests answer at once, the rows stay queued; once Redis is
  back, a worker (its start-up relay) renders every one.
- A worker killed mid-render: the job runs again and completes once, with one file.
"""

from __future__ import annotations

import os
import shutil
import signal
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from documents import services
from documents.models import RenderedDocument
from tests.conftest import skip_or_fail
from tests.documents.processes import Redis, Worker, wait_until
from tests.ecvet.test_memoranda import cast, in_force  # noqa: F401 — fixture used by the tests

S = RenderedDocument.Status
ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def services_up(settings):
    if connection.vendor != "postgresql":
        skip_or_fail("the fault tests share the database with a worker process: they need PostgreSQL")
    if not shutil.which("redis-server"):
        skip_or_fail("redis-server is not installed")
    settings.VISION_PDF_ON_APPROVAL = False  # documents are built first; the tests request their PDFs


@pytest.fixture
def broker(services_up, monkeypatch):
    """Our Redis, and the project's Celery app sending to it (not eagerly) for the test's duration."""
    from vision.celery import app

    redis = Redis()
    redis.start()
    # Celery reads CELERY_BROKER_URL from the environment before its configuration (CI sets it).
    monkeypatch.setenv("CELERY_BROKER_URL", redis.url)
    old = (app.conf.task_always_eager, app.conf.broker_url)
    app.conf.task_always_eager = False
    app.conf.broker_url = redis.url
    app._after_fork()  # drop pooled connections to the old broker
    try:
        yield redis
    finally:
        app.conf.task_always_eager, app.conf.broker_url = old
        app._after_fork()
        redis.stop()


@pytest.fixture
def workers(tmp_path):
    started = []

    def start(broker_url, **kwargs):
        worker = Worker(broker_url, tmp_path / f"worker-{len(started)}.log", **kwargs)
        worker.start()
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


def files_of(row: RenderedDocument) -> list[Path]:
    folder = Path(settings.MEDIA_ROOT) / "sealed" / str(row.code)
    return sorted(folder.glob("*.pdf")) if folder.exists() else []


def test_pdfs_requested_while_redis_is_down_are_rendered_once_it_is_back(world, cast, broker, workers):  # noqa: F811
    memoranda = [in_force(world, cast, title=f"Beauty MoU {i}") for i in range(3)]
    broker.stop()

    for memorandum in memoranda:
        started = time.monotonic()
        row = services.request_pdf(memorandum, by=world.pc_a)
        assert time.monotonic() - started < 3, "the request must answer at once while Redis is down"
        assert row.status == S.QUEUED
    rows = list(RenderedDocument.objects.order_by("pk"))
    assert len(rows) == 3 and all(r.status == S.QUEUED and r.enqueued_at is None for r in rows)

    broker.start()
    workers(broker.url)  # its start-up relay sends the queued rows

    def all_ready():
        return RenderedDocument.objects.filter(status=S.READY).count() == 3

    assert wait_until(all_ready, 90, 0.5), list(RenderedDocument.objects.values_list("status", "error"))
    for row in RenderedDocument.objects.all():
        assert len(files_of(row)) == 1
        data = row.file.open("rb").read()
        from documents import signing

        assert signing.verify(data).ok


def test_a_worker_killed_mid_render_completes_the_job_once_after_restart(world, cast, broker, workers):  # noqa: F811
    memorandum = in_force(world, cast)
    worker = workers(broker.url, render_delay=3)
    row = services.request_pdf(memorandum, by=world.pc_a)

    rendering = wait_until(lambda: RenderedDocument.objects.filter(pk=row.pk, status=S.RENDERING).exists(), 60, 0.05)
    assert rendering, "the worker never started rendering"
    children = worker.children()
    assert children, "no pool process to kill"
    for pid in children:
        os.kill(pid, signal.SIGKILL)  # the render dies half-way

    def ready():
        return RenderedDocument.objects.filter(pk=row.pk, status=S.READY).first()

    done = wait_until(ready, 90, 0.5)
    assert done is not None, RenderedDocument.objects.values_list("status", "error", "attempts").get(pk=row.pk)
    assert done.attempts == 2  # the killed run and the one that finished
    assert len(files_of(done)) == 1
    assert RenderedDocument.objects.count() == 1


def test_a_whole_worker_killed_mid_render_is_redone_within_a_minute(world, cast, broker, workers):  # noqa: F811
    # Not just its pool process (above): the main process too, so nothing reports the loss to the broker. The
    # message stays unacknowledged until the visibility timeout; the restarted node's start-up relay takes the row
    # back at once instead (its lease names that node), so the PDF is ready well within a minute (issue 17).
    memorandum = in_force(world, cast)
    worker = workers(broker.url, render_delay=3)
    row = services.request_pdf(memorandum, by=world.pc_a)
    rendering = wait_until(lambda: RenderedDocument.objects.filter(pk=row.pk, status=S.RENDERING).exists(), 60, 0.05)
    assert rendering, "the worker never started rendering"
    held = RenderedDocument.objects.get(pk=row.pk)
    assert held.leased_by.startswith("celery@") and held.lease_until > held.started_at
    children = worker.children()
    for pid in [worker.process.pid, *children]:
        os.kill(pid, signal.SIGKILL)
    worker.process.wait(10)
    killed = time.monotonic()

    workers(broker.url)  # the same node starts again (as its supervisor would restart it)

    def ready():
        return RenderedDocument.objects.filter(pk=row.pk, status=S.READY).first()

    done = wait_until(ready, 90, 0.5)
    assert done is not None, RenderedDocument.objects.values_list("status", "error", "attempts").get(pk=row.pk)
    assert time.monotonic() - killed < 60
    assert done.attempts == 2 and len(files_of(done)) == 1
