"""Uploading a training material: title, kind, optionally the session it belongs to (of this event only), file.

The file is checked like every upload of the portal (`partners.uploads`): type by extension AND by the
file's leading bytes, and size (slides: PowerPoint files are zip archives holding `ppt/presentation.xml`).
"""

from __future__ import annotations

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partners.uploads import (
    FILE_TYPES,
    max_upload_bytes,
    validate_upload,
)

from ..models import Material, Session, TrainingEvent

MATERIAL_TYPES = ("pdf", "pptx", "docx", "xlsx", "odt", "png", "jpg", "txt")


def material_extensions() -> list[str]:
    return [ext for key in MATERIAL_TYPES for ext in FILE_TYPES[key].extensions]


def validate_material_file(file) -> None:
    """Raise ValidationError unless `file` is one of MATERIAL_TYPES (by name and content) and small enough."""
    validate_upload(file, allowed=MATERIAL_TYPES)


class SessionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Session) -> str:
        return f"{date_format(obj.day, 'SHORT_DATE_FORMAT')} {obj.start_time:%H:%M} – {obj.title}"


class MaterialForm(forms.ModelForm):
    """Title, kind, session (of this event only: a forged one is a field error) and the file; the view hands
    the validated `instance` to `services.add_material`, which stores it with its size."""

    session = SessionChoiceField(
        queryset=Session.objects.none(),
        required=False,
        label=gettext_lazy("Session"),
        empty_label=gettext_lazy("The whole event"),
        help_text=gettext_lazy("Optional: the session of the agenda this material belongs to."),
    )

    class Meta:
        model = Material
        fields = ["title", "kind", "session", "file"]

    def __init__(self, *args, event: TrainingEvent, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        self.instance.event = event
        self.fields["session"].queryset = Session.objects.filter(event=event).order_by("day", "start_time", "pk")
        field = self.fields["file"]
        field.help_text = _("PDF, PPTX, DOCX, XLSX, ODT, PNG, JPG or TXT, up to %(size)s MB.") % {
            "size": max_upload_bytes() // (1024 * 1024)
        }
        field.widget.attrs["accept"] = ",".join(f".{ext}" for ext in material_extensions())

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload is None:
            return upload
        validate_material_file(upload)
        return upload
