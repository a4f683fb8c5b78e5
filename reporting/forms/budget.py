"""Forms of the budget pages: a recorded cost, the allocation grid and the cost-list filter.

The organisation a cost is recorded for is chosen among those the user records for only (the view answers
403 to a forged one before the form sees it). Amounts are positive numbers with at most two decimals; the
cost date lies within the partnership period; a payment date is not before the cost date nor in the future.
Bad input gives field errors, never a crash.
"""

from __future__ import annotations

from decimal import Decimal

from crispy_forms.helper import FormHelper
from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partners.models import Organisation, Partnership

from ..models import Cost, lines_for

MAX_AMOUNT = Decimal("9999999999.99")  # what the 12-digit columns hold


def date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def plain_helper() -> FormHelper:
    """Crispy renders the fields; the template writes the <form> and its buttons."""
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    return helper


class CostForm(forms.ModelForm):
    class Meta:
        model = Cost
        fields = ["organisation", "line", "description", "amount", "incurred_on", "paid_on", "reference"]
        widgets = {"incurred_on": date_input(), "paid_on": date_input()}

    def __init__(self, *args, partnership: Partnership, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.partnership = partnership
        self.instance.partnership = partnership
        self.helper = plain_helper()
        field = self.fields["organisation"]
        field.queryset = organisations
        field.help_text = _("The organisation that bears the cost; you record for the organisations shown.")
        field.error_messages["invalid_choice"] = _("Choose one of the organisations you record for.")
        if len(organisations) == 1 and not self.instance.pk:
            field.initial = organisations[0].pk
            field.empty_label = None
        self.fields["line"].help_text = _("The budget line of the grant agreement the cost is charged to.")
        # Only the lines of this project's grant agreement (KA1 categories or KA2 lines).
        self.fields["line"].choices = [("", "---------"), *lines_for(partnership)]
        amount = self.fields["amount"]
        amount.widget.attrs.update({"min": "0.01", "step": "0.01"})
        amount.error_messages["invalid"] = _("Enter an amount in euro, e.g. 1250.50.")
        amount.help_text = _("In euro, more than 0, with at most two decimals.")
        self.fields["incurred_on"].help_text = _(
            "When the cost was committed (order, contract, booking): within the project period, %(start)s – %(end)s."
        ) % {
            "start": date_format(partnership.start_date, "SHORT_DATE_FORMAT"),
            "end": date_format(partnership.end_date, "SHORT_DATE_FORMAT"),
        }

    def clean_amount(self):
        amount = self.cleaned_data["amount"]
        if amount is not None and amount <= 0:
            raise forms.ValidationError(_("The amount must be more than 0."))
        return amount

    def clean_incurred_on(self):
        incurred = self.cleaned_data["incurred_on"]
        if incurred and not (self.partnership.start_date <= incurred <= self.partnership.end_date):
            raise forms.ValidationError(
                _("The date must lie within the project period, %(start)s – %(end)s.")
                % {
                    "start": date_format(self.partnership.start_date, "SHORT_DATE_FORMAT"),
                    "end": date_format(self.partnership.end_date, "SHORT_DATE_FORMAT"),
                }
            )
        return incurred

    def clean_paid_on(self):
        paid = self.cleaned_data["paid_on"]
        if paid and paid > timezone.localdate():
            raise forms.ValidationError(_("A payment date cannot be in the future; leave it empty until it is paid."))
        return paid

    def clean(self):
        cleaned = super().clean()
        incurred, paid = cleaned.get("incurred_on"), cleaned.get("paid_on")
        if incurred and paid and paid < incurred:
            self.add_error("paid_on", _("The payment date cannot be before the cost date."))
        return cleaned


class CostFilterForm(forms.Form):
    PAID_CHOICES = [
        ("", gettext_lazy("Paid and unpaid")),
        ("yes", gettext_lazy("Paid (spent)")),
        ("no", gettext_lazy("Not paid yet (committed)")),
    ]

    organisation = forms.ModelChoiceField(
        label=gettext_lazy("Organisation"), queryset=Organisation.objects.none(), to_field_name="slug", required=False
    )
    line = forms.ChoiceField(label=gettext_lazy("Budget line"), required=False)
    paid = forms.ChoiceField(label=gettext_lazy("Payment"), choices=PAID_CHOICES, required=False)

    def __init__(self, *args, organisations, partnership: Partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["organisation"].empty_label = _("All organisations")
        self.fields["line"].choices = [("", _("All budget lines")), *lines_for(partnership)]

    def apply(self, costs):
        if not self.is_valid():
            return costs
        data = self.cleaned_data
        if data["organisation"]:
            costs = costs.filter(organisation=data["organisation"])
        if data["line"]:
            costs = costs.filter(line=data["line"])
        if data["paid"] == "yes":
            costs = costs.filter(paid_on__isnull=False)
        elif data["paid"] == "no":
            costs = costs.filter(paid_on__isnull=True)
        return costs


def allocation_field_name(organisation_id: int, line: str) -> str:
    return f"a-{organisation_id}-{line}"


class AllocationForm(forms.Form):
    """One amount per member organisation and budget line; an empty cell means no allocation.

    The sum may be less than the EU grant (the split can be entered bit by bit; the budget page warns) but
    not more."""

    def __init__(self, *args, partnership: Partnership, organisations, current: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.partnership = partnership
        self.organisations = list(organisations)
        self.current = current
        self.grid = []
        for org in self.organisations:
            cells = []
            for value, label in lines_for(partnership):
                name = allocation_field_name(org.pk, value)
                self.fields[name] = forms.DecimalField(
                    label=_("%(organisation)s: %(line)s (EUR)") % {"organisation": org.short_name, "line": label},
                    required=False,
                    min_value=Decimal("0"),
                    max_value=MAX_AMOUNT,
                    max_digits=12,
                    decimal_places=2,
                    initial=current.get((org.pk, value)),
                    error_messages={"invalid": _("Enter an amount in euro, e.g. 1250.50.")},
                    widget=forms.NumberInput(attrs={"min": "0", "step": "0.01", "class": "form-control text-end"}),
                )
                cells.append((value, label, name))
            self.grid.append((org, cells))

    def rows(self):
        """(organisation, [bound field per line]) for the template's grid."""
        return [(org, [self[name] for _value, _label, name in cells]) for org, cells in self.grid]

    def amounts(self) -> dict[tuple[int, str], Decimal | None]:
        """The cells posted (a cell left out of the request is left as it is; a posted empty cell is removed)."""
        return {
            (org.pk, value): self.cleaned_data.get(name)
            for org, cells in self.grid
            for value, _label, name in cells
            if name in self.data
        }

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        final = {key: amount for key, amount in self.current.items()} | self.amounts()
        total = sum((amount or Decimal("0")) for amount in final.values())
        grant = self.partnership.eu_grant
        if grant is not None and total > grant:
            raise forms.ValidationError(
                _("The allocations add up to %(total)s EUR, more than the EU grant of %(grant)s EUR.")
                % {"total": total, "grant": grant}
            )
        return cleaned
