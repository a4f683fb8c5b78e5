"""Erasmus+ funding rules as admin-editable data: one rule set per scheme, first call year and (optionally)
National Agency, with its distance bands, daily rates, country groups and organisational-support rates.

Nothing here is a constant in code: the seed files in funding/seed/ name the Programme Guide and table each
figure comes from, and say which figures are confirmed; administrators correct and add rule sets (e.g. the
rates of their National Agency's grant agreement, Annex IV)."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from partners.models.base import TimeStampedModel

from .querysets import RuleSetQuerySet

EUR = {"max_digits": 9, "decimal_places": 2, "validators": [MinValueValidator(Decimal("0"))]}


class Scheme(models.TextChoices):
    MOBILITY = "mobility", _("KA1 learning mobility (VET)")
    COOPERATION = "cooperation", _("KA2 cooperation partnership")


class Participant(models.TextChoices):
    LEARNER = "learner", _("Learners")
    STAFF = "staff", _("Staff and accompanying persons")


class Activity(models.TextChoices):
    """What organisational support is paid for (the Programme Guide sets a rate per kind of activity)."""

    ANY = "any", _("All other activities")
    ERASMUS_PRO = "erasmus_pro", _("Long-term learner mobility (ErasmusPro)")
    STAFF_COURSE = "staff_course", _("Staff courses and training")


class RuleSet(TimeStampedModel):
    scheme = models.CharField(_("scheme"), max_length=12, choices=Scheme.choices)
    from_call_year = models.PositiveSmallIntegerField(
        _("from call year"),
        validators=[MinValueValidator(2014), MaxValueValidator(2100)],
        help_text=_("Applies to projects of this call year and later ones, until a rule set with a later year."),
    )
    national_agency = models.CharField(
        _("National Agency"),
        max_length=4,
        blank=True,
        validators=[RegexValidator(r"^[A-Z]{2}\d{2}$", _("A National Agency code such as LT01."))],
        help_text=_(
            "Empty for the Programme Guide's rules. A code such as LT01 for the amounts a National Agency fixed "
            "in its grant agreements (Annex IV): they take precedence for that agency's projects."
        ),
    )
    name = models.CharField(_("name"), max_length=200)
    source = models.TextField(
        _("source"), help_text=_("The guide (edition, version) and the table or page the figures come from.")
    )
    confirmed = models.BooleanField(
        _("every figure confirmed"),
        default=False,
        help_text=_("Ticked once every figure has been checked against the source. Pages show rates still to confirm."),
    )
    notes = models.TextField(_("notes"), blank=True)
    travel_days_standard = models.PositiveSmallIntegerField(
        _("funded travel days, standard travel"), default=2, validators=[MaxValueValidator(10)]
    )
    travel_days_green = models.PositiveSmallIntegerField(
        _("funded travel days, green travel"), default=2, validators=[MaxValueValidator(10)]
    )
    inclusion_support_per_participant = models.DecimalField(
        _("inclusion support for organisations (EUR per participant with fewer opportunities)"),
        null=True,
        blank=True,
        **EUR,
    )
    exceptional_costs_percent = models.DecimalField(
        _("exceptional costs: share of real costs (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    course_fee_per_day = models.DecimalField(_("course fee (EUR per day)"), null=True, blank=True, **EUR)
    course_fee_max = models.DecimalField(_("course fee (maximum EUR per participant)"), null=True, blank=True, **EUR)
    preparatory_visit_per_person = models.DecimalField(
        _("preparatory visit (EUR per person)"), null=True, blank=True, **EUR
    )
    preparatory_visit_max_persons = models.PositiveSmallIntegerField(
        _("preparatory visit (maximum persons)"), null=True, blank=True
    )
    transfer_limit_percent = models.DecimalField(
        _("transfers between categories: maximum increase of a category (%)"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_(
            "How far a budget category may exceed its amount in the grant agreement by transfers from other "
            "categories. Empty: no limit besides the total grant."
        ),
    )

    objects = RuleSetQuerySet.as_manager()

    class Meta:
        verbose_name = _("funding rule set")
        verbose_name_plural = _("funding rule sets")
        ordering = ["scheme", "-from_call_year", "national_agency"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "from_call_year", "national_agency"], name="ruleset_unique_scheme_year_agency"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class TravelBand(models.Model):
    """Travel contribution per participant for the return trip, by one-way straight-line distance."""

    rule_set = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="bands", verbose_name=_("rule set"))
    min_km = models.PositiveIntegerField(_("from (km)"))
    max_km = models.PositiveIntegerField(_("to (km)"), null=True, blank=True, help_text=_("Empty means “and more”."))
    standard = models.DecimalField(_("standard travel (EUR)"), **EUR)
    green = models.DecimalField(
        _("green travel (EUR)"), null=True, blank=True, help_text=_("Empty: no green-travel amount."), **EUR
    )

    class Meta:
        verbose_name = _("distance band")
        verbose_name_plural = _("distance bands")
        ordering = ["rule_set", "min_km"]
        constraints = [models.UniqueConstraint(fields=["rule_set", "min_km"], name="travelband_unique_start")]

    def __str__(self) -> str:
        upper = f"{self.max_km}" if self.max_km is not None else "…"
        return f"{self.min_km}–{upper} km"

    def clean(self):
        if self.max_km is not None and self.min_km is not None and self.max_km < self.min_km:
            raise ValidationError({"max_km": _("The upper bound must not be below the lower one.")})

    def covers(self, km: int) -> bool:
        return self.min_km <= km and (self.max_km is None or km <= self.max_km)


class CountryGroup(models.Model):
    """The group of a receiving country for individual support (groups 1–3 from the 2021 call)."""

    rule_set = models.ForeignKey(
        RuleSet, on_delete=models.CASCADE, related_name="country_groups", verbose_name=_("rule set")
    )
    country = CountryField(_("country"))
    group = models.PositiveSmallIntegerField(_("group"), validators=[MinValueValidator(1), MaxValueValidator(9)])

    class Meta:
        verbose_name = _("country group")
        verbose_name_plural = _("country groups")
        ordering = ["rule_set", "group", "country"]
        constraints = [models.UniqueConstraint(fields=["rule_set", "country"], name="countrygroup_unique_country")]

    def __str__(self) -> str:
        return f"{self.country.name}: {self.group}"


class DailyRate(models.Model):
    """Individual support per day, for a range of days of the stay (e.g. days 1–14 full, from day 15 lower)."""

    rule_set = models.ForeignKey(
        RuleSet, on_delete=models.CASCADE, related_name="daily_rates", verbose_name=_("rule set")
    )
    participant = models.CharField(_("participants"), max_length=8, choices=Participant.choices)
    country_group = models.PositiveSmallIntegerField(
        _("country group"), default=0, help_text=_("0: the rate applies to every receiving country.")
    )
    from_day = models.PositiveSmallIntegerField(_("from day"), validators=[MinValueValidator(1)])
    to_day = models.PositiveSmallIntegerField(
        _("to day"), null=True, blank=True, help_text=_("Empty: to the end of the stay.")
    )
    amount_per_day = models.DecimalField(_("amount per day (EUR)"), **EUR)
    confirmed = models.BooleanField(_("confirmed"), default=False)

    class Meta:
        verbose_name = _("daily rate")
        verbose_name_plural = _("daily rates")
        ordering = ["rule_set", "participant", "country_group", "from_day"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule_set", "participant", "country_group", "from_day"], name="dailyrate_unique_start"
            ),
        ]

    def __str__(self) -> str:
        upper = self.to_day if self.to_day is not None else "…"
        return f"{self.get_participant_display()} {self.country_group or ''}: {self.from_day}–{upper}"

    def clean(self):
        if self.to_day is not None and self.from_day is not None and self.to_day < self.from_day:
            raise ValidationError({"to_day": _("The last day must not be before the first.")})


class OrganisationalSupportRate(models.Model):
    """Organisational support per participant, by kind of activity, from the n-th participant of the project."""

    rule_set = models.ForeignKey(
        RuleSet, on_delete=models.CASCADE, related_name="organisational_rates", verbose_name=_("rule set")
    )
    activity = models.CharField(_("activity"), max_length=12, choices=Activity.choices, default=Activity.ANY)
    from_participant = models.PositiveIntegerField(
        _("from participant"),
        default=1,
        validators=[MinValueValidator(1)],
        help_text=_("E.g. 101 for a lower amount from the 101st participant on."),
    )
    amount = models.DecimalField(_("amount per participant (EUR)"), **EUR)
    confirmed = models.BooleanField(_("confirmed"), default=False)

    class Meta:
        verbose_name = _("organisational support rate")
        verbose_name_plural = _("organisational support rates")
        ordering = ["rule_set", "activity", "from_participant"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule_set", "activity", "from_participant"], name="orgsupport_unique_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_activity_display()} ≥ {self.from_participant}: {self.amount}"
