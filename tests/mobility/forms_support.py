"""Building the mobility form's POST data the way the page sends it (shared by the mobility form tests)."""

from datetime import date

from django.urls import reverse
from django.utils.functional import Promise

from mobility.models import Mobility

FORM_FIELDS = [
    "partnership",
    "receiving_organisation",
    "kind",
    "start_date",
    "end_date",
    "travel_days",
    "virtual_start",
    "virtual_end",
    "virtual_platform",
    "virtual_hours",
    "virtual_activities",
    "host_company",
    "host_address",
    "host_sector",
    "host_contact_name",
    "host_contact_email",
    "host_contact_phone",
    "planned_activities",
    "tutor",
    "tutor_responsibilities",
    "mentor",
    "mentor_responsibilities",
    "distance_km",
    "green_travel",
    "inclusion_support_costs",
    "expensive_travel_costs",
    "ols_licence",
]


def post_value(value):
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Promise):  # a lazily translated model default
        return str(value)
    return getattr(value, "pk", value)


def new_mobility_data(learner, partnership, receiving, /, **overrides):
    data = {
        "learner": learner.pk,
        "partnership": partnership.pk,
        "receiving_organisation": receiving.pk,
        "kind": Mobility.Kind.SHORT_TERM,
        "start_date": "2021-05-03",
        "end_date": "2021-05-30",
        "travel_days": "2",
        "virtual_start": "",
        "virtual_end": "",
        "virtual_platform": "",
        "virtual_hours": "",
        "virtual_activities": "",
        "host_company": "Salon Aurora",
        "host_address": "Laisvės al. 1, Kaunas",
        "host_sector": "Beauty salon",
        "host_contact_name": "Rūta",
        "host_contact_email": "ruta@aurora.example",
        "host_contact_phone": "",
        "planned_activities": "Manicure and pedicure under supervision.",
        "tutor": "",
        "tutor_responsibilities": "Prepare and follow the learner.",
        "mentor": "",
        "mentor_responsibilities": "Guide and assess.",
        "distance_km": "",
        "inclusion_support_costs": "0",
        "expensive_travel_costs": "0",
        "uses_ecvet": "on",  # the ticked checkbox, as the page sends it
    }
    data.update({key: post_value(value) for key, value in overrides.items()})
    return data


def edit_data(mobility, fields=FORM_FIELDS, **overrides):
    data = {name: post_value(getattr(mobility, name)) for name in fields}
    if mobility.uses_ecvet:
        data["uses_ecvet"] = "on"  # a ticked checkbox is sent; an unticked one is not
    data.update({key: post_value(value) for key, value in overrides.items()})
    return data


def create_url(learner=None):
    url = reverse("mobility:mobility_create")
    return f"{url}?learner={learner.code}" if learner else url
