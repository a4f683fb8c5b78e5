from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from .organisations import Organisation
from .partnerships import Partnership


class StatusChange(models.Model):
    """One move of a status field, written only by `partners.workflow.move` (who, when, from, to, reason).

    The mobility keeps its own history table (`mobility.MobilityStatusChange`, older and shown on its page);
    every other workflow model writes here."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    field = models.CharField(_("field"), max_length=40, default="status")
    transition = models.CharField(_("move"), max_length=60)
    from_state = models.CharField(_("from"), max_length=30)
    to_state = models.CharField(_("to"), max_length=30)
    at = models.DateTimeField(_("when"), auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    reason = models.TextField(_("reason"), blank=True)
    # Scope, as on the audit trail.
    partnership = models.ForeignKey(Partnership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ("at", "id")
        indexes = [
            # The history of one record, oldest first (history panels, admin inline, GDPR export).
            models.Index(fields=("content_type", "object_id", "at"), name="statuschange_object_at"),
        ]

    def __str__(self) -> str:
        return f"{self.from_state} → {self.to_state}"
