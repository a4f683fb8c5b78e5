from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..querysets import AuditEntryQuerySet
from .organisations import Organisation
from .partnerships import Partnership


class AuditEntry(models.Model):
    """An append-only record of a state change or of access to personal data.

    Written only by partners.audit.record(); no view edits or deletes it.
    """

    class Verb(models.TextChoices):
        CREATED = "created", _("created")
        UPDATED = "updated", _("updated")
        DELETED = "deleted", _("deleted")
        STATE_CHANGED = "state_changed", _("changed state")
        VIEWED = "viewed", _("viewed")
        DOWNLOADED = "downloaded", _("downloaded")
        EXPORTED = "exported", _("exported")
        INVITED = "invited", _("invited")
        ACCEPTED = "accepted", _("accepted")
        REVOKED = "revoked", _("revoked")

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    # Kept even if the user is later deleted.
    actor_email = models.EmailField(_("who (email)"), blank=True)
    verb = models.CharField(_("what"), max_length=20, choices=Verb.choices)
    object_type = models.CharField(_("object type"), max_length=100)
    object_code = models.CharField(_("object id"), max_length=64)
    object_repr = models.CharField(_("object"), max_length=255)
    # Scope: who may read the entry (coordinators of the partnership / staff of the organisation).
    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("partnership"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    ip_address = models.GenericIPAddressField(_("from (IP)"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=255, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-id"]
        indexes = [
            # The partnership audit page: newest first within one partnership.
            models.Index(fields=["partnership", "-at"], name="audit_partnership_at"),
            models.Index(fields=["organisation", "-at"], name="audit_organisation_at"),
            # "Who touched this object": history for one record.
            models.Index(fields=["object_type", "object_code"], name="audit_object"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_email} {self.verb} {self.object_repr}"
