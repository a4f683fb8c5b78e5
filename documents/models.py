"""A sealed PDF of one version of a document, and where it stands in the rendering pipeline."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partners.models.base import TimeStampedModel, code_field
from partners.workflow import WorkflowModel, rule, state_field, system_only, transition

from .querysets import RenderedDocumentQuerySet


def new_verify_token() -> str:
    return secrets.token_urlsafe(24)


class RenderedDocument(WorkflowModel, TimeStampedModel):
    """One PDF per approved version (document + SHA-256 of its content): requested → queued → rendering →
    ready, or failed with the reason and a retry. Never two rows for one version (constraint)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RENDERING = "rendering", _("Rendering")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")
        # The person it names had their data erased: the file is deleted, the row keeps the hashes.
        WITHDRAWN = "withdrawn", _("Withdrawn")

    code = code_field()
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    document = GenericForeignKey("content_type", "object_id")
    # Where it belongs, for the partnership's and the mobility's ZIP downloads.
    partnership = models.ForeignKey(
        "partners.Partnership", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    mobility = models.ForeignKey(
        "mobility.Mobility", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    content_sha256 = models.CharField(_("SHA-256 of the approved content"), max_length=64)
    status = state_field(Status.choices, Status.QUEUED, max_length=10)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.TextField(_("reason of the failure"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # When the job was last handed to the broker (null: never, e.g. the broker was down): the relay resends.
    enqueued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    # The run that renders it: "<worker node>:<pid>", renewed while it runs (documents.services.Heartbeat). A row
    # "rendering" whose lease ran out, or held by a node that has just started, lost its worker and is queued again.
    leased_by = models.CharField(max_length=200, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    file = models.FileField(_("file"), upload_to="sealed/%Y/%m/", blank=True, max_length=200)
    file_sha256 = models.CharField(_("SHA-256 of the file"), max_length=64, blank=True)
    file_size = models.PositiveIntegerField(_("size in bytes"), null=True, blank=True)
    pages = models.PositiveSmallIntegerField(_("pages"), null=True, blank=True)
    signer = models.CharField(_("sealed with the certificate of"), max_length=300, blank=True)
    verify_token = models.CharField(max_length=64, unique=True, default=new_verify_token, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_reason = models.CharField(_("reason for revoking"), max_length=300, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    objects = RenderedDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("sealed PDF")
        verbose_name_plural = _("sealed PDFs")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "content_sha256"], name="one_pdf_per_document_version"
            )
        ]
        indexes = [
            models.Index(fields=["status", "enqueued_at"]),
            # The API's document list, newest first: its cursor pages are a range scan of this index.
            models.Index(fields=["-created_at", "id"], name="document_created"),
        ]

    def __str__(self) -> str:
        return f"{self.content_type.model} {self.object_id} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("documents:download", kwargs={"code": self.code})

    def get_verify_url(self) -> str:
        return reverse("documents:verify", kwargs={"token": self.verify_token})

    def workflow_scope(self):
        # As the document's own audit entries (documents.services.request_pdf): its partnership.
        return self.partnership, None

    # --- The moves (made by documents.services: the worker's are the portal's own, `system=True`) -----------

    @transition(
        field=status,
        # From "rendering" too: that run lost its worker and the broker delivered the job again.
        source=[Status.QUEUED, Status.RENDERING],
        target=Status.RENDERING,
        permission=system_only,
        custom={"label": _("Start rendering"), "update_fields": ["attempts", "started_at", "leased_by", "lease_until"]},
    )
    def start(self, holder: str = "", lease: timedelta | None = None):
        self.attempts += 1
        self.started_at = timezone.now()
        self.leased_by = holder[:200]
        self.lease_until = self.started_at + lease if lease else None

    @transition(
        field=status,
        # From "queued" too: the relay re-queued a long run that then finished first.
        source=[Status.QUEUED, Status.RENDERING],
        target=Status.READY,
        permission=system_only,
        custom={"label": _("Mark as ready"), "update_fields": ["error", "finished_at"]},
    )
    def finish(self):
        """The sealed file is stored and described (file, SHA-256, size, pages, signer) before this move."""
        self.error = ""
        self.finished_at = timezone.now()

    @transition(
        field=status,
        source=[Status.QUEUED, Status.RENDERING],
        target=Status.FAILED,
        permission=system_only,
        custom={"label": _("Mark as failed"), "update_fields": ["error", "finished_at"]},
    )
    def fail(self, error: str = ""):
        self.error = error[:2000]
        self.finished_at = timezone.now()

    @transition(
        field=status,
        source=Status.RENDERING,
        target=Status.QUEUED,
        permission=system_only,
        custom={"label": _("Queue again"), "update_fields": ["enqueued_at", "leased_by", "lease_until"]},
    )
    def requeue(self):
        """A run stuck in "rendering" lost its worker: the relay hands the job to the broker again."""
        self.enqueued_at = None
        self.leased_by = ""
        self.lease_until = None

    @transition(
        field=status,
        source=[Status.QUEUED, Status.RENDERING, Status.READY, Status.FAILED],
        target=Status.WITHDRAWN,
        permission=system_only,
        custom={"label": _("Withdraw (erasure)"), "update_fields": ["file", "withdrawn_at", "error"]},
    )
    def withdraw(self):
        """The learner it names was erased (documents.gdpr): the caller deletes the file once this commits."""
        self.file = ""
        self.error = ""
        self.withdrawn_at = timezone.now()

    @transition(
        field=status,
        source=Status.FAILED,
        target=Status.QUEUED,
        permission=rule("documents.access.may_request"),
        custom={"label": _("Retry"), "update_fields": ["error", "enqueued_at"]},
    )
    def retry(self):
        self.error = ""
        self.enqueued_at = None
