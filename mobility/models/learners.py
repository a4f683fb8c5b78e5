from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from partners.models import Organisation, TimeStampedModel
from partners.models.base import code_field

from ..querysets import LearnerQuerySet

ADULT_AGE = 18


def age_on(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


class Learner(TimeStampedModel):
    """A VET learner. Personal data is the minimum the ECVET documents and EU reporting need."""

    class Gender(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")
        OTHER = "other", _("Other / non-binary")
        UNDISCLOSED = "undisclosed", _("Prefers not to say")

    code = code_field()
    home_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="learners",
        verbose_name=_("home organisation"),
        help_text=_("The VET school where the learner is enrolled (the sending organisation)."),
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    date_of_birth = models.DateField(_("date of birth"), null=True)
    gender = models.CharField(
        _("gender"),
        max_length=12,
        choices=Gender.choices,
        blank=True,
        help_text=_("Optional; asked by the EU reporting tool."),
    )
    nationality = CountryField(_("nationality"), blank=True)
    email = models.EmailField(_("email"), blank=True)
    qualification_title = models.CharField(
        _("qualification being studied"),
        max_length=255,
        blank=True,
        help_text=_("E.g. “Beauty therapist”; links to the ECVET catalogue once it exists."),
    )
    eqf_level = models.PositiveSmallIntegerField(
        _("EQF level"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(8)],
        help_text=_("European Qualifications Framework level of the qualification (VET: usually 3–5)."),
    )
    fewer_opportunities = models.BooleanField(
        _("fewer opportunities"),
        default=False,
        help_text=_("Erasmus+ inclusion: economic, social, geographical or other obstacles."),
    )
    special_needs = models.BooleanField(
        _("special needs"),
        default=False,
        help_text=_("Needs support that may qualify for special-needs costs."),
    )
    emergency_contact_name = models.CharField(_("emergency contact"), max_length=160, blank=True)
    emergency_contact_phone = models.CharField(_("emergency contact phone"), max_length=40, blank=True)
    guardian_name = models.CharField(
        _("parent or guardian"), max_length=160, blank=True, help_text=_("Required for learners under 18.")
    )
    guardian_email = models.EmailField(_("guardian email"), blank=True)
    guardian_phone = models.CharField(_("guardian phone"), max_length=40, blank=True)
    consent_given_on = models.DateField(
        _("consent to data processing given on"),
        null=True,
        blank=True,
        help_text=_("Date the learner (or guardian) agreed to the processing of their data for the mobility."),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="learner_profile",
        verbose_name=_("portal account"),
    )
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True, editable=False)

    objects = LearnerQuerySet.as_manager()

    class Meta:
        verbose_name = _("learner")
        verbose_name_plural = _("learners")
        ordering = ["last_name", "first_name"]
        indexes = [
            # Learner lists are per home organisation, sorted by name.
            models.Index(fields=["home_organisation", "last_name"], name="learner_org_name"),
            # Every learner the reader sees, by name (a project coordinator's list, the API's pages): the scope's own
            # columns are included, so PostgreSQL walks the index alone (API page 100: 15 -> 6 ms; issue 15).
            models.Index(
                fields=["last_name", "first_name", "id"],
                include=["home_organisation", "user"],
                name="learner_name_scope",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def get_absolute_url(self) -> str:
        return reverse("mobility:learner_detail", kwargs={"code": self.code})

    def age_on(self, day: date | None = None) -> int | None:
        if self.date_of_birth is None:
            return None
        return age_on(self.date_of_birth, day or timezone.localdate())

    def is_minor_on(self, day: date | None = None) -> bool:
        age = self.age_on(day)
        return age is not None and age < ADULT_AGE

    def clean(self):
        errors = {}
        today = timezone.localdate()
        if self.date_of_birth and self.date_of_birth >= today:
            errors["date_of_birth"] = _("The date of birth must be in the past.")
        elif self.is_minor_on(today) and not self.guardian_name and not self.anonymised_at:
            errors["guardian_name"] = _("The learner is under 18: a parent or guardian is required.")
        if self.consent_given_on and self.consent_given_on > today:
            errors["consent_given_on"] = _("Consent cannot be dated in the future.")
        if errors:
            raise ValidationError(errors)
