from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partners.models import Partnership, TimeStampedModel
from partners.models.base import code_field

from ..querysets import ChecklistItemQuerySet, ChecklistTemplateItemQuerySet
from .defaults import keyed_text
from .mobilities import Mobility


class Category(models.TextChoices):
    PREPARATION = "preparation", _("Preparation")
    ARRIVAL = "arrival", _("Arrival")
    MONITORING = "monitoring", _("Monitoring")
    INCIDENTS = "incidents", _("Incidents")
    ASSESSMENT = "assessment", _("Assessment")
    DEBRIEFING = "debriefing", _("Debriefing")
    RECOGNITION = "recognition", _("Recognition")
    DOCUMENTATION = "documentation", _("Documentation")


class Anchor(models.TextChoices):
    START = "start", _("the start")
    END = "end", _("the end")


class ChainEvent(models.TextChoices):
    """The moments of the ECVET chain a checklist item can follow: when one happens, the items tied to it
    tick themselves (mobility.services.checklists.record_chain_event); when its document is withdrawn, an
    automatic tick is withdrawn with it."""

    LA_SIGNED = "la_signed", _("the Learning Agreement is approved by all parties")
    GRANT_AGREEMENT_SIGNED = "grant_signed", _("the participant's grant agreement is approved by both parties")
    ASSESSMENT_SUBMITTED = "assessment_submitted", _("the mentor submits the assessment")
    TRANSCRIPT_APPROVED = "transcript_approved", _("the host approves the Personal Transcript")
    RECOGNITION_RECORDED = "recognition_recorded", _("validation and recognition are recorded")
    EUROPASS_ISSUED = "europass_issued", _("the Europass Mobility is approved by both organisations")
    REPORT_FILED = "report_filed", _("the learner files the report")
    # Staff training certificates (training_events) belong to no mobility: declared for templates that want
    # the item, announced by nobody until a certificate is tied to a mobility.
    CERTIFICATE_ISSUED = "certificate_issued", _("the certificate is issued")


# The mobility statuses in the order a mobility moves through them (cancelled is outside the order).
_STATUS_ORDER = (
    Mobility.Status.DRAFT,
    Mobility.Status.PLANNED,
    Mobility.Status.AGREED,
    Mobility.Status.IN_MOBILITY,
    Mobility.Status.COMPLETED,
    Mobility.Status.RECOGNISED,
)
# From which status the stage of a category is over.
_STAGE_OVER_FROM = {
    Category.PREPARATION: Mobility.Status.COMPLETED,
    Category.ARRIVAL: Mobility.Status.COMPLETED,
    Category.MONITORING: Mobility.Status.COMPLETED,
    Category.INCIDENTS: Mobility.Status.RECOGNISED,
    Category.ASSESSMENT: Mobility.Status.RECOGNISED,
    Category.DEBRIEFING: Mobility.Status.RECOGNISED,
    Category.RECOGNITION: Mobility.Status.RECOGNISED,
    Category.DOCUMENTATION: Mobility.Status.RECOGNISED,
}


def can_be_overdue(category: str, mobility_status: str) -> bool:
    """Whether an open item of this category can still count as overdue, given its mobility's status.

    The one rule behind `ChecklistItem.is_overdue` and `mobility.dashboard.overdue_items` (and so every
    dashboard and report figure of overdue items):
    - a cancelled mobility: no item counts, nothing needs doing any more;
    - a completed mobility: the stay is over, so what had to happen before or during it (preparation,
      arrival, monitoring) can no longer be done and stops counting; incidents, assessment, debriefing,
      recognition and documentation still count;
    - a recognised mobility: the chain is closed, nothing counts any more (what is still open stays
      visible and can be ticked, it is just not "overdue");
    - before that (draft, planned, agreed, in mobility) every category counts: an item not done by its
      date during the stay is a real warning (no insurance, no arrival meeting).
    A status outside the known order counts as open (every category counts)."""
    if mobility_status == Mobility.Status.CANCELLED:
        return False
    over_from = _STAGE_OVER_FROM.get(category)
    if over_from is None or mobility_status not in _STATUS_ORDER:
        return True
    return _STATUS_ORDER.index(mobility_status) < _STATUS_ORDER.index(over_from)


