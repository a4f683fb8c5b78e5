from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from ..querysets import ContactPersonQuerySet, OrganisationQuerySet
from .base import TimeStampedModel


class Organisation(TimeStampedModel):
    class Kind(models.TextChoices):
        VET_PROVIDER = "vet_provider", _("VET provider")
        COMPANY = "company", _("Company")
        INTERMEDIARY = "intermediary", _("Intermediary organisation")
        OTHER = "other", _("Other")

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    legal_name = models.CharField(
        _("legal name"), max_length=255, help_text=_("The full registered name, as in the grant agreement.")
    )
    short_name = models.CharField(
        _("short name"), max_length=60, help_text=_("How partners call it in everyday work, e.g. “Nova College”.")
    )
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.VET_PROVIDER)
    country = CountryField(_("country"))
    city = models.CharField(_("city"), max_length=120)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
        help_text=_("Of the city, in decimal degrees; used to compute Erasmus+ distance bands."),
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
        help_text=_("Of the city, in decimal degrees."),
    )
    oid = models.CharField(
        _("OID"),
        max_length=9,
        blank=True,
        validators=[RegexValidator(r"^E\d{8}$", _("An OID is an “E” followed by eight digits, e.g. E10012345."))],
        help_text=_("Erasmus+ Organisation ID from the Organisation Registration system (E + 8 digits)."),
    )
    pic = models.CharField(
        _("PIC"),
        max_length=9,
        blank=True,
        validators=[RegexValidator(r"^\d{9}$", _("A PIC has nine digits."))],
        help_text=_("Participant Identification Code (9 digits), where the organisation has one."),
    )
    address = models.TextField(_("address"), blank=True, help_text=_("Street, number and postcode."))
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("general email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["short_name"]
        constraints = [
            # An OID or PIC identifies one organisation across the whole portal.
            models.UniqueConstraint(fields=["oid"], condition=~models.Q(oid=""), name="organisation_unique_oid"),
            models.UniqueConstraint(fields=["pic"], condition=~models.Q(pic=""), name="organisation_unique_pic"),
        ]

    def __str__(self) -> str:
        return self.short_name

    def get_absolute_url(self) -> str:
        return reverse("partners:organisation_detail", kwargs={"slug": self.slug})


class ContactPerson(TimeStampedModel):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=160)
    position = models.CharField(_("position"), max_length=160, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    is_primary = models.BooleanField(
        _("primary contact"), default=False, help_text=_("Shown first and printed on documents.")
    )

    objects = ContactPersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("contact person")
        verbose_name_plural = _("contact persons")
        ordering = ["-is_primary", "name"]

    def __str__(self) -> str:
        return self.name
