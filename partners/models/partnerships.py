from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..project_number import parse as parse_project_number
from ..querysets import PartnershipMemberQuerySet, PartnershipQuerySet
from .base import TimeStampedModel
from .organisations import Organisation


class Topic(models.Model):
    """Erasmus+ project topics; an admin-managed list."""

    name = models.CharField(_("name"), max_length=160, unique=True)

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Partnership(TimeStampedModel):
    class Action(models.TextChoices):
        """The Erasmus+ action of the project: it decides the budget categories and their rules (funding app)."""

        KA202 = "KA202", _("KA202 – Strategic Partnerships for VET (2014–2020)")
        KA220_VET = "KA220-VET", _("KA220-VET – Cooperation partnerships in VET (2021–2027)")
        KA102 = "KA102", _("KA102 – VET learner and staff mobility (2014–2020)")
        KA116 = "KA116", _("KA116 – VET mobility with a VET Mobility Charter (2014–2020)")
        KA121_VET = "KA121-VET", _("KA121-VET – Accredited mobility projects in VET (2021–2027)")
        KA122_VET = "KA122-VET", _("KA122-VET – Short-term mobility projects in VET (2021–2027)")
        OTHER = "other", _("Other action")

    # Learning mobility of individuals: budgets by KA1 categories (organisational support, travel, …).
    MOBILITY_ACTIONS = frozenset({Action.KA102, Action.KA116, Action.KA121_VET, Action.KA122_VET})

    class KeyAction(models.TextChoices):
        KA1 = "KA1", _("KA1 – Learning mobility of individuals")
        KA2 = "KA2", _("KA2 – Cooperation for innovation and the exchange of good practices")
        KA3 = "KA3", _("KA3 – Support for policy reform")

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    title = models.CharField(_("title"), max_length=300)
    acronym = models.CharField(_("acronym"), max_length=40)
    project_number = models.CharField(
        _("project number"),
        max_length=40,
        unique=True,
        help_text=_("As in the grant agreement, e.g. 2019-1-LT01-KA202-060748."),
    )
    key_action = models.CharField(_("key action"), max_length=3, choices=KeyAction.choices)
    action_type = models.CharField(
        _("action type"),
        max_length=160,
        help_text=_("E.g. “Strategic Partnerships for vocational education and training (KA202)”."),
    )
    action = models.CharField(
        _("action"),
        max_length=12,
        choices=Action.choices,
        default=Action.OTHER,
        blank=True,
        help_text=_("Read from the project number when it has the official shape; decides the budget categories."),
    )
    call_year = models.PositiveSmallIntegerField(
        _("call year"), validators=[MinValueValidator(2014), MaxValueValidator(2100)]
    )
    topics = models.ManyToManyField(Topic, blank=True, related_name="partnerships", verbose_name=_("topics"))
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    eu_grant = models.DecimalField(
        _("EU grant (EUR)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    objectives = models.TextField(_("objectives"), blank=True)
    uses_ecvet = models.BooleanField(
        _("mobilities use ECVET"),
        default=True,
        help_text=_(
            "New mobilities follow the ECVET chain (Learning Agreement, assessment, transcript, recognition). "
            "Untick for a project without ECVET units, e.g. staff mobility; each mobility can still say otherwise."
        ),
    )
    organisations = models.ManyToManyField(
        Organisation, through="PartnershipMember", related_name="partnerships", verbose_name=_("organisations")
    )

    objects = PartnershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")
        ordering = ["-start_date", "acronym"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")), name="partnership_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.acronym

    def get_absolute_url(self) -> str:
        return reverse("partners:partnership_detail", kwargs={"slug": self.slug})

    def clean(self):
        """The project number, when it has the official shape, fixes the call year and the action."""
        number = parse_project_number(self.project_number)
        if number is None:
            self.action = self.action or self.Action.OTHER
            return
        errors = {}
        if self.call_year and self.call_year != number.call_year:
            errors["call_year"] = _("The project number says call year %(year)s.") % {"year": number.call_year}
        if number.action in self.Action.values:
            if self.action in ("", self.Action.OTHER):
                self.action = number.action
            elif self.action != number.action:
                errors["action"] = _("The project number says %(action)s.") % {"action": number.action}
        else:
            self.action = self.action or self.Action.OTHER
        if errors:
            raise ValidationError(errors)

    @property
    def project(self):
        """The parts of the project number (call year, National Agency, action), or None."""
        return parse_project_number(self.project_number)

    @property
    def is_mobility_project(self) -> bool:
        """A KA1 learning-mobility project (budget by KA1 categories), as opposed to a cooperation partnership."""
        return self.action in self.MOBILITY_ACTIONS

    @property
    def national_agency(self) -> str:
        number = self.project
        return number.national_agency if number else ""

    @property
    def reporting_tool(self) -> str:
        """ "mtplus" (Mobility Tool+, calls 2014–2020) or "bm" (Beneficiary Module, calls from 2021)."""
        return "mtplus" if self.call_year <= 2020 else "bm"

    @property
    def coordinator(self) -> Organisation | None:
        """The coordinating organisation (uses prefetched members when present)."""
        for member in self.members.all():
            if member.role == PartnershipMember.Role.COORDINATOR:
                return member.organisation
        return None


class PartnershipMember(TimeStampedModel):
    class Role(models.TextChoices):
        COORDINATOR = "coordinator", _("Coordinator")
        PARTNER = "partner", _("Partner")
        ASSOCIATED = "associated", _("Associated partner")

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="members", verbose_name=_("partnership")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="partnership_memberships",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.PARTNER)

    objects = PartnershipMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("partnership member")
        verbose_name_plural = _("partnership members")
        # The coordinator first, then partners, then associated partners.
        ordering = [
            models.Case(models.When(role="coordinator", then=0), models.When(role="partner", then=1), default=2),
            "organisation__short_name",
        ]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "organisation"], name="partnershipmember_unique_org"),
            # A project has exactly one coordinating organisation.
            models.UniqueConstraint(
                fields=["partnership"],
                condition=models.Q(role="coordinator"),
                name="partnershipmember_one_coordinator",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} – {self.get_role_display()}"
