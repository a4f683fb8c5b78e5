"""Mobility forms: the sending side edits everything, the receiving side the host workplace and the mentor.

Choice fields start from what the user may see and pick; `clean` re-checks the rules about people and
organisations (mobility.services.mobilities.mobility_errors), so a forged POST gets field errors too.
"""

from decimal import Decimal

from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from partners.forms import CrispyFormMixin
from partners.models import Membership, Organisation, Partnership, Role

from ..access import TUTOR_ROLES, mentor_candidates, tutor_candidates
from ..models import Mobility
from ..models.mobilities import MENTOR_RESPONSIBILITIES, TUTOR_RESPONSIBILITIES
from ..services.mobilities import MENTOR_ELSEWHERE, TUTOR_ELSEWHERE, mobility_errors
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


class PersonSelect(forms.Select):
    """Each option names the organisations it belongs to (`data-organisation`, ids separated by spaces), so
    the page's script can keep only the people of the organisation chosen in another field."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex=subindex, attrs=attrs)
        user = getattr(value, "instance", None)
        if user is not None:
            ids = sorted({m.organisation_id for m in getattr(user, "candidate_memberships", [])})
            option["attrs"]["data-organisation"] = " ".join(str(i) for i in ids)
        return option


class PersonChoiceField(forms.ModelChoiceField):
    """A person, with the organisation(s) they belong to, so a name shared by two people is not ambiguous."""

    widget = PersonSelect

    def label_from_instance(self, user):
        name = user.get_full_name() or user.email
        organisations = sorted({m.organisation.short_name for m in getattr(user, "candidate_memberships", [])})
        return f"{name} ({', '.join(organisations)})" if organisations else name


def people_at(queryset, organisation_ids, roles=None):
    """`queryset` of users with their active memberships (in `roles`, if given) at these organisations, for the
    labels and the options' `data-organisation`."""
    memberships = Membership.objects.filter(organisation_id__in=organisation_ids, is_active=True)
    if roles is not None:
        memberships = memberships.filter(role__in=roles)
    return queryset.prefetch_related(
        Prefetch("memberships", queryset=memberships.select_related("organisation"), to_attr="candidate_memberships")
    )


def mentor_field_for(field, organisation_ids) -> None:
    """The mentors of these (receiving) organisations: active mentor memberships there (mobility.access)."""
    field.queryset = people_at(mentor_candidates(organisation_ids), organisation_ids, roles=[Role.MENTOR])


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


# Money of the stay beyond the dates (funding rules, docs/funding.md).
MONEY_FIELDS = ("inclusion_support_costs", "expensive_travel_costs")
GRANT_FIELDS = ("distance_km", "green_travel", *MONEY_FIELDS, "ols_licence")


