"""Calls for applications, applications and the panel's selection (issue 18, points 2–5).

A sending organisation opens a `Call` within a partnership; learners apply through the public form (or a
coordinator enters their `Application`); the `PanelMember`s of the call score every eligible application per
`Criterion` (`Score`), and the decision moves each application to selected, reserve or not selected.
Every status moves through partners.workflow (docs/selection.md).
"""

from __future__ import annotations

import secrets
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from partners.models import Organisation, Partnership
from partners.models.base import TimeStampedModel, code_field
from partners.workflow import Missing, WorkflowModel, guard, rule, state_field, transition

from .querysets import (
    ApplicationChildQuerySet,
    ApplicationQuerySet,
    CallChildQuerySet,
    CallQuerySet,
    ScoreQuerySet,
)

EQF_LEVELS = [MinValueValidator(1), MaxValueValidator(8)]


def age_on(birth: date, on: date) -> int:
    """Whole years of a person born on `birth`, on the day `on`."""
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def add_months(moment, months: int):
    """The same day `months` later (the month's last day where it is shorter)."""
    import calendar

    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))


def call_ready(call: Call):
    """What a call needs before it is published: criteria, and a deadline in the future, after it opens."""
    url = reverse("selection:call_edit", kwargs={"code": call.code})
    if not call.criteria.exists():
        criteria_url = reverse("selection:call_criteria", kwargs={"code": call.code})
        yield Missing(
            gettext("The call has no selection criteria."), criteria_url, gettext("Add criteria"), key="criteria"
        )
    if call.deadline and call.deadline <= timezone.now():
        yield Missing(gettext("The deadline has passed."), url, gettext("Edit the call"), key="deadline")
    if call.opens_at and call.deadline and call.opens_at >= call.deadline:
        yield Missing(gettext("The call opens after its deadline."), url, gettext("Edit the call"), key="opens_at")


