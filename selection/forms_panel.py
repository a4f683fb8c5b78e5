"""Forms of the panel's pages (docs/selection.md). Parse only; the services decide (selection.panel)."""

from __future__ import annotations

from decimal import Decimal

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from .panel import DECLARATION


def _helper(label) -> FormHelper:
    helper = FormHelper()
    helper.add_input(Submit("submit", label))
    return helper


class PanelForm(forms.Form):
    members = forms.ModelMultipleChoiceField(
        label=_("Panel members"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Staff and mentors of the sending organisation. Each declares no conflict of interest before "
            "reading the applications."
        ),
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = candidates
        self.fields["members"].label_from_instance = lambda user: f"{user.get_full_name() or user.email} ({user.email})"
        self.helper = _helper(_("Save the panel"))


class DeclarationForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I confirm this declaration."),
        required=True,
        error_messages={"required": _("Confirm the declaration to read and score the applications.")},
    )

    def __init__(self, *args, action: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.declaration = DECLARATION
        self.helper = _helper(_("Declare no conflict of interest"))
        self.helper.form_action = action  # the panel's home posts to the declaration page


class ScoreForm(forms.Form):
    """Points (0…max_points) and a comment per criterion of the call."""

    def __init__(self, *args, criteria, scores=None, **kwargs):
        super().__init__(*args, **kwargs)
        scores = scores or {}
        self.criteria = list(criteria)
        for criterion in self.criteria:
            given = scores.get(criterion.pk)
            self.fields[f"points_{criterion.pk}"] = forms.DecimalField(
                label=_("%(criterion)s: points (0–%(max)s)")
                % {"criterion": criterion.name, "max": criterion.max_points},
                min_value=Decimal("0"),
                max_value=Decimal(criterion.max_points),
                max_digits=6,
                decimal_places=2,
                initial=given.points if given else None,
                help_text=criterion.description,
            )
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=_("%(criterion)s: comment") % {"criterion": criterion.name},
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=given.comment if given else "",
            )
        self.helper = _helper(_("Save my scores"))

    def values(self) -> dict[int, tuple[Decimal, str]]:
        return {
            c.pk: (self.cleaned_data[f"points_{c.pk}"], self.cleaned_data.get(f"comment_{c.pk}", "").strip())
            for c in self.criteria
        }


class ReserveSizeForm(forms.Form):
    """How long the reserve list is (the decision page's proposal is shown for it; sent with GET)."""

    reserve = forms.IntegerField(
        label=_("Places on the reserve list"),
        min_value=0,
        max_value=500,
        help_text=_("The applications ranked right after the selected ones, in order; the rest are not selected."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.add_input(Submit("show", _("Show the proposal")))


class DecisionForm(forms.Form):
    """Each application's reason (proposed from the ranking, editable), for the reserve list's length shown."""

    reserve_size = forms.IntegerField(
        label=_("Places on the reserve list"), min_value=0, max_value=500, widget=forms.HiddenInput
    )

    def __init__(self, *args, proposals, **kwargs):
        super().__init__(*args, **kwargs)
        self.proposals = proposals
        for proposal in proposals:
            code = str(proposal.ranked.application.code)
            self.fields[f"reason_{code}"] = forms.CharField(
                label=_("Reason for application %(code)s (rank %(rank)s)")
                % {"code": code[:8], "rank": proposal.ranked.rank},
                required=False,
                max_length=1000,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=proposal.reason,
                help_text=_("Empty: the reason the ranking proposes."),
            )
        self.helper = FormHelper()
        self.helper.form_tag = False

    def reasons(self) -> dict[str, str]:
        out = {}
        for proposal in self.proposals:
            code = str(proposal.ranked.application.code)
            text = (self.cleaned_data.get(f"reason_{code}") or "").strip()
            if text and text != proposal.reason:
                out[code] = text
        return out


class PlacementOfferForm(forms.Form):
    placement = forms.ModelChoiceField(label=_("Placement"), queryset=None, empty_label=None)

    def __init__(self, *args, placements, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["placement"].queryset = placements
        self.fields["placement"].label_from_instance = lambda p: (
            f"{p.title} – {p.host.name}, {p.start_date:%Y-%m-%d}–{p.end_date:%Y-%m-%d} ({p.places - p.taken})"
        )
        self.helper = _helper(_("Offer the placement"))
