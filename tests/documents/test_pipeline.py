"""The sealed-PDF pipeline: full approval → one row per version → (on commit, eager Celery) rendered, sealed,
stored, ready; idempotent; failures with a reason and a retry; the broker being down; the relay.

m_b_to_a (tests/mobility/conftest.py): B sends learner_b's mobility (Lina Bakker) to A.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.db import IntegrityError, transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from documents import rendering, services, signing, tasks
from documents.models import RenderedDocument
from documents.registry import renderable_for
from ecvet.models import LearningAgreementVersion, Memorandum
from ecvet.services import approvals
from partners.models import AuditEntry

from .support import (
    LA_OUTCOMES,
    approve_la,
    approved_europass,
    approved_transcript,
    memorandum_in_force,
    pdf_text,
    send_la,
)

pytestmark = pytest.mark.django_db
S = RenderedDocument.Status


def build(kind, world, mob):
    if kind == "agreement":
        return approve_la(world, mob)
    if kind == "memorandum":
        return memorandum_in_force(world)
    if kind == "transcript":
        return approved_transcript(world, mob)
    return approved_europass(world, mob)


def expected_texts(kind, world, document):
    """What the PDF of each kind must say: the parties' names and an outcome or unit."""
    organisations = [world.org_a.legal_name, world.org_b.legal_name]
    if kind == "agreement":
        return [*organisations, "Lina Bakker", LA_OUTCOMES.splitlines()[0]]
    if kind == "memorandum":
        return [*organisations, "Beauty MoU", "FAC"]
    if kind == "transcript":
        # A result in the document's three languages wraps in its column: "Achieved" of the first row is whole.
        return [*organisations, "Lina Bakker", "Outcome 0 of FAC", "Achieved"]
    return [*organisations, "Lina Bakker", "Facial treatments", "English B1"]


def sealed_bytes(row) -> bytes:
    with row.file.open("rb") as f:
        return f.read()


KINDS = ["agreement", "memorandum", "transcript", "europass"]


