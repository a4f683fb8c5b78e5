"""Forms of the Personal Transcript: the host's points and remarks, and the sending side's recognition."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from partners.forms import CrispyFormMixin

from ..models import Transcript
from .memoranda import DecisionForm  # noqa: F401  (approve or refuse: the same form as for a memorandum)


class TranscriptForm(CrispyFormMixin, forms.Form):
    """Points for each unit whose outcomes were partly achieved (at most the agreement's), and remarks."""

    host_remarks = forms.CharField(label=_("Remarks of the host"), required=False, widget=forms.Textarea({"rows": 3}))

    def __init__(self, *args, units, limits, **kwargs):
        super().__init__(*args, **kwargs)
        self.unit_fields = []
        for unit in units:
            name = f"points_{unit.unit_id}"
            self.fields[name] = forms.DecimalField(
                label=_("ECVET points awarded for %(unit)s") % {"unit": unit.unit},
                min_value=Decimal("0"),
                max_digits=4,
                decimal_places=1,
                initial=unit.points_awarded,
                help_text=_("Some of its learning outcomes were achieved; at most %(max)s points.")
                % {"max": limits.get(unit.unit_id, Decimal("0")).normalize()},
            )
            self.unit_fields.append((unit.unit_id, name))
        # Keep the remarks after the points.
        self.order_fields([name for _id, name in self.unit_fields] + ["host_remarks"])

    def points(self) -> dict:
        return {unit_id: self.cleaned_data[name] for unit_id, name in self.unit_fields}


class RecognitionForm(CrispyFormMixin, forms.ModelForm):
    submit_label = _("Record validation and recognition")

    class Meta:
        model = Transcript
        fields = ["decision", "decided_on", "points_recognised", "how_it_counts"]
        widgets = {
            "decided_on": forms.DateInput(attrs={"type": "date"}),
            "how_it_counts": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("decision", "decided_on", "how_it_counts"):
            self.fields[name].required = True
