"""Mobility forms: the sending side edits everything, the receiving side the host workplace and the mentor.

Choice fields start from what the user may see and pick; `clean` re-checks the rules about people and
organisations (mobility.services.mobilities.mobility_errors), so a forged POST gets field errors too.
"""

from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from partners.forms import CrispyFormMixin
from partners.models import Membership, Organisation, Partnership

from ..models import Mobility
from ..services.mobilities import mentor_candidates, mobility_errors, tutor_candidates
from .learners import date_input

HOST_FIELDS = [
    "host_company",
    "host_address",
    "host_sector",
    "host_contact_name",
    "host_contact_email",
    "host_contact_phone",
]
MENTOR_FIELDS = ["mentor", "mentor_responsibilities"]
VIRTUAL_FIELDS = ["virtual_start", "virtual_end", "virtual_platform", "virtual_hours", "virtual_activities"]


class PersonChoiceField(forms.ModelChoiceField):
    """A person, with the organisation(s) they belong to, so a name shared by two people is not ambiguous."""

    def label_from_instance(self, user):
        name = user.get_full_name() or user.email
        organisations = sorted({m.organisation.short_name for m in getattr(user, "candidate_memberships", [])})
        return f"{name} ({', '.join(organisations)})" if organisations else name


def people_at(queryset, organisation_ids):
    """`queryset` of users with their active memberships at these organisations, for the labels."""
    return queryset.prefetch_related(
        Prefetch(
            "memberships",
            queryset=Membership.objects.filter(organisation_id__in=organisation_ids, is_active=True).select_related(
                "organisation"
            ),
            to_attr="candidate_memberships",
        )
    )


class MobilityRulesMixin:
    """Model and service rules become field errors; a rule about a field this form does not show
    becomes a form-wide error instead of a crash."""

    def _update_errors(self, errors):
        if hasattr(errors, "error_dict"):
            remapped: dict[str, list] = {}
            for field, messages in errors.error_dict.items():
                key = field if field in self.fields else NON_FIELD_ERRORS
                remapped.setdefault(key, []).extend(messages)
            errors = ValidationError(remapped)
        super()._update_errors(errors)

    def _post_clean(self):
        super()._post_clean()
        extra: dict[str, list] = {}
        for field, messages in mobility_errors(self.instance).items():
            key = field if field in self.fields else NON_FIELD_ERRORS
            shown = set(self.errors.get(key, []))
            extra.setdefault(key, []).extend(m for m in messages if m not in shown)
        extra = {key: messages for key, messages in extra.items() if messages}
        if extra:
            self.add_error(None, ValidationError(extra))


class MobilityForm(MobilityRulesMixin, CrispyFormMixin, forms.ModelForm):
    """The sending side's form: everything about the mobility."""

    tutor = PersonChoiceField(label=_("Tutor (sending side)"), queryset=None, required=False)
    mentor = PersonChoiceField(label=_("Mentor (host side)"), queryset=None, required=False)

    class Meta:
        model = Mobility
        fields = [
            "learner",
            "partnership",
            "receiving_organisation",
            "kind",
            "start_date",
            "end_date",
            "travel_days",
            *VIRTUAL_FIELDS,
            *HOST_FIELDS,
            "planned_activities",
            "tutor",
            "tutor_responsibilities",
            *MENTOR_FIELDS,
            "distance_km",
        ]
        widgets = {
            "start_date": date_input(),
            "end_date": date_input(),
            "virtual_start": date_input(),
            "virtual_end": date_input(),
            "host_address": forms.Textarea(attrs={"rows": 2}),
            "virtual_activities": forms.Textarea(attrs={"rows": 3}),
            "planned_activities": forms.Textarea(attrs={"rows": 4}),
            "tutor_responsibilities": forms.Textarea(attrs={"rows": 3}),
            "mentor_responsibilities": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "virtual_start": _("Fill in this part only for a blended mobility (virtual + physical)."),
            "distance_km": _("Leave empty to compute it from the two organisations' coordinates."),
        }

    def __init__(self, *args, user, learners=None, sending_organisation_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if self.instance.pk:
            # The learner (and so the sending organisation) is fixed once the mobility exists.
            del self.fields["learner"]
            sending_ids = [self.instance.sending_organisation_id]
        else:
            self.fields["learner"].queryset = learners
            sending_ids = list(sending_organisation_ids)
        partnerships = Partnership.objects.visible_to(user).filter(members__organisation_id__in=sending_ids).distinct()
        self.fields["partnership"].queryset = partnerships
        receiving = (
            Organisation.objects.visible_to(user)
            .filter(partnership_memberships__partnership__in=partnerships)
            .distinct()
            .order_by("short_name")
        )
        if len(sending_ids) == 1:
            receiving = receiving.exclude(pk=sending_ids[0])
        self.fields["receiving_organisation"].queryset = receiving
        mentor_orgs = [self.instance.receiving_organisation_id] if self.instance.pk else receiving.values("pk")
        self.fields["mentor"].queryset = people_at(mentor_candidates(mentor_orgs), mentor_orgs)
        self.fields["tutor"].queryset = people_at(tutor_candidates(sending_ids), sending_ids)
        self.fields["mentor"].help_text = _(
            "Someone with a portal account at the receiving organisation (a company mentor can be invited)."
        )
        self.fields["tutor"].help_text = _("A member of staff of the sending organisation.")
        if not self.is_bound and not self.instance.pk:
            for name in ("partnership", "receiving_organisation"):
                options = list(self.fields[name].queryset[:2])
                if len(options) == 1:
                    # The only possible choice: preselect it.
                    self.fields[name].initial = options[0]
        self.helper.layout = Layout(
            Fieldset(
                _("People and organisations"),
                *(["learner"] if "learner" in self.fields else []),
                "partnership",
                "receiving_organisation",
                "kind",
            ),
            Fieldset(_("Physical period"), "start_date", "end_date", "travel_days"),
            Fieldset(_("Virtual component (blended mobility)"), *VIRTUAL_FIELDS),
            Fieldset(_("Host workplace"), *HOST_FIELDS),
            Fieldset(_("Planned learning activities"), "planned_activities"),
            Fieldset(_("Tutor and mentor"), "tutor", "tutor_responsibilities", *MENTOR_FIELDS),
            Fieldset(_("Travel distance"), "distance_km"),
        )

    def clean(self):
        cleaned = super().clean()
        learner = cleaned.get("learner") if "learner" in self.fields else self.instance.learner
        if learner is not None:
            # The sending organisation is always the learner's home organisation.
            self.instance.sending_organisation = learner.home_organisation
        return cleaned


class HostForm(MobilityRulesMixin, CrispyFormMixin, forms.ModelForm):
    """The receiving side's form: the host workplace and the mentor only."""

    mentor = PersonChoiceField(label=_("Mentor (host side)"), queryset=None, required=False)

    class Meta:
        model = Mobility
        fields = [*HOST_FIELDS, *MENTOR_FIELDS]
        widgets = {
            "host_address": forms.Textarea(attrs={"rows": 2}),
            "mentor_responsibilities": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        receiving = [self.instance.receiving_organisation_id]
        self.fields["mentor"].queryset = people_at(mentor_candidates(receiving), receiving)
        self.fields["mentor"].help_text = _(
            "Someone with a portal account at your organisation (a company mentor can be invited)."
        )
        self.helper.layout = Layout(
            Fieldset(_("Host workplace"), *HOST_FIELDS),
            Fieldset(_("Mentor"), *MENTOR_FIELDS),
        )


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for cancelling"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text=_("Required; kept in the status history."),
    )
