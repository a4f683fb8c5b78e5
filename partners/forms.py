from decimal import Decimal

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth import password_validation
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from .models import (
    ContactPerson,
    Indicator,
    InternationalisationStrategy,
    Invitation,
    Membership,
    Organisation,
    Partnership,
    PartnershipMember,
    Right,
    Role,
    StrategyGoal,
    User,
)
from .models.people import DEFAULT_RIGHTS
from .models.strategy import Unit

RIGHT_FIELDS = [right.value for right in Right]


class CrispyFormMixin:
    submit_label = _("Save")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", self.submit_label))


class OrganisationForm(CrispyFormMixin, forms.ModelForm):
    class Meta:
        model = Organisation
        fields = [
            "legal_name",
            "short_name",
            "kind",
            "country",
            "city",
            "latitude",
            "longitude",
            "oid",
            "pic",
            "address",
            "website",
            "email",
            "phone",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The contact formset is rendered in the same <form>.
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the page's own <form> carries the token
        self.helper.inputs = []
        self.fields["latitude"].help_text = _(
            "Of the city, in decimal degrees; used to compute Erasmus+ distance bands. Leave latitude and "
            "longitude both empty to look them up from the city and country (towns of 5,000 inhabitants or "
            "more); if the city is not found they stay empty: enter them by hand."
        )
        # None: no look-up made; True: filled from the city; False: the city was not found.
        self.city_found: bool | None = None
        self._filled_from_city: list[str] = []

    def clean(self):
        cleaned = super().clean()
        # Manual coordinates always win: look up only when both are left empty.
        city, country = cleaned.get("city"), cleaned.get("country")
        if cleaned.get("latitude") is None and cleaned.get("longitude") is None and city and country:
            from .geo import find_city

            coords = find_city(city, str(country))
            self.city_found = coords is not None
            if coords is not None:
                quantum = Decimal("0.000001")
                cleaned["latitude"] = Decimal(str(coords[0])).quantize(quantum)
                cleaned["longitude"] = Decimal(str(coords[1])).quantize(quantum)
                self._filled_from_city = ["latitude", "longitude"]
        return cleaned

    @property
    def changed_data(self):
        # Coordinates filled from the city count as changed (the audit row lists them).
        return sorted({*super().changed_data, *self._filled_from_city})

    @property
    def city_lookup_message(self) -> str:
        """A non-blocking note for the page after saving ("" when there is nothing to say)."""
        if self.city_found is False:
            return _(
                "The city was not found in the gazetteer, so the coordinates stay empty and travel distances "
                "cannot be computed: enter the latitude and longitude by hand."
            )
        return ""


class NewOrganisationForm(OrganisationForm):
    """A new partner organisation, created from a partnership page."""

    role = forms.ChoiceField(
        label=_("Role in the partnership"),
        choices=[c for c in PartnershipMember.Role.choices if c[0] != PartnershipMember.Role.COORDINATOR],
    )

    class Meta(OrganisationForm.Meta):
        fields = ["slug", *OrganisationForm.Meta.fields]
        help_texts = {"slug": _("Short lowercase name used in addresses, e.g. “nova-college”.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.form_tag = True
        self.helper.add_input(Submit("submit", _("Add organisation")))


ContactPersonFormSet = inlineformset_factory(
    Organisation,
    ContactPerson,
    fields=["name", "position", "email", "phone", "is_primary"],
    extra=1,
    can_delete=True,
)


class PartnershipForm(CrispyFormMixin, forms.ModelForm):
    class Meta:
        model = Partnership
        fields = [
            "title",
            "acronym",
            "project_number",
            "key_action",
            "action",
            "action_type",
            "call_year",
            "topics",
            "start_date",
            "end_date",
            "eu_grant",
            "objectives",
            "uses_ecvet",
        ]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "topics": forms.CheckboxSelectMultiple,
        }

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date must not be before the start date."))
        return cleaned


class NewPartnershipForm(PartnershipForm):
    slug = forms.SlugField(label=_("Slug"), help_text=_("Short lowercase name used in addresses, e.g. “vision”."))
    coordinator = forms.ModelChoiceField(
        label=_("Coordinating organisation"),
        queryset=Organisation.objects.none(),
    )

    class Meta(PartnershipForm.Meta):
        fields = ["slug", *PartnershipForm.Meta.fields]

    def __init__(self, *args, coordinator_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["coordinator"].queryset = coordinator_choices


class AddMemberForm(CrispyFormMixin, forms.Form):
    submit_label = _("Add to partnership")
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.none())
    role = forms.ChoiceField(
        label=_("Role in the partnership"),
        choices=[c for c in PartnershipMember.Role.choices if c[0] != PartnershipMember.Role.COORDINATOR],
    )

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class InvitationForm(CrispyFormMixin, forms.ModelForm):
    submit_label = _("Send invitation")

    class Meta:
        model = Invitation
        fields = ["email", "first_name", "last_name", "organisation", "role", *RIGHT_FIELDS]

    def __init__(self, *args, organisations=None, roles=None, scope=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope = scope
        self.fields["organisation"].queryset = organisations
        if organisations is not None and organisations.count() == 1:
            self.fields["organisation"].initial = organisations.first()
        self.fields["role"].choices = [c for c in Role.choices if c[0] in roles]

    def clean(self):
        cleaned = super().clean()
        role, organisation = cleaned.get("role"), cleaned.get("organisation")
        if role and not any(cleaned.get(name) for name in RIGHT_FIELDS):
            # Leaving every right unticked means "the role's usual rights" — those the inviter may grant.
            for name in RIGHT_FIELDS:
                cleaned[name] = name in DEFAULT_RIGHTS[role] and (
                    organisation is None or self.scope is None or self.scope.can_grant(name, organisation)
                )
        elif organisation is not None:
            check_grantable(self, self.scope, organisation)
        return cleaned


def check_grantable(form, scope, organisation, before=None) -> None:
    """Field errors for rights the user ticked but may not grant (see Scope.can_grant)."""
    if scope is None:
        return
    for name in RIGHT_FIELDS:
        newly_given = form.cleaned_data.get(name) and not (before is not None and getattr(before, name))
        if newly_given and not scope.can_grant(name, organisation):
            form.add_error(name, _("You cannot grant a right you do not hold yourself."))


class MembershipForm(CrispyFormMixin, forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["role", "is_active", *RIGHT_FIELDS]

    def __init__(self, *args, roles=None, scope=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope = scope
        # The rights as stored, before this form's data is applied to the instance.
        self.before = Membership(**{name: getattr(self.instance, name) for name in RIGHT_FIELDS})
        self.fields["role"].choices = [c for c in Role.choices if c[0] in roles]

    def clean(self):
        cleaned = super().clean()
        check_grantable(self, self.scope, self.instance.organisation_id, before=self.before)
        return cleaned


class AcceptInvitationForm(CrispyFormMixin, forms.Form):
    submit_label = _("Set password and sign in")
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password (again)"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email="", **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords differ."))
        if p1:
            from .models import User

            probe = User(
                email=self.email, first_name=cleaned.get("first_name", ""), last_name=cleaned.get("last_name", "")
            )
            try:
                password_validation.validate_password(p1, probe)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class StrategyForm(CrispyFormMixin, forms.ModelForm):
    class Meta:
        model = InternationalisationStrategy
        fields = ["summary", "period_start", "period_end"]
        widgets = {
            "period_start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "period_end": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The end must not be before the start."))
        return cleaned


class GoalForm(CrispyFormMixin, forms.ModelForm):
    class Meta:
        model = StrategyGoal
        fields = ["title", "description", "order"]


class IndicatorForm(CrispyFormMixin, forms.ModelForm):
    """The unit is one of the common ones (stored as its key, shown in each reader's language) or typed."""

    OTHER = "other"
    unit_choice = forms.ChoiceField(label=_("Unit"))
    unit_other = forms.CharField(
        label=_("Other unit"), max_length=40, required=False, help_text=_("Only when the unit is not in the list.")
    )

    class Meta:
        model = Indicator
        fields = ["name", "unit_choice", "unit_other", "baseline_value", "target_value", "current_value", "due_date"]
        widgets = {"due_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit_choice"].choices = [("", "---------"), *Unit.choices, (self.OTHER, _("Other (type it)"))]
        unit = self._unit_before = self.instance.unit
        if unit:
            self.initial.setdefault("unit_choice", unit if unit in Unit.values else self.OTHER)
            if unit not in Unit.values:
                self.initial.setdefault("unit_other", unit)

    def clean(self):
        cleaned = super().clean()
        choice, other = cleaned.get("unit_choice"), (cleaned.get("unit_other") or "").strip()
        if choice == self.OTHER and not other:
            self.add_error("unit_other", _("Type the unit, or choose one from the list."))
        elif choice:
            self.instance.unit = other if choice == self.OTHER else choice
        return cleaned

    @property
    def changed_data(self) -> list[str]:
        """The model's fields that changed (the audit's list): the two unit fields are the one `unit`."""
        names = [name for name in super().changed_data if name not in ("unit_choice", "unit_other")]
        return sorted([*names, "unit"]) if self.instance.unit != self._unit_before else names


class IndicatorValueForm(CrispyFormMixin, forms.Form):
    submit_label = _("Update")
    current_value = forms.DecimalField(label=_("Current value"), max_digits=12, decimal_places=2, min_value=0)


class ProfileForm(CrispyFormMixin, forms.ModelForm):
    """What a person edits about themselves (email and password have their own allauth pages)."""

    class Meta:
        model = User
        fields = ["first_name", "last_name", "position", "phone", "language", "receives_digest"]

    def save(self, commit=True):
        user = super().save(commit=False)
        if commit:
            # Only the profile's own columns: the daily digest's `last_digest_on`, written under a row lock while
            # this page was open, must not be put back to what the page loaded.
            user.save(update_fields=self.Meta.fields)
        return user