# Items only the ECVET chain ticks: they never apply to a mobility without ECVET (mobility.guards).
ECVET_ONLY_EVENTS = (
    ChainEvent.LA_SIGNED,
    ChainEvent.TRANSCRIPT_APPROVED,
    ChainEvent.RECOGNITION_RECORDED,
    ChainEvent.ASSESSMENT_SUBMITTED,
)


def applies(chain_event: str, uses_ecvet: bool) -> bool:
    """Whether an item can apply to its mobility at all: an ECVET step does not apply without ECVET."""
    return uses_ecvet or chain_event not in ECVET_ONLY_EVENTS


def not_applicable_q(prefix: str = "") -> models.Q:
    """The open items `can_be_overdue` (and `applies`) rule out, as a filter on checklist items (`prefix`
    leads from the queried model to the item, e.g. "checklist__")."""
    q = models.Q(**{f"{prefix}mobility__status": Mobility.Status.CANCELLED})
    q |= models.Q(**{f"{prefix}mobility__uses_ecvet": False, f"{prefix}chain_event__in": ECVET_ONLY_EVENTS})
    for category in Category.values:
        passed = [status for status in Mobility.Status.values if not can_be_overdue(category, status)]
        if passed:
            q |= models.Q(**{f"{prefix}category": category, f"{prefix}mobility__status__in": passed})
    return q


class DefaultItem(models.TextChoices):
    """The items of the portal's default checklist (mobility.services.checklists.DEFAULT_TEMPLATE).

    An item the portal wrote stores its key in `title_key` and is shown in the reader's language; its `title`
    keeps the English text (audit rows, exports sorted by title). A title a coordinator types clears the key
    and is shown as typed (mobility.forms.quality.KeyedTextMixin)."""

    LANGUAGE_PREPARATION = "language_preparation", _("Language preparation")
    CULTURAL_PREPARATION = "cultural_preparation", _("Cultural preparation")
    INSURANCE = "insurance", _("Insurance arranged")
    TRAVEL = "travel", _("Travel booked")
    ACCOMMODATION = "accommodation", _("Accommodation confirmed")
    LEARNING_AGREEMENT = "learning_agreement", _("Learning Agreement signed")
    SAFETY_BRIEFING = "safety_briefing", _("Safety briefing given")
    ARRIVAL_MEETING = "arrival_meeting", _("Arrival meeting held")
    MONITORING_CONTACT = "monitoring_contact", _("Mid-stay monitoring contact")
    INCIDENT_LOG = "incident_log", _("Incident log reviewed")
    ASSESSMENT = "assessment", _("Assessment done")
    DEBRIEFING = "debriefing", _("Debriefing held")
    TRANSCRIPT = "transcript", _("Personal Transcript approved")
    RECOGNITION = "recognition", _("Learning outcomes recognised")
    EUROPASS = "europass", _("Europass Mobility issued")
    LEARNER_REPORT = "learner_report", _("Learner report filed")


class Responsible(models.TextChoices):
    """Who must act: the side whose people see the item on their dashboard."""

    SENDING = "sending", _("Sending organisation")
    RECEIVING = "receiving", _("Receiving organisation")
    MENTOR = "mentor", _("Mentor")
    LEARNER = "learner", _("Learner")


