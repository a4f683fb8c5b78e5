from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from mobility.models import Mobility
from partners.models import TimeStampedModel
from partners.models.base import code_field

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


class LearningAgreementVersion(TimeStampedModel):
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
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, editable=False)
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
