"""The sealed-PDF pipeline.

request_pdf() creates the row (queued) in the caller's transaction and hands its id to Celery on
commit. If the broker is unreachable the page still answers: the row stays queued without
`enqueued_at`, and relay_queued() (periodic, and when a worker starts) sends it again. The task calls
produce(), which locks the row, re-checks the document's state and content, renders, seals, stores the
file and marks the row ready — once: a second run of a finished job does nothing, and the unique
constraint (document, content SHA-256) means never two files for one version.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, models, transaction
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from partners import audit, workflow
from partners.files import no_store
from partners.models import AuditEntry

from . import access, rendering, signing
from .languages import in_each
from .models import RenderedDocument
from .qr import qr_data_uri
from .registry import renderable_for

log = logging.getLogger(__name__)
S = RenderedDocument.Status

# A queued row not picked up for this long is handed to the broker again (the task is idempotent).
RELAY_AFTER = timedelta(minutes=5)
# A row "rendering" without a lease (started before leases existed) is taken as lost after this long.
STALE_RENDERING = timedelta(minutes=15)


def lease() -> timedelta:
    """How long a run holds its row without renewing it (VISION_PDF_LEASE_SECONDS): a worker killed mid-render
    stops renewing, and the next relay (every 15 s, and when a worker starts) queues the row again."""
    return timedelta(seconds=settings.VISION_PDF_LEASE_SECONDS)


class Heartbeat:
    """Renews the run's lease every third of it while the render runs (a thread with its own connection). A render
    shorter than that never touches the database from the thread."""

    def __init__(self, pk: int, holder: str):
        self.pk, self.holder = pk, holder
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, name=f"lease-{pk}", daemon=True)

    def __enter__(self):
        if self.holder:
            self.thread.start()
        return self

    def __exit__(self, *exc_info):
        self.stopped.set()
        if self.thread.is_alive():
            self.thread.join(5)

    def _run(self) -> None:
        interval = max(lease().total_seconds() / 3, 0.1)
        try:
            while not self.stopped.wait(interval):
                self.renew()
        finally:
            connection.close()

    def renew(self) -> bool:
        return bool(
            RenderedDocument.objects.filter(pk=self.pk, status=S.RENDERING, leased_by=self.holder).update(
                lease_until=timezone.now() + lease()
            )
        )


class NotFinal(Exception):
    """Only documents approved by every party are sealed."""


class PersonErased(NotFinal):
    """The person the document names was erased: their PDFs are withdrawn and no new one is made."""


def rows_for(document):
    return RenderedDocument.objects.filter(
        content_type=ContentType.objects.get_for_model(type(document)), object_id=document.pk
    )


def current_row(document) -> RenderedDocument | None:
    """The PDF row of the document's current content, if one was requested."""
    sha = renderable_for(document).content_sha256(document)
    return rows_for(document).filter(content_sha256=sha).first()


@transaction.atomic
def request_pdf(document, *, by=None, request=None) -> RenderedDocument:
    """The PDF row for the document's current (final) content: created queued and sent to the worker on
    commit; an existing row is returned as it is, except a failed one, which is queued again (retry)."""
    spec = renderable_for(document)
    if not spec.is_final(document):
        raise NotFinal(_("Only a document approved by every party can be sealed as a PDF."))
    if spec.names_erased_person(document):
        raise PersonErased(_("The learner's data was erased at their request: no sealed PDF is made of it any more."))
    sha = spec.content_sha256(document)
    ct = ContentType.objects.get_for_model(type(document))
    try:
        with transaction.atomic():
            row, created = RenderedDocument.objects.get_or_create(
                content_type=ct,
                object_id=document.pk,
                content_sha256=sha,
                defaults={
                    "requested_by": by,
                    "partnership_id": spec.partnership_id(document),
                    "mobility_id": spec.mobility_id(document),
                },
            )
    except IntegrityError:  # two requests at once: the other one created it
        row, created = RenderedDocument.objects.get(content_type=ct, object_id=document.pk, content_sha256=sha), False
    details = {"pdf": str(row.code), "sha256": sha, "retry": not created}
    if not created:
        row = _locked(row.pk)
        if row.status != S.FAILED:
            return row
        # A retry asked by a person is theirs (whoever sees the document); one asked by the portal is its own.
        workflow.move(
            row,
            "retry",
            by=by,
            request=request,
            system=by is None,
            details=details,
        )
    elif by is not None:
        audit.record(
            actor=by,
            verb=AuditEntry.Verb.CREATED,
            obj=document,
            request=request,
            partnership=spec.partnership(document),
            details=details,
        )
    pk = row.pk
    transaction.on_commit(lambda: enqueue(pk))
    return row


