from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from partners.models import Partnership, TimeStampedModel
from partners.models.base import code_field

from ..querysets import LearnerReportQuerySet, SurveyQuestionQuerySet
from .defaults import keyed_text
from .mobilities import Mobility

SCALE_MIN, SCALE_MAX = 1, 5
# Aggregates never show a group with fewer answers than this on its own.
MIN_GROUP_SIZE = 3


class DefaultQuestion(models.TextChoices):
    """The questions of the portal's default survey (mobility.services.reports.DEFAULT_QUESTIONS): stored as a
    key in `text_key` and shown in the reader's language until a coordinator edits the text."""

    PREPARATION = (
        "preparation",
        _("How well were you prepared for the mobility (language, culture, practical matters)?"),
    )
    HOST_SUPPORT = "host_support", _("How well did the host organisation support you during your stay?")
    MENTOR = "mentor", _("How helpful was your mentor at the workplace?")
    LEARNING = "learning", _("How much did you learn for your vocational qualification?")
    SOFT_SKILLS = (
        "soft_skills",
        _("How much did the mobility develop your soft skills (communication, teamwork, adaptability)?"),
    )
    SATISFACTION = "satisfaction", _("Overall, how satisfied are you with your mobility?")
    MOST_VALUABLE = "most_valuable", _("What was the most valuable part of your mobility?")
    IMPROVE = "improve", _("What should we improve for future learners?")


class SurveyQuestion(TimeStampedModel):
    """A question of a partnership's learner report (satisfaction and learning survey)."""

    class Kind(models.TextChoices):
        SCALE = "scale", _("Scale 1–5")
        TEXT = "text", _("Free text")

    code = code_field()
    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="survey_questions", verbose_name=_("partnership")
    )
    text = models.CharField(_("question"), max_length=300)
    # The portal's default question this is, while its text is not edited: shown in the reader's language.
    text_key = models.CharField(
        _("default question"), max_length=16, choices=DefaultQuestion.choices, blank=True, editable=False
    )
    kind = models.CharField(_("answer type"), max_length=5, choices=Kind.choices, default=Kind.SCALE)
    required = models.BooleanField(_("required"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Inactive questions are no longer asked; old answers are kept.")
    )

    objects = SurveyQuestionQuerySet.as_manager()

    class Meta:
        verbose_name = _("survey question")
        verbose_name_plural = _("survey questions")
        ordering = ["partnership", "order", "id"]

    def __str__(self) -> str:
        return self.get_text_display()

    def get_text_display(self) -> str:
        return keyed_text(self.get_text_key_display(), self.text_key, self.text)


class LearnerReport(TimeStampedModel):
    """The learner's report after the mobility: one per mobility."""

    code = code_field()
    mobility = models.OneToOneField(
        Mobility, on_delete=models.CASCADE, related_name="learner_report", verbose_name=_("mobility")
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)

    objects = LearnerReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("learner report")
        verbose_name_plural = _("learner reports")
        ordering = ["-submitted_at"]

    def __str__(self) -> str:
        return f"{self.mobility}"


class LearnerAnswer(models.Model):
    report = models.ForeignKey(LearnerReport, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(SurveyQuestion, on_delete=models.PROTECT, related_name="answers")
    scale_value = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(SCALE_MIN), MaxValueValidator(SCALE_MAX)]
    )
    text = models.TextField(blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["report", "question"], name="answer_unique_question"),
        ]

    def __str__(self) -> str:
        return f"{self.question}: {self.scale_value or self.text[:40]}"
