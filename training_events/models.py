"""Joint staff training events: the event and its agenda, participants registered by their coordinators,
attendance per session, the evaluation survey, certificates of attendance, materials, calendar feeds."""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from partners.models import Organisation, Partnership
from partners.models.base import TimeStampedModel, code_field
from partners.workflow import Missing, WorkflowModel, guard, rule, state_field, transition

from .querysets import (
    CertificateQuerySet,
    EventChildQuerySet,
    ParticipantQuerySet,
    TrainingEventQuerySet,
)


class TrainingEvent(TimeStampedModel):
    class Format(models.TextChoices):
        ON_SITE = "on_site", _("On site")
        ONLINE = "online", _("Online")
        BLENDED = "blended", _("Blended")

    code = code_field()
    partnership = models.ForeignKey(
        Partnership, on_delete=models.PROTECT, related_name="training_events", verbose_name=_("partnership")
    )
    host_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="hosted_training_events", verbose_name=_("host")
    )
    title = models.CharField(_("title"), max_length=200)
    topic = models.CharField(_("topic"), max_length=200, blank=True)
    format = models.CharField(_("format"), max_length=10, choices=Format.choices, default=Format.ON_SITE)
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    online_link = models.URLField(_("online link"), blank=True)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="Europe/Brussels",
        help_text=_("The agenda's times are local times of this zone (e.g. Europe/Vilnius)."),
    )
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    capacity_per_organisation = models.PositiveSmallIntegerField(
        _("places per organisation"),
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(200)],
        help_text=_("How many staff each partner organisation may register."),
    )
    description = models.TextField(_("description"), blank=True)
    learning_outcomes = models.TextField(
        _("learning outcomes"), blank=True, help_text=_("One per line; they appear on the certificates.")
    )
    is_public = models.BooleanField(
        _("public"), default=False, help_text=_("Listed among the upcoming events on the public results page.")
    )

    objects = TrainingEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("training event")
        verbose_name_plural = _("training events")
        ordering = ["start_date", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")), name="trainingevent_dates_in_order"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("training_events:event_detail", kwargs={"code": self.code})

    def clean(self):
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        from django.core.exceptions import ValidationError

        try:
            ZoneInfo(self.time_zone)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValidationError({"time_zone": _("Unknown time zone; use a name like Europe/Vilnius.")}) from error

    @property
    def days(self) -> int:
        return (self.end_date - self.start_date).days + 1


class Session(models.Model):
    """One item of the agenda."""

    code = code_field()
    event = models.ForeignKey(TrainingEvent, on_delete=models.CASCADE, related_name="sessions")
    day = models.DateField(_("day"))
    start_time = models.TimeField(_("starts"))
    end_time = models.TimeField(_("ends"))
    title = models.CharField(_("title"), max_length=200)
    speaker = models.CharField(_("speaker"), max_length=200, blank=True)
    room = models.CharField(_("room or link"), max_length=300, blank=True)

    objects = EventChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["day", "start_time", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(end_time__gt=models.F("start_time")), name="session_ends_after")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.start_time:%H:%M} {self.title}"

    @property
    def hours(self) -> Decimal:
        minutes = (self.end_time.hour * 60 + self.end_time.minute) - (
            self.start_time.hour * 60 + self.start_time.minute
        )
        return (Decimal(minutes) / 60).quantize(Decimal("0.01"))


def no_certificate(participant: Participant) -> list[Missing]:
    """A registration with a certificate of attendance stays (the certificate names it)."""
    if Certificate.objects.filter(participant=participant).exists():
        return [Missing(gettext("a certificate was issued to this participant: the registration stays"))]
    return []


class Participant(WorkflowModel, TimeStampedModel):
    """A member of staff registered for an event by their organisation's coordinator."""

    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        CANCELLED = "cancelled", _("Cancelled")

    code = code_field()
    event = models.ForeignKey(TrainingEvent, on_delete=models.CASCADE, related_name="participants")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="training_participants", verbose_name=_("organisation")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="training_participations",
        verbose_name=_("portal account"),
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    email = models.EmailField(_("email"))
    position = models.CharField(_("position"), max_length=160, blank=True)
    arrival_date = models.DateField(_("arrival"), null=True, blank=True)
    departure_date = models.DateField(_("departure"), null=True, blank=True)
    needs = models.TextField(
        _("needs"), blank=True, help_text=_("Dietary, accessibility or other needs the host should know.")
    )
    status = state_field(Status.choices, Status.REGISTERED, max_length=12)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["organisation__short_name", "last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "email"],
                condition=models.Q(status="registered"),
                name="participant_once_per_event",
            )
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def workflow_scope(self):
        # As the registration's audit entries (training_events.services.events): the event's partnership.
        return self.event.partnership, None

    @transition(
        field=status,
        source=Status.REGISTERED,
        target=Status.CANCELLED,
        conditions=[guard(no_certificate)],
        permission=rule("training_events.access.may_cancel"),
        custom={"label": _("Cancel the registration")},
    )
    def cancel(self):
        """Frees the organisation's place; the person may be registered again (a new registration)."""


