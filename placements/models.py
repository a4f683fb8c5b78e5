"""Host companies that each partner organisation keeps, and the placements it publishes to a partnership.

A host company belongs to one partner organisation (the school that found it and keeps in touch with it);
its mentors are people holding a mentor membership at that organisation. A placement offers a number of
places at the host for one period, inside one partnership the keeping organisation belongs to; a learner
placed on it gets a draft mobility whose `placement` points back here (placements.services.place).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from partners.models import Organisation, Partnership, TimeStampedModel
from partners.models.base import code_field
from partners.workflow import WorkflowModel, rule, state_field, transition

from .querysets import HostCompanyQuerySet, PlacementQuerySet

EQF_VALIDATORS = [MinValueValidator(1), MaxValueValidator(8)]


class Sector(models.TextChoices):
    """The beauty sector first: the first network's hosts are salons, spas and hotels."""

    HAIRDRESSING = "hairdressing", _("Hairdressing")
    BEAUTY_CARE = "beauty_care", _("Beauty care")
    SPA_WELLNESS = "spa_wellness", _("Spa and wellness")
    HOTEL_HOSPITALITY = "hotel_hospitality", _("Hotel and hospitality")
    OTHER = "other", _("Other")


def mentor_errors(organisation_id, users) -> list[str]:
    """Why some of `users` may not mentor for a host kept by `organisation_id` (empty when all may): each must
    hold an active mentor membership there. The form and `HostCompany.clean()` both ask this."""
    from mobility.access import mentor_candidates

    ids = {u.pk for u in users}
    if not ids:
        return []
    allowed = set(mentor_candidates([organisation_id]).filter(pk__in=ids).values_list("pk", flat=True))
    message = _("%(person)s is not a mentor of the keeping organisation.")
    return [message % {"person": u} for u in users if u.pk not in allowed]


class HostCompany(TimeStampedModel):
    """A workplace (salon, spa, hotel…) where a partner organisation places incoming learners."""

    code = code_field()
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="host_companies",
        verbose_name=_("keeping organisation"),
        help_text=_("The partner organisation that found this host and keeps in touch with it."),
    )
    name = models.CharField(_("name"), max_length=200)
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=120)
    country = CountryField(_("country"))
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices, default=Sector.BEAUTY_CARE)
    occupations = models.TextField(
        _("occupations"), blank=True, help_text=_("The occupations a learner can practise here, e.g. “Beautician”.")
    )
    languages = models.CharField(
        _("working languages"), max_length=200, blank=True, help_text=_("E.g. “English, Finnish”.")
    )
    contact_name = models.CharField(_("contact person"), max_length=160, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    accessibility = models.TextField(
        _("accessibility"),
        blank=True,
        help_text=_("Step-free access, adapted workstations, what a learner with special needs should know."),
    )
    insurance_notes = models.TextField(
        _("insurance notes"),
        blank=True,
        help_text=_("Liability and accident insurance the host holds or requires of learners."),
    )
    minimum_age = models.PositiveSmallIntegerField(
        _("minimum age"),
        null=True,
        blank=True,
        validators=[MinValueValidator(14), MaxValueValidator(99)],
        help_text=_("Age a learner must have reached on the first day; empty when the host sets none."),
    )
    minimum_eqf_level = models.PositiveSmallIntegerField(
        _("minimum EQF level"),
        null=True,
        blank=True,
        validators=EQF_VALIDATORS,
        help_text=_("EQF level of the qualification a learner must be taking; empty when the host sets none."),
    )
    mentors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="mentoring_hosts",
        verbose_name=_("mentors"),
        help_text=_("People of the keeping organisation with a mentor account who guide learners at this host."),
    )
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("An inactive host is kept for the record; it takes no new placements.")
    )

    objects = HostCompanyQuerySet.as_manager()

    class Meta:
        verbose_name = _("host company")
        verbose_name_plural = _("host companies")
        ordering = ["name", "id"]
        indexes = [
            # The keeping organisation's list of its hosts, by name.
            models.Index(fields=["organisation", "name"], name="hostcompany_org_name"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.city})"

    def get_absolute_url(self) -> str:
        return reverse("placements:host_detail", kwargs={"code": self.code})

    def clean(self):
        # The mentors are saved after the row (many-to-many): the form and the service hand the ones about to be
        # saved as `pending_mentors`; otherwise a saved host's current mentors are checked.
        if not self.organisation_id:
            return
        mentors = getattr(self, "pending_mentors", None)
        if mentors is None:
            mentors = list(self.mentors.all()) if self.pk else []
        errors = mentor_errors(self.organisation_id, mentors)
        if errors:
            raise ValidationError({"mentors": errors})

    @property
    def address(self) -> str:
        return ", ".join(
            part for part in (self.street, f"{self.postcode} {self.city}".strip(), self.country.name) if part
        )


