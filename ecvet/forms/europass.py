"""Forms of the Europass Mobility pages: one per side, each with only that side's fields."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from partners.forms import CrispyFormMixin

from ..models import EuropassMobility
from ..services.europass import HOST_FIELDS, SENDING_FIELDS


class SendingForm(CrispyFormMixin, forms.ModelForm):
    """What the sending organisation fills in: the description of the mobility."""

    submit_label = _("Save")

    class Meta:
        model = EuropassMobility
        fields = list(SENDING_FIELDS)
        widgets = {"objective": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["objective"].required = True
        self.fields["qualification"].required = True
        self.fields["programme"].required = True


class HostForm(CrispyFormMixin, forms.ModelForm):
    """Section 5a, filled by the host: skills and competences acquired, by category."""

    submit_label = _("Save")

    class Meta:
        model = EuropassMobility
        fields = list(HOST_FIELDS)
        widgets = {field: forms.Textarea(attrs={"rows": 3}) for field in HOST_FIELDS}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["job_related"].required = True
