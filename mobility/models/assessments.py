from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from partners.models import TimeStampedModel
from partners.models.base import code_field
from partners.workflow import Missing, WorkflowModel, guard, rule, state_field, transition

from ..querysets import AssessmentItemQuerySet, MentorAssessmentQuerySet
from .mobilities import Mobility


class AssessmentItem(TimeStampedModel):
    """A learning outcome to assess. Free text until the Learning Agreement provides them
    (ecvet calls mobility.services.set_assessment_items)."""

    class Source(models.TextChoices):
        MANUAL = "manual", _("Entered by hand")
        LEARNING_AGREEMENT = "learning_agreement", _("From the Learning Agreement")

    code = code_field()
    mobility = models.ForeignKey(
        Mobility, on_delete=models.CASCADE, related_name="assessment_items", verbose_name=_("mobility")
    )
    text = models.TextField(_("learning outcome"))
    unit_code = models.CharField(
        _("unit"), max_length=40, blank=True, help_text=_("Code of the unit of learning outcomes, when known.")
    )
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.MANUAL)
    external_ref = models.CharField(
        max_length=64,
        blank=True,
        editable=False,
        help_text="Identifier of the learning outcome in the Learning Agreement.",
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = AssessmentItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("learning outcome to assess")
        verbose_name_plural = _("learning outcomes to assess")
        ordering = ["mobility", "order", "id"]

    def __str__(self) -> str:
        return self.text[:80]


class SoftSkill(models.TextChoices):
    """The soft skills VISION focuses on, rated by the mentor."""

    COMMUNICATION = "communication", _("Communication")
    TEAMWORK = "teamwork", _("Teamwork")
    PROBLEM_SOLVING = "problem_solving", _("Problem solving")
    ADAPTABILITY = "adaptability", _("Adaptability")
    INITIATIVE = "initiative", _("Initiative and self-management")
    INTERCULTURAL = "intercultural", _("Intercultural awareness")
    CUSTOMER_CARE = "customer_care", _("Customer care")


SOFT_SKILL_SCALE = {
    1: _("1 – Not yet shown"),
    2: _("2 – Shown with help"),
    3: _("3 – Shown independently"),
    4: _("4 – Shown confidently, beyond expectations"),
}


def complete_for_submission(assessment: MentorAssessment) -> list[Missing]:
    """What the stored draft still lacks to be submitted: a result and a date for every learning outcome,
    a rating for every soft skill (the form says the same field by field before it saves)."""
    mobility = assessment.mobility
    url = reverse("mobility:assessment", kwargs={"code": mobility.code})
    link = gettext("the assessment")
    items = list(mobility.assessment_items.values_list("pk", flat=True))
    if not items:
        return [Missing(gettext("there are no learning outcomes to assess yet"), url, link)]
    missing = []
    done = {
        item_id
        for item_id, result, assessed_on in assessment.results.values_list("item_id", "result", "assessed_on")
        if result and assessed_on
    }
    if not done.issuperset(items):
        missing.append(Missing(gettext("a result and a date for every learning outcome"), url, link))
    rated = set(assessment.soft_skills.filter(rating__isnull=False).values_list("skill", flat=True))
    if not rated.issuperset(SoftSkill.values):
        missing.append(Missing(gettext("a rating of every soft skill"), url, link))
    return missing


class MentorAssessment(WorkflowModel, TimeStampedModel):
    """One version of the mentor's assessment. Submitted versions are locked; a correction is a new
    version with a reason, and the previous one is kept."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        SUPERSEDED = "superseded", _("Superseded by a correction")

    code = code_field()
    mobility = models.ForeignKey(
        Mobility, on_delete=models.CASCADE, related_name="assessments", verbose_name=_("mobility")
    )
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    status = state_field(Status.choices, Status.DRAFT, max_length=10)
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("assessor")
    )
    overall_comment = models.TextField(_("overall comment"), blank=True)
    correction_reason = models.TextField(_("reason for the correction"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)

    objects = MentorAssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("mentor assessment")
        verbose_name_plural = _("mentor assessments")
        ordering = ["mobility", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["mobility", "version"], name="assessment_unique_version"),
            # At most one version is being edited or is the current submitted one.
            models.UniqueConstraint(
                fields=["mobility"], condition=~models.Q(status="superseded"), name="assessment_one_current"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mobility} v{self.version}"

    @property
    def is_locked(self) -> bool:
        return self.status != self.Status.DRAFT

    def workflow_scope(self):
        return self.mobility.partnership, self.mobility.sending_organisation

    # --- The moves (made by mobility.services.assessments; who: mobility.access.may_assess) ------------------

    @transition(
        field=status,
        source=Status.DRAFT,
        target=Status.SUBMITTED,
        conditions=[guard(complete_for_submission)],
        permission=rule("mobility.access.may_assess", of="mobility"),
        custom={"label": _("Submit the assessment"), "update_fields": ["submitted_at", "assessor"]},
    )
    def submit(self, assessor=None):
        """Locks this version; `assessor`: who submitted it (the mentor, or the host's staff for them)."""
        self.submitted_at = timezone.now()
        if assessor is not None:
            self.assessor = assessor

    @transition(
        field=status,
        source=Status.SUBMITTED,
        target=Status.SUPERSEDED,
        permission=rule("mobility.access.may_assess", of="mobility"),
        # Only as part of a correction, which also creates the next version (services.start_correction).
        custom={
            "label": _("Supersede by a correction"),
            "reason_required": True,
            "admin": False,
            "made_where": _("Start a correction on the assessment page: it opens the next version."),
        },
    )
    def supersede(self):
        """The submitted version is kept, read-only, under its correction."""


class AssessmentResult(models.Model):
    class Result(models.TextChoices):
        ACHIEVED = "achieved", _("Achieved")
        PARTLY = "partly", _("Partly achieved")
        NOT_ACHIEVED = "not_achieved", _("Not achieved")

    assessment = models.ForeignKey(MentorAssessment, on_delete=models.CASCADE, related_name="results")
    item = models.ForeignKey(
        AssessmentItem, on_delete=models.PROTECT, related_name="results", verbose_name=_("learning outcome")
    )
    result = models.CharField(_("result"), max_length=12, choices=Result.choices, blank=True)
    method = models.CharField(
        _("assessment method"),
        max_length=120,
        blank=True,
        help_text=_("E.g. observation at work, skills demonstration, portfolio."),
    )
    evidence = models.TextField(_("evidence or comment"), blank=True)
    assessed_on = models.DateField(_("assessed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("assessment result")
        verbose_name_plural = _("assessment results")
        ordering = ["item__order", "item_id"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "item"], name="assessmentresult_unique_item"),
        ]

    def __str__(self) -> str:
        return f"{self.item}: {self.result}"


class SoftSkillRating(models.Model):
    assessment = models.ForeignKey(MentorAssessment, on_delete=models.CASCADE, related_name="soft_skills")
    skill = models.CharField(_("soft skill"), max_length=20, choices=SoftSkill.choices)
    rating = models.PositiveSmallIntegerField(
        _("rating"),
        null=True,
        blank=True,
        choices=list(SOFT_SKILL_SCALE.items()),
        validators=[MinValueValidator(1), MaxValueValidator(4)],
    )
    comment = models.CharField(_("comment"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("soft-skill rating")
        verbose_name_plural = _("soft-skill ratings")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "skill"], name="softskill_unique_skill"),
        ]

    def __str__(self) -> str:
        return f"{self.get_skill_display()}: {self.rating}"
