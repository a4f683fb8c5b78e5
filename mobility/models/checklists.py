from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partners.models import Partnership, TimeStampedModel
from partners.models.base import code_field

from ..querysets import ChecklistItemQuerySet, ChecklistTemplateItemQuerySet
from .mobilities import Mobility


class Category(models.TextChoices):
    PREPARATION = "preparation", _("Preparation")
    ARRIVAL = "arrival", _("Arrival")
    MONITORING = "monitoring", _("Monitoring")
    INCIDENTS = "incidents", _("Incidents")
    ASSESSMENT = "assessment", _("Assessment")
    DEBRIEFING = "debriefing", _("Debriefing")
    RECOGNITION = "recognition", _("Recognition")
    DOCUMENTATION = "documentation", _("Documentation")


class Anchor(models.TextChoices):
    START = "start", _("the start")
    END = "end", _("the end")


class Responsible(models.TextChoices):
    """Who must act: the side whose people see the item on their dashboard."""

    SENDING = "sending", _("Sending organisation")
    RECEIVING = "receiving", _("Receiving organisation")
    MENTOR = "mentor", _("Mentor")
    LEARNER = "learner", _("Learner")


class ChecklistTemplateItem(TimeStampedModel):
    """One line of a partnership's quality checklist; copied into each mobility's checklist."""

    code = code_field()
    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="checklist_template", verbose_name=_("partnership")
    )
    title = models.CharField(_("item"), max_length=200)
    guidance = models.TextField(_("guidance"), blank=True, help_text=_("What “done” means, for whoever acts."))
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    responsible = models.CharField(_("who acts"), max_length=10, choices=Responsible.choices)
    anchor = models.CharField(_("due relative to"), max_length=5, choices=Anchor.choices, default=Anchor.START)
    offset_days = models.SmallIntegerField(
        _("days after"),
        default=0,
        help_text=_("Negative numbers mean before, e.g. −14 = two weeks before."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = ChecklistTemplateItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("checklist template item")
        verbose_name_plural = _("checklist template items")
        ordering = ["partnership", "order", "id"]

    def __str__(self) -> str:
        return self.title

    def due_for(self, mobility: Mobility) -> date:
        base = mobility.start_date if self.anchor == Anchor.START else mobility.end_date
        return base + timedelta(days=self.offset_days)


class ChecklistItem(TimeStampedModel):
    code = code_field()
    mobility = models.ForeignKey(
        Mobility, on_delete=models.CASCADE, related_name="checklist", verbose_name=_("mobility")
    )
    template_item = models.ForeignKey(
        ChecklistTemplateItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    title = models.CharField(_("item"), max_length=200)
    guidance = models.TextField(_("guidance"), blank=True)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    responsible = models.CharField(_("who acts"), max_length=10, choices=Responsible.choices)
    due_date = models.DateField(_("due"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("done by"),
    )
    note = models.TextField(_("evidence note"), blank=True)
    evidence = models.FileField(_("evidence file"), upload_to="evidence/%Y/%m/", blank=True)

    objects = ChecklistItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["mobility", "due_date", "order", "id"]
        indexes = [
            # Dashboards: open items by due date.
            models.Index(fields=["done_at", "due_date"], name="checklist_open_due"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_done(self) -> bool:
        return self.done_at is not None

    @property
    def is_overdue(self) -> bool:
        return not self.is_done and self.due_date < timezone.localdate()
