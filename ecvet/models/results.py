from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mobility.models import MentorAssessment, Mobility
from partners.models import TimeStampedModel
from partners.models.base import code_field
from partners.workflow import Missing, WorkflowModel, guard, rule, state_field, system_only, transition

from ..querysets import EuropassQuerySet, TranscriptQuerySet
from .agreements import agreement_in_force_missing
from .approvals import Approval
from .catalogue import Unit

# --- facts the moves of the transcript and the Europass Mobility need ------------------------------------------


def transcript_agreement_in_force(transcript: "Transcript") -> list[Missing]:
    return agreement_in_force_missing(transcript.mobility)


def transcript_has_outcomes(transcript: "Transcript") -> list[Missing]:
    if transcript.pk is not None and transcript.entries.exists():
        return []
    return [
        Missing(
            gettext("The transcript has no assessed learning outcomes."),
            url=reverse("mobility:assessment", kwargs={"code": transcript.mobility.code}),
            link_text=gettext("Open the mentor's assessment"),
        )
    ]


ELIGIBLE_FOR_EUROPASS = (Mobility.Status.COMPLETED, Mobility.Status.RECOGNISED)


def europass_mobility_finished(europass: "EuropassMobility") -> list[Missing]:
    mobility = europass.mobility
    if mobility.status in ELIGIBLE_FOR_EUROPASS:
        return []
    return [
        Missing(
            gettext(
                "A Europass Mobility is issued only for a completed or recognised mobility; this one is “%(status)s”."
            )
            % {"status": mobility.get_status_display()},
            url=mobility.get_absolute_url(),
            link_text=gettext("Open the mobility"),
        )
    ]


def europass_section_5a_filled(europass: "EuropassMobility") -> list[Missing]:
    if europass.job_related.strip():
        return []
    return [
        Missing(
            gettext("The host has not filled section 5a yet: at least the job-related skills are needed."),
            url=reverse("ecvet:europass_edit_host", kwargs={"code": europass.code}),
            link_text=gettext("Fill in section 5a"),
        )
    ]


def europass_description_filled(europass: "EuropassMobility") -> list[Missing]:
    if europass.objective.strip() and europass.qualification.strip():
        return []
    return [
        Missing(
            gettext("Fill in the objective and the qualification first."),
            url=reverse("ecvet:europass_edit_sending", kwargs={"code": europass.code}),
            link_text=gettext("Describe the mobility"),
        )
    ]


class Transcript(WorkflowModel, TimeStampedModel):
    """Personal Transcript: the assessed learning outcomes and the ECVET points awarded, built from the
    mentor's submitted assessment and approved by the host; then validated and recognised at home."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        AWAITING = "awaiting", _("Awaiting the host's approval")
        APPROVED = "approved", _("Approved by the host")

    class Decision(models.TextChoices):
        RECOGNISED = "recognised", _("Recognised in full")
        PARTLY = "partly", _("Partly recognised")
        NOT_RECOGNISED = "not_recognised", _("Not recognised")

    code = code_field()
    mobility = models.OneToOneField(
        Mobility, on_delete=models.PROTECT, related_name="transcript", verbose_name=_("mobility")
    )
    assessment = models.ForeignKey(
        MentorAssessment, on_delete=models.PROTECT, related_name="+", verbose_name=_("built from the assessment")
    )
    status = state_field(Status.choices, Status.DRAFT, max_length=10)
    host_remarks = models.TextField(_("remarks of the host"), blank=True)
    frozen_content = models.JSONField(_("content as sent for approval"), null=True, blank=True, editable=False)
    # SHA-256 of frozen_content, written with it (ecvet.services.approvals.freeze): lets "what waits for whom" find
    # the approvals of exactly this content in SQL.
    content_sha256 = models.CharField(
        max_length=64,
        blank=True,
        editable=False,
        help_text="Hash of the canonical content, frozen when sent for approval.",
    )
    # Validation and recognition at home (after the host's approval).
    decision = models.CharField(_("recognition decision"), max_length=16, choices=Decision.choices, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_by_name = models.CharField(_("person responsible"), max_length=200, blank=True)
    points_recognised = models.DecimalField(
        _("ECVET points recognised"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    how_it_counts = models.TextField(
        _("how it counts in the qualification"),
        blank=True,
        help_text=_("E.g. “Unit LT-KOS-FAC recognised as completed; the learner is exempt from its assessment.”"),
    )

    approvals = GenericRelation(Approval)
    objects = TranscriptQuerySet.as_manager()

    class Meta:
        verbose_name = _("personal transcript")
        verbose_name_plural = _("personal transcripts")

    def __str__(self) -> str:
        return str(self.mobility)

    def get_absolute_url(self) -> str:
        return reverse("ecvet:transcript_detail", kwargs={"code": self.code})

    def workflow_scope(self):
        # The host prepares and approves the transcript: its history belongs to the receiving organisation.
        return self.mobility.partnership, self.mobility.receiving_organisation

    # --- the moves (made through partners.workflow.move, by ecvet.services.transcripts) --------------------------

    @transition(
        field=status,
        source=Status.DRAFT,
        target=Status.AWAITING,
        conditions=[guard(transcript_agreement_in_force), guard(transcript_has_outcomes)],
        permission=rule("ecvet.access.may_send_transcript"),
        custom={"label": _("Send for approval")},
    )
    def send_for_approval(self):
        """The service freezes the content (`approvals.freeze`) before the move and saves it with it."""

    @transition(
        field=status,
        source=Status.AWAITING,
        target=Status.APPROVED,
        conditions=[guard(transcript_agreement_in_force)],
        permission=system_only,
        custom={"label": _("Approve")},
    )
    def approve(self):
        """Made by the approval service once the host's signer has approved the frozen content."""

    @transition(
        field=status,
        source=Status.AWAITING,
        target=Status.DRAFT,
        permission=system_only,
        custom={
            "label": _("Back to draft after a refusal"),
            "reason_required": True,
            "update_fields": ["frozen_content"],
        },
    )
    def refuse(self):
        """Made by the approval service when the host's signer refuses, with the reason."""
        self.frozen_content = None