@pytest.mark.parametrize("kind", KINDS)
def test_full_approval_seals_one_pdf_that_says_what_was_approved(world, mob, kind, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        document = build(kind, world, mob)
    row = RenderedDocument.objects.get()
    assert row.document == document
    assert row.status == S.READY, row.error
    assert row.content_sha256 == approvals.current_sha256(document)
    assert (row.attempts, row.error) == (1, "")
    data = sealed_bytes(row)
    assert row.file_sha256 == hashlib.sha256(data).hexdigest()
    assert row.file_size == len(data) and row.pages >= 1
    assert row.file.name.endswith(renderable_for(document).filename(document) + ".pdf")
    check = signing.verify(data)
    assert check.ok and check.reason == "valid", check
    assert row.signer == signing.signer_subject()
    text = pdf_text(data)
    for expected in expected_texts(kind, world, document):
        assert expected in text, expected
    assert row.content_sha256 in text.replace(" ", "")
    assert row.verify_token in text.replace(" ", "")  # the verification link (and its QR code)


@pytest.mark.parametrize("kind", KINDS)
def test_the_row_knows_its_partnership_and_mobility(world, mob, kind):
    document = build(kind, world, mob)  # callbacks not run: the row is queued, nothing rendered
    row = RenderedDocument.objects.get()
    assert row.status == S.QUEUED and not row.file
    assert row.partnership == world.p1
    assert row.mobility == (None if kind == "memorandum" else mob.m_b_to_a)
    assert services.current_row(document) == row


def test_requesting_twice_returns_the_same_row(world, mob, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        version = approve_la(world, mob)
    row = RenderedDocument.objects.get()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        again = services.request_pdf(version, by=world.partner_b)
    assert again.pk == row.pk and again.status == S.READY
    assert callbacks == []  # nothing sent to the worker again
    assert RenderedDocument.objects.count() == 1
    # Same for a row still waiting for its worker.
    memorandum = memorandum_in_force(world)
    queued = services.request_pdf(memorandum)
    assert services.request_pdf(memorandum).pk == queued.pk
    assert services.rows_for(memorandum).count() == 1


def test_the_database_refuses_a_second_row_for_one_version(world, mob):
    version = approve_la(world, mob)
    row = RenderedDocument.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        RenderedDocument.objects.create(
            content_type=row.content_type, object_id=version.pk, content_sha256=row.content_sha256
        )
    assert RenderedDocument.objects.count() == 1


def test_the_request_by_a_user_is_audited(world, mob):
    memorandum = memorandum_in_force(world)
    RenderedDocument.objects.all().delete()
    row = services.request_pdf(memorandum, by=world.pc_a)
    entry = AuditEntry.objects.get(actor=world.pc_a, details__pdf=str(row.code))
    assert entry.verb == AuditEntry.Verb.CREATED and entry.details["sha256"] == row.content_sha256
    assert row.requested_by == world.pc_a


def test_producing_a_ready_row_again_does_nothing(world, mob, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        approve_la(world, mob)
    row = RenderedDocument.objects.get()
    before = (row.file.name, row.file_sha256, row.finished_at, row.attempts, sealed_bytes(row))
    assert services.produce(row.pk) == "done-already"
    assert tasks.render_document.apply(args=[row.pk]).get() == "done-already"
    row.refresh_from_db()
    assert (row.file.name, row.file_sha256, row.finished_at, row.attempts, sealed_bytes(row)) == before
    assert services.produce(row.pk + 1000) == "gone"


def test_a_failed_render_says_why_and_a_retry_succeeds(world, mob, monkeypatch, django_capture_on_commit_callbacks):
    def boom(template, context):
        raise rendering.RenderError("boom")

    monkeypatch.setattr(rendering, "render", boom)
    with django_capture_on_commit_callbacks(execute=True):
        version = approve_la(world, mob)
    row = RenderedDocument.objects.get()
    assert (row.status, row.error, row.attempts) == (S.FAILED, "boom", 1)
    assert not row.file and row.finished_at is not None
    assert LearningAgreementVersion.objects.get(pk=version.pk).status == LearningAgreementVersion.Status.APPROVED
    assert services.produce(row.pk) == "failed"  # a failed row stays failed until someone retries

    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        retried = services.request_pdf(version, by=world.partner_b)
    assert retried.pk == row.pk
    row.refresh_from_db()
    assert (row.status, row.error, row.attempts) == (S.READY, "", 2)
    assert signing.verify(sealed_bytes(row)).ok
    assert AuditEntry.objects.filter(actor=world.partner_b, verb=AuditEntry.Verb.STATE_CHANGED, details__retry=True)
    assert RenderedDocument.objects.count() == 1


def test_an_unexpected_error_fails_the_row_with_the_error_type(
    world, mob, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(template, context):
        raise KeyError("secret detail")

    monkeypatch.setattr(rendering, "render", broken)
    with django_capture_on_commit_callbacks(execute=True):
        approve_la(world, mob)
    row = RenderedDocument.objects.get()
    assert row.status == S.FAILED
    assert "KeyError" in row.error and "secret detail" not in row.error


def test_a_render_over_the_time_limit_fails_with_the_reason(world, mob, monkeypatch):
    approve_la(world, mob)
    row = RenderedDocument.objects.get()

    def slow(pk, holder=""):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(services, "produce", slow)
    assert tasks.render_document.apply(args=[row.pk]).get() == "failed"
    row.refresh_from_db()
    assert row.status == S.FAILED and "longer than" in row.error


def test_a_missing_certificate_fails_the_row_with_what_to_do(world, mob, settings, tmp_path):
    approve_la(world, mob)
    row = RenderedDocument.objects.get()
    settings.VISION_SIGNING_P12 = tmp_path / "missing.p12"
    assert services.produce(row.pk) == "failed"
    row.refresh_from_db()
    assert row.status == S.FAILED and "create_signing_certificate" in row.error


def test_a_document_that_is_not_final_is_not_sealed(world, mob):
    version = send_la(world, mob)
    with pytest.raises(services.NotFinal):
        services.request_pdf(version, by=world.partner_b)
    assert not RenderedDocument.objects.exists()


def test_content_that_changed_after_the_request_fails_the_row(world, mob):
    approve_la(world, mob)
    row = RenderedDocument.objects.get()
    RenderedDocument.objects.filter(pk=row.pk).update(content_sha256="0" * 64)
    assert services.produce(row.pk) == "failed"
    row.refresh_from_db()
    assert row.status == S.FAILED and "content changed" in row.error
    assert not row.file


def test_a_document_no_longer_final_when_the_worker_runs_fails_the_row(world, mob):
    memorandum = memorandum_in_force(world)
    row = RenderedDocument.objects.get()
    Memorandum.objects.filter(pk=memorandum.pk).update(status=Memorandum.Status.DRAFT)
    assert services.produce(row.pk) == "failed"
    row.refresh_from_db()
    assert row.status == S.FAILED and "no longer approved" in row.error


def test_with_the_broker_down_the_approval_commits_and_the_relay_sends_it_later(
    world, mob, monkeypatch, django_capture_on_commit_callbacks
):
    def down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to redis:6379. Connection refused.")

    monkeypatch.setattr(tasks.render_document, "apply_async", down)
    with django_capture_on_commit_callbacks(execute=True):
        version = approve_la(world, mob)  # no exception: the page answers
    assert LearningAgreementVersion.objects.get(pk=version.pk).status == LearningAgreementVersion.Status.APPROVED
    row = RenderedDocument.objects.get()
    assert (row.status, row.enqueued_at, row.attempts) == (S.QUEUED, None, 0)
    assert services.relay_queued() == 0  # still down: nothing sent, the row waits
    row.refresh_from_db()
    assert (row.status, row.enqueued_at) == (S.QUEUED, None)

    monkeypatch.undo()  # the broker is back
    assert services.relay_queued() == 1
    row.refresh_from_db()
    assert row.status == S.READY and signing.verify(sealed_bytes(row)).ok
    assert services.relay_queued() == 0


def test_the_relay_resends_old_queued_rows_and_rows_stuck_rendering(world, mob, monkeypatch):
    sent = []
    monkeypatch.setattr(tasks.render_document, "apply_async", lambda args, **kwargs: sent.append(args[0]))
    now = timezone.now()
    approve_la(world, mob)
    stuck = RenderedDocument.objects.get()
    RenderedDocument.objects.filter(pk=stuck.pk).update(
        status=S.RENDERING, started_at=now - services.STALE_RENDERING - timedelta(minutes=1), enqueued_at=now
    )
    memorandum_in_force(world)
    busy = services.rows_for(Memorandum.objects.get()).get()
    RenderedDocument.objects.filter(pk=busy.pk).update(
        status=S.RENDERING, started_at=now - timedelta(minutes=1), enqueued_at=now
    )
    europass = approved_europass(world, mob)
    lost = services.rows_for(europass).get()
    RenderedDocument.objects.filter(pk=lost.pk).update(enqueued_at=now - services.RELAY_AFTER - timedelta(minutes=1))

    assert services.relay_queued(now=now) == 2
    assert sorted(sent) == sorted([stuck.pk, lost.pk])
    stuck.refresh_from_db()
    busy.refresh_from_db()
    assert stuck.status == S.QUEUED and stuck.enqueued_at is not None
    assert busy.status == S.RENDERING  # a worker is still on it


def test_a_stuck_row_is_rendered_by_the_relay(world, mob):
    approve_la(world, mob)
    row = RenderedDocument.objects.get()
    long_ago = timezone.now() - services.STALE_RENDERING - timedelta(minutes=5)
    RenderedDocument.objects.filter(pk=row.pk).update(
        status=S.RENDERING, started_at=long_ago, enqueued_at=long_ago, attempts=1
    )
    assert services.relay_queued() == 1
    row.refresh_from_db()
    assert (row.status, row.attempts) == (S.READY, 2)


def test_mark_failed_leaves_a_ready_row_alone(world, mob, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        approve_la(world, mob)
    row = RenderedDocument.objects.get()
    services.mark_failed(row.pk, "late failure")
    row.refresh_from_db()
    assert row.status == S.READY and row.error == ""


# --- Leases: a run that lost its worker is taken back within a minute (issue 17, point 4) -----------------------


def test_a_run_holds_a_lease_that_the_relay_respects_until_it_runs_out(world, mob, monkeypatch):
    sent = []
    monkeypatch.setattr(tasks.render_document, "apply_async", lambda args, **kwargs: sent.append(args[0]))
    approve_la(world, mob)
    row = RenderedDocument.objects.get()
    started = services._start(row.pk, "celery@web1:4242")
    assert not isinstance(started, str)
    row.refresh_from_db()
    assert row.status == S.RENDERING and row.leased_by == "celery@web1:4242"
    assert row.lease_until == row.started_at + services.lease()

    assert services.relay_queued(now=row.lease_until - timedelta(seconds=1)) == 0  # the run still holds it
    row.refresh_from_db()
    assert row.status == S.RENDERING
    assert services.relay_queued(now=row.lease_until + timedelta(seconds=1)) == 1  # its worker stopped renewing
    row.refresh_from_db()
    assert (row.status, row.leased_by, row.lease_until) == (S.QUEUED, "", None)
    assert sent == [row.pk]


def test_a_restarted_node_takes_back_its_rows_at_once_and_leaves_other_nodes_alone(world, mob, monkeypatch):
    sent = []
    monkeypatch.setattr(tasks.render_document, "apply_async", lambda args, **kwargs: sent.append(args[0]))
    approve_la(world, mob)
    memorandum_in_force(world)
    mine, other = RenderedDocument.objects.order_by("pk")
    services._start(mine.pk, "celery@web1:4242")
    services._start(other.pk, "celery@web2:777")
    # Both leases are fresh; the node celery@web1 starts again: its old run is dead, web2's is not.
    assert services.relay_queued(starting_node="celery@web1") == 1
    mine.refresh_from_db()
    other.refresh_from_db()
    assert mine.status == S.QUEUED and other.status == S.RENDERING
    assert sent == [mine.pk]
    # A node whose name only begins the same is another node.
    assert services.relay_queued(starting_node="celery@web") == 0


def test_the_heartbeat_renews_only_its_own_running_lease(world, mob, settings):
    approve_la(world, mob)
    row = RenderedDocument.objects.get()
    services._start(row.pk, "celery@web1:1")
    row.refresh_from_db()
    first = row.lease_until
    assert services.Heartbeat(row.pk, "celery@web1:1").renew()
    row.refresh_from_db()
    assert row.lease_until > first
    assert not services.Heartbeat(row.pk, "celery@web1:2").renew()  # another run's
    RenderedDocument.objects.filter(pk=row.pk).update(status=S.READY)
    assert not services.Heartbeat(row.pk, "celery@web1:1").renew()  # finished: nothing to hold


def test_the_heartbeat_thread_renews_while_a_long_render_runs(world, mob, settings, monkeypatch):
    # The thread writes through its own connection, so the row must be committed: done by hand, then removed.
    import threading

    settings.VISION_PDF_LEASE_SECONDS = 0.3
    renewed = threading.Event()
    original = services.Heartbeat.renew

    def renew(self):
        renewed.set()
        return original(self)

    monkeypatch.setattr(services.Heartbeat, "renew", renew)
    with services.Heartbeat(1, "celery@web1:1"):
        assert renewed.wait(2), "the heartbeat never renewed during a render longer than a third of the lease"
    with services.Heartbeat(1, ""):  # eager, in-process runs hold no lease: no thread
        pass