class Attendance(models.Model):
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="attendance")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendance")
    present = models.BooleanField(_("present"), default=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    marked_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [models.UniqueConstraint(fields=["participant", "session"], name="attendance_once")]

    def __str__(self) -> str:
        return f"{self.participant} @ {self.session}: {'present' if self.present else 'absent'}"


class EvaluationQuestion(models.Model):
    class Kind(models.TextChoices):
        SCALE = "scale", _("Scale from 1 (poor) to 5 (excellent)")
        TEXT = "text", _("Free text")

    code = code_field()
    event = models.ForeignKey(TrainingEvent, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.CharField(_("question"), max_length=300)
    kind = models.CharField(_("kind"), max_length=5, choices=Kind.choices, default=Kind.SCALE)
    required = models.BooleanField(_("answer required"), default=True)

    objects = EventChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("evaluation question")
        verbose_name_plural = _("evaluation questions")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.text


class EvaluationResponse(models.Model):
    """One participant's answers; one per participant (constraint)."""

    event = models.ForeignKey(TrainingEvent, on_delete=models.CASCADE, related_name="responses")
    participant = models.OneToOneField(Participant, on_delete=models.CASCADE, related_name="evaluation")
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("evaluation response")
        verbose_name_plural = _("evaluation responses")

    def __str__(self) -> str:
        return f"{self.participant} – {self.event}"


class EvaluationAnswer(models.Model):
    response = models.ForeignKey(EvaluationResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(EvaluationQuestion, on_delete=models.CASCADE, related_name="answers")
    scale = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    text = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="evaluationanswer_once"),
            models.CheckConstraint(
                condition=models.Q(scale__isnull=True) | models.Q(scale__gte=1, scale__lte=5),
                name="evaluationanswer_scale_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question}: {self.scale if self.scale is not None else self.text[:40]}"


class Certificate(TimeStampedModel):
    """Certificate of attendance: its content is fixed when issued and sealed through the PDF pipeline."""

    code = code_field()
    participant = models.OneToOneField(Participant, on_delete=models.PROTECT, related_name="certificate")
    hours = models.DecimalField(_("hours attended"), max_digits=6, decimal_places=2)
    content = models.JSONField(_("content"), editable=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = CertificateQuerySet.as_manager()

    class Meta:
        verbose_name = _("certificate of attendance")
        verbose_name_plural = _("certificates of attendance")

    def __str__(self) -> str:
        return f"{self.participant} – {self.participant.event}"

    def get_absolute_url(self) -> str:
        return reverse("training_events:certificate_detail", kwargs={"code": self.code})


def material_path(instance, filename: str) -> str:
    return f"training/{instance.event.code}/{secrets.token_hex(8)}/{filename}"


class Material(TimeStampedModel):
    class Kind(models.TextChoices):
        SLIDES = "slides", _("Slides")
        HANDOUT = "handout", _("Handout")
        OTHER = "other", _("Other")

    code = code_field()
    event = models.ForeignKey(TrainingEvent, on_delete=models.CASCADE, related_name="materials")
    session = models.ForeignKey(
        Session, on_delete=models.SET_NULL, null=True, blank=True, related_name="materials", verbose_name=_("session")
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.SLIDES)
    file = models.FileField(_("file"), upload_to=material_path, max_length=300)
    size = models.PositiveIntegerField(_("size in bytes"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = EventChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        ordering = ["session__day", "session__start_time", "title"]

    def __str__(self) -> str:
        return self.title


def new_feed_token() -> str:
    return secrets.token_urlsafe(24)


class CalendarFeed(models.Model):
    """A user's personal iCalendar feed: an unguessable token URL (can be replaced, which kills the old one)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.user} calendar"