class MobilityForm(MobilityRulesMixin, CrispyFormMixin, forms.ModelForm):
    """The sending side's form: everything about the mobility."""

    tutor = PersonChoiceField(
        label=_("Tutor (sending side)"),
        queryset=None,
        required=False,
        error_messages={"invalid_choice": TUTOR_ELSEWHERE},
    )
    mentor = PersonChoiceField(
        label=_("Mentor (host side)"),
        queryset=None,
        required=False,
        error_messages={"invalid_choice": MENTOR_ELSEWHERE},
    )
    # Only when creating (removed in __init__ otherwise): a stay recorded after the fact.
    mark_earlier_items_done = forms.BooleanField(
        label=_("The stay has already started or ended: mark the checklist items due before today as done"),
        required=False,
        help_text=_(
            "Only for a mobility recorded after the fact. Leave it unticked for a stay still to come, or to "
            "tick the earlier items one by one; items due from today on stay open either way."
        ),
    )

    class Meta:
        model = Mobility
        fields = [
            "learner",
            "partnership",
            "receiving_organisation",
            "kind",
            "uses_ecvet",
            "start_date",
            "end_date",
            "travel_days",
            *VIRTUAL_FIELDS,
            *HOST_FIELDS,
            "planned_activities",
            "tutor",
            "tutor_responsibilities",
            *MENTOR_FIELDS,
            *GRANT_FIELDS,
        ]
        widgets = {
            "start_date": date_input(),
            "end_date": date_input(),
            "virtual_start": date_input(),
            "virtual_end": date_input(),
            "host_address": forms.Textarea(attrs={"rows": 2}),
            "virtual_activities": forms.Textarea(attrs={"rows": 3}),
            "planned_activities": forms.Textarea(attrs={"rows": 4}),
            "tutor_responsibilities": forms.Textarea(attrs={"rows": 3, "placeholder": TUTOR_RESPONSIBILITIES}),
            "mentor_responsibilities": forms.Textarea(attrs={"rows": 3, "placeholder": MENTOR_RESPONSIBILITIES}),
        }
        help_texts = {
            "virtual_start": _("Fill in this part only for a blended mobility (virtual + physical)."),
            "distance_km": _("Leave empty to compute it from the two organisations' coordinates."),
        }

    def __init__(self, *args, user, learners=None, sending_organisation_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        for name in MONEY_FIELDS:
            # 0 unless entered: most stays have neither inclusion costs nor expensive travel.
            self.fields[name].required = False
            self.fields[name].widget.attrs.update({"min": "0", "step": "0.01"})
        if self.instance.pk:
            # The learner (and so the sending organisation) is fixed once the mobility exists.
            del self.fields["learner"]
            del self.fields["mark_earlier_items_done"]
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
        self.fields["tutor"].queryset = people_at(tutor_candidates(sending_ids), sending_ids, roles=TUTOR_ROLES)
        self.fields["tutor"].help_text = _("A member of staff of the sending organisation.")
        if not self.is_bound and not self.instance.pk:
            for name in ("partnership", "receiving_organisation"):
                options = list(self.fields[name].queryset[:2])
                if len(options) == 1:
                    # The only possible choice: preselect it.
                    self.fields[name].initial = options[0]
        if self.instance.pk and self.instance.status not in (Mobility.Status.DRAFT, Mobility.Status.PLANNED):
            # Whether the ECVET chain decides the status is settled once the mobility is agreed.
            self.fields["uses_ecvet"].disabled = True
        elif not self.is_bound and not self.instance.pk:
            chosen = self.fields["partnership"].initial
            if chosen is not None:
                self.fields["uses_ecvet"].initial = chosen.uses_ecvet
        host = self._chosen_host(receiving)
        # The mentors of the chosen host; before one is chosen, those of every possible host, each option
        # naming its organisation so the page's script keeps only the chosen host's (without the script, the
        # server refuses another host's mentor and shows the right list again).
        mentor_field_for(self.fields["mentor"], [host] if host else list(receiving.values_list("pk", flat=True)))
        self.fields["mentor"].widget.attrs["data-people-of"] = self["receiving_organisation"].auto_id
        self.fields["mentor"].help_text = _(
            "A mentor at the receiving organisation chosen above (a company mentor is invited to it as a mentor first)."
        )
        self.helper.layout = Layout(
            Fieldset(
                _("People and organisations"),
                *(["learner"] if "learner" in self.fields else []),
                "partnership",
                "receiving_organisation",
                "kind",
                "uses_ecvet",
            ),
            Fieldset(
                _("Physical period"),
                "start_date",
                "end_date",
                "travel_days",
                *(["mark_earlier_items_done"] if "mark_earlier_items_done" in self.fields else []),
            ),
            Fieldset(_("Virtual component (blended mobility)"), *VIRTUAL_FIELDS),
            Fieldset(_("Host workplace"), *HOST_FIELDS),
            Fieldset(_("Planned learning activities"), "planned_activities"),
            Fieldset(_("Tutor and mentor"), "tutor", "tutor_responsibilities", *MENTOR_FIELDS),
            Fieldset(_("Grant"), *GRANT_FIELDS),
        )

    def clean_inclusion_support_costs(self):
        return self.cleaned_data.get("inclusion_support_costs") or Decimal("0")

    def clean_expensive_travel_costs(self):
        return self.cleaned_data.get("expensive_travel_costs") or Decimal("0")

    def _chosen_host(self, receiving) -> int | None:
        """The receiving organisation chosen in the submitted data (if it is one of the choices), else the
        mobility's or the preselected one."""
        if self.is_bound:
            value = self.data.get(self.add_prefix("receiving_organisation"))
            try:
                return receiving.filter(pk=int(value)).values_list("pk", flat=True).first()
            except (TypeError, ValueError):
                return None
        if self.instance.pk:
            return self.instance.receiving_organisation_id
        initial = self.fields["receiving_organisation"].initial
        return initial.pk if initial is not None else None

    def clean(self):
        cleaned = super().clean()
        learner = cleaned.get("learner") if "learner" in self.fields else self.instance.learner
        if learner is not None:
            # The sending organisation is always the learner's home organisation.
            self.instance.sending_organisation = learner.home_organisation
        return cleaned


class HostForm(MobilityRulesMixin, CrispyFormMixin, forms.ModelForm):
    """The receiving side's form: the host workplace and the mentor only."""

    mentor = PersonChoiceField(
        label=_("Mentor (host side)"),
        queryset=None,
        required=False,
        error_messages={"invalid_choice": MENTOR_ELSEWHERE},
    )

    class Meta:
        model = Mobility
        fields = [*HOST_FIELDS, *MENTOR_FIELDS]
        widgets = {
            "host_address": forms.Textarea(attrs={"rows": 2}),
            "mentor_responsibilities": forms.Textarea(attrs={"rows": 3, "placeholder": MENTOR_RESPONSIBILITIES}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        mentor_field_for(self.fields["mentor"], [self.instance.receiving_organisation_id])
        self.fields["mentor"].help_text = _(
            "A mentor at your organisation (a company mentor is invited to it as a mentor first)."
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


class NoAssessmentForm(forms.Form):
    no_assessment_reason = forms.CharField(
        label=_("Why there is no assessment"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text=_("E.g. the learner left the placement early. Kept with the mobility and in its history."),
    )