class TranscriptEntry(models.Model):
    """One assessed learning outcome, as the mentor recorded it."""

    transcript = models.ForeignKey(Transcript, on_delete=models.CASCADE, related_name="entries")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    unit_reference = models.CharField(_("unit"), max_length=40, blank=True)
    outcome = models.TextField(_("learning outcome"))
    method = models.CharField(_("method"), max_length=120, blank=True)
    assessed_on = models.DateField(_("date"), null=True, blank=True)
    assessor = models.CharField(_("assessor"), max_length=200, blank=True)
    result = models.CharField(_("result"), max_length=12, blank=True)
    evidence = models.TextField(_("evidence"), blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("transcript entry")
        verbose_name_plural = _("transcript entries")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.outcome[:80]


class TranscriptUnit(models.Model):
    """ECVET points awarded for one unit."""

    transcript = models.ForeignKey(Transcript, on_delete=models.CASCADE, related_name="units")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    points_awarded = models.DecimalField(
        _("ECVET points awarded"), max_digits=4, decimal_places=1, validators=[MinValueValidator(Decimal("0"))]
    )

    class Meta:
        verbose_name = _("points awarded")
        verbose_name_plural = _("points awarded")
        constraints = [models.UniqueConstraint(fields=["transcript", "unit"], name="transcriptunit_unique_unit")]

    def __str__(self) -> str:
        return f"{self.unit}: {self.points_awarded}"


class EuropassMobility(WorkflowModel, TimeStampedModel):
    """Europass Mobility: the sending side fills its parts, the host section 5a; both approve."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        AWAITING = "awaiting", _("Awaiting approval")
        APPROVED = "approved", _("Approved")

    code = code_field()
    mobility = models.OneToOneField(
        Mobility, on_delete=models.PROTECT, related_name="europass", verbose_name=_("mobility")
    )
    status = state_field(Status.choices, Status.DRAFT, max_length=10)
    # Filled by the sending organisation
    objective = models.TextField(_("objective of the mobility"), blank=True)
    programme = models.CharField(_("programme"), max_length=200, blank=True, default="Erasmus+")
    qualification = models.CharField(_("qualification (course) the learner follows"), max_length=255, blank=True)
    # Section 5a, filled by the host
    job_related = models.TextField(_("job-related skills and competences"), blank=True)
    linguistic = models.TextField(_("linguistic skills and competences"), blank=True)
    digital = models.TextField(_("digital skills and competences"), blank=True)
    organisational = models.TextField(_("organisational / managerial skills and competences"), blank=True)
    communication = models.TextField(_("communication skills and competences"), blank=True)
    soft_skills = models.TextField(_("other skills and competences (soft skills)"), blank=True)
    frozen_content = models.JSONField(_("content as sent for approval"), null=True, blank=True, editable=False)
    # SHA-256 of frozen_content, written with it (ecvet.services.approvals.freeze): lets "what waits for whom" find
    # the approvals of exactly this content in SQL.
    content_sha256 = models.CharField(
        max_length=64,
        blank=True,
        editable=False,
        help_text="Hash of the canonical content, frozen when sent for approval.",
    )

    approvals = GenericRelation(Approval)
    objects = EuropassQuerySet.as_manager()

    class Meta:
        verbose_name = _("Europass Mobility")
        verbose_name_plural = _("Europass Mobility documents")

    def __str__(self) -> str:
        return str(self.mobility)

    def get_absolute_url(self) -> str:
        return reverse("ecvet:europass_detail", kwargs={"code": self.code})

    def workflow_scope(self):
        # The sending organisation starts and sends it: its history belongs there.
        return self.mobility.partnership, self.mobility.sending_organisation

    # --- the moves (made through partners.workflow.move, by ecvet.services.europass) -----------------------------

    @transition(
        field=status,
        source=Status.DRAFT,
        target=Status.AWAITING,
        conditions=[
            guard(europass_mobility_finished),
            guard(europass_section_5a_filled),
            guard(europass_description_filled),
        ],
        permission=rule("ecvet.access.may_send_europass"),
        custom={"label": _("Send for approval")},
    )
    def send_for_approval(self):
        """The service freezes the content (`approvals.freeze`) before the move and saves it with it."""

    @transition(
        field=status,
        source=Status.AWAITING,
        target=Status.APPROVED,
        permission=system_only,
        custom={"label": _("Approve")},
    )
    def approve(self):
        """Made by the approval service once both organisations' signers have approved the frozen content."""

    @transition(
        field=status,
        source=Status.AWAITING,
        target=Status.DRAFT,
        permission=system_only,
        custom={
            "label": _("Back to draft after a refusal"),
            "reason_required": True,
            "update_fields": ["frozen_content"],
        },
    )
    def refuse(self):
        """Made by the approval service when a signer refuses, with the reason."""
        self.frozen_content = None
