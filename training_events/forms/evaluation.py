"""Forms of the evaluation: the host's questions, and a participant's answers (one field per question)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ..models import EvaluationQuestion

SCALE_CHOICES = [
    (1, _("1 – poor")),
    (2, "2"),
    (3, "3"),
    (4, "4"),
    (5, _("5 – excellent")),
]
MAX_TEXT = 5000


class EvaluationQuestionForm(forms.ModelForm):
    class Meta:
        model = EvaluationQuestion
        fields = ["text", "kind", "required", "order"]
        help_texts = {"order": _("Questions are asked from the lowest number to the highest.")}

    def clean_text(self):
        text = (self.cleaned_data.get("text") or "").strip()
        if not text:
            raise forms.ValidationError(_("Write the question."))
        return text

    def clean_order(self):
        value = self.cleaned_data.get("order")
        if value is not None and value > 999:
            raise forms.ValidationError(_("Use a number from 0 to 999."))
        return value


def field_name(question) -> str:
    """The form field of a question; `services.submit_evaluation` keys its errors the same way."""
    return f"q{question.pk}"


class EvaluationForm(forms.Form):
    """A field per question: a scale as radio buttons 1–5 (crispy renders them in a fieldset with the
    question as legend), free text as a text area."""

    def __init__(self, questions, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for question in self.questions:
            if question.kind == EvaluationQuestion.Kind.SCALE:
                message = _("Choose a value from 1 to 5.")
                field = forms.TypedChoiceField(
                    label=question.text,
                    choices=SCALE_CHOICES,
                    coerce=int,
                    empty_value=None,
                    required=question.required,
                    widget=forms.RadioSelect,
                    help_text=_("From 1 (poor) to 5 (excellent)."),
                    error_messages={"required": message, "invalid_choice": message},
                )
            else:
                field = forms.CharField(
                    label=question.text,
                    required=question.required,
                    max_length=MAX_TEXT,
                    widget=forms.Textarea(attrs={"rows": 4}),
                    error_messages={"required": _("This answer is required.")},
                )
            self.fields[field_name(question)] = field

    def answers(self) -> dict[int, object]:
        """question id → value, as `services.submit_evaluation` takes them."""
        return {question.pk: self.cleaned_data.get(field_name(question)) for question in self.questions}

    def add_service_errors(self, error: ValidationError) -> None:
        """The service's errors on the fields they name (q<id>); the others on the form."""
        if hasattr(error, "error_dict"):
            for key, messages in error.message_dict.items():
                self.add_error(key if key in self.fields else None, messages)
        else:
            self.add_error(None, error.messages)
