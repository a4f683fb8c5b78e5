"""Forms of the participant's grant agreement: its terms, a payment, the EU participant report, an amendment."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from partners.forms import CrispyFormMixin

from ..models import GrantAgreement, GrantPayment
from ..services.grants import TERMS_FIELDS

DATE = {"attrs": {"type": "date"}, "format": "%Y-%m-%d"}


class TermsForm(CrispyFormMixin, forms.ModelForm):
    """How the grant reaches the participant and the pre-financing share (the amounts come from the mobility)."""

    class Meta:
        model = GrantAgreement
        fields = list(TERMS_FIELDS)
        widgets = {
            "support": forms.RadioSelect,
            "in_kind_description": forms.Textarea(attrs={"rows": 3}),
        }

    def clean(self):
        cleaned = super().clean()
        support = cleaned.get("support")
        if support and support != GrantAgreement.Support.FINANCIAL:
            if not (cleaned.get("in_kind_description") or "").strip():
                self.add_error("in_kind_description", _("Say what the organisation provides in kind."))
            if support == GrantAgreement.Support.MIXED and not cleaned.get("in_kind_value"):
                self.add_error("in_kind_value", _("Enter the value of what the organisation provides in kind."))
        return cleaned


class PaymentForm(CrispyFormMixin, forms.ModelForm):
    submit_label = _("Record the payment")

    class Meta:
        model = GrantPayment
        fields = ["kind", "amount", "paid_on", "reference"]
        widgets = {"paid_on": forms.DateInput(**DATE)}


class ReportForm(CrispyFormMixin, forms.ModelForm):
    submit_label = _("Save")

    class Meta:
        model = GrantAgreement
        fields = ["report_requested_on", "report_submitted_on"]
        widgets = {"report_requested_on": forms.DateInput(**DATE), "report_submitted_on": forms.DateInput(**DATE)}
