"""The bulk-import upload form: what is imported, for which organisation, from which file."""

from django import forms
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from partners.forms import CrispyFormMixin
from partners.models import Organisation

from ..resources import KINDS, MAX_ROWS, MAX_UPLOAD_BYTES, read_upload


class ImportForm(CrispyFormMixin, forms.Form):
    submit_label = _("Check the file")

    kind = forms.ChoiceField(
        label=_("The file contains"),
        choices=[(key, kind.label) for key, kind in KINDS.items()],
        initial="learners",
        widget=forms.RadioSelect,
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        help_text=_("Learners are enrolled at this organisation; mobilities are sent by it."),
    )
    file = forms.FileField(
        label=_("File"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.table = None
        self.fields["organisation"].queryset = organisations
        self.fields["file"].help_text = gettext(
            "A CSV (UTF-8) or XLSX file of at most %(size)s and %(rows)s rows, with the column names of the "
            "template in the first row."
        ) % {"size": filesizeformat(MAX_UPLOAD_BYTES), "rows": MAX_ROWS}
        if len(organisations) == 1:
            self.fields["organisation"].initial = organisations[0].pk

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        self.table = read_upload(uploaded)
        return uploaded

    def clean(self):
        cleaned = super().clean()
        kind = KINDS.get(cleaned.get("kind") or "")
        if kind is not None and self.table is not None:
            problems = kind.header_errors(self.table.headers)
            if problems:
                self.add_error("file", ValidationError(problems))
                self.table = None
        return cleaned

    @property
    def import_kind(self):
        return KINDS[self.cleaned_data["kind"]]


class ConfirmImportForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput, max_length=64)
