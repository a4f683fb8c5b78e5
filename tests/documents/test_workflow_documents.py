"""A sealed PDF's render job moves through its one declared workflow (issue 13, point 2):

queued → rendering → ready, or → failed, then retry → queued; a row stuck in "rendering" is queued again by
the relay. The worker's and the relay's moves are the portal's own (no actor, `system=True`); a retry is
the person's who asks for it (whoever sees the document). Each move writes a history row and one audit
entry; nothing else changes the status (not a direct assignment, not the Django admin)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from documents import rendering, services
from documents.models import RenderedDocument
from partners import workflow
from partners.models import AuditEntry, StatusChange
from tests.documents.support import forced_memorandum
from tests.workflow_support import change_url, post_move

pytestmark = pytest.mark.django_db

S = RenderedDocument.Status
LONG_AGO = timedelta(hours=1) + services.STALE_RENDERING


@pytest.fixture
def memorandum(world):
    """A memorandum of P1 in force (final), without a PDF row yet; A's and B's staff see it, C's do not."""
    return forced_memorandum(world.p1, [world.org_a, world.org_b])


def row_in(memorandum, status, n=0, **fields) -> RenderedDocument:
    """A PDF row of the memorandum (`n` tells its content versions apart) arranged in `status`."""
    row = RenderedDocument.objects.create(
        content_type=ContentType.objects.get_for_model(memorandum),
        object_id=memorandum.pk,
        content_sha256=f"{n:064d}",
        partnership=memorandum.partnership,
    )
    RenderedDocument.objects.filter(pk=row.pk).update(status=status, **fields)
    return RenderedDocument.objects.get(pk=row.pk)


def moves_of(row):
    return AuditEntry.objects.filter(object_code=str(row.code), verb=AuditEntry.Verb.STATE_CHANGED)


# --- the map ------------------------------------------------------------------------------------------------

MOVES = {
    "start": ([S.QUEUED, S.RENDERING], S.RENDERING),
    "finish": ([S.QUEUED, S.RENDERING], S.READY),
    "fail": ([S.QUEUED, S.RENDERING], S.FAILED),
    "requeue": ([S.RENDERING], S.QUEUED),
    "retry": ([S.FAILED], S.QUEUED),
}


@pytest.mark.parametrize(
    ("name", "status"), [(name, status) for name in MOVES for status in S.values], ids=lambda v: str(v)
)
def test_each_move_is_made_from_its_sources_and_refused_from_the_others(world, memorandum, name, status):
    sources, target = MOVES[name]
    row = row_in(memorandum, status)
    # The worker's and the relay's moves are the portal's; a retry is a person's.
    mover = {"by": world.pc_a} if name == "retry" else {"system": True}
    if status in sources:
        workflow.move(row, name, **mover)
        assert RenderedDocument.objects.get(pk=row.pk).status == target
        [change] = row.state_history()
        assert (change.transition, change.from_state, change.to_state) == (name, status, target)
        assert (change.by, change.partnership) == (mover.get("by"), world.p1)
        [entry] = moves_of(row)
        assert entry.actor == mover.get("by") and entry.partnership == world.p1
    else:
        with pytest.raises(workflow.Refused):
            workflow.move(row, name, **mover)
        assert RenderedDocument.objects.get(pk=row.pk).status == status
        assert not StatusChange.objects.exists() and not moves_of(row).exists()


@pytest.mark.parametrize("name", ["start", "finish", "fail", "requeue"])
def test_the_workers_moves_are_nobodys_to_make(world, memorandum, name):
    row = row_in(memorandum, S.RENDERING)
    with pytest.raises(PermissionDenied):
        workflow.move(row, name, by=world.admin)
    assert RenderedDocument.objects.get(pk=row.pk).status == S.RENDERING
    assert not StatusChange.objects.exists()


