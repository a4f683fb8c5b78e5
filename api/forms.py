from django import forms
from django.utils.translation import gettext_lazy as _

from partners.forms import CrispyFormMixin


class TokenForm(CrispyFormMixin, forms.Form):
    submit_label = _("Create token")

    name = forms.CharField(
        label=_("Name"),
        max_length=80,
        help_text=_("What the token is for, e.g. “School information system”."),
    )
    days = forms.TypedChoiceField(
        label=_("Valid for"),
        coerce=int,
        choices=[(30, _("30 days")), (90, _("90 days")), (365, _("one year"))],
        initial=365,
    )

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Give the token a name."))
        return name