def _locked(pk: int, *, rows=None) -> RenderedDocument | None:
    """The row, locked, with what its moves' history and audit entries read (no query per move)."""
    rows = RenderedDocument.objects.all() if rows is None else rows
    return rows.select_for_update(of=("self",)).select_related("content_type", "partnership").filter(pk=pk).first()


def enqueue(pk: int) -> bool:
    """Hand the job to the broker; False (and the row stays as it is for the relay) when it is down."""
    from .tasks import render_document

    try:
        render_document.apply_async(args=[pk], retry=False)
    except Exception:  # noqa: BLE001 — kombu raises OperationalError and friends; the relay resends
        log.warning("Broker unreachable: sealed PDF %s stays queued for the relay.", pk, exc_info=True)
        return False
    RenderedDocument.objects.filter(pk=pk, status=S.QUEUED).update(enqueued_at=timezone.now())
    return True


def relay_queued(*, now=None, starting_node: str = "") -> int:
    """Send again the queued rows the broker never got (or lost), and rows whose worker died mid-render. A worker
    that starts names itself (`starting_node`): rows its node held before are lost at once, whatever their lease."""
    now = now or timezone.now()
    if starting_node:
        requeue_stale(now=now, held_by=starting_node)
    requeue_stale(now=now)
    pending = RenderedDocument.objects.filter(status=S.QUEUED).filter(
        enqueued_at__isnull=True
    ) | RenderedDocument.objects.filter(status=S.QUEUED, enqueued_at__lt=now - RELAY_AFTER)
    sent = 0
    for pk in pending.order_by("pk").values_list("pk", flat=True)[:1000]:
        if not enqueue(pk):
            break  # still down: try again at the next relay
        sent += 1
    return sent


def requeue_stale(*, now=None, held_by: str = "", limit: int = 1000) -> int:
    """Rows "rendering" that lost their worker — their lease ran out, or (`held_by`) their node has just started
    again — are moved back to "queued" (one history row and one audit entry each, no actor: the portal does it).
    One short transaction per row, so a worker finishing one of them meanwhile wins (the move is refused and the
    row skipped)."""
    now = now or timezone.now()
    rendering = RenderedDocument.objects.filter(status=S.RENDERING)
    if held_by:
        stale = rendering.filter(leased_by__startswith=f"{held_by}:")
    else:
        stale = rendering.filter(
            models.Q(lease_until__lt=now) | models.Q(lease_until__isnull=True, started_at__lt=now - STALE_RENDERING)
        )
    moved = 0
    for pk in stale.order_by("pk").values_list("pk", flat=True)[:limit]:
        with transaction.atomic():
            row = _locked(pk, rows=stale)
            if row is None:
                continue  # finished (or failed) meanwhile
            workflow.move(row, "requeue", system=True)
            moved += 1
    return moved


def _store(row: RenderedDocument, filename: str, pdf: bytes) -> None:
    """One deterministic name per row: a worker killed after storing but before committing left a file
    under this name, which is replaced — never two files for one version."""
    name = f"sealed/{row.code}/{filename}.pdf"
    storage = row.file.storage
    if storage.exists(name):
        storage.delete(name)
    row.file.name = storage.save(name, ContentFile(pdf))


def _start(pk: int, holder: str = ""):
    """Phase 1 (short transaction): lock, re-check, mark rendering. Returns (row, document, spec) or a result."""
    with transaction.atomic():
        row = _locked(pk)
        if row is None:
            return "gone"
        if row.status == S.READY:
            return "done-already"
        if row.status in (S.FAILED, S.WITHDRAWN):
            return str(row.status)
        document = row.document
        if document is None:
            return _fail(row, _("The document no longer exists."))
        spec = renderable_for(document)
        if not spec.is_final(document):
            return _fail(row, _("The document is no longer approved by every party."))
        if spec.content_sha256(document) != row.content_sha256:
            return _fail(row, _("The document's content changed after the PDF was requested."))
        # A row already "rendering" lost its worker (the broker redelivered the job): start again.
        workflow.move(row, "start", system=True, holder=holder, lease=lease() if holder else None)
        return row, document, spec


def produce(pk: int, holder: str = "") -> str:
    """Render, seal and store one job. Returns what happened ("ready", "done-already", "failed", "gone").
    Raises on a transient error (the task retries); a permanent one marks the row failed with the reason.

    Rendering runs outside any transaction (the page shows "rendering"); the result is stored under the
    row's lock, and only if no other run finished first."""
    started = _start(pk, holder)
    if isinstance(started, str):
        return started
    row, document, spec = started
    with Heartbeat(pk, holder):
        return _render_and_store(pk, row, document, spec)


