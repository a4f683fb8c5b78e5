from django import forms
from django.utils.translation import gettext_lazy as _

from partners.forms import CrispyFormMixin


class ActivitiesUploadForm(CrispyFormMixin, forms.Form):
    submit_label = _("Check the file")

    file = forms.FileField(
        label=_("Beneficiary Module export"),
        help_text=_(
            "The mobility activities exported from the Beneficiary Module (CSV or XLSX, at most 5 MB), as the "
            "portal exported them or edited since. Nothing is saved before you confirm the preview."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )


class ConfirmActivitiesForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput, max_length=64)
