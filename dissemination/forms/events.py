"""Forms of the dissemination pages: an event with its audience grid, an event's files, an activity, the reach
targets and the list filters.

The organisation a user records for is chosen among `access.editable_organisations` only (the view answers
403 to a forged one before the form sees it); counts are whole numbers from 0 and targets whole numbers from 1,
so a bad value gives a field error, never a crash.
"""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partners.models import Organisation, Partnership
from partners.uploads import FILE_TYPES, max_upload_bytes, validate_upload

from ..models import Activity, Channel, DisseminationEvent, EventFile, StakeholderGroup

MATERIAL_TYPES = ("pdf", "docx", "odt", "png", "jpg")
PHOTO_TYPES = ("png", "jpg")


def date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def add_service_errors(form, error: ValidationError) -> None:
    """A service's ValidationError as form errors: on the field it names when the form has it, else form-wide."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


def plain_helper(*fields_or_fieldsets) -> FormHelper:
    """A crispy helper that renders only the listed layout, inside a <form> the template writes."""
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.layout = Layout(*fields_or_fieldsets)
    return helper


def organisation_field(form, organisations, help_text) -> None:
    field = form.fields["organisation"]
    field.queryset = organisations
    field.help_text = help_text
    field.error_messages["invalid_choice"] = _("Choose one of the organisations you record for.")
    options = list(organisations[:2])
    if len(options) == 1 and not form.instance.pk:
        field.initial = options[0].pk
        field.empty_label = None


# --- filters -----------------------------------------------------------------------------------------------------


class EventFilterForm(forms.Form):
    partnership = forms.ModelChoiceField(
        label=gettext_lazy("Partnership"), queryset=Partnership.objects.none(), to_field_name="slug", required=False
    )
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), required=False)
    organisation = forms.ModelChoiceField(
        label=gettext_lazy("Organiser"), queryset=Organisation.objects.none(), required=False
    )

    def __init__(self, *args, partnerships, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partnership"].queryset = partnerships
        self.fields["partnership"].empty_label = _("All partnerships")
        self.fields["kind"].choices = [("", _("All kinds")), *DisseminationEvent.Kind.choices]
        self.fields["organisation"].queryset = organisations
        self.fields["organisation"].empty_label = _("All organisations")


class ActivityFilterForm(forms.Form):
    partnership = forms.ModelChoiceField(
        label=gettext_lazy("Partnership"), queryset=Partnership.objects.none(), to_field_name="slug", required=False
    )
    channel = forms.ChoiceField(label=gettext_lazy("Channel"), required=False)

    def __init__(self, *args, partnerships, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partnership"].queryset = partnerships
        self.fields["partnership"].empty_label = _("All partnerships")
        self.fields["channel"].choices = [("", _("All channels")), *Activity._meta.get_field("channel").choices]


# --- an event and its audience ------------------------------------------------------------------------------------


class EventForm(forms.ModelForm):
    """The event and one row per stakeholder group with national and international counts.

    The count fields are named `<group>-national` and `<group>-international`, the keys `services.save_event`
    reports its errors under. An empty count is 0."""

    class Meta:
        model = DisseminationEvent
        fields = [
            "title",
            "organisation",
            "kind",
            "format",
            "date",
            "place",
            "country",
            "agenda",
            "outcomes",
            "is_public",
        ]
        widgets = {
            "date": date_input(),
            "agenda": forms.Textarea(attrs={"rows": 4}),
            "outcomes": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, partnership: Partnership, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.partnership = partnership
        self.instance.partnership = partnership
        organisation_field(
            self, organisations, _("The partner organisation that held the event; you record for your own.")
        )
        current = {}
        if self.instance.pk:
            current = {row.group: row for row in self.instance.audience.all()}
        self.audience_rows = []
        for group, label in StakeholderGroup.choices:
            row = current.get(group)
            labels = {
                "national": _("%(group)s: national participants") % {"group": label},
                "international": _("%(group)s: international participants") % {"group": label},
            }
            for side, side_label in labels.items():
                self.fields[self.key(group, side)] = forms.IntegerField(
                    label=side_label,
                    required=False,
                    min_value=0,
                    max_value=1_000_000,
                    initial=getattr(row, side, 0) if row else 0,
                    error_messages={
                        "invalid": _("Enter a whole number from 0."),
                        "min_value": _("Counts are whole numbers from 0."),
                    },
                    widget=forms.NumberInput(attrs={"min": 0, "step": 1, "class": "form-control text-end"}),
                )
            self.audience_rows.append((group, label))
        self.helper = plain_helper(
            Fieldset(_("Event"), "title", "organisation", "kind", "format", "date"),
            Fieldset(_("Place"), "place", "country"),
            Fieldset(_("Content"), "agenda", "outcomes", "is_public"),
        )

    @staticmethod
    def key(group: str, side: str) -> str:
        return f"{group}-{side}"

    def grid(self):
        """(group label, [national bound field, international bound field]) per stakeholder group."""
        return [
            (label, [self[self.key(group, "national")], self[self.key(group, "international")]])
            for group, label in self.audience_rows
        ]

    def audience(self) -> dict[str, tuple[int, int]]:
        return {
            group: (
                self.cleaned_data.get(self.key(group, "national")) or 0,
                self.cleaned_data.get(self.key(group, "international")) or 0,
            )
            for group, _label in self.audience_rows
        }


# --- an event's files ---------------------------------------------------------------------------------------------


def extensions(types) -> str:
    return ", ".join(ext.upper() for key in types for ext in FILE_TYPES[key].extensions)


class EventFileForm(forms.ModelForm):
    """Agenda and materials (PDF, DOCX, ODT, PNG, JPG) or photos (PNG, JPG): checked by name and content, and
    size (`partners.uploads.validate_upload`)."""

    class Meta:
        model = EventFile
        fields = ["kind", "title", "file"]

    def __init__(self, *args, event: DisseminationEvent, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        self.instance.event = event
        field = self.fields["file"]
        field.help_text = _("Materials: %(materials)s; photos: %(photos)s; up to %(size)s MB.") % {
            "materials": extensions(MATERIAL_TYPES),
            "photos": extensions(PHOTO_TYPES),
            "size": max_upload_bytes() // (1024 * 1024),
        }
        field.widget.attrs["accept"] = ",".join(
            f".{ext}" for key in MATERIAL_TYPES for ext in FILE_TYPES[key].extensions
        )
        self.fields["title"].help_text = _("E.g. “Agenda”, “Slides of the opening”, “Photos of the workshop”.")
        self.helper = plain_helper("kind", "title", "file")

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload is not None and "file" not in self.errors:
            allowed = PHOTO_TYPES if cleaned.get("kind") == EventFile.Kind.PHOTO else MATERIAL_TYPES
            try:
                validate_upload(upload, allowed=allowed)
            except ValidationError as error:
                self.add_error("file", error)
        return cleaned


# --- an activity ----------------------------------------------------------------------------------------------------


class ActivityForm(forms.ModelForm):
    class Meta:
        model = Activity
        fields = ["channel", "title", "date", "language", "link", "reach", "audience", "organisation", "is_public"]
        widgets = {"date": date_input(), "reach": forms.NumberInput(attrs={"min": 0, "step": 1})}

    def __init__(self, *args, partnership: Partnership, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.partnership = partnership
        self.instance.partnership = partnership
        organisation_field(self, organisations, _("The partner organisation behind the activity."))
        reach = self.fields["reach"]
        reach.min_value = 0
        reach.error_messages["invalid"] = _("Enter a whole number from 0.")
        self.fields["link"].help_text = _("Where the publication or post can be found (https://…).")
        self.helper = plain_helper(
            Fieldset(_("Activity"), "channel", "title", "organisation", "date", "language"),
            Fieldset(_("Reach"), "link", "reach", "audience", "is_public"),
        )


# --- the reach targets ----------------------------------------------------------------------------------------------


class TargetsForm(forms.Form):
    """One optional target per stakeholder group (`group-<g>`) and per channel (`channel-<c>`): empty means no
    target; otherwise a whole number from 1."""

    def __init__(self, *args, targets: dict[tuple[str, str], int], **kwargs):
        super().__init__(*args, **kwargs)
        self.group_keys = []
        self.channel_keys = []
        for group, label in StakeholderGroup.choices:
            key = f"group-{group}"
            self.fields[key] = self._field(label, targets.get((group, "")))
            self.group_keys.append((key, group))
        for channel, label in Channel.choices:
            key = f"channel-{channel}"
            self.fields[key] = self._field(label, targets.get(("", channel)))
            self.channel_keys.append((key, channel))
        self.helper = plain_helper(
            Fieldset(_("People to reach by stakeholder group"), *[key for key, _group in self.group_keys]),
            Fieldset(_("Reach by channel"), *[key for key, _channel in self.channel_keys]),
        )

    @staticmethod
    def _field(label, initial) -> forms.IntegerField:
        return forms.IntegerField(
            label=label,
            required=False,
            min_value=1,
            max_value=100_000_000,
            initial=initial,
            error_messages={
                "invalid": _("Enter a whole number from 1, or leave the field empty."),
                "min_value": _("A target is a whole number from 1; leave the field empty for no target."),
            },
            widget=forms.NumberInput(attrs={"min": 1, "step": 1}),
        )

    def targets(self) -> dict[tuple[str, str], int | None]:
        """(group, channel) → target or None, for every group and channel."""
        out = {(group, ""): self.cleaned_data.get(key) for key, group in self.group_keys}
        out.update({("", channel): self.cleaned_data.get(key) for key, channel in self.channel_keys})
        return out