def _render_and_store(pk: int, row: RenderedDocument, document, spec) -> str:
    try:
        verify_url = settings.VISION_BASE_URL + row.get_verify_url()
        context = {"rendered": row, "verify_url": verify_url, "qr": qr_data_uri(verify_url)}
        # One sealed PDF serves every party: it is written in the portal's default language (English, the
        # language of the EC templates) and, label by label, in the document's languages (documents.languages:
        # those of who signs it), whoever asked for it and in whichever language.
        with translation.override(settings.LANGUAGE_CODE):
            languages = spec.languages(document)
            context = {
                **spec.context(document),
                "document_languages": languages,
                "label_texts": in_each(languages, spec.label),
                **context,
            }
            pdf, pages = rendering.render(spec.template, context)
            reason = _("Sealed by the VISION portal: %(document)s") % {"document": spec.label()}
        sealed = signing.seal(pdf, reason=reason)
    except (rendering.RenderError, signing.SigningNotConfigured) as error:
        mark_failed(pk, str(error))
        return "failed"
    with transaction.atomic():
        row = _locked(pk)
        if row is None:
            return "gone"
        if row.status == S.READY:
            return "done-already"  # another run won: ours is discarded
        if row.status in (S.FAILED, S.WITHDRAWN):
            return str(row.status)  # failed meanwhile, or its learner was erased: nothing is stored
        _store(row, spec.filename(document), sealed)
        row.file_sha256 = hashlib.sha256(sealed).hexdigest()
        row.file_size = len(sealed)
        row.pages = pages
        row.signer = signing.signer_subject()[:300]
        workflow.move(
            row,
            "finish",
            system=True,
            # The sealed file, described above; the move itself sets error and finished_at.
            update_fields=["file", "file_sha256", "file_size", "pages", "signer"],
        )
    return "ready"


def withdraw(rows) -> int:
    """Erasure (documents.gdpr): each row is withdrawn — its file deleted from storage once the erasure commits
    (a rolled-back erasure keeps it), the row kept with its hashes so that a copy someone kept can still be
    checked, and the public page saying only that it was withdrawn at the person's request."""
    withdrawn = 0
    for pk in rows.exclude(status=S.WITHDRAWN).order_by("pk").values_list("pk", flat=True):
        row = _locked(pk)
        storage, name = row.file.storage, row.file.name
        workflow.move(row, "withdraw", system=True)
        if name:
            transaction.on_commit(lambda storage=storage, name=name: storage.delete(name))
        withdrawn += 1
    return withdrawn


def _fail(row: RenderedDocument, reason: str) -> str:
    workflow.move(row, "fail", system=True, error=reason)
    return "failed"


def mark_failed(pk: int, reason: str) -> None:
    """The task gave up (retries exhausted or an unexpected error): the user sees why and may retry."""
    with transaction.atomic():
        row = _locked(pk)
        if row is not None and row.status not in (S.READY, S.FAILED):
            _fail(row, reason)


def verification_status(row: RenderedDocument) -> str:
    """valid / superseded / revoked / withdrawn, as the public page says it."""
    if row.status == S.WITHDRAWN:
        return "withdrawn"
    if row.revoked_at:
        return "revoked"
    document = row.document
    if document is None:
        return "revoked"
    spec = renderable_for(document)
    if spec.is_revoked(document):
        return "revoked"
    if spec.is_superseded(document) or spec.content_sha256(document) != row.content_sha256:
        return "superseded"
    return "valid"


def serve_pdf(request, code):
    """The sealed PDF `code` as an attachment for `request.user`: the portal's download view and the API's
    both answer through this (same scope, same 403 where the file is withheld, same audit row)."""
    row = get_object_or_404(
        RenderedDocument.objects.visible_to(request.user), code=code, status=RenderedDocument.Status.READY
    )
    if not access.may_download(request.user, row):
        raise PermissionDenied
    audit.record(
        actor=request.user,
        verb=AuditEntry.Verb.DOWNLOADED,
        obj=row.document or row,
        request=request,
        partnership=row.partnership,
        details={"pdf": str(row.code), "sha256": row.file_sha256},
    )
    response = FileResponse(row.file.open("rb"), as_attachment=True, filename=access.filename(row))
    response["Content-Type"] = "application/pdf"
    return no_store(response)
