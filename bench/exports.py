"""Memory and time of the exports at 25,000 mobilities: the reporting-tool CSV (streamed), the XLSX (spooled
to a temporary file) and the whole-partnership archive (streamed ZIP).

    .venv/bin/python bench/exports.py [--rows 25000] [--bound-mb 64]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/exports.py

Builds a throwaway database (pytest-django style: test_<name>), bulk-creates `--rows` mobilities (one learner
each) in one partnership, then reads each export through Django's test client, consuming the streamed
response chunk by chunk without keeping it. Reports rows, seconds and the peak Python heap growth
(tracemalloc) and RSS growth while each export runs; exits 1 if any peak heap growth exceeds `--bound-mb`.

Each export runs twice: untraced for the seconds and RSS, then under tracemalloc for the peak heap (tracing
slows Python several-fold). Measured 2026-11-29, SQLite (test settings), 2 cores, 25,000 mobilities —
seconds / MB written / peak heap growth MB / RSS growth MB:
mobilities.csv 3.4 / 9.1 / 14.6 / 18.4 (first export: imports, caches); participants.csv 2.8 / 8.3 / 14.6 / 0.0;
mobilities.xlsx 9.6 / 4.1 / 14.5 / 0.2 (spooled to disk); archive.zip 9.8 / 5.1 / 15.0 / 0.0.
The heap stays near 15 MB whatever the row count (it is the 2,000-row iterator chunk and the write buffers):
the bound of 64 MB leaves four times that.
"""

import argparse
import os
import resource
import sys
import time
import tracemalloc
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vision.settings.test")


def rss_mb() -> float:
    """Peak resident set size of this process so far (Linux: kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def consume(response) -> tuple[int, int]:
    size = chunks = 0
    if response.streaming:
        for chunk in response.streaming_content:
            size += len(chunk)
            chunks += 1
    else:
        size = len(response.content)
    if hasattr(response, "close"):
        response.close()
    return size, chunks


def populate(rows: int):
    from mobility.models import Learner, Mobility
    from partners.models.people import Role
    from tests.factories import MembershipFactory, OrganisationFactory, PartnershipFactory

    org_a = OrganisationFactory(slug="bench-a", short_name="Bench A", country="LT", city="Vilnius")
    org_b = OrganisationFactory(slug="bench-b", short_name="Bench B", country="NL", city="Amsterdam")
    partnership = PartnershipFactory(slug="bench", acronym="BENCH", coordinator=org_a, partners=[org_b])
    coordinator = MembershipFactory(organisation=org_a, role=Role.PROJECT_COORDINATOR).user
    batch = 2000
    start = date(2020, 3, 2)
    for offset in range(0, rows, batch):
        size = min(batch, rows - offset)
        learners = Learner.objects.bulk_create(
            Learner(
                home_organisation=org_a,
                first_name=f"Learner{offset + i}",
                last_name=f"Žemaitytė-{offset + i}",
                date_of_birth=date(2002, 1, 1) + timedelta(days=(offset + i) % 700),
                gender="female" if i % 2 else "male",
                nationality="LT",
                email=f"learner{offset + i}@bench.example",
            )
            for i in range(size)
        )
        Mobility.objects.bulk_create(
            Mobility(
                learner=learner,
                partnership=partnership,
                sending_organisation=org_a,
                receiving_organisation=org_b,
                start_date=start + timedelta(days=i % 600),
                end_date=start + timedelta(days=i % 600 + 27),
                host_company="Salon Bella",
                distance_km=1200,
            )
            for i, learner in enumerate(learners)
        )
    return partnership, coordinator


def measure(client, url: str, *, trace: bool) -> dict:
    """One export read to the end. With `trace`, tracemalloc records the peak Python heap (and slows Python
    several-fold, so the seconds of a traced run are not the real speed: each export runs once untraced for
    the time, then traced for the memory)."""
    if trace:
        tracemalloc.start()
        tracemalloc.reset_peak()
        before_heap = tracemalloc.get_traced_memory()[0]
    before_rss = rss_mb()
    began = time.perf_counter()
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    size, chunks = consume(response)
    seconds = time.perf_counter() - began
    peak_heap = 0.0
    if trace:
        peak_heap = (tracemalloc.get_traced_memory()[1] - before_heap) / 1024 / 1024
        tracemalloc.stop()
    return {
        "seconds": seconds,
        "bytes": size,
        "chunks": chunks,
        "heap_mb": peak_heap,
        "rss_growth_mb": rss_mb() - before_rss,
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=25_000)
    parser.add_argument("--bound-mb", type=float, default=64.0)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.test.utils import setup_databases, setup_test_environment, teardown_databases

    setup_test_environment()
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.DEBUG = False  # no query log growing with every row
    old_config = setup_databases(verbosity=0, interactive=False)
    failed = False
    try:
        from django.test import Client
        from django.urls import reverse

        began = time.perf_counter()
        partnership, coordinator = populate(args.rows)
        print(f"created {args.rows} mobilities in {time.perf_counter() - began:.1f} s")
        client = Client()
        client.force_login(coordinator)
        slug = partnership.slug
        targets = {
            "mobilities.csv": reverse("reporting:export_mobilities", kwargs={"slug": slug, "fmt": "csv"}),
            "participants.csv": reverse("reporting:export_participants", kwargs={"slug": slug, "fmt": "csv"}),
            "mobilities.xlsx": reverse("reporting:export_mobilities", kwargs={"slug": slug, "fmt": "xlsx"}),
            "archive.zip": reverse("reporting:archive", kwargs={"slug": slug}),
        }
        print(f"{'export':<18}{'rows':>8}{'seconds':>9}{'MB out':>9}{'peak heap MB':>14}{'RSS growth MB':>15}")
        for name, url in targets.items():
            timed = measure(client, url, trace=False)
            traced = measure(client, url, trace=True)
            over = traced["heap_mb"] > args.bound_mb
            failed |= over
            print(
                f"{name:<18}{args.rows:>8}{timed['seconds']:>9.1f}{timed['bytes'] / 1e6:>9.1f}"
                f"{traced['heap_mb']:>14.1f}{timed['rss_growth_mb']:>15.1f}{'  OVER BOUND' if over else ''}"
            )
        print(f"bound: peak heap growth < {args.bound_mb} MB per export -> {'FAIL' if failed else 'ok'}")
    finally:
        teardown_databases(old_config, verbosity=0)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