class Call(WorkflowModel, TimeStampedModel):
    """A call for applications of one sending organisation within a partnership (the project)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CLOSED = "closed", _("Closed")
        DECIDED = "decided", _("Decided")
        CANCELLED = "cancelled", _("Cancelled")

    code = code_field()
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="calls", verbose_name=_("sending organisation")
    )
    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.PROTECT,
        related_name="calls",
        verbose_name=_("project"),
        help_text=_("The partnership (project) whose mobilities the selected learners make."),
    )
    title = models.CharField(_("title (English)"), max_length=200)
    text = models.TextField(
        _("text (English)"), blank=True, help_text=_("What the mobility offers, who may apply and how.")
    )
    local_language = models.CharField(
        _("local language"),
        max_length=7,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("The second language of the call page; by default the sending organisation's language."),
    )
    title_local = models.CharField(_("title (local language)"), max_length=200, blank=True)
    text_local = models.TextField(_("text (local language)"), blank=True)
    destinations = models.TextField(
        _("destinations"),
        blank=True,
        help_text=_("Destinations offered in words, besides or instead of the placements chosen below."),
    )
    placements = models.ManyToManyField(
        "placements.Placement",
        blank=True,
        related_name="calls",
        verbose_name=_("placements offered"),
        help_text=_("Published placements of the call's partnership."),
    )
    places = models.PositiveSmallIntegerField(_("places"), default=1, validators=[MinValueValidator(1)])
    # Eligibility (selection.eligibility lists what an application misses).
    qualification_title = models.CharField(
        _("qualification"),
        max_length=200,
        blank=True,
        help_text=_("Only learners taking this qualification may apply (empty: any)."),
    )
    eqf_min = models.PositiveSmallIntegerField(_("lowest EQF level"), null=True, blank=True, validators=EQF_LEVELS)
    eqf_max = models.PositiveSmallIntegerField(_("highest EQF level"), null=True, blank=True, validators=EQF_LEVELS)
    age_min = models.PositiveSmallIntegerField(
        _("minimum age at the deadline"), null=True, blank=True, validators=[MaxValueValidator(99)]
    )
    age_max = models.PositiveSmallIntegerField(
        _("maximum age at the deadline"), null=True, blank=True, validators=[MaxValueValidator(99)]
    )
    study_years = models.JSONField(
        _("study years"),
        default=list,
        blank=True,
        help_text=_("Years of study that may apply, e.g. 2 and 3 (empty: any)."),
    )
    opens_at = models.DateTimeField(_("opens"), null=True, blank=True)
    deadline = models.DateTimeField(_("deadline"))
    requires_motivation_letter = models.BooleanField(_("motivation letter required"), default=True)
    requires_cv = models.BooleanField(_("CV required"), default=True, help_text=_("A Europass CV (PDF) is accepted."))
    requires_guardian_consent = models.BooleanField(
        _("guardian's consent required for minors"),
        default=True,
        help_text=_("Applicants under 18 at the deadline upload their parent's or guardian's signed consent."),
    )
    fewer_opportunities_points = models.DecimalField(
        _("points for fewer opportunities"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(0)],
        help_text=_("Added to the weighted score of an applicant with fewer opportunities."),
    )
    retention_months = models.PositiveSmallIntegerField(
        _("keep unsuccessful applications (months)"),
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text=_("Unsuccessful applications are erased this many months after the call closes."),
    )
    status = state_field(Status.choices, Status.DRAFT, max_length=12)
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, editable=False)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = CallQuerySet.as_manager()

    class Meta:
        verbose_name = _("call for applications")
        verbose_name_plural = _("calls for applications")
        ordering = ["-deadline", "title"]
        indexes = [
            # The public list of open calls: published, by deadline.
            models.Index(fields=["status", "deadline"], name="call_status_deadline"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(eqf_min__isnull=True)
                | models.Q(eqf_max__isnull=True)
                | models.Q(eqf_max__gte=models.F("eqf_min")),
                name="call_eqf_range",
            ),
            models.CheckConstraint(
                condition=models.Q(age_min__isnull=True)
                | models.Q(age_max__isnull=True)
                | models.Q(age_max__gte=models.F("age_min")),
                name="call_age_range",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        if not self.local_language and self.organisation_id:
            from documents.languages import language_of

            self.local_language = language_of(self.organisation) or ""
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("selection:call_detail", kwargs={"code": self.code})

    def get_public_url(self) -> str:
        return reverse("selection:public_call", kwargs={"code": self.code})

    def workflow_scope(self):
        return self.partnership, self.organisation

    @property
    def is_open(self) -> bool:
        """Takes applications now: published, opened, deadline not passed."""
        now = timezone.now()
        return (
            self.status == self.Status.PUBLISHED
            and (self.opens_at is None or self.opens_at <= now)
            and self.deadline > now
        )

    @property
    def deadline_date(self) -> date:
        return timezone.localdate(self.deadline)

    def is_minor(self, birth: date | None) -> bool:
        return birth is not None and age_on(birth, self.deadline_date) < 18

    def erase_after(self):
        """When unsuccessful applications are due for erasure (None while the call has not closed)."""
        if self.closed_at is None:
            return None
        return add_months(self.closed_at, self.retention_months)

    @transition(
        field=status,
        source=Status.DRAFT,
        target=Status.PUBLISHED,
        conditions=[guard(call_ready)],
        permission=rule("selection.access.may_manage_call"),
        custom={"label": _("Publish"), "update_fields": ["published_at"]},
    )
    def publish(self):
        self.published_at = timezone.now()

    @transition(
        field=status,
        source=Status.PUBLISHED,
        target=Status.CLOSED,
        permission=rule("selection.access.may_manage_call"),
        custom={"label": _("Close"), "update_fields": ["closed_at"]},
    )
    def close(self):
        """Takes no more applications; the panel scores."""
        self.closed_at = timezone.now()

    @transition(
        field=status,
        source=Status.CLOSED,
        target=Status.DECIDED,
        permission=rule("selection.access.may_decide"),
        custom={"label": _("Record the decision"), "update_fields": ["decided_at"]},
    )
    def decide(self):
        self.decided_at = timezone.now()

    @transition(
        field=status,
        source=[Status.DRAFT, Status.PUBLISHED, Status.CLOSED],
        target=Status.CANCELLED,
        permission=rule("selection.access.may_manage_call"),
        custom={"label": _("Cancel the call"), "reason_required": True, "update_fields": ["closed_at"]},
    )
    def cancel(self):
        self.closed_at = self.closed_at or timezone.now()


class Criterion(models.Model):
    """A published selection criterion: the panel gives 0…max_points; the score counts points × weight."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("call"))
    name = models.CharField(_("criterion"), max_length=160)
    description = models.TextField(_("description"), blank=True, help_text=_("What the panel looks at."))
    weight = models.DecimalField(
        _("weight"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("The points given are multiplied by this weight."),
    )
    max_points = models.PositiveSmallIntegerField(
        _("maximum points"), default=10, validators=[MinValueValidator(1), MaxValueValidator(1000)]
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = CallChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("selection criterion")
        verbose_name_plural = _("selection criteria")
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(weight__gt=0), name="criterion_weight_positive"),
        ]

    def __str__(self) -> str:
        return self.name


