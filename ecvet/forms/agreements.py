"""Forms of the Learning Agreement pages. Every choice comes from what the user may see (visible_to)."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from partners.forms import CrispyFormMixin

from ..models import Approval, LearningAgreementUnit, LearningAgreementVersion, Memorandum, Qualification
from ..services import agreements as service


class QualificationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.title_en} — {obj.title_original} (EQF {obj.eqf_level}, {obj.organisation.short_name})"


class StartForm(CrispyFormMixin, forms.Form):
    """Starting the agreement: the MoU it rests on (if any) and the qualification being taken."""

    submit_label = _("Start the Learning Agreement")

    memorandum = forms.ModelChoiceField(
        label=_("Memorandum of understanding"),
        queryset=None,
        required=False,
        empty_label=_("None"),
        help_text=_("Memoranda in force that both the sending and the host organisation have signed."),
    )
    qualification = QualificationChoiceField(
        label=_("Qualification being taken"),
        queryset=None,
        required=False,
        help_text=_("From the ECVET catalogue; the units of the agreement are chosen from it."),
    )

    def __init__(self, *args, mobility, user, **kwargs):
        super().__init__(*args, **kwargs)
        memoranda = service.memoranda_for(mobility, user)
        qualifications = Qualification.objects.visible_to(user).select_related("organisation")
        self.fields["memorandum"].queryset = memoranda
        self.fields["qualification"].queryset = qualifications.order_by("organisation__short_name", "title_en")
        if not self.is_bound:
            self.initial.setdefault("memorandum", memoranda.first())
            self.initial.setdefault("qualification", service.default_qualification(mobility, qualifications))


class VersionForm(CrispyFormMixin, forms.ModelForm):
    """The fields of a draft version; a change proposal also carries its reason."""

    qualification = QualificationChoiceField(label=_("Qualification being taken"), queryset=None, required=False)

    class Meta:
        model = LearningAgreementVersion
        fields = [
            "reason_code",
            "reason_text",
            "memorandum",
            "qualification",
            "learner_progress",
            "enclosures",
            "assessment_documentation",
            "validation_recognition",
        ]
        widgets = {
            "reason_text": forms.Textarea(attrs={"rows": 3}),
            "learner_progress": forms.Textarea(attrs={"rows": 3}),
            "assessment_documentation": forms.Textarea(attrs={"rows": 4}),
            "validation_recognition": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the page's own <form> carries the token
        self.helper.inputs = []
        mobility = self.instance.agreement.mobility
        memoranda = service.memoranda_for(mobility, user)
        if self.instance.memorandum_id:
            # A MoU chosen earlier stays selectable even if it is no longer in force.
            memoranda = Memorandum.objects.filter(
                Q(pk__in=memoranda.values("pk")) | Q(pk=self.instance.memorandum_id)
            ).order_by("-valid_from", "title")
        self.fields["memorandum"].queryset = memoranda
        self.fields["memorandum"].empty_label = _("None")
        self.fields["memorandum"].help_text = _("When set, the units are chosen from the memorandum's units.")
        self.fields["qualification"].queryset = (
            Qualification.objects.visible_to(user)
            .select_related("organisation")
            .order_by("organisation__short_name", "title_en")
        )
        if self.instance.is_change_proposal:
            self.fields["reason_code"].required = True
            self.fields["reason_text"].required = True
        else:
            del self.fields["reason_code"]
            del self.fields["reason_text"]


class ProposeForm(CrispyFormMixin, forms.Form):
    """Why the approved agreement must change (the reasons of Erasmus Without Paper)."""

    submit_label = _("Create the change proposal")

    reason_code = forms.ChoiceField(
        label=_("Reason for the change"),
        choices=[("", "---------"), *LearningAgreementVersion.Reason.choices],
    )
    reason_text = forms.CharField(
        label=_("Explanation of the change"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What changes and why; the other parties read this before they approve."),
    )

    def clean_reason_text(self):
        text = self.cleaned_data["reason_text"].strip()
        if not text:
            raise forms.ValidationError(_("Explain the change."))
        return text


class UnitForm(forms.ModelForm):
    class Meta:
        model = LearningAgreementUnit
        fields = list(service.UNIT_FIELDS)
        widgets = {
            "learning_outcomes": forms.Textarea(attrs={"rows": 4}),
            "learning_activities": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, units=None, mou_points=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.mou_points = mou_points or {}
        self.fields["unit"].queryset = units
        self.fields["learning_outcomes"].required = False
        self.fields["learning_outcomes"].help_text = _(
            "One statement per line; left empty, the unit's statements are used."
        )
        self.fields["ecvet_points"].help_text = _(
            "More than 0 and no more than the unit carries (nor than the memorandum allows)."
        )

    def has_changed(self):
        # An extra row counts as filled in once a unit or points are given: its prefilled activities and
        # assessor alone do not make a row.
        if self.instance.pk is None:
            return bool(self.data.get(self.add_prefix("unit")) or self.data.get(self.add_prefix("ecvet_points")))
        return super().has_changed()

    def clean(self):
        cleaned = super().clean()
        unit, points = cleaned.get("unit"), cleaned.get("ecvet_points")
        if unit is not None and points is not None:
            message = service.points_error(unit, points, self.mou_points)
            if message:
                self.add_error("ecvet_points", message)
        if unit is not None and not (cleaned.get("learning_outcomes") or "").strip():
            cleaned["learning_outcomes"] = service.default_learning_outcomes(unit)
        return cleaned


class BaseUnitFormSet(forms.BaseInlineFormSet):
    def validate_unique(self):
        # A unit listed twice is reported on the row (clean below) rather than as a form-wide error.
        pass

    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or form.cleaned_data.get("DELETE"):
                continue
            unit = form.cleaned_data.get("unit")
            if unit is None:
                continue
            if unit.pk in seen:
                form.add_error("unit", _("This unit is already in the agreement."))
            seen.add(unit.pk)

    def rows(self) -> list[dict]:
        """The kept units, in order, as the service takes them."""
        out = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if data.get("unit") and not data.get("DELETE"):
                out.append({name: data.get(name, "") for name in service.UNIT_FIELDS})
        return out


UnitFormSet = forms.inlineformset_factory(
    LearningAgreementVersion,
    LearningAgreementUnit,
    form=UnitForm,
    formset=BaseUnitFormSet,
    extra=2,
    can_delete=True,
)


class DecisionForm(forms.Form):
    """Approve, or refuse with a reason, for one of the parties the user acts for."""

    party = forms.ChoiceField(label=_("I decide as"), widget=forms.RadioSelect)
    expected_sha256 = forms.CharField(widget=forms.HiddenInput)
    comment = forms.CharField(
        label=_("Reason for refusing, or comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when you refuse; the other parties receive it by email."),
    )

    def __init__(self, *args, parties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].choices = [(p.key, p.label) for p in parties]
        if len(parties) == 1:
            self.fields["party"].initial = parties[0].key
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the page's own <form> carries the token

    def clean(self):
        cleaned = super().clean()
        # The pressed button carries the decision (see the template); a POST without one is refused.
        decision = self.data.get("decision")
        if decision not in Approval.Decision.values:
            raise forms.ValidationError(_("Choose to approve or to refuse."))
        cleaned["decision"] = decision
        if decision == Approval.Decision.REFUSED and not (cleaned.get("comment") or "").strip():
            self.add_error("comment", _("Give a reason for refusing."))
        return cleaned
