from django import forms
from django.utils.translation import gettext_lazy as _

from partners.forms import CrispyFormMixin


class ErasureForm(CrispyFormMixin, forms.Form):
    """Confirms an erasure: the learner's last name typed out, and a reason for the audit log."""

    last_name = forms.CharField(
        label=_("The learner's last name"),
        max_length=100,
        help_text=_("Type it to confirm that you mean this learner."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("E.g. “The learner's request of 3 May”. Recorded in the audit log; names are removed from it."),
    )

    def __init__(self, *args, learner, **kwargs):
        self.learner = learner
        super().__init__(*args, **kwargs)
        # The page has its own <form> and a red button.
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the page's own <form> carries the token
        self.helper.inputs = []

    def clean_last_name(self):
        typed = self.cleaned_data["last_name"]
        if typed.strip().casefold() != self.learner.last_name.strip().casefold():
            raise forms.ValidationError(_("This is not the learner's last name."))
        return typed

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Give a reason for the erasure."))
        return reason
