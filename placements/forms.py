"""Forms of the placements pages: a host company with its mentors, a placement, placing a learner, the
catalogue's filters.

Every choice comes from what the user may see: the mentor picker offers the keeping organisation's mentors
only (`mobility.access.mentor_candidates`), a placement's mentor one of its host's mentors, its partnership
one the keeping organisation belongs to. A forged choice is a field error; the services check again.
"""

from __future__ import annotations

import django_filters
from crispy_forms.helper import FormHelper
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import F, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries

from mobility.access import mentor_candidates
from mobility.models import Learner
from partners.models import Organisation, User

from .models import HostCompany, Placement, Sector


def date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def add_service_errors(form, error: ValidationError) -> None:
    """A service's ValidationError as form errors: on the field it names when the form has it, else form-wide."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


def plain_helper() -> FormHelper:
    """Crispy renders the fields; the template writes the <form> tag and its buttons."""
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    return helper


class PersonChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        name = obj.get_full_name()
        return f"{name} ({obj.email})" if name else obj.email


class HostCompanyForm(forms.ModelForm):
    class Meta:
        model = HostCompany
        fields = [
            "name",
            "sector",
            "occupations",
            "street",
            "postcode",
            "city",
            "country",
            "languages",
            "contact_name",
            "contact_email",
            "contact_phone",
            "mentors",
            "minimum_age",
            "minimum_eqf_level",
            "accessibility",
            "insurance_notes",
            "is_active",
        ]
        widgets = {
            "occupations": forms.Textarea(attrs={"rows": 2}),
            "accessibility": forms.Textarea(attrs={"rows": 3}),
            "insurance_notes": forms.Textarea(attrs={"rows": 3}),
            "mentors": forms.CheckboxSelectMultiple(),
        }
        field_classes = {"mentors": PersonChoice}

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.organisation = organisation
        self.fields["mentors"].queryset = mentor_candidates([organisation.pk])
        self.fields["mentors"].help_text = _(
            "People with a mentor account at %(organisation)s. Invite a company mentor to the organisation as a "
            "mentor first."
        ) % {"organisation": organisation.short_name}
        self.fields["mentors"].error_messages["invalid_choice"] = _("Choose mentors of the keeping organisation only.")
        self.helper = plain_helper()

    def clean(self):
        cleaned = super().clean()
        # HostCompany.clean checks the mentors being saved, not those saved before.
        self.instance.pending_mentors = list(cleaned.get("mentors") or [])
        return cleaned


class PlacementForm(forms.ModelForm):
    class Meta:
        model = Placement
        fields = [
            "partnership",
            "title",
            "occupation",
            "eqf_level",
            "start_date",
            "end_date",
            "places",
            "languages",
            "mentor",
            "conditions",
        ]
        widgets = {
            "start_date": date_input(),
            "end_date": date_input(),
            "conditions": forms.Textarea(attrs={"rows": 3}),
        }
        # The portal's existing labels, already translated (the model's lower-case names are new msgids).
        labels = {"mentor": gettext_lazy("Mentor"), "places": gettext_lazy("Places")}

    def __init__(self, *args, host: HostCompany, partnerships, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.host = host
        self.fields["partnership"].queryset = partnerships
        self.fields["partnership"].error_messages["invalid_choice"] = _(
            "Choose a partnership the host's keeping organisation belongs to."
        )
        self.fields["mentor"].queryset = host.mentors.order_by("last_name", "first_name", "email")
        self.fields["mentor"].error_messages["invalid_choice"] = _("Choose one of the host's mentors.")
        self.fields["mentor"].label_from_instance = lambda u: u.get_full_name() or u.email
        if not self.instance.pk and not self.initial.get("languages"):
            self.initial["languages"] = host.languages
        self.helper = plain_helper()


class PlaceLearnerForm(forms.Form):
    learner = forms.ModelChoiceField(label=gettext_lazy("Learner"), queryset=Learner.objects.none())

    def __init__(self, *args, learners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["learner"].queryset = learners
        self.fields["learner"].label_from_instance = lambda learner: (
            f"{learner.last_name}, {learner.first_name} ({learner.home_organisation.short_name})"
        )
        self.fields["learner"].help_text = _(
            "Learners of your organisation(s). A draft mobility is created for the placement's period, with its mentor."
        )
        self.fields["learner"].error_messages["invalid_choice"] = _("Choose one of your organisation's learners.")
        self.helper = plain_helper()


def date_widget():
    return django_filters.widgets.forms.DateInput(attrs={"type": "date"})


class CatalogueFilter(django_filters.FilterSet):
    """The catalogue's filters; the cities, countries and occupations offered are those of the catalogue."""

    city = django_filters.ChoiceFilter(label=gettext_lazy("City"), field_name="host__city", choices=[])
    country = django_filters.ChoiceFilter(label=gettext_lazy("Country"), field_name="host__country", choices=[])
    sector = django_filters.ChoiceFilter(
        label=gettext_lazy("Sector"), field_name="host__sector", choices=Sector.choices
    )
    occupation = django_filters.CharFilter(label=gettext_lazy("Occupation contains"), method="filter_occupation")
    available_from = django_filters.DateFilter(
        label=gettext_lazy("Ends on or after"), field_name="end_date", lookup_expr="gte", widget=date_widget()
    )
    available_to = django_filters.DateFilter(
        label=gettext_lazy("Starts on or before"), field_name="start_date", lookup_expr="lte", widget=date_widget()
    )
    free_only = django_filters.BooleanFilter(
        label=gettext_lazy("Only with free places"), method="filter_free", widget=forms.CheckboxInput
    )

    class Meta:
        model = Placement
        fields = ["city", "country", "sector", "occupation", "available_from", "available_to", "free_only"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        places = self.queryset.order_by().values_list("host__city", "host__country").distinct()
        pairs = set(places)
        self.filters["city"].extra["choices"] = sorted({(c, c) for c, _ in pairs}, key=lambda c: c[1].casefold())
        names = dict(countries)
        self.filters["country"].extra["choices"] = sorted(
            {(code, names.get(code, code)) for _, code in pairs}, key=lambda c: str(c[1])
        )

    def filter_occupation(self, queryset, name, value):
        words = value.split()[:5]
        for word in words:
            queryset = queryset.filter(Q(occupation__icontains=word) | Q(host__occupations__icontains=word))
        return queryset

    def filter_free(self, queryset, name, value):
        if value:
            return queryset.filter(taken__lt=F("places"))
        return queryset
