from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class DistanceBand(models.Model):
    """Erasmus+ travel contribution per participant for a return trip, by one-way straight-line distance.

    Admin-editable per programme year: the figures change between programme generations."""

    programme_year = models.PositiveSmallIntegerField(_("call year"), help_text=_("The call year the band applies to."))
    min_km = models.PositiveIntegerField(_("from (km)"))
    max_km = models.PositiveIntegerField(_("to (km)"), null=True, blank=True, help_text=_("Empty means “and more”."))
    amount = models.DecimalField(
        _("amount (EUR)"), max_digits=8, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )

    class Meta:
        verbose_name = _("distance band")
        verbose_name_plural = _("distance bands")
        ordering = ["programme_year", "min_km"]
        constraints = [
            models.UniqueConstraint(fields=["programme_year", "min_km"], name="distanceband_unique_start"),
        ]

    def __str__(self) -> str:
        upper = f"{self.max_km}" if self.max_km is not None else "…"
        return f"{self.programme_year}: {self.min_km}–{upper} km → {self.amount} EUR"

    def clean(self):
        if self.max_km is not None and self.max_km < self.min_km:
            raise ValidationError({"max_km": _("The upper bound must not be below the lower one.")})


class IndividualSupportRate(models.Model):
    """Individual support per day, by programme year, participant group and day range (admin-editable):
    learners in mobility, and staff in joint training events. Days beyond the last range are not funded."""

    class Group(models.TextChoices):
        LEARNER = "learner", _("Learners in mobility")
        STAFF = "staff", _("Staff in training events")

    programme_year = models.PositiveSmallIntegerField(_("call year"))
    group = models.CharField(_("participants"), max_length=10, choices=Group.choices, default=Group.LEARNER)
    from_day = models.PositiveSmallIntegerField(_("from day"), validators=[MinValueValidator(1)])
    to_day = models.PositiveSmallIntegerField(_("to day"))
    amount_per_day = models.DecimalField(
        _("amount per day (EUR)"), max_digits=8, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )

    class Meta:
        verbose_name = _("individual support rate")
        verbose_name_plural = _("individual support rates")
        ordering = ["programme_year", "group", "from_day"]
        constraints = [
            models.UniqueConstraint(fields=["programme_year", "group", "from_day"], name="supportrate_unique_start"),
        ]

    def __str__(self) -> str:
        days = f"{self.from_day}–{self.to_day}"
        return f"{self.programme_year} {self.get_group_display()}: days {days} → {self.amount_per_day} EUR/day"

    def clean(self):
        if self.to_day is not None and self.from_day is not None and self.to_day < self.from_day:
            raise ValidationError({"to_day": _("The last day must not be before the first.")})
