from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mobility.models import Mobility
from partners.models import TimeStampedModel
from partners.models.base import code_field
from partners.workflow import Missing, WorkflowModel, guard, rule, state_field, system_only, transition

from ..querysets import LearningAgreementQuerySet, LearningAgreementVersionQuerySet
from .approvals import Approval
from .catalogue import Qualification, Unit
from .memoranda import Memorandum


class LearningAgreement(TimeStampedModel):
    """One Learning Agreement per mobility; its content lives in versions."""

    code = code_field()
    mobility = models.OneToOneField(
        Mobility, on_delete=models.PROTECT, related_name="learning_agreement", verbose_name=_("mobility")
    )

    objects = LearningAgreementQuerySet.as_manager()

    class Meta:
        verbose_name = _("learning agreement")
        verbose_name_plural = _("learning agreements")

    def __str__(self) -> str:
        return str(self.mobility)

    def get_absolute_url(self) -> str:
        return reverse("ecvet:agreement_detail", kwargs={"code": self.code})


def _has_units(version) -> list[Missing]:
    if version.units.exists():
        return []
    url = reverse("ecvet:agreement_edit", kwargs={"code": version.code})
    return [Missing(gettext("Add at least one unit of learning outcomes first."), url, gettext("Edit the draft"))]


def _change_has_reason(version) -> list[Missing]:
    if not version.based_on_id or (version.reason_code and version.reason_text.strip()):
        return []
    url = reverse("ecvet:agreement_edit", kwargs={"code": version.code})
    return [Missing(gettext("A change needs a reason and an explanation."), url, gettext("Edit the draft"))]


def _nothing_rests_on_it(version) -> list[Missing]:
    """An agreement in force leaves force only while nothing builds on it: no change proposal against it
    is open and the host has not built the Personal Transcript from it."""
    from .results import Transcript

    missing = []
    proposal = (
        LearningAgreementVersion.objects.filter(
            based_on=version,
            status__in=[LearningAgreementVersion.Status.DRAFT, LearningAgreementVersion.Status.AWAITING],
        )
        .order_by("number")
        .first()
    )
    if proposal is not None:
        missing.append(
            Missing(
                gettext("The change proposal (version %(n)s) is still open: withdraw it first.")
                % {"n": proposal.number},
                proposal.get_absolute_url(),
                gettext("Open the change proposal"),
            )
        )
    mobility = version.agreement.mobility
    if mobility.status in Mobility.AGREED_OR_LATER:
        # The mobility's state rests on this agreement (state follows documents): change it, do not withdraw it.
        missing.append(
            Missing(
                gettext("The mobility is agreed on this agreement: propose a change instead of withdrawing it."),
                version.agreement.get_absolute_url(),
                gettext("Open the Learning Agreement"),
            )
        )
    transcript = Transcript.objects.filter(mobility_id=version.agreement.mobility_id).first()
    if transcript is not None:
        missing.append(
            Missing(
                gettext("The Personal Transcript was built on this agreement."),
                transcript.get_absolute_url(),
                gettext("Open the Personal Transcript"),
            )
        )
    return missing


def agreement_in_force_missing(mobility) -> list[Missing]:
    """The fact "Learning Agreement in force" (a version approved by every party), which agreeing the mobility
    and building, sending and approving its Personal Transcript need. The link leads to the agreement's page,
    where the sending side starts it if there is none."""
    if LearningAgreementVersion.objects.filter(
        agreement__mobility=mobility, status=LearningAgreementVersion.Status.APPROVED
    ).exists():
        return []
    return [
        Missing(
            gettext(
                "No Learning Agreement is in force for this mobility: it needs the approval of the learner and "
                "both organisations."
            ),
            reverse("ecvet:agreement_for_mobility", kwargs={"code": mobility.code}),
            gettext("Open the Learning Agreement"),
        )
    ]