class ChecklistTemplateItem(TimeStampedModel):
    """One line of a partnership's quality checklist; copied into each mobility's checklist."""

    code = code_field()
    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="checklist_template", verbose_name=_("partnership")
    )
    title = models.CharField(_("item"), max_length=200)
    # The portal's default item this is, while its title is not edited: shown in the reader's language.
    title_key = models.CharField(
        _("default item"), max_length=32, choices=DefaultItem.choices, blank=True, editable=False
    )
    guidance = models.TextField(_("guidance"), blank=True, help_text=_("What “done” means, for whoever acts."))
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    responsible = models.CharField(_("who acts"), max_length=10, choices=Responsible.choices)
    anchor = models.CharField(_("due relative to"), max_length=5, choices=Anchor.choices, default=Anchor.START)
    offset_days = models.SmallIntegerField(
        _("days after"),
        default=0,
        help_text=_("Negative numbers mean before, e.g. −14 = two weeks before."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    chain_event = models.CharField(
        _("ticks itself when"),
        max_length=24,
        choices=ChainEvent.choices,
        blank=True,
        help_text=_("The step of the ECVET chain that marks this item done, with its document as evidence."),
    )

    objects = ChecklistTemplateItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("checklist template item")
        verbose_name_plural = _("checklist template items")
        ordering = ["partnership", "order", "id"]

    def __str__(self) -> str:
        return self.get_title_display()

    def get_title_display(self) -> str:
        return keyed_text(self.get_title_key_display(), self.title_key, self.title)

    def due_for(self, mobility: Mobility) -> date:
        base = mobility.start_date if self.anchor == Anchor.START else mobility.end_date
        return base + timedelta(days=self.offset_days)


class ChecklistItem(TimeStampedModel):
    code = code_field()
    mobility = models.ForeignKey(
        Mobility, on_delete=models.CASCADE, related_name="checklist", verbose_name=_("mobility")
    )
    template_item = models.ForeignKey(
        ChecklistTemplateItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    title = models.CharField(_("item"), max_length=200)
    # Copied from the template item: the portal's default item, shown in the reader's language.
    title_key = models.CharField(
        _("default item"), max_length=32, choices=DefaultItem.choices, blank=True, editable=False
    )
    guidance = models.TextField(_("guidance"), blank=True)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    responsible = models.CharField(_("who acts"), max_length=10, choices=Responsible.choices)
    due_date = models.DateField(_("due"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("done by"),
    )
    note = models.TextField(_("evidence note"), blank=True)
    evidence = models.FileField(_("evidence file"), upload_to="evidence/%Y/%m/", blank=True)
    # Copied from the template item, so the tie survives the template item being deleted.
    chain_event = models.CharField(_("ticks itself when"), max_length=24, choices=ChainEvent.choices, blank=True)
    # A page of the portal (a path): the document whose chain event ticked the item.
    evidence_url = models.CharField(_("evidence link"), max_length=500, blank=True)
    # Ticked by a chain event, not by a person: withdrawn with its document.
    done_automatically = models.BooleanField(_("done automatically"), default=False)

    objects = ChecklistItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["mobility", "due_date", "order", "id"]
        indexes = [
            # Dashboards and "waiting for you": open items, oldest due first (a partial index: the done items,
            # most of a network's 350,000, are not in it).
            models.Index(
                fields=["due_date", "id"], condition=models.Q(done_at__isnull=True), name="checklist_open_due"
            ),
        ]

    def __str__(self) -> str:
        return self.get_title_display()

    def get_title_display(self) -> str:
        return keyed_text(self.get_title_key_display(), self.title_key, self.title)

    @property
    def is_done(self) -> bool:
        return self.done_at is not None

    @property
    def stage_passed(self) -> bool:
        """Open, but no longer counted as overdue: the mobility is cancelled or past this item's stage."""
        return not self.is_done and (
            not can_be_overdue(self.category, self.mobility.status)
            or not applies(self.chain_event, self.mobility.uses_ecvet)
        )

    @property
    def is_overdue(self) -> bool:
        return (
            not self.is_done
            and self.due_date < timezone.localdate()
            and can_be_overdue(self.category, self.mobility.status)
            and applies(self.chain_event, self.mobility.uses_ecvet)
        )
