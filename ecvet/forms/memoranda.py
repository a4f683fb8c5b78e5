"""Memorandum forms: the memorandum, its signing organisations and its units (formsets), and the
decision, amendment and termination forms. Every choice comes from `visible_to(user)`."""

from django import forms
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils.translation import gettext_lazy as _

from partners.forms import CrispyFormMixin
from partners.models import Organisation, Partnership

from ..access import manages_a_party, may_prepare_memoranda_of
from ..models import Approval, Memorandum, MemorandumParty, MemorandumUnit, Qualification, Unit

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MemorandumForm(CrispyFormMixin, forms.ModelForm):
    class Meta:
        model = Memorandum
        fields = [
            "title",
            "partnership",
            "objectives_standard",
            "objectives_other",
            "other_organisations",
            "qualifications",
            "assessment",
            "documentation",
            "validation",
            "recognition",
            "duration_min_weeks",
            "duration_max_weeks",
            "valid_from",
            "valid_until",
            "evaluation_revision",
            "other_actors",
        ]
        widgets = {
            "valid_from": DATE,
            "valid_until": DATE,
            "qualifications": forms.CheckboxSelectMultiple,
            "objectives_standard": forms.Textarea(attrs={"rows": 4}),
            "objectives_other": forms.Textarea(attrs={"rows": 3}),
            "other_organisations": forms.Textarea(attrs={"rows": 2}),
            "assessment": forms.Textarea(attrs={"rows": 3}),
            "documentation": forms.Textarea(attrs={"rows": 2}),
            "validation": forms.Textarea(attrs={"rows": 2}),
            "recognition": forms.Textarea(attrs={"rows": 2}),
            "evaluation_revision": forms.Textarea(attrs={"rows": 2}),
            "other_actors": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "partnership": _(
                "The project whose coordinator prepares the memorandum. Leave empty for a memorandum "
                "between organisations outside a project."
            ),
            "validation": _("How the home organisation validates the results achieved abroad."),
            "recognition": _("How the validated results count towards the learner's qualification."),
            "evaluation_revision": _("When and how the partners review the memorandum."),
            "other_actors": _("E.g. host companies, intermediary organisations, national authorities."),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the page's own <form> carries the token
        self.helper.inputs = []
        self.fields["partnership"].queryset = Partnership.objects.visible_to(user).order_by("acronym")
        self.fields["qualifications"].queryset = (
            Qualification.objects.visible_to(user).select_related("organisation").order_by("country", "title_en")
        )
        self.fields["qualifications"].label_from_instance = lambda q: (
            f"{q.title_en} — {q.title_original} (EQF {q.eqf_level}, {q.organisation.short_name})"
        )
        if self.instance.previous_id:
            # An amendment stays in its partnership.
            self.fields["partnership"].disabled = True

    def clean_partnership(self):
        partnership = self.cleaned_data.get("partnership")
        if (
            partnership is not None
            and "partnership" in self.changed_data
            and not may_prepare_memoranda_of(self.user, partnership)
        ):
            raise forms.ValidationError(
                _("Only the project coordinator of this partnership may prepare its memoranda.")
            )
        return partnership

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("duration_min_weeks"), cleaned.get("duration_max_weeks")
        if low is not None and high is not None and low > high:
            self.add_error("duration_max_weeks", _("The longest mobility cannot be shorter than the shortest."))
        start, end = cleaned.get("valid_from"), cleaned.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", _("“Valid until” must be on or after “valid from”."))
        return cleaned


class PartyForm(forms.ModelForm):
    class Meta:
        model = MemorandumParty
        fields = ["organisation", "contact_name", "contact_position", "contact_email", "contact_phone", "signing_place"]

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class BasePartyFormSet(BaseInlineFormSet):
    """Set `partnership` (the cleaned choice) and `user` before validating."""

    partnership = None
    user = None

    def clean(self):
        super().clean()
        seen = set()
        org_ids = []
        member_ids = set(self.partnership.organisations.values_list("pk", flat=True)) if self.partnership else None
        for form in self.forms:
            if not getattr(form, "cleaned_data", None) or form.cleaned_data.get("DELETE"):
                continue
            org = form.cleaned_data.get("organisation")
            if org is None:
                continue
            if org.pk in seen:
                form.add_error("organisation", _("This organisation is already a party."))
            elif member_ids is not None and org.pk not in member_ids:
                form.add_error("organisation", _("This organisation is not a member of the partnership."))
            seen.add(org.pk)
            org_ids.append(org.pk)
        if self.partnership is None and self.user is not None:
            if not manages_a_party(self.user, org_ids):
                raise forms.ValidationError(
                    _(
                        "Without a partnership, one of the signing organisations must be an organisation "
                        "whose profile you manage."
                    )
                )


PartyFormSet = inlineformset_factory(
    Memorandum, MemorandumParty, form=PartyForm, formset=BasePartyFormSet, extra=2, can_delete=True
)


class MemorandumUnitForm(forms.ModelForm):
    class Meta:
        model = MemorandumUnit
        fields = ["unit", "ecvet_points"]

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["unit"].label_from_instance = lambda u: (
            f"{u.qualification.title_en}: {u.reference} {u.title} ({u.ecvet_points})"
        )
        self.fields["ecvet_points"].help_text = _("At most the points the unit carries.")

    def clean(self):
        cleaned = super().clean()
        unit, points = cleaned.get("unit"), cleaned.get("ecvet_points")
        if unit is not None and points is not None and points > unit.ecvet_points:
            self.add_error(
                "ecvet_points",
                _("The unit carries %(points)s ECVET points; the mobility cannot give more.")
                % {"points": unit.ecvet_points},
            )
        return cleaned


class BaseUnitFormSet(BaseInlineFormSet):
    """Set `qualifications` (the cleaned choice) before validating."""

    qualifications = None

    def clean(self):
        super().clean()
        seen = set()
        allowed = {q.pk for q in self.qualifications} if self.qualifications is not None else None
        for form in self.forms:
            if not getattr(form, "cleaned_data", None) or form.cleaned_data.get("DELETE"):
                continue
            unit = form.cleaned_data.get("unit")
            if unit is None:
                continue
            if unit.pk in seen:
                form.add_error("unit", _("This unit is listed twice."))
            elif allowed is not None and unit.qualification_id not in allowed:
                form.add_error("unit", _("Tick this unit's qualification among the qualifications covered."))
            seen.add(unit.pk)


UnitFormSet = inlineformset_factory(
    Memorandum, MemorandumUnit, form=MemorandumUnitForm, formset=BaseUnitFormSet, extra=3, can_delete=True
)


def party_formset(data, *, instance, user):
    return PartyFormSet(
        data,
        instance=instance,
        prefix="parties",
        form_kwargs={"organisations": Organisation.objects.visible_to(user).order_by("short_name")},
    )


def unit_formset(data, *, instance, user):
    units = Unit.objects.visible_to(user).select_related("qualification").order_by("qualification__title_en", "order")
    return UnitFormSet(data, instance=instance, prefix="units", form_kwargs={"units": units})


class DecisionForm(CrispyFormMixin, forms.Form):
    submit_label = _("Record my decision")

    party = forms.ChoiceField(label=_("On behalf of"), widget=forms.RadioSelect)
    decision = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[
            (Approval.Decision.APPROVED, _("I approve this version")),
            (Approval.Decision.REFUSED, _("I refuse it, for the reason below")),
        ],
    )
    comment = forms.CharField(
        label=_("Reason or comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when refusing; the other parties receive it."),
    )
    expected_sha256 = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, parties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].choices = [(p.key, p.label) for p in parties]
        if len(parties) == 1:
            self.fields["party"].initial = parties[0].key

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == Approval.Decision.REFUSED and not cleaned.get("comment", "").strip():
            self.add_error("comment", _("Give a reason for refusing."))
        return cleaned


class ReasonForm(CrispyFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, submit_label=None, help_text="", **kwargs):
        if submit_label:
            self.submit_label = submit_label
        super().__init__(*args, **kwargs)
        self.fields["reason"].help_text = help_text

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Give a reason."))
        return reason
