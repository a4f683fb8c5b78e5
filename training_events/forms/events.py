"""Forms of the event pages: the event, its agenda, registration and the partnership filter.

Choice fields start from what the user may pick; `clean` re-checks the rules (host is a member, dates in
order, a session on one of the event's days), so a forged POST gets field errors rather than a crash.
"""

from __future__ import annotations

from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from partners.forms import CrispyFormMixin
from partners.models import Organisation, Partnership

from .. import services
from ..models import Participant, Session, TrainingEvent


def date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def time_input():
    return forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def add_service_errors(form, error: ValidationError) -> None:
    """A service's ValidationError as form errors: on the field it names when the form has it, else form-wide."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


class EventFilterForm(forms.Form):
    partnership = forms.ModelChoiceField(
        label=_("Partnership"), queryset=Partnership.objects.none(), to_field_name="slug", required=False
    )

    def __init__(self, *args, partnerships, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partnership"].queryset = partnerships
        self.fields["partnership"].empty_label = _("All partnerships")


class EventForm(CrispyFormMixin, forms.ModelForm):
    """The event; its partnership is fixed (chosen before the form, or the event's own)."""

    class Meta:
        model = TrainingEvent
        fields = [
            "title",
            "topic",
            "host_organisation",
            "format",
            "venue",
            "city",
            "online_link",
            "start_date",
            "end_date",
            "time_zone",
            "capacity_per_organisation",
            "description",
            "learning_outcomes",
            "is_public",
        ]
        widgets = {
            "start_date": date_input(),
            "end_date": date_input(),
            "description": forms.Textarea(attrs={"rows": 4}),
            "learning_outcomes": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {"online_link": _("For an online or blended event: where participants join.")}

    def __init__(self, *args, partnership: Partnership, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.partnership = partnership
        self.instance.partnership = partnership
        self.members = (
            Organisation.objects.visible_to(user)
            .filter(partnership_memberships__partnership=partnership)
            .order_by("short_name")
        )
        host = self.fields["host_organisation"]
        host.queryset = self.members
        host.help_text = _("A member organisation of the partnership; its staff manage the event.")
        host.error_messages["invalid_choice"] = _("The host must be a member organisation of the partnership.")
        self.helper.layout = Layout(
            Fieldset(_("Event"), "title", "topic", "host_organisation", "description", "learning_outcomes"),
            Fieldset(_("Format and place"), "format", "venue", "city", "online_link"),
            Fieldset(_("Dates and places"), "start_date", "end_date", "capacity_per_organisation", "is_public"),
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The last day must not be before the first day."))
        elif start and end and self.instance.pk:
            outside = Session.objects.filter(event=self.instance).exclude(day__range=(start, end)).count()
            if outside:
                self.add_error(
                    None,
                    _("%(n)s session(s) of the agenda would fall outside these dates: move them first.")
                    % {"n": outside},
                )
        capacity = cleaned.get("capacity_per_organisation")
        if capacity and self.instance.pk:
            largest = (
                Participant.objects.filter(event=self.instance, status=Participant.Status.REGISTERED)
                .values("organisation_id")
                .annotate(n=Count("pk"))
                .order_by("-n")
                .values_list("n", flat=True)
                .first()
            )
            if largest and capacity < largest:
                self.add_error(
                    "capacity_per_organisation",
                    _("An organisation has already registered %(n)s people: allow at least that many places.")
                    % {"n": largest},
                )
        return cleaned


class SessionForm(CrispyFormMixin, forms.ModelForm):
    """One item of the agenda; `services.check_session` says whether its day and times fit the event."""

    class Meta:
        model = Session
        fields = ["title", "day", "start_time", "end_time", "speaker", "room"]
        widgets = {"day": date_input(), "start_time": time_input(), "end_time": time_input()}

    def __init__(self, *args, event: TrainingEvent, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        self.instance.event = event
        day = self.fields["day"]
        day.widget.attrs.update(min=event.start_date.isoformat(), max=event.end_date.isoformat())
        day.help_text = _("One of the event's days: %(start)s – %(end)s.") % {
            "start": event.start_date.isoformat(),
            "end": event.end_date.isoformat(),
        }
        if not self.is_bound and not self.instance.pk and event.days == 1:
            day.initial = event.start_date

    def clean(self):
        cleaned = super().clean()
        try:
            services.check_session(self.event, cleaned.get("day"), cleaned.get("start_time"), cleaned.get("end_time"))
        except ValidationError as error:
            add_service_errors(self, error)
        return cleaned


class RegistrationForm(CrispyFormMixin, forms.Form):
    """One person of the user's own organisation; `services.register` checks places and duplicates."""

    submit_label = _("Register")

    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.none())
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    email = forms.EmailField(label=_("Email"))
    position = forms.CharField(label=_("Position"), max_length=160, required=False)
    arrival_date = forms.DateField(label=_("Arrival"), required=False, widget=date_input())
    departure_date = forms.DateField(label=_("Departure"), required=False, widget=date_input())
    needs = forms.CharField(
        label=_("Needs"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Dietary, accessibility or other needs the host should know."),
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        field.queryset = organisations
        field.help_text = _("You register the staff of your own organisation.")
        options = list(organisations[:2])
        if len(options) == 1:
            field.initial = options[0]
            field.empty_label = None
        self.fields["email"].help_text = _(
            "A portal account with this address is linked to the registration (for the evaluation and certificate)."
        )
        self.helper.layout = Layout(
            Fieldset(_("Person"), "organisation", "first_name", "last_name", "email", "position"),
            Fieldset(_("Stay"), "arrival_date", "departure_date", "needs"),
        )

    def service_data(self) -> dict:
        return {key: value for key, value in self.cleaned_data.items() if key != "organisation"}


class AttendanceForm(forms.Form):
    """The attendance grid: one checkbox per (participant, session), named `present-<participant>-<session>`."""

    def __init__(self, *args, participants, sessions, marks: dict[tuple[int, int], bool], **kwargs):
        super().__init__(*args, **kwargs)
        self.participants = participants
        self.sessions = sessions
        for participant in participants:
            for session in sessions:
                self.fields[self.key(participant.pk, session.pk)] = forms.BooleanField(
                    required=False, initial=marks.get((participant.pk, session.pk), False)
                )

    @staticmethod
    def key(participant_id: int, session_id: int) -> str:
        return f"present-{participant_id}-{session_id}"

    def present(self) -> dict[tuple[int, int], bool]:
        return {
            (participant.pk, session.pk): bool(self.cleaned_data.get(self.key(participant.pk, session.pk)))
            for participant in self.participants
            for session in self.sessions
        }