class Application(WorkflowModel, TimeStampedModel):
    """One learner's application to a call: from the public form (e-mail verified) or entered by a coordinator."""

    class Status(models.TextChoices):
        UNVERIFIED = "unverified", _("E-mail not yet confirmed")
        SUBMITTED = "submitted", _("Submitted")
        ELIGIBLE = "eligible", _("Eligible")
        INELIGIBLE = "ineligible", _("Not eligible")
        SELECTED = "selected", _("Selected")
        RESERVE = "reserve", _("Reserve list")
        NOT_SELECTED = "not_selected", _("Not selected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    # The applicant may withdraw from these (a selected learner who withdraws frees the place for the reserve).
    OPEN_STATES = (
        Status.UNVERIFIED,
        Status.SUBMITTED,
        Status.ELIGIBLE,
        Status.INELIGIBLE,
        Status.SELECTED,
        Status.RESERVE,
    )
    # Unsuccessful outcomes: erased when the call's retention period is over.
    UNSUCCESSFUL_STATES = (Status.INELIGIBLE, Status.NOT_SELECTED, Status.WITHDRAWN, Status.UNVERIFIED)

    code = code_field()
    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="applications", verbose_name=_("call"))
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    email = models.EmailField(_("email"))
    date_of_birth = models.DateField(_("date of birth"), null=True)
    qualification_title = models.CharField(
        _("qualification"), max_length=200, blank=True, help_text=_("The qualification you are studying for.")
    )
    eqf_level = models.PositiveSmallIntegerField(_("EQF level"), null=True, blank=True, validators=EQF_LEVELS)
    study_year = models.PositiveSmallIntegerField(
        _("year of study"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(8)]
    )
    fewer_opportunities = models.BooleanField(
        _("fewer opportunities"),
        default=False,
        help_text=_("Economic, social, geographical, health or educational obstacles (Erasmus+ inclusion)."),
    )
    fewer_opportunities_note = models.CharField(
        _("about fewer opportunities"),
        max_length=500,
        blank=True,
        help_text=_("A short note; no medical details are needed."),
    )
    guardian_name = models.CharField(_("parent or guardian"), max_length=160, blank=True)
    guardian_email = models.EmailField(_("parent's or guardian's email"), blank=True)
    language = models.CharField(
        _("language"),
        max_length=7,
        choices=settings.LANGUAGES,
        default="en",
        help_text=_("The language of the e-mails the applicant receives."),
    )
    email_verified_at = models.DateTimeField(_("e-mail confirmed"), null=True, blank=True, editable=False)
    consent_at = models.DateTimeField(_("consent given"), null=True, blank=True)
    privacy_notice_version = models.CharField(_("privacy notice version"), max_length=20, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
        help_text=_("The coordinator who entered a paper application (empty: the public form)."),
    )
    status = state_field(Status.choices, Status.UNVERIFIED, max_length=14)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True, editable=False)
    ineligibility_reasons = models.JSONField(_("unmet conditions"), default=list, blank=True, editable=False)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True, editable=False)
    reserve_rank = models.PositiveSmallIntegerField(_("place on the reserve list"), null=True, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True, editable=False)
    placement = models.ForeignKey(
        "placements.Placement",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("placement offered"),
        help_text=_("The placement offered to a selected applicant."),
    )
    learner = models.ForeignKey(
        "mobility.Learner",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("learner"),
        help_text=_("Created when the applicant is selected."),
    )
    mobility = models.ForeignKey(
        "mobility.Mobility",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("mobility"),
    )
    erased_at = models.DateTimeField(_("erased"), null=True, blank=True, editable=False)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at"]
        indexes = [
            # The call page's applications list, filtered by status.
            models.Index(fields=["call", "status", "created_at"], name="application_call_status"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["call", "reserve_rank"],
                condition=models.Q(reserve_rank__isnull=False),
                name="application_reserve_rank_once",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        return reverse("selection:application_detail", kwargs={"code": self.code})

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def workflow_scope(self):
        return self.call.partnership, self.call.organisation

    @property
    def is_minor(self) -> bool:
        return self.call.is_minor(self.date_of_birth)

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATES

    @transition(
        field=status,
        source=Status.UNVERIFIED,
        target=Status.SUBMITTED,
        # The applicant's signed link (system) or a coordinator entering a paper application.
        permission=rule("selection.access.may_manage_applications", of="call"),
        custom={"label": _("Confirm"), "update_fields": ["email_verified_at", "submitted_at"]},
    )
    def verify(self):
        now = timezone.now()
        self.email_verified_at = self.email_verified_at or now
        self.submitted_at = now

    @transition(
        field=status,
        source=[Status.SUBMITTED, Status.INELIGIBLE],
        target=Status.ELIGIBLE,
        permission=rule("selection.access.may_manage_applications", of="call"),
        custom={"label": _("Mark eligible"), "update_fields": ["ineligibility_reasons"]},
    )
    def mark_eligible(self):
        self.ineligibility_reasons = []

    @transition(
        field=status,
        source=[Status.SUBMITTED, Status.ELIGIBLE],
        target=Status.INELIGIBLE,
        permission=rule("selection.access.may_manage_applications", of="call"),
        custom={"label": _("Mark not eligible"), "update_fields": ["ineligibility_reasons"]},
    )
    def mark_ineligible(self, reasons: list[str] | None = None):
        self.ineligibility_reasons = list(reasons or [])

    @transition(
        field=status,
        source=[Status.ELIGIBLE, Status.RESERVE, Status.NOT_SELECTED],
        target=Status.SELECTED,
        permission=rule("selection.access.may_decide", of="call"),
        custom={"label": _("Select"), "update_fields": ["decided_at", "decision_reason", "reserve_rank"]},
    )
    def select(self, reason: str = ""):
        self.decided_at = timezone.now()
        self.decision_reason = reason or self.decision_reason
        self.reserve_rank = None

    @transition(
        field=status,
        source=[Status.ELIGIBLE, Status.NOT_SELECTED],
        target=Status.RESERVE,
        permission=rule("selection.access.may_decide", of="call"),
        custom={
            "label": _("Put on the reserve list"),
            "update_fields": ["decided_at", "decision_reason", "reserve_rank"],
        },
    )
    def reserve(self, rank: int | None = None, reason: str = ""):
        self.decided_at = timezone.now()
        self.decision_reason = reason or self.decision_reason
        self.reserve_rank = rank

    @transition(
        field=status,
        source=[Status.ELIGIBLE, Status.RESERVE],
        target=Status.NOT_SELECTED,
        permission=rule("selection.access.may_decide", of="call"),
        custom={"label": _("Not selected"), "update_fields": ["decided_at", "decision_reason", "reserve_rank"]},
    )
    def not_select(self, reason: str = ""):
        self.decided_at = timezone.now()
        self.decision_reason = reason or self.decision_reason
        self.reserve_rank = None

    @transition(
        field=status,
        source=list(OPEN_STATES),
        target=Status.WITHDRAWN,
        # The applicant through their signed link (system), or a coordinator told on paper.
        permission=rule("selection.access.may_manage_applications", of="call"),
        custom={"label": _("Withdraw"), "update_fields": ["withdrawn_at", "reserve_rank"]},
    )
    def withdraw(self):
        self.withdrawn_at = timezone.now()
        self.reserve_rank = None


def document_path(instance, filename: str) -> str:
    return f"selection/{instance.application.call.code}/{instance.application.code}/{secrets.token_hex(8)}/{filename}"


class ApplicationDocument(models.Model):
    """A file the applicant sent: motivation letter, CV (Europass CV as PDF), guardian's consent, other."""

    class Kind(models.TextChoices):
        MOTIVATION = "motivation", _("Motivation letter")
        CV = "cv", _("CV")
        GUARDIAN_CONSENT = "guardian_consent", _("Parent's or guardian's consent")
        OTHER = "other", _("Other document")

    code = code_field()
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="documents", verbose_name=_("application")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to=document_path, max_length=300)
    size = models.PositiveIntegerField(_("size in bytes"), default=0)
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now, editable=False)

    objects = ApplicationChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("application document")
        verbose_name_plural = _("application documents")
        ordering = ["kind", "uploaded_at"]

    def __str__(self) -> str:
        return self.get_kind_display()


