from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from partners.models import Organisation, TimeStampedModel
from partners.models.base import code_field

from ..querysets import QualificationQuerySet, UnitQuerySet


class Qualification(TimeStampedModel):
    """A VET qualification an organisation awards or prepares for; each organisation keeps its own."""

    code = code_field()
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="qualifications", verbose_name=_("maintained by")
    )
    title_original = models.CharField(_("title (original language)"), max_length=255)
    title_en = models.CharField(_("title (English)"), max_length=255)
    country = CountryField(_("country"))
    eqf_level = models.PositiveSmallIntegerField(
        _("EQF level"),
        validators=[MinValueValidator(1), MaxValueValidator(8)],
        help_text=_("European Qualifications Framework level, 1–8 (VET: usually 3–5)."),
    )
    nqf_level = models.CharField(
        _("NQF level"),
        max_length=20,
        blank=True,
        help_text=_("The level in the national qualifications framework, as written there."),
    )
    awarding_body = models.CharField(_("awarding body"), max_length=255, blank=True)
    sector = models.CharField(_("sector"), max_length=120, blank=True, help_text=_("E.g. “Beauty and hairdressing”."))
    total_ecvet_points = models.DecimalField(
        _("ECVET points of the whole qualification"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Convention: 60 points = one year of full-time VET."),
    )
    is_example = models.BooleanField(
        _("example data"), default=False, help_text=_("Demo content, not an official qualification description.")
    )

    objects = QualificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("qualification")
        verbose_name_plural = _("qualifications")
        ordering = ["organisation__short_name", "title_en"]

    def __str__(self) -> str:
        return f"{self.title_en} (EQF {self.eqf_level})"

    def get_absolute_url(self) -> str:
        return reverse("ecvet:qualification_detail", kwargs={"code": self.code})


class Unit(TimeStampedModel):
    """A unit of learning outcomes of a qualification."""

    code = code_field()
    qualification = models.ForeignKey(
        Qualification, on_delete=models.CASCADE, related_name="units", verbose_name=_("qualification")
    )
    reference = models.CharField(_("unit code"), max_length=40, help_text=_("The unit's code in the qualification."))
    title = models.CharField(_("title"), max_length=255)
    knowledge = models.TextField(_("knowledge"), blank=True, help_text=_("One learning outcome per line."))
    skills = models.TextField(_("skills"), blank=True, help_text=_("One learning outcome per line."))
    competence = models.TextField(_("competence"), blank=True, help_text=_("One learning outcome per line."))
    ecvet_points = models.DecimalField(
        _("ECVET points"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("60"))],
    )
    assessment_criteria = models.TextField(_("assessment criteria"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit of learning outcomes")
        verbose_name_plural = _("units of learning outcomes")
        ordering = ["qualification", "order", "reference"]
        constraints = [
            models.UniqueConstraint(fields=["qualification", "reference"], name="unit_unique_reference"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def outcomes(self) -> list[tuple[str, str]]:
        """(category, statement) for every learning outcome line."""
        out = []
        for category, text in (("knowledge", self.knowledge), ("skills", self.skills), ("competence", self.competence)):
            out += [(category, line.strip()) for line in text.splitlines() if line.strip()]
        return out