class Placement(WorkflowModel, TimeStampedModel):
    """Places for learners at a host company in one period, offered to a partnership's member organisations."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    code = code_field()
    host = models.ForeignKey(
        HostCompany, on_delete=models.PROTECT, related_name="placements", verbose_name=_("host company")
    )
    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.PROTECT,
        related_name="placements",
        verbose_name=_("partnership"),
        help_text=_("The partnership whose member organisations may send learners here."),
    )
    title = models.CharField(_("title"), max_length=200)
    occupation = models.CharField(_("occupation"), max_length=200, help_text=_("E.g. “Beautician”, “Hairdresser”."))
    eqf_level = models.PositiveSmallIntegerField(
        _("EQF level"),
        null=True,
        blank=True,
        validators=EQF_VALIDATORS,
        help_text=_("The EQF level the learner's qualification must reach here (the host's minimum applies as well)."),
    )
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    places = models.PositiveSmallIntegerField(
        _("places"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("How many learners the host takes in this period."),
    )
    languages = models.CharField(
        _("working languages"), max_length=200, blank=True, help_text=_("E.g. “English, Finnish”.")
    )
    conditions = models.TextField(
        _("conditions"),
        blank=True,
        help_text=_("Working hours, dress code, accommodation, what the learner brings or pays."),
    )
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="mentored_placements",
        verbose_name=_("mentor"),
        help_text=_("One of the host's mentors; becomes the mentor of each learner placed here."),
    )
    # Moved only by the transition methods below, through partners.workflow.move (placements.services).
    status = state_field(Status.choices, Status.DRAFT, max_length=10)

    objects = PlacementQuerySet.as_manager()

    class Meta:
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        ordering = ["start_date", "title", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")), name="placement_end_after_start"
            ),
            models.CheckConstraint(condition=models.Q(places__gte=1), name="placement_places_positive"),
        ]
        indexes = [
            # The partnership's catalogue: its published placements by period.
            models.Index(fields=["partnership", "status", "start_date"], name="placement_catalogue"),
        ]

    def __str__(self) -> str:
        return f"{self.title} – {self.host.name} ({self.start_date:%Y-%m-%d})"

    def get_absolute_url(self) -> str:
        return reverse("placements:placement_detail", kwargs={"code": self.code})

    def workflow_scope(self):
        return self.partnership, self.host.organisation

    def clean(self):
        errors: dict[str, list] = {}

        def add(field, message):
            errors.setdefault(field, []).append(message)

        if self.start_date and self.end_date:
            if self.end_date < self.start_date:
                add("end_date", _("The last day must not be before the first day."))
            elif self.partnership_id and (
                self.start_date < self.partnership.start_date or self.end_date > self.partnership.end_date
            ):
                add(
                    "start_date",
                    _("The placement must take place within the project period (%(start)s – %(end)s).")
                    % {"start": self.partnership.start_date, "end": self.partnership.end_date},
                )
        if self.host_id and self.partnership_id:
            if not self.partnership.members.filter(organisation_id=self.host.organisation_id).exists():
                add("partnership", _("The host's keeping organisation is not a member of this partnership."))
        if self.host_id and self.mentor_id and not self.host.mentors.filter(pk=self.mentor_id).exists():
            add("mentor", _("Choose one of the host's mentors."))
        if errors:
            raise ValidationError(errors)

    def places_taken(self) -> int:
        """Learners placed here whose mobility is not cancelled (the list pages annotate it instead)."""
        annotated = getattr(self, "taken", None)
        if annotated is not None:
            return annotated
        return self.mobilities.exclude(status="cancelled").count()

    def places_free(self) -> int:
        return max(self.places - self.places_taken(), 0)

    # --- The moves (who: placements.access.may_manage_placement) ----------------------------------------------

    @transition(
        field=status,
        source=Status.DRAFT,
        target=Status.PUBLISHED,
        permission=rule("placements.access.may_manage_placement"),
        custom={"label": _("Publish to the partnership")},
    )
    def publish(self):
        pass

    @transition(
        field=status,
        source=Status.PUBLISHED,
        target=Status.WITHDRAWN,
        permission=rule("placements.access.may_manage_placement"),
        custom={"label": _("Withdraw"), "reason_required": True},
    )
    def withdraw(self):
        """Learners already placed keep their mobilities; nobody new is placed."""

    @transition(
        field=status,
        source=Status.WITHDRAWN,
        target=Status.DRAFT,
        permission=rule("placements.access.may_manage_placement"),
        custom={"label": _("Back to draft")},
    )
    def back_to_draft(self):
        pass