class PanelMember(TimeStampedModel):
    """A named assessor of a call, from its sending organisation; scores only after declaring no conflict."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="panel", verbose_name=_("call"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="panel_seats", verbose_name=_("assessor")
    )
    declared_no_conflict_at = models.DateTimeField(_("declared no conflict"), null=True, blank=True, editable=False)
    declaration = models.TextField(
        _("declaration"), blank=True, help_text=_("The text of the declaration as the assessor confirmed it.")
    )

    objects = CallChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("panel member")
        verbose_name_plural = _("panel members")
        ordering = ["call", "user__last_name", "user__first_name"]
        constraints = [models.UniqueConstraint(fields=["call", "user"], name="panelmember_once_per_call")]

    def __str__(self) -> str:
        return f"{self.user} ({self.call})"

    @property
    def has_declared(self) -> bool:
        return self.declared_no_conflict_at is not None


class Score(TimeStampedModel):
    """The points one assessor gives one application for one criterion."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="scores", verbose_name=_("application")
    )
    criterion = models.ForeignKey(
        Criterion, on_delete=models.CASCADE, related_name="scores", verbose_name=_("criterion")
    )
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="selection_scores", verbose_name=_("assessor")
    )
    points = models.DecimalField(_("points"), max_digits=6, decimal_places=2, validators=[MinValueValidator(0)])
    comment = models.TextField(_("comment"), blank=True)

    objects = ScoreQuerySet.as_manager()

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        ordering = ["application", "criterion__order", "assessor"]
        constraints = [
            models.UniqueConstraint(fields=["application", "criterion", "assessor"], name="score_once_per_assessor"),
            models.CheckConstraint(condition=models.Q(points__gte=0), name="score_points_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.application} – {self.criterion}: {self.points}"