def test_only_who_sees_the_document_may_retry(world, memorandum):
    row = row_in(memorandum, S.FAILED, error="boom")
    for user in (world.partner_c, world.outsider, None):
        with pytest.raises(PermissionDenied):
            workflow.move(row, "retry", by=user)
    assert RenderedDocument.objects.get(pk=row.pk).status == S.FAILED
    workflow.move(row, "retry", by=world.partner_b, update_fields=["error", "enqueued_at"])
    stored = RenderedDocument.objects.get(pk=row.pk)
    assert (stored.status, stored.error) == (S.QUEUED, "")


def test_the_status_cannot_be_assigned(memorandum):
    row = row_in(memorandum, S.QUEUED)
    with pytest.raises(AttributeError):
        row.status = S.READY


# --- the pipeline makes its moves -------------------------------------------------------------------------


def test_a_render_job_writes_a_history_row_and_one_audit_entry_per_move(world, memorandum, plain_pdf, monkeypatch):
    monkeypatch.setattr(rendering, "render", lambda template, context: (plain_pdf, 2))
    row = services.request_pdf(memorandum)
    assert services.produce(row.pk) == "ready"
    stored = RenderedDocument.objects.get(pk=row.pk)
    assert (stored.status, stored.attempts, stored.pages) == (S.READY, 1, 2)
    assert stored.file and stored.file_sha256 and stored.finished_at and stored.started_at
    changes = list(stored.state_history())
    assert [(c.transition, c.from_state, c.to_state, c.by) for c in changes] == [
        ("start", "queued", "rendering", None),
        ("finish", "rendering", "ready", None),
    ]
    entries = moves_of(stored).order_by("id")
    assert [(e.actor, e.details["move"], e.partnership) for e in entries] == [
        (None, "start", world.p1),
        (None, "finish", world.p1),
    ]


def test_a_failure_and_the_retry_asked_by_a_person_are_moves(world, memorandum, monkeypatch):
    def boom(template, context):
        raise rendering.RenderError("boom")

    monkeypatch.setattr(rendering, "render", boom)
    row = services.request_pdf(memorandum)
    assert services.produce(row.pk) == "failed"
    failed = RenderedDocument.objects.get(pk=row.pk)
    assert (failed.status, failed.error) == (S.FAILED, "boom") and failed.finished_at is not None

    retried = services.request_pdf(memorandum, by=world.partner_b)
    assert retried.pk == row.pk
    stored = RenderedDocument.objects.get(pk=row.pk)
    assert (stored.status, stored.error, stored.enqueued_at) == (S.QUEUED, "", None)
    assert [(c.transition, c.by) for c in stored.state_history()] == [
        ("start", None),
        ("fail", None),
        ("retry", world.partner_b),
    ]
    # One audit entry for the retry (the move's), with what the service used to record.
    [entry] = moves_of(stored).filter(actor=world.partner_b)
    assert entry.details["retry"] is True and entry.details["pdf"] == str(row.code)
    assert AuditEntry.objects.filter(actor=world.partner_b).count() == 1


def test_the_relay_queues_every_stuck_row_again_with_one_history_row_each(world, memorandum):
    now = timezone.now()
    stuck = [row_in(memorandum, S.RENDERING, n, started_at=now - LONG_AGO, enqueued_at=now) for n in range(3)]
    busy = row_in(memorandum, S.RENDERING, 9, started_at=now - timedelta(minutes=1), enqueued_at=now)
    assert services.requeue_stale(now=now) == 3
    for row in stuck:
        stored = RenderedDocument.objects.get(pk=row.pk)
        assert (stored.status, stored.enqueued_at) == (S.QUEUED, None)
        [change] = stored.state_history()
        assert (change.transition, change.from_state, change.to_state, change.by) == (
            "requeue",
            "rendering",
            "queued",
            None,
        )
        assert moves_of(stored).count() == 1
    assert RenderedDocument.objects.get(pk=busy.pk).status == S.RENDERING
    assert not busy.state_history().exists()
    assert services.requeue_stale(now=now) == 0


