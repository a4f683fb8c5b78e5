"""Forms of the quality area: checklist items and template, mentor assessment, learner report and survey."""

from __future__ import annotations

from django import forms
from django.forms import BaseModelFormSet, modelformset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partners.uploads import UploadValidator, max_upload_bytes

from ..models import AssessmentItem, ChecklistTemplateItem, SoftSkill, SurveyQuestion
from ..models.assessments import SOFT_SKILL_SCALE, AssessmentResult
from ..services.assessments import AssessmentInput, RatingInput, ResultInput, missing_for_submission
from ..services.reports import SCALE_LABELS

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MAX_OFFSET_DAYS = 366


# --- Texts the portal wrote ---------------------------------------------------------------------------


class KeyedTextMixin:
    """A model form over a text the portal may have written (a default checklist item, a default survey
    question): the field shows it in the editor's language; left as shown, it keeps its key (and so stays in
    each reader's language); changed, the typed text is stored and its key dropped."""

    keyed_field: str  # e.g. "title"; its key is in f"{keyed_field}_key"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if getattr(self.instance, self._key_name, ""):
            self.initial[self.keyed_field] = self._shown()

    @property
    def _key_name(self) -> str:
        return f"{self.keyed_field}_key"

    def _shown(self) -> str:
        return getattr(self.instance, f"get_{self._key_name}_display")()

    def _post_clean(self):
        key = getattr(self.instance, self._key_name, "")
        typed = self.cleaned_data.get(self.keyed_field)
        english_text = getattr(self.instance, self.keyed_field)
        super()._post_clean()  # copies the cleaned data onto the instance
        if not key or typed is None:
            return
        if typed.strip() in (self._shown(), english_text):
            setattr(self.instance, self.keyed_field, english_text)  # the default, as shown: keep its key
        else:
            setattr(self.instance, self._key_name, "")


# --- Checklist ---------------------------------------------------------------------------------------


