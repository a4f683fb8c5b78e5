from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from partners.models import Organisation


class Approval(models.Model):
    """One party's decision on exactly one version of a document, bound to the SHA-256 of its
    canonical content. Append-only: written by ecvet.services.approvals, never edited."""

    class Decision(models.TextChoices):
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused with a reason")

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    document = GenericForeignKey("content_type", "object_id")
    party = models.CharField(
        _("party"),
        max_length=40,
        help_text="Which party this is, e.g. 'learner', 'sending', 'receiving' or 'org:<id>'.",
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("on behalf of")
    )
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    content_sha256 = models.CharField(_("SHA-256 of the approved content"), max_length=64)
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("signer")
    )
    signer_name = models.CharField(_("name"), max_length=200)
    signer_position = models.CharField(_("position"), max_length=160, blank=True)
    signer_email = models.EmailField(_("email"))
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    at = models.DateTimeField(_("when"), auto_now_add=True)
    comment = models.TextField(_("reason or comment"), blank=True)

    class Meta:
        verbose_name = _("approval")
        verbose_name_plural = _("approvals")
        ordering = ["at", "id"]
        indexes = [
            # "Who has approved this version?" on every document page.
            models.Index(fields=["content_type", "object_id"], name="approval_document"),
        ]

    def __str__(self) -> str:
        return f"{self.signer_name}: {self.get_decision_display()} ({self.party})"
