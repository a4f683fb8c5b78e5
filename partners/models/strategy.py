from decimal import Decimal

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..querysets import IndicatorQuerySet, StrategyGoalQuerySet, StrategyQuerySet
from .base import TimeStampedModel, code_field
from .organisations import Organisation
from .partnerships import Partnership


class InternationalisationStrategy(TimeStampedModel):
    """One organisation's internationalisation strategy within one partnership (network)."""

    code = code_field()
    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="strategies", verbose_name=_("partnership")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="strategies", verbose_name=_("organisation")
    )
    summary = models.TextField(
        _("summary"), blank=True, help_text=_("The strategy's aims in a few sentences, as adopted by the organisation.")
    )
    period_start = models.DateField(_("period start"), null=True, blank=True)
    period_end = models.DateField(_("period end"), null=True, blank=True)

    objects = StrategyQuerySet.as_manager()

    class Meta:
        verbose_name = _("internationalisation strategy")
        verbose_name_plural = _("internationalisation strategies")
        ordering = ["partnership", "organisation__short_name"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "organisation"], name="strategy_unique_org"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} – {self.partnership}"

    def get_absolute_url(self) -> str:
        return reverse("partners:strategy_detail", kwargs={"code": self.code})


class StrategyGoal(TimeStampedModel):
    code = code_field()
    strategy = models.ForeignKey(
        InternationalisationStrategy, on_delete=models.CASCADE, related_name="goals", verbose_name=_("strategy")
    )
    title = models.CharField(_("goal"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = StrategyGoalQuerySet.as_manager()

    class Meta:
        verbose_name = _("strategy goal")
        verbose_name_plural = _("strategy goals")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.title


class Unit(models.TextChoices):
    """Common units of an indicator, stored as their key and shown in the reader's language; any other unit is
    stored and shown as typed. The keys are the English words, so units typed before the choice existed are
    recognised as they are."""

    LEARNERS = "learners", _("learners")
    PARTICIPANTS = "participants", _("participants")
    STAFF = "staff", _("staff members")
    MENTORS = "mentors", _("mentors")
    MOBILITIES = "mobilities", _("mobilities")
    AGREEMENTS = "agreements", _("agreements")
    ORGANISATIONS = "organisations", _("organisations")
    COMPANIES = "companies", _("companies")
    UNITS = "units", _("units of learning outcomes")
    GROUPS = "groups", _("groups")
    EVENTS = "events", _("events")
    DAYS = "days", _("days")
    PERCENT = "%", "%"
    EUR = "EUR", "EUR"


class Indicator(TimeStampedModel):
    code = code_field()
    goal = models.ForeignKey(StrategyGoal, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("goal"))
    name = models.CharField(_("indicator"), max_length=255)
    # A key of `Unit`, or a unit typed by the user (IndicatorForm offers the common ones and "other").
    unit = models.CharField(_("unit"), max_length=40, help_text=_("E.g. “learners”, “%”, “agreements”."))
    baseline_value = models.DecimalField(_("baseline"), max_digits=12, decimal_places=2, default=Decimal("0"))
    target_value = models.DecimalField(_("target"), max_digits=12, decimal_places=2)
    current_value = models.DecimalField(_("current value"), max_digits=12, decimal_places=2, default=Decimal("0"))
    due_date = models.DateField(_("due date"))
    value_updated_at = models.DateTimeField(_("value updated"), null=True, blank=True)
    value_updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("value updated by"),
    )

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["due_date", "id"]

    def __str__(self) -> str:
        return self.name

    def get_unit_display(self) -> str:
        """The unit in the reader's language when it is a common one (`Unit`), else as typed."""
        return str(Unit(self.unit).label) if self.unit in Unit.values else self.unit

    @property
    def progress_percent(self) -> int:
        """Share of the way from baseline to target, clamped to 0–100."""
        span = self.target_value - self.baseline_value
        if span == 0:
            return 100 if self.current_value >= self.target_value else 0
        share = (self.current_value - self.baseline_value) / span * 100
        return int(max(0, min(100, share)))

    @property
    def is_overdue(self) -> bool:
        return self.progress_percent < 100 and self.due_date < timezone.localdate()
