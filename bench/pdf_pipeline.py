"""Render + seal throughput of the sealed-PDF pipeline with real worker processes.

    make bench-pdf        # = DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
                          #   .venv/bin/python bench/pdf_pipeline.py --documents 500 --concurrency 2

Builds a throwaway PostgreSQL database (test_<name>), one mobility with an approved 3-page Learning
Agreement (five units, five outcomes each — four pages, approved by learner, sending and host), then N approved
versions of it with distinct content (as many documents as asked), and hands all N PDFs to a `celery worker`
with two prefork processes through a Redis of its own (started and stopped here, by PID). It prints:

- throughput: documents per minute from the first start to the last finish;
- time per document (started → finished: render, seal, store) median and p95;
- the worker processes' peak memory (RSS) over the first and the last 10 % of the run, and overall.

Targets on the 2-core machine: median under 0.8 s for the 3-page LA, at least 120 documents per minute with
two worker processes, memory flat and under 400 MB per process across the 500.

Measured 2026-11-28 (PostgreSQL 15, Redis 7, 2 cores, the LA renders to 4 pages / 38 KiB, PDF/A-3b, PAdES
B-B with EC P-256): 500 documents, 0 failed; 238 documents/minute with 2 worker processes (126 s);
per document median 0.479 s, p95 0.714 s; worker process RSS 172 MB over the first 10 %, 182 MB over the
last 10 %, peak 218 MB (children are replaced every 200 tasks).

Measured again 2026-12-06 after the documents became tagged (PDF/A-3b with a structure tree) and bilingual (the
LA in English and the languages of its signers: 5 pages / 64 KiB): 300 documents, 0 failed; 206 documents/minute
with 2 worker processes (87.6 s); per document median 0.603 s, p95 0.635 s; worker RSS 212 MB over the first 10 %,
247 MB over the last 10 %.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vision.settings.test")


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def build(n: int):
    """One approved 3-page LA, then n approved versions with distinct content; returns the versions."""
    from decimal import Decimal

    from django.contrib.contenttypes.models import ContentType

    from documents.canonical import content_sha256
    from ecvet.models import Approval, LearningAgreementUnit, LearningAgreementVersion
    from ecvet.services import agreements, approvals
    from mobility.models import Mobility
    from partners.models.people import Role
    from tests.factories import MembershipFactory, OrganisationFactory, PartnershipFactory
    from tests.factories_ecvet import QualificationFactory, UnitFactory
    from tests.factories_mobility import LearnerFactory, MobilityFactory

    home = OrganisationFactory(short_name="KMPMC", country="LT")
    host = OrganisationFactory(short_name="Nova", country="NL")
    partnership = PartnershipFactory(coordinator=home, partners=[host])
    sender = MembershipFactory(organisation=home, role=Role.PROJECT_COORDINATOR).user
    receiver = MembershipFactory(organisation=host, role=Role.PARTNER_COORDINATOR).user
    learner_user = MembershipFactory(organisation=home, role=Role.LEARNER).user
    learner = LearnerFactory(home_organisation=home, user=learner_user)
    mobility = MobilityFactory(
        learner=learner,
        partnership=partnership,
        sending_organisation=home,
        receiving_organisation=host,
        status=Mobility.Status.PLANNED,
    )
    qualification = QualificationFactory(organisation=home)
    _agreement, draft = agreements.start_agreement(mobility, by=sender, qualification=qualification)
    outcome = "Performs the treatment safely, following the hygiene protocol and the client's consultation record"
    for i in range(5):
        unit = UnitFactory(qualification=qualification, reference=f"BT-{i + 1:02d}", title=f"Beauty unit {i + 1}")
        LearningAgreementUnit.objects.create(
            version=draft,
            unit=unit,
            ecvet_points=Decimal("4"),
            learning_outcomes="\n".join(f"{outcome} ({i + 1}.{j + 1})" for j in range(5)),
            learning_activities="Guided practice in the salon, two days a week, with the mentor present.",
            assessment_method="Observation by the mentor with the unit's checklist",
        )
    agreements.send_for_approval(draft, by=sender)
    for user, party in ((learner_user, "learner"), (sender, "sending"), (receiver, "receiving")):
        version = LearningAgreementVersion.objects.get(pk=draft.pk)
        approvals.decide(
            version,
            party_key=party,
            by=user,
            expected_sha256=approvals.current_sha256(version),
            decision=Approval.Decision.APPROVED,
        )
    original = LearningAgreementVersion.objects.get(pk=draft.pk)
    ct = ContentType.objects.get_for_model(LearningAgreementVersion)
    template_approvals = list(Approval.objects.filter(content_type=ct, object_id=original.pk))
    versions = [original]
    for i in range(n - 1):
        content = dict(original.frozen_content)
        content["bench_copy"] = i  # distinct content, distinct SHA-256
        copy = LearningAgreementVersion.objects.create(
            agreement=original.agreement,
            number=i + 2,
            status=LearningAgreementVersion.Status.SUPERSEDED,
            frozen_content=content,
            content_sha256=content_sha256(content),
            qualification=qualification,
        )
        Approval.objects.bulk_create(
            Approval(
                content_type=ct,
                object_id=copy.pk,
                party=a.party,
                organisation=a.organisation,
                decision=a.decision,
                content_sha256=copy.content_sha256,
                signer=a.signer,
                signer_name=a.signer_name,
                signer_position=a.signer_position,
                signer_email=a.signer_email,
            )
            for a in template_approvals
        )
        versions.append(copy)
    return versions


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=2)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="vision-bench-pdf-"))
    os.environ["VISION_TEST_MEDIA_ROOT"] = str(work / "media")
    os.environ["VISION_TEST_SIGNING_P12"] = str(work / "seal.p12")

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_databases, setup_test_environment, teardown_databases

    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to PostgreSQL: the worker processes share the benchmark's database.")
    setup_test_environment()
    old_config = setup_databases(verbosity=0, interactive=False)
    from documents import signing
    from documents.models import RenderedDocument
    from documents.services import request_pdf
    from tests.documents.processes import Redis, Worker, wait_until
    from vision.celery import app

    redis = Redis()
    worker = None
    try:
        signing.create_certificate(
            settings.VISION_SIGNING_P12,
            password=settings.VISION_SIGNING_PASSWORD,
            common_name="VISION bench seal",
            organisation="VISION bench",
        )
        settings.VISION_PDF_ON_APPROVAL = False
        print(f"Building {args.documents} approved Learning Agreement versions…", flush=True)
        versions = build(args.documents)
        redis.start()
        os.environ["CELERY_BROKER_URL"] = redis.url  # Celery reads it before its configuration
        app.conf.task_always_eager = False
        app.conf.broker_url = redis.url
        app._after_fork()
        worker = Worker(redis.url, work / "worker.log", concurrency=args.concurrency)
        worker.start()
        wait_until(lambda: len(worker.children()) == args.concurrency, 60, 0.2)
        time.sleep(2)  # let the worker settle before the clock starts

        samples: list[tuple[float, float]] = []  # (time, summed RSS of the pool processes in MB)
        peak_by_pid: dict[int, float] = {}
        stop = threading.Event()

        def sample():
            while not stop.is_set():
                now = time.monotonic()
                total = 0.0
                for pid in worker.children():
                    rss = rss_mb(pid)
                    peak_by_pid[pid] = max(peak_by_pid.get(pid, 0.0), rss)
                    total = max(total, rss)
                samples.append((now, total))
                time.sleep(0.25)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        start = time.monotonic()
        for version in versions:
            request_pdf(version)
        done = wait_until(
            lambda: RenderedDocument.objects.exclude(status__in=["ready", "failed"]).count() == 0,
            3600,
            1.0,
        )
        end = time.monotonic()
        stop.set()
        sampler.join()
        assert done, "the run did not finish within an hour"

        rows = list(RenderedDocument.objects.order_by("started_at"))
        failed = [r for r in rows if r.status != "ready"]
        per_doc = sorted((r.finished_at - r.started_at).total_seconds() for r in rows if r.status == "ready")
        first, last = min(r.started_at for r in rows), max(r.finished_at for r in rows)
        wall = (last - first).total_seconds()
        tenth = (end - start) / 10
        early = max((m for t, m in samples if t <= start + tenth), default=0)
        late = max((m for t, m in samples if t >= end - tenth), default=0)
        print(
            f"documents: {len(rows)} ({len(failed)} failed), pages each: {rows[0].pages}, "
            f"PDF size: {rows[0].file_size // 1024} KiB"
        )
        print(
            f"throughput: {len(rows) / wall * 60:.0f} documents/minute with {args.concurrency} worker processes "
            f"({wall:.1f} s)"
        )
        print(
            f"time per document: median {statistics.median(per_doc):.3f} s, "
            f"p95 {per_doc[int(len(per_doc) * 0.95) - 1]:.3f} s"
        )
        print(
            f"worker process peak RSS: first 10 % {early:.0f} MB, last 10 % {late:.0f} MB, "
            f"overall {max(peak_by_pid.values(), default=0):.0f} MB"
        )
        if failed:
            print("first failure:", failed[0].error)
    finally:
        if worker is not None:
            worker.stop()
        redis.stop()
        teardown_databases(old_config, verbosity=0)


if __name__ == "__main__":
    main()
