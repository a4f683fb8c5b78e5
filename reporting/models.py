"""The partnership's money beyond the unit-cost grants: the grant agreement's split of the EU grant per
organisation and budget line, and the costs each organisation records against a line.

What is *committed* and *spent* on a line combines both (reporting.services.budget):
- learner mobility and training events are priced from the unit-cost tables (mobility.services.money):
  planned and running activities are committed, finished ones are spent;
- every line also counts the costs recorded here: a cost without a payment date is committed, a paid
  one is spent.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from partners.models import Organisation, Partnership
from partners.models.base import TimeStampedModel, code_field

from .querysets import OrganisationMoneyQuerySet


class BudgetLine(models.TextChoices):
    """Every budget line or category a grant agreement can have. A KA2 cooperation partnership uses the
    KA2 lines, a KA1 mobility project the KA1 categories (the same codes as funding.pricing.Category);
    `lines_for(partnership)` says which."""

    MANAGEMENT = "management", _("Project management and implementation")
    MEETINGS = "meetings", _("Transnational project meetings")
    TRAINING = "training", _("Joint staff training events")
    MOBILITY = "mobility", _("Learner mobility")
    DISSEMINATION = "dissemination", _("Multiplier events and dissemination")
    ORGANISATIONAL_SUPPORT = "org_support", _("Organisational support")
    TRAVEL = "travel", _("Travel")
    INDIVIDUAL_SUPPORT = "indiv_support", _("Individual support")
    INCLUSION_ORGANISATIONS = "inclusion_org", _("Inclusion support for organisations")
    INCLUSION_PARTICIPANTS = "inclusion_part", _("Inclusion support for participants")
    COURSE_FEES = "course_fees", _("Course and training fees")
    PREPARATORY_VISITS = "prep_visits", _("Preparatory visits")
    EXCEPTIONAL = "exceptional", _("Exceptional costs")


KA2_LINES = (
    BudgetLine.MANAGEMENT,
    BudgetLine.MEETINGS,
    BudgetLine.TRAINING,
    BudgetLine.MOBILITY,
    BudgetLine.DISSEMINATION,
    BudgetLine.EXCEPTIONAL,
)
KA1_LINES = (
    BudgetLine.ORGANISATIONAL_SUPPORT,
    BudgetLine.TRAVEL,
    BudgetLine.INDIVIDUAL_SUPPORT,
    BudgetLine.INCLUSION_ORGANISATIONS,
    BudgetLine.INCLUSION_PARTICIPANTS,
    BudgetLine.COURSE_FEES,
    BudgetLine.EXCEPTIONAL,
    BudgetLine.PREPARATORY_VISITS,
)


def lines_for(partnership) -> list[tuple[str, str]]:
    """(value, label) of the budget lines of the partnership's grant agreement, in the agreement's order."""
    lines = KA1_LINES if partnership.is_mobility_project else KA2_LINES
    return [(line.value, line.label) for line in lines]


class GrantAllocation(TimeStampedModel):
    """The part of the partnership's EU grant the grant agreement gives an organisation for a budget line."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="grant_allocations", verbose_name=_("partnership")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="grant_allocations", verbose_name=_("organisation")
    )
    line = models.CharField(_("budget line"), max_length=16, choices=BudgetLine.choices)
    amount = models.DecimalField(
        _("amount (EUR)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )

    objects = OrganisationMoneyQuerySet.as_manager()

    class Meta:
        verbose_name = _("grant allocation")
        verbose_name_plural = _("grant allocations")
        ordering = ["partnership", "organisation", "line"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "organisation", "line"], name="allocation_unique_line"),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="allocation_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} – {self.get_line_display()}: {self.amount} EUR"


class Cost(TimeStampedModel):
    """A cost an organisation records against a budget line: committed until it is paid, then spent."""

    code = code_field()
    partnership = models.ForeignKey(
        Partnership, on_delete=models.PROTECT, related_name="costs", verbose_name=_("partnership")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="costs", verbose_name=_("organisation")
    )
    line = models.CharField(_("budget line"), max_length=16, choices=BudgetLine.choices)
    description = models.CharField(_("description"), max_length=255)
    amount = models.DecimalField(
        _("amount (EUR)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    incurred_on = models.DateField(_("date"), help_text=_("When the cost was committed (order, contract, booking)."))
    paid_on = models.DateField(
        _("paid on"), null=True, blank=True, help_text=_("Leave empty while the cost is committed but not yet paid.")
    )
    reference = models.CharField(
        _("reference"), max_length=100, blank=True, help_text=_("Invoice or accounting reference.")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    objects = OrganisationMoneyQuerySet.as_manager()

    class Meta:
        verbose_name = _("cost")
        verbose_name_plural = _("costs")
        ordering = ["-incurred_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="cost_amount_positive"),
            models.CheckConstraint(
                condition=models.Q(paid_on__isnull=True) | models.Q(paid_on__gte=models.F("incurred_on")),
                name="cost_paid_after_incurred",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.description} ({self.amount} EUR)"

    @property
    def is_spent(self) -> bool:
        return self.paid_on is not None