def test_requeueing_stuck_rows_costs_a_few_queries_per_row(memorandum):
    now = timezone.now()

    def queries_for(count: int, first: int) -> int:
        for n in range(first, first + count):
            row_in(memorandum, S.RENDERING, n, started_at=now - LONG_AGO)
        with CaptureQueriesContext(connection) as captured:
            assert services.requeue_stale(now=now) == count
        return len(captured)

    two, five = queries_for(2, 0), queries_for(5, 10)
    per_row = (five - two) / 3
    assert per_row == int(per_row) and per_row <= 9  # lock, move (check, save, history, audit), savepoints
    assert two - 2 * per_row <= 1  # plus the one query that lists the stuck rows


# --- Django admin -------------------------------------------------------------------------------------------


def test_the_admin_page_offers_retry_for_a_failed_row_only(world, memorandum, client_for):
    client = client_for(world.admin)
    failed = row_in(memorandum, S.FAILED, 1, error="boom")
    page = client.get(change_url(failed)).content.decode()
    assert 'name="_fsm_transition_to"' in page and 'value="retry"' in page
    assert 'value="finish"' not in page  # the worker's
    queued = row_in(memorandum, S.QUEUED, 2)
    assert 'name="_fsm_transition_to"' not in client.get(change_url(queued)).content.decode()


def test_a_retry_through_the_admin_is_the_move_and_sends_the_job(
    world, memorandum, client_for, django_capture_on_commit_callbacks
):
    row = row_in(memorandum, S.FAILED, error="boom")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = post_move(client_for(world.admin), row, "retry")
    assert response.status_code == 200 and "Done: Retry." in response.content.decode()
    stored = RenderedDocument.objects.get(pk=row.pk)
    assert (stored.status, stored.error) == (S.QUEUED, "")
    [change] = stored.state_history()
    assert (change.transition, change.by) == ("retry", world.admin)
    assert moves_of(stored).count() == 1
    assert len(callbacks) == 1  # handed to the worker once committed


def test_an_illegal_move_through_the_admin_changes_nothing_and_says_why(world, memorandum, client_for):
    client = client_for(world.admin)
    failed = row_in(memorandum, S.FAILED, 1, error="boom")
    response = post_move(client, failed, "finish")
    assert "“Mark as ready” is not possible while the sealed PDF is “Failed”." in response.content.decode()
    rendering_row = row_in(memorandum, S.RENDERING, 2)
    response = post_move(client, rendering_row, "finish")  # on the map, but only the worker makes it
    assert "You may not make this change." in response.content.decode()
    assert RenderedDocument.objects.get(pk=failed.pk).status == S.FAILED
    assert RenderedDocument.objects.get(pk=rendering_row.pk).status == S.RENDERING
    assert (
        not StatusChange.objects.exists() and not AuditEntry.objects.filter(verb=AuditEntry.Verb.STATE_CHANGED).exists()
    )


def test_send_again_retries_failed_rows_one_move_each(world, memorandum, rf):
    from django.contrib import admin as django_admin
    from django.contrib.messages.storage.fallback import FallbackStorage

    failed = [row_in(memorandum, S.FAILED, n, error="boom") for n in range(3)]
    ready = row_in(memorandum, S.READY, 9)
    request = rf.post("/")
    request.user = world.admin
    request.session = {}
    request._messages = FallbackStorage(request)
    model_admin = django_admin.site._registry[RenderedDocument]
    model_admin.send_again(request, RenderedDocument.objects.all())
    for row in failed:
        stored = RenderedDocument.objects.get(pk=row.pk)
        assert (stored.status, stored.error) == (S.QUEUED, "")
        assert [(c.transition, c.by) for c in stored.state_history()] == [("retry", world.admin)]
    assert RenderedDocument.objects.get(pk=ready.pk).status == S.READY
    assert StatusChange.objects.count() == 3