class ChecklistItemForm(forms.Form):
    """Evidence for one checklist item; the button pressed says done or not done."""

    note = forms.CharField(
        label=_("Evidence note"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What was done, by whom, or where the evidence is kept."),
    )
    evidence = forms.FileField(
        label=_("Evidence file"),
        required=False,
        help_text=_("Optional. PDF, PNG, JPG, DOCX, XLSX, ODT or TXT, up to %(size)s MB."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        validator = UploadValidator()
        field = self.fields["evidence"]
        field.validators.append(validator)
        field.help_text = field.help_text % {"size": max_upload_bytes() // (1024 * 1024)}
        field.widget.attrs["accept"] = validator.accept_attribute()


class ChecklistTemplateItemForm(KeyedTextMixin, forms.ModelForm):
    keyed_field = "title"

    class Meta:
        model = ChecklistTemplateItem
        fields = ["title", "guidance", "category", "responsible", "anchor", "offset_days", "chain_event", "order"]
        widgets = {"guidance": forms.Textarea(attrs={"rows": 2})}

    def clean_offset_days(self):
        value = self.cleaned_data["offset_days"]
        if value is not None and abs(value) > MAX_OFFSET_DAYS:
            raise forms.ValidationError(
                _("Keep the offset within a year (between −%(max)s and %(max)s days).") % {"max": MAX_OFFSET_DAYS}
            )
        return value


class BaseTemplateFormSet(BaseModelFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        remaining = [
            f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE") and f.cleaned_data.get("title")
        ]
        if not remaining:
            raise forms.ValidationError(_("Keep at least one item in the checklist."))


ChecklistTemplateFormSet = modelformset_factory(
    ChecklistTemplateItem, form=ChecklistTemplateItemForm, formset=BaseTemplateFormSet, extra=1, can_delete=True
)


# --- Mentor assessment -------------------------------------------------------------------------------


class AssessmentForm(forms.Form):
    """One field group per learning outcome and per soft skill. Saving a draft accepts gaps;
    submitting (`submitting=True`) requires every result, date and rating."""

    overall_comment = forms.CharField(
        label=_("Overall comment"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, mobility, items, submitting: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.mobility = mobility
        self.items = list(items)
        self.submitting = submitting
        for item in self.items:
            prefix = f"item_{item.pk}"
            self.fields[f"{prefix}_result"] = forms.ChoiceField(
                label=_("Result"),
                required=False,
                choices=[("", _("Not assessed yet")), *AssessmentResult.Result.choices],
            )
            self.fields[f"{prefix}_method"] = forms.CharField(
                label=_("Assessment method"),
                required=False,
                max_length=120,
                help_text=_("E.g. observation at work, skills demonstration, portfolio."),
            )
            self.fields[f"{prefix}_evidence"] = forms.CharField(
                label=_("Evidence or comment"),
                required=False,
                max_length=4000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"{prefix}_assessed_on"] = forms.DateField(
                label=_("Assessed on"), required=False, widget=DATE_WIDGET
            )
        for skill in SoftSkill:
            prefix = f"skill_{skill.value}"
            self.fields[f"{prefix}_rating"] = forms.TypedChoiceField(
                label=skill.label,
                required=False,
                coerce=int,
                empty_value=None,
                choices=list(SOFT_SKILL_SCALE.items()),
                widget=forms.RadioSelect,
            )
            self.fields[f"{prefix}_comment"] = forms.CharField(
                label=_("Comment on “%(skill)s” (optional)") % {"skill": skill.label}, required=False, max_length=255
            )

    @classmethod
    def initial_from(cls, assessment) -> dict:
        """Form values from a saved version (results and ratings prefetched or not)."""
        if assessment is None:
            return {}
        initial = {"overall_comment": assessment.overall_comment}
        for r in assessment.results.all():
            prefix = f"item_{r.item_id}"
            initial.update(
                {
                    f"{prefix}_result": r.result,
                    f"{prefix}_method": r.method,
                    f"{prefix}_evidence": r.evidence,
                    f"{prefix}_assessed_on": r.assessed_on,
                }
            )
        for r in assessment.soft_skills.all():
            initial.update({f"skill_{r.skill}_rating": r.rating, f"skill_{r.skill}_comment": r.comment})
        return initial

    def item_rows(self):
        """(item, result, method, evidence, assessed_on) bound fields, for the template."""
        return [
            (item, *(self[f"item_{item.pk}_{name}"] for name in ("result", "method", "evidence", "assessed_on")))
            for item in self.items
        ]

    def skill_rows(self):
        return [
            (skill, self[f"skill_{skill.value}_rating"], self[f"skill_{skill.value}_comment"]) for skill in SoftSkill
        ]

    def clean(self):
        cleaned = super().clean()
        today = timezone.localdate()
        earliest = min(d for d in (self.mobility.start_date, self.mobility.virtual_start) if d)
        for item in self.items:
            name = f"item_{item.pk}_assessed_on"
            day = cleaned.get(name)
            if day and day > today:
                self.add_error(name, _("The assessment date cannot be in the future."))
            elif day and day < earliest:
                self.add_error(
                    name,
                    _("The assessment date cannot be before the mobility started (%(start)s).") % {"start": earliest},
                )
        if self.submitting:
            for name, messages in missing_for_submission(self.items, self.to_input()).items():
                if name not in self.errors:
                    for message in messages:
                        self.add_error(name, message)
        return cleaned

    def to_input(self) -> AssessmentInput:
        data = self.cleaned_data
        return AssessmentInput(
            results={
                item.pk: ResultInput(
                    result=data.get(f"item_{item.pk}_result") or "",
                    method=data.get(f"item_{item.pk}_method") or "",
                    evidence=data.get(f"item_{item.pk}_evidence") or "",
                    assessed_on=data.get(f"item_{item.pk}_assessed_on"),
                )
                for item in self.items
            },
            ratings={
                skill.value: RatingInput(
                    rating=data.get(f"skill_{skill.value}_rating"),
                    comment=data.get(f"skill_{skill.value}_comment") or "",
                )
                for skill in SoftSkill
            },
            overall_comment=data.get("overall_comment") or "",
        )


class AssessmentItemForm(forms.ModelForm):
    class Meta:
        model = AssessmentItem
        fields = ["text", "unit_code", "order"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}
        help_texts = {
            "text": _(
                "One learning outcome the learner should achieve at the host, "
                "e.g. “Performs a facial treatment safely”."
            )
        }


AssessmentItemFormSet = modelformset_factory(AssessmentItem, form=AssessmentItemForm, extra=2, can_delete=True)


class CorrectionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the correction"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Say what was wrong in the submitted version. The submitted version is kept."),
    )


# --- Learner report and survey -----------------------------------------------------------------------


class LearnerReportForm(forms.Form):
    """One field per active question: radio buttons 1–5 with visible labels, or free text."""

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for question in self.questions:
            name = f"q_{question.pk}"
            if question.kind == SurveyQuestion.Kind.SCALE:
                self.fields[name] = forms.TypedChoiceField(
                    label=question.get_text_display(),
                    required=question.required,
                    coerce=int,
                    empty_value=None,
                    choices=list(SCALE_LABELS.items()),
                    widget=forms.RadioSelect,
                    error_messages={"required": _("Choose an answer for this question.")},
                )
            else:
                self.fields[name] = forms.CharField(
                    label=question.get_text_display(),
                    required=question.required,
                    max_length=5000,
                    widget=forms.Textarea(attrs={"rows": 4}),
                    error_messages={"required": _("Write an answer to this question.")},
                )

    def answers(self) -> dict[int, object]:
        return {q.pk: self.cleaned_data.get(f"q_{q.pk}") for q in self.questions}


class SurveyQuestionForm(KeyedTextMixin, forms.ModelForm):
    keyed_field = "text"

    class Meta:
        model = SurveyQuestion
        fields = ["text", "kind", "required", "order", "is_active"]

    def __init__(self, *args, answered_ids=frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        self.has_answers = self.instance.pk in answered_ids if self.instance.pk else False
        if self.has_answers:
            self.fields["kind"].help_text = _("This question has answers, so its answer type is fixed.")

    def clean_kind(self):
        kind = self.cleaned_data["kind"]
        if self.has_answers and kind != self.instance.kind:
            raise forms.ValidationError(_("This question has answers: its answer type cannot change."))
        return kind


class BaseSurveyFormSet(BaseModelFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        active, problems = 0, []
        for form in self.forms:
            if not form.cleaned_data:
                continue
            if form.cleaned_data.get("DELETE"):
                if getattr(form, "has_answers", False):
                    problems.append(
                        _("“%(question)s” has answers and cannot be deleted; untick “active” to stop asking it.")
                        % {"question": form.instance.get_text_display()}
                    )
                continue
            if form.cleaned_data.get("is_active") and form.cleaned_data.get("text"):
                active += 1
        if not active:
            problems.append(_("Keep at least one active question."))
        if problems:
            raise forms.ValidationError(problems)


SurveyQuestionFormSet = modelformset_factory(
    SurveyQuestion, form=SurveyQuestionForm, formset=BaseSurveyFormSet, extra=1, can_delete=True
)
