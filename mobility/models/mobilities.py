from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from partners.models import Organisation, Partnership, TimeStampedModel
from partners.models.base import code_field
from partners.workflow import WorkflowModel, guard, rule, state_field, system_only, transition

from .. import guards
from ..querysets import MobilityQuerySet, MobilityStatusChangeQuerySet
from .learners import Learner

ERASMUS_PRO_MIN_DAYS = 90

# The standard responsibilities: an empty field means these, shown in the reader's language
# (`get_tutor_responsibilities_display`); what a coordinator types instead is shown as typed.
TUTOR_RESPONSIBILITIES = _(
    "Prepare the learner; agree the learning outcomes; keep in touch during the stay; "
    "debrief and arrange recognition on return."
)
MENTOR_RESPONSIBILITIES = _(
    "Welcome and induct the learner; guide daily work; hold the mid-stay review; "
    "assess the agreed learning outcomes and soft skills."
)


class Mobility(WorkflowModel, TimeStampedModel):
    """One learner's stay abroad: "outgoing" for the sending organisation, "incoming" for the receiving one."""

    class Kind(models.TextChoices):
        SHORT_TERM = "short_term", _("Short-term VET learner mobility")
        ERASMUS_PRO = "erasmus_pro", _("Long-term ErasmusPro (90 days or more)")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PLANNED = "planned", _("Planned")
        AGREED = "agreed", _("Agreed")
        IN_MOBILITY = "in_mobility", _("In mobility")
        COMPLETED = "completed", _("Completed")
        RECOGNISED = "recognised", _("Recognised")
        CANCELLED = "cancelled", _("Cancelled")

    OPEN_STATUSES = (Status.DRAFT, Status.PLANNED, Status.AGREED, Status.IN_MOBILITY)
    # The states that rest on an agreement (for ECVET: a Learning Agreement in force).
    AGREED_OR_LATER = (Status.AGREED, Status.IN_MOBILITY, Status.COMPLETED, Status.RECOGNISED)

    code = code_field()
    learner = models.ForeignKey(
        Learner,
        on_delete=models.PROTECT,
        related_name="mobilities",
        verbose_name=_("learner"),
        db_index=False,  # mobility_learner_scope below
    )
    partnership = models.ForeignKey(
        Partnership, on_delete=models.PROTECT, related_name="mobilities", verbose_name=_("partnership")
    )
    sending_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="outgoing_mobilities",
        verbose_name=_("sending organisation"),
    )
    receiving_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="incoming_mobilities",
        verbose_name=_("receiving organisation"),
        help_text=_("The partner that hosts the learner and arranges the workplace."),
    )
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices, default=Kind.SHORT_TERM)
    # Moved only by the transition methods below, through partners.workflow.move (mobility.services.lifecycle).
    status = state_field(Status.choices, Status.DRAFT, max_length=12)
    uses_ecvet = models.BooleanField(
        _("uses ECVET"),
        default=True,
        help_text=_(
            "The Learning Agreement, the assessment of units and their recognition decide this mobility's "
            "status. Untick for a mobility without ECVET units (e.g. staff mobility)."
        ),
    )
    no_assessment_reason = models.TextField(
        _("why there is no assessment"),
        blank=True,
        help_text=_("Recorded when the stay is completed without the mentor's assessment."),
    )

    # Physical period
    start_date = models.DateField(
        _("start of the physical period"), help_text=_("First day of learning activities abroad.")
    )
    end_date = models.DateField(_("end of the physical period"), help_text=_("Last day of learning activities."))
    travel_days = models.PositiveSmallIntegerField(
        _("travel days"),
        default=2,
        validators=[MaxValueValidator(6)],
        help_text=_(
            "Days of travel on top of the activity days. The funding rules fund at most 2 (up to 6 with green "
            "travel from the 2021 call)."
        ),
    )
    green_travel = models.BooleanField(
        _("green travel"),
        default=False,
        help_text=_(
            "Low-emission transport (train, bus, bike, car-pooling) for the main part of the journey: a higher "
            "travel amount and up to 6 funded travel days from the 2021 call."
        ),
    )

    # Host workplace
    host_company = models.CharField(_("host company"), max_length=200, blank=True)
    host_address = models.TextField(_("host company address"), blank=True)
    host_sector = models.CharField(_("sector"), max_length=120, blank=True, help_text=_("E.g. “Beauty salon”."))
    host_contact_name = models.CharField(_("host contact"), max_length=160, blank=True)
    host_contact_email = models.EmailField(_("host contact email"), blank=True)
    host_contact_phone = models.CharField(_("host contact phone"), max_length=40, blank=True)

    # Virtual component of a blended mobility
    virtual_start = models.DateField(_("start of the virtual component"), null=True, blank=True)
    virtual_end = models.DateField(_("end of the virtual component"), null=True, blank=True)
    virtual_platform = models.CharField(
        _("platform"), max_length=120, blank=True, help_text=_("E.g. Moodle, Microsoft Teams, eTwinning.")
    )
    virtual_hours = models.PositiveSmallIntegerField(
        _("virtual hours"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    virtual_activities = models.TextField(_("virtual activities"), blank=True)

    # The catalogue placement the learner was placed on (placements.services.place), if any. PROTECT: a placement
    # with learners is withdrawn, never deleted, so that its host keeps the feedback of its past learners.
    placement = models.ForeignKey(
        "placements.Placement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mobilities",
        verbose_name=_("placement"),
        help_text=_("The host placement from the partnership's catalogue this learner was placed on."),
    )

    planned_activities = models.TextField(
        _("planned learning activities"),
        blank=True,
        help_text=_("Tasks and places of learning at the host; detailed later in the Learning Agreement."),
    )

    # People
    tutor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tutored_mobilities",
        verbose_name=_("tutor (sending side)"),
        help_text=_("Staff of the sending organisation who prepares and follows the learner."),
    )
    tutor_responsibilities = models.TextField(
        _("tutor's responsibilities"),
        blank=True,
        help_text=_("Leave empty for the standard responsibilities, shown in each reader's language."),
    )
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mentored_mobilities",
        verbose_name=_("mentor (host side)"),
        help_text=_("The person at the host (school or company) who guides and assesses the learner."),
    )
    mentor_responsibilities = models.TextField(
        _("mentor's responsibilities"),
        blank=True,
        help_text=_("Leave empty for the standard responsibilities, shown in each reader's language."),
    )

    # Money: the straight-line distance is computed from the two cities' coordinates.
    distance_km = models.PositiveIntegerField(
        _("distance (km)"),
        null=True,
        blank=True,
        help_text=_("Great-circle distance between the two cities; computed, may be overridden."),
    )
    inclusion_support_costs = models.DecimalField(
        _("inclusion support for the participant (EUR, real costs)"),
        max_digits=9,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_(
            "Extra costs of a participant with fewer opportunities (e.g. an accompanying person, adapted housing)."
        ),
    )
    expensive_travel_costs = models.DecimalField(
        _("real travel cost claimed as exceptional costs (EUR)"),
        max_digits=9,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_(
            "Only when the distance band covers less than 70 % of the real travel cost: the rules' share of this "
            "cost replaces the travel grant. Leave 0 otherwise."
        ),
    )
    activity_id = models.CharField(
        _("Mobility activity ID"),
        max_length=40,
        blank=True,
        help_text=_(
            "The ID of this mobility activity in the EU Beneficiary Module (unique in the project). Given on the "
            "first export if empty, e.g. 000123-MOB-00001."
        ),
    )
    ols_licence = models.BooleanField(
        _("Online Language Support licence"),
        default=False,
        help_text=_("An OLS licence (language assessment and course) is assigned to the participant."),
    )

    objects = MobilityQuerySet.as_manager()

    class Meta:
        verbose_name = _("mobility")
        verbose_name_plural = _("mobilities")
        ordering = ["-start_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")), name="mobility_end_after_start"
            ),
            models.UniqueConstraint(
                fields=["partnership", "activity_id"],
                condition=~models.Q(activity_id=""),
                name="mobility_unique_activity_id",
            ),
            models.CheckConstraint(
                condition=models.Q(virtual_start__isnull=True)
                | models.Q(virtual_end__isnull=True)
                | models.Q(virtual_end__gte=models.F("virtual_start")),
                name="mobility_virtual_end_after_start",
            ),
        ]
        indexes = [
            # Outgoing and incoming lists: one organisation's mobilities by date.
            models.Index(fields=["sending_organisation", "-start_date"], name="mobility_sending_start"),
            models.Index(fields=["receiving_organisation", "-start_date"], name="mobility_receiving_start"),
            # A partnership's mobility list and the API's, newest first (the order they page in).
            models.Index(fields=["partnership", "-start_date", "id"], name="mobility_partnership_start"),
            # Every mobility the reader sees, newest first (a project coordinator's "all mobilities", the API, the
            # admin): the first page walks this index instead of sorting 25,000 joined rows.
            models.Index(fields=["-start_date", "id"], name="mobility_start"),
            # A mentor's "my learners".
            models.Index(fields=["mentor", "status"], name="mobility_mentor_status"),
            # The mentor filter of each list offers the mentors of that list's rows: read from the index alone
            # (8 ms -> 1 ms for an organisation's 12,000 outgoing mobilities).
            models.Index(fields=["sending_organisation", "mentor"], name="mobility_sending_mentor"),
            models.Index(fields=["receiving_organisation", "mentor"], name="mobility_receiving_mentor"),
            models.Index(fields=["partnership", "mentor"], name="mobility_partnership_mentor"),
            # A mobility's learner, with the columns of every scope branch: the learners a coordinator sees are read
            # from this index alone, not from the table (issue 15). It is also the learner foreign key's index.
            models.Index(
                fields=["learner"],
                include=["mentor", "tutor", "sending_organisation", "receiving_organisation", "partnership"],
                name="mobility_learner_scope",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.learner} → {self.receiving_organisation} ({self.start_date:%Y-%m-%d})"

    def get_absolute_url(self) -> str:
        return reverse("mobility:mobility_detail", kwargs={"code": self.code})

    def get_tutor_responsibilities_display(self) -> str:
        return self.tutor_responsibilities or str(TUTOR_RESPONSIBILITIES)

    def get_mentor_responsibilities_display(self) -> str:
        return self.mentor_responsibilities or str(MENTOR_RESPONSIBILITIES)

    @property
    def is_blended(self) -> bool:
        return self.virtual_start is not None

    @property
    def duration_days(self) -> int:
        return (self.end_date - self.start_date).days + 1

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    def allowed_transitions(self) -> tuple[str, ...]:
        """The states the map allows from here (whatever the facts and the person)."""
        return tuple(t.target for t in self.get_all_status_transitions() if t.source == self.status)

    def workflow_scope(self):
        return self.partnership, self.sending_organisation

    def record_state_change(self, *, field, name, source, target, by, reason) -> None:
        # The mobility's history keeps its own table (shown on its page, exported with the learner's data).
        MobilityStatusChange.objects.create(
            mobility=self,
            from_status=source,
            to_status=target,
            by=by if getattr(by, "is_authenticated", False) else None,
            reason=reason,
        )

    # --- The moves (guards: mobility.guards; who: mobility.access) -------------------------------------------

    @transition(
        field=status,
        source=Status.DRAFT,
        target=Status.PLANNED,
        permission=rule("mobility.access.may_plan"),
        custom={"label": _("Mark as planned")},
    )
    def plan(self):
        pass

    @transition(
        field=status,
        source=Status.PLANNED,
        target=Status.DRAFT,
        permission=rule("mobility.access.may_plan"),
        custom={"label": _("Back to draft")},
    )
    def back_to_draft(self):
        pass

    @transition(
        field=status,
        source=Status.PLANNED,
        target=Status.AGREED,
        conditions=[guard(guards.agree)],
        permission=rule("mobility.access.may_plan"),
        custom={"label": _("Record the agreement")},
    )
    def agree(self):
        pass

    @transition(
        field=status,
        source=Status.AGREED,
        target=Status.IN_MOBILITY,
        conditions=[guard(guards.start)],
        permission=rule("mobility.access.may_run"),
        custom={"label": _("Learner has started")},
    )
    def start(self):
        pass

    @transition(
        field=status,
        source=Status.IN_MOBILITY,
        target=Status.COMPLETED,
        conditions=[guard(guards.complete)],
        permission=rule("mobility.access.may_run"),
        custom={"label": _("Mark as completed")},
    )
    def complete(self):
        pass

    @transition(
        field=status,
        source=Status.COMPLETED,
        target=Status.RECOGNISED,
        conditions=[guard(guards.recognise)],
        # Only recording recognition on the approved Personal Transcript makes this move (ecvet).
        permission=system_only,
        custom={"label": _("Recognised"), "explain_to": "mobility.access.may_manage_mobility"},
    )
    def recognise(self):
        pass

    @transition(
        field=status,
        source=OPEN_STATUSES,
        target=Status.CANCELLED,
        permission=rule("mobility.access.may_run"),
        custom={"label": _("Cancel the mobility"), "reason_required": True},
    )
    def cancel(self):
        pass

    def clean(self):
        """Rules that need only this record; rules about people and organisations live in the form/service."""
        errors: dict[str, list] = {}

        def add(field, message):
            errors.setdefault(field, []).append(message)

        if self.start_date and self.end_date:
            if self.end_date < self.start_date:
                add("end_date", _("The end must not be before the start."))
            elif self.kind == self.Kind.ERASMUS_PRO and self.duration_days < ERASMUS_PRO_MIN_DAYS:
                add(
                    "kind",
                    _("An ErasmusPro mobility lasts at least 90 days; this one lasts %(days)s.")
                    % {"days": self.duration_days},
                )
            elif self.kind == self.Kind.SHORT_TERM and self.duration_days >= ERASMUS_PRO_MIN_DAYS:
                add("kind", _("A stay of 90 days or more is a long-term ErasmusPro mobility."))
        if self.partnership_id and self.start_date and self.end_date:
            p = self.partnership
            if self.start_date < p.start_date or self.end_date > p.end_date:
                add(
                    "start_date",
                    _("The mobility must take place within the project period (%(start)s – %(end)s).")
                    % {"start": p.start_date, "end": p.end_date},
                )
        virtual = [self.virtual_start, self.virtual_end]
        if any(virtual) or self.virtual_platform or self.virtual_hours or self.virtual_activities:
            if not all(virtual):
                add("virtual_start", _("A virtual component needs both a start and an end date."))
            elif self.virtual_end < self.virtual_start:
                add("virtual_end", _("The end must not be before the start."))
            elif self.partnership_id and (
                self.virtual_start < self.partnership.start_date or self.virtual_end > self.partnership.end_date
            ):
                add("virtual_start", _("The virtual component must take place within the project period."))
            if not self.virtual_hours:
                add("virtual_hours", _("Give the number of hours of the virtual component."))
        if self.sending_organisation_id and self.sending_organisation_id == self.receiving_organisation_id:
            add("receiving_organisation", _("The receiving organisation must differ from the sending one."))
        if errors:
            raise ValidationError(errors)


class MobilityStatusChange(models.Model):
    """History of a mobility's status: who moved it, when, from what, to what and why."""

    mobility = models.ForeignKey(
        Mobility, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("mobility")
    )
    from_status = models.CharField(_("from"), max_length=12, choices=Mobility.Status.choices)
    to_status = models.CharField(_("to"), max_length=12, choices=Mobility.Status.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("by")
    )
    at = models.DateTimeField(_("when"), auto_now_add=True)
    reason = models.TextField(_("reason"), blank=True)

    objects = MobilityStatusChangeQuerySet.as_manager()

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.mobility_id}: {self.from_status} → {self.to_status}"
