"""The coordinator's forms for the public results page: switching it on or off with its summary, and the
results published on it (a link or a file; files are checked like every upload of the portal, by name AND
content, and size — `partners.uploads`)."""

from __future__ import annotations

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partners.uploads import FILE_TYPES, max_upload_bytes, validate_upload

from ..models import PublicPage, PublicResult

RESULT_TYPES = ("pdf", "docx", "odt", "xlsx", "png", "jpg")

NO_PERSONAL_DATA = gettext_lazy(
    "Everyone can read this without signing in: write no names or contact details of people."
)


def result_extensions() -> list[str]:
    return [ext for key in RESULT_TYPES for ext in FILE_TYPES[key].extensions]


class PublicPageForm(forms.ModelForm):
    class Meta:
        model = PublicPage
        fields = ["enabled", "summary"]
        labels = {"enabled": gettext_lazy("Publish the page (anyone can open it without signing in)")}
        widgets = {"summary": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["summary"].help_text = NO_PERSONAL_DATA


class PublicResultForm(forms.ModelForm):
    class Meta:
        model = PublicResult
        fields = ["title", "description", "link", "file", "order", "is_public"]
        labels = {"is_public": gettext_lazy("Published (shown on the public page)")}
        # A plain file input: the clearable one links the stored file under MEDIA_URL, which is never served;
        # the template links the current file through the coordinator's download, `remove_file` clears it.
        widgets = {"description": forms.Textarea(attrs={"rows": 4}), "file": forms.FileInput}
        help_texts = {
            "order": gettext_lazy("Results are listed by this number, then by title."),
            "link": gettext_lazy("A web address where the result can be read, e.g. on the project's website."),
        }

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.partnership = partnership
        self.instance.partnership = partnership
        self.fields["description"].help_text = NO_PERSONAL_DATA
        field = self.fields["file"]
        field.help_text = _("PDF, DOCX, ODT, XLSX, PNG or JPG, up to %(size)s MB. Give a link, a file or both.") % {
            "size": max_upload_bytes() // (1024 * 1024)
        }
        field.widget.attrs["accept"] = ",".join(f".{ext}" for ext in result_extensions())
        if self.instance.file:
            field.label = _("Replace the file")
            self.fields["remove_file"] = forms.BooleanField(
                label=_("Remove the current file"), required=False, help_text=_("Keep the link only.")
            )
            self.order_fields([*self.Meta.fields[:4], "remove_file"])

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if isinstance(upload, UploadedFile):  # a new file; an unchanged one is the stored FieldFile
            validate_upload(upload, allowed=RESULT_TYPES)
        return upload

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("remove_file") and not isinstance(cleaned.get("file"), UploadedFile):
            cleaned["file"] = False  # clears the field (a new upload wins over the box)
        if "file" in self.errors or "link" in self.errors:
            return cleaned
        if not cleaned.get("link") and not cleaned.get("file"):
            raise forms.ValidationError(_("Give a link or a file for the result."), code="link_or_file")
        return cleaned
