"""Fixtures of the scale-out test: the services it needs (or a skip, a failure under REQUIRE_SERVICES=1) and the
deployment it starts (tests/scaleout/cluster.py), stopped whatever happens."""

from __future__ import annotations

import importlib.util
import shutil
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.db import connection

from tests.conftest import skip_or_fail

from .cluster import (
    BUCKET,
    MotoS3,
    Process,
    Redis,
    Web,
    Worker,
    collect_static,
    production_environment,
    stop_all,
    tail,
)


@dataclass
class ScaleOut:
    """Two web processes and two workers sharing PostgreSQL (the test database), Redis and an S3 bucket. The
    workers start when the test asks (`start_workers`), so it can see a job wait in the broker first."""

    work: Path
    env: dict[str, str]
    s3: MotoS3
    redis: Redis
    web: list[Web]
    started: list[Process]
    workers: list[Worker] = field(default_factory=list)

    def start_workers(self) -> list[Worker]:
        self.workers = [Worker(f"worker-{n}", self.env, self.work) for n in (1, 2)]
        for worker in self.workers:
            self.started.append(worker)
            worker.start()
        for worker in self.workers:
            worker.wait()
        return self.workers

    def redis_client(self):
        import redis

        return redis.Redis.from_url(self.redis.url)


@pytest.fixture
def services_up():
    if connection.vendor != "postgresql":
        skip_or_fail("the scale-out test shares the database with its web and worker processes: it needs PostgreSQL")
    if not shutil.which("redis-server"):
        skip_or_fail("redis-server is not installed")
    if importlib.util.find_spec("moto") is None or importlib.util.find_spec("flask") is None:
        skip_or_fail("moto's S3 server is not installed (moto[server] in requirements-dev.txt)")


@pytest.fixture
def scale_out(services_up, transactional_db, tmp_path) -> Iterator[ScaleOut]:
    """The deployment, on the test database (committed data: the test is transactional). Stopped before the
    database is flushed, also when a start fails: SIGTERM to every process at once, then Redis."""
    started: list[Process] = []
    redis = Redis()
    with ExitStack() as stack:
        stack.callback(redis.stop)  # last: the workers shut down while their broker is still there
        stack.callback(stop_all, started)
        s3 = MotoS3(tmp_path)
        started.append(s3)
        s3.start()
        redis.start()
        s3.wait()
        s3.client().create_bucket(Bucket=BUCKET)

        env = production_environment(tmp_path, redis.url, s3)
        collect_static(env, tmp_path)
        web = [Web(f"web-{n}", env, tmp_path) for n in (1, 2)]
        for process in web:
            started.append(process)
            process.start()
        cluster = ScaleOut(work=tmp_path, env=env, s3=s3, redis=redis, web=web, started=started)
        try:
            for process in web:
                process.wait()
            yield cluster
        finally:
            # Shown by pytest only when the test failed ("Captured stdout teardown").
            for process in started:
                print(tail(process.log))
