"""Forms of the event pages: the event, its agenda, registration and the partnership filter.

Choice fields start from what the user may pick (`training_events.access`); `clean` re-checks the rules
(host is a member, dates in order, a session on one of the event's days, the person registered is staff of
the registering organisation), so a forged POST gets field errors rather than a crash. Every field a form
requires is rendered by its template (tests/training_events/test_rendered_forms.py submits the page's own
form).
"""

from __future__ import annotations

from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from partners.forms import CrispyFormMixin
from partners.models import Organisation, Partnership, User

from .. import access, services, zones
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
    """The event; its partnership is fixed (chosen before the form, or the event's own).

    The time zone is a visible choice among the zone names; left at its first option it is the host
    organisation's zone (`zones.zone_for_organisation`), which is also what a new event starts with."""

    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        required=False,
        help_text=_(
            "The agenda's times are local times of this zone. Leave “the host's time zone” to use the host "
            "organisation's (from its country)."
        ),
    )

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
        zone = self.fields["time_zone"]
        names = list(zones.zone_names())
        if self.instance.pk and self.instance.time_zone not in names:
            names.append(self.instance.time_zone)  # a zone stored before the list existed stays choosable
        zone.choices = [("", _("The host's time zone")), *((name, name) for name in names)]
        zone.error_messages["invalid_choice"] = _("Unknown time zone; choose one of the list.")
        if self.instance.pk:
            self.initial["time_zone"] = self.instance.time_zone
        else:
            self.initial.pop("time_zone", None)  # the model's default is not the host's: follow the host
        self.helper.layout = Layout(
            Fieldset(_("Event"), "title", "topic", "host_organisation", "description", "learning_outcomes"),
            Fieldset(_("Format and place"), "format", "venue", "city", "online_link"),
            Fieldset(
                _("Dates and places"), "start_date", "end_date", "time_zone", "capacity_per_organisation", "is_public"
            ),
        )

    def clean_time_zone(self):
        name = self.cleaned_data.get("time_zone") or ""
        if name and not zones.is_zone(name):
            raise ValidationError(_("Unknown time zone; choose one of the list."))
        return name

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("time_zone") and "time_zone" not in self.errors:
            cleaned["time_zone"] = zones.zone_for_organisation(cleaned.get("host_organisation"))
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


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        name = obj.get_full_name() or obj.email
        return f"{name} <{obj.email}>" if name != obj.email else name


class RegistrationForm(CrispyFormMixin, forms.Form):
    """One person of the user's own organisation: a member of its staff picked from the list
    (`access.registrable_people`: active memberships other than learner), or a colleague without a portal
    account typed in. `services.register` checks places and duplicates, and refuses an address that belongs
    to an account that is not the organisation's staff."""

    submit_label = _("Register")

    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.none())
    person = PersonChoiceField(
        label=_("Member of staff"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Someone without a portal account (fill in below)"),
        help_text=_("Staff of your organisation with a portal account; name and e-mail are taken from it."),
    )
    first_name = forms.CharField(label=_("First name"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=100, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
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
        person = self.fields["person"]
        person.queryset = access.registrable_people(organisations.values("pk")).order_by(
            "last_name", "first_name", "email"
        )
        person.error_messages["invalid_choice"] = _("Choose a member of your organisation's staff.")
        self.fields["email"].help_text = _(
            "A portal account with this address is linked to the registration (for the evaluation and certificate)."
        )
        self.helper.layout = Layout(
            Fieldset(_("Person"), "organisation", "person", "first_name", "last_name", "email", "position"),
            Fieldset(_("Stay"), "arrival_date", "departure_date", "needs"),
        )

    def clean(self):
        cleaned = super().clean()
        person, organisation = cleaned.get("person"), cleaned.get("organisation")
        if person is not None:
            if organisation is not None and not access.is_registrable(person, organisation.pk):
                self.add_error("person", _("Choose a member of the chosen organisation's staff."))
            cleaned["first_name"] = person.first_name or cleaned.get("first_name") or person.email
            cleaned["last_name"] = person.last_name or cleaned.get("last_name") or ""
            cleaned["email"] = person.email
            cleaned["position"] = cleaned.get("position") or getattr(person, "position", "") or ""
        elif "person" not in self.errors:
            for name in ("first_name", "last_name", "email"):
                if not cleaned.get(name) and name not in self.errors:
                    self.add_error(name, _("Pick a member of staff above, or fill this in."))
        return cleaned

    def service_data(self) -> dict:
        return {key: value for key, value in self.cleaned_data.items() if key not in ("organisation", "person")}


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