class LearningAgreementVersion(WorkflowModel, TimeStampedModel):
    """A version of a Learning Agreement. Version 1 is the first agreement; every later version is a
    change proposal against the last approved one, with a reason code and text. Once sent for approval
    a version is never edited in place."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        AWAITING = "awaiting", _("Awaiting approval")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")
        SUPERSEDED = "superseded", _("Superseded")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Reason(models.TextChoices):
        # Erasmus Without Paper's reasons for changing a learning agreement.
        NOT_AVAILABLE = "not-available", _("Component not available at the host")
        LANGUAGE_MISMATCH = "language-mismatch", _("Language of instruction differs")
        TIMETABLE_CONFLICT = "timetable-conflict", _("Timetable conflict")
        SUBSTITUTING_DELETED = "substituting-deleted", _("Substitutes a deleted component")
        EXTENDING_MOBILITY = "extending-mobility", _("Extending the mobility")
        ADDING_VIRTUAL_COMPONENT = "adding-virtual-component", _("Adding a virtual component")

    code = code_field()
    agreement = models.ForeignKey(
        LearningAgreement, on_delete=models.CASCADE, related_name="versions", verbose_name=_("learning agreement")
    )
    number = models.PositiveSmallIntegerField(_("version"), default=1)
    status = state_field(Status.choices, Status.DRAFT, max_length=10)
    based_on = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changes the approved version"),
    )
    reason_code = models.CharField(_("reason for the change"), max_length=30, choices=Reason.choices, blank=True)
    reason_text = models.TextField(_("explanation of the change"), blank=True)
    memorandum = models.ForeignKey(
        Memorandum,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("memorandum of understanding"),
    )
    qualification = models.ForeignKey(
        Qualification,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("qualification being taken"),
    )
    learner_progress = models.TextField(
        _("learner's progress so far"),
        blank=True,
        help_text=_("What the learner has already achieved towards the qualification."),
    )
    enclosures = models.CharField(
        _("enclosures"), max_length=255, blank=True, help_text=_("E.g. Europass Mobility, a language certificate.")
    )
    assessment_documentation = models.TextField(
        _("assessment and documentation"),
        blank=True,
        help_text=_("Criteria, methods, who assesses, when and how the results are recorded."),
    )
    validation_recognition = models.TextField(
        _("validation and recognition"),
        blank=True,
        help_text=_("What the home organisation will do with the results and who is responsible."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("created by")
    )
    sent_at = models.DateTimeField(_("sent for approval"), null=True, blank=True)
    # The canonical content exactly as sent for approval (see Memorandum.frozen_content).
    frozen_content = models.JSONField(_("content as sent for approval"), null=True, blank=True, editable=False)
    content_sha256 = models.CharField(
        max_length=64,
        blank=True,
        editable=False,
        help_text="Hash of the canonical content, frozen when sent for approval.",
    )

    approvals = GenericRelation(Approval)
    objects = LearningAgreementVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("learning agreement version")
        verbose_name_plural = _("learning agreement versions")
        ordering = ["agreement", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "number"], name="laversion_unique_number"),
            # One version at a time is being drafted or awaits approval.
            models.UniqueConstraint(
                fields=["agreement"], condition=models.Q(status__in=["draft", "awaiting"]), name="laversion_one_open"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agreement} v{self.number}"

    def get_absolute_url(self) -> str:
        return reverse("ecvet:agreement_version", kwargs={"code": self.code})

    @property
    def is_change_proposal(self) -> bool:
        return self.based_on_id is not None

    def workflow_scope(self):
        mobility = self.agreement.mobility
        return mobility.partnership, mobility.sending_organisation

    # --- Moves (made only through partners.workflow.move, by ecvet.services.agreements) ---

    @transition(
        field=status,
        source=Status.DRAFT,
        target=Status.AWAITING,
        conditions=[guard(_has_units), guard(_change_has_reason)],
        permission=rule("ecvet.access.may_edit_agreement_version"),
        custom={"label": _("Send for approval"), "update_fields": ["sent_at"]},
    )
    def send_for_approval(self):
        # The service freezes the content (frozen_content, content_sha256) just before the move.
        self.sent_at = timezone.now()

    @transition(
        field=status,
        source=Status.AWAITING,
        target=Status.APPROVED,
        permission=system_only,
        custom={"label": _("Approved by every party")},
    )
    def approve(self):
        """The last party approved (ecvet.services.approvals.decide)."""

    @transition(
        field=status,
        source=Status.AWAITING,
        target=Status.REFUSED,
        permission=system_only,
        custom={"label": _("Refused by a party")},
    )
    def refuse(self):
        """A party refused, with a reason (ecvet.services.approvals.decide)."""

    @transition(
        field=status,
        source=Status.APPROVED,
        target=Status.SUPERSEDED,
        permission=system_only,
        custom={"label": _("Superseded by a newer version")},
    )
    def supersede(self):
        """A later version was approved by every party and is in force instead."""

    @transition(
        field=status,
        source=[Status.DRAFT, Status.AWAITING],
        target=Status.WITHDRAWN,
        permission=rule("ecvet.access.may_edit_agreement_version"),
        custom={"label": _("Withdraw"), "reason_required": True},
    )
    @transition(
        field=status,
        source=Status.APPROVED,
        target=Status.WITHDRAWN,
        conditions=[guard(_nothing_rests_on_it)],
        permission=rule("ecvet.access.may_edit_agreement_version"),
        custom={"label": _("Withdraw"), "reason_required": True},
    )
    def withdraw(self):
        """The sending side abandons a draft or a version waiting for approval, or takes the version in force
        out of force (the checklist's "signed" item opens again unless another version is in force)."""


class LearningAgreementUnit(models.Model):
    """A unit of learning outcomes the learner is to achieve abroad, with the activities and the assessment."""

    version = models.ForeignKey(LearningAgreementVersion, on_delete=models.CASCADE, related_name="units")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    ecvet_points = models.DecimalField(
        _("ECVET points"), max_digits=4, decimal_places=1, validators=[MinValueValidator(Decimal("0.5"))]
    )
    learning_outcomes = models.TextField(
        _("learning outcomes"),
        help_text=_("The statements to achieve, one per line (from the unit)."),
    )
    learning_activities = models.TextField(
        _("learning activities"), blank=True, help_text=_("Places and tasks at the host.")
    )
    assessment_method = models.CharField(_("assessment method"), max_length=200, blank=True)
    assessor = models.CharField(
        _("assessed by"), max_length=200, blank=True, help_text=_("Person responsible for the assessment at the host.")
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("unit in the agreement")
        verbose_name_plural = _("units in the agreement")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "unit"], name="launit_unique_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} ({self.ecvet_points})"
