"""Filters of the API lists. They only narrow the caller's visible set (each view starts from
`visible_to`), so filtering by another organisation's slug finds nothing rather than leaking it."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from rest_framework.filters import OrderingFilter

from documents.models import RenderedDocument
from mobility.filters import words_q
from mobility.models import Learner, Mobility
from partners.models import Organisation, Partnership
from training_events.models import TrainingEvent


class StableOrderingFilter(OrderingFilter):
    """?ordering=…, with the primary key last so pages never repeat or skip rows that tie."""

    def filter_queryset(self, request, queryset, view):
        ordering = self.get_ordering(request, queryset, view)
        if ordering:
            return queryset.order_by(*ordering, "pk")
        return queryset


class IntegerFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


class StrictFilterSet(django_filters.FilterSet):
    """A parameter given with an empty value is a 400, not silently ignored: a client that sends
    `?start_to=` has a bug worth hearing about (and the schema says the value is a date)."""

    def is_valid(self):
        valid = super().is_valid()
        for name in self.filters:
            values = self.data.getlist(name) if hasattr(self.data, "getlist") else [self.data.get(name)]
            if name in self.data and any(value == "" for value in values):
                self.form.add_error(name, _("Give a value, or leave the parameter out."))
                valid = False
        return valid


class OrganisationFilter(StrictFilterSet):
    country = django_filters.CharFilter(field_name="country", lookup_expr="iexact", help_text=_("ISO code, e.g. LT."))
    type = django_filters.ChoiceFilter(field_name="kind", choices=Organisation.Kind.choices)
    partnership = django_filters.CharFilter(
        field_name="partnership_memberships__partnership__slug", distinct=True, help_text=_("Partnership slug.")
    )

    class Meta:
        model = Organisation
        fields = ["country", "type", "partnership"]


class PartnershipFilter(StrictFilterSet):
    key_action = django_filters.ChoiceFilter(choices=Partnership.KeyAction.choices)
    call_year = IntegerFilter()
    organisation = django_filters.CharFilter(
        field_name="members__organisation__slug", distinct=True, help_text=_("Organisation slug.")
    )

    class Meta:
        model = Partnership
        fields = ["key_action", "call_year", "organisation"]


class LearnerFilter(StrictFilterSet):
    home_organisation = django_filters.CharFilter(field_name="home_organisation__slug", help_text=_("Slug."))
    q = django_filters.CharFilter(method="filter_search", help_text=_("Words of the first or last name."))

    class Meta:
        model = Learner
        fields = ["home_organisation", "q"]

    def filter_search(self, queryset, name, value):
        return queryset.filter(words_q(value, ["first_name", "last_name"]))


class MobilityFilter(StrictFilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Mobility.Status.choices)
    kind = django_filters.ChoiceFilter(choices=Mobility.Kind.choices)
    partnership = django_filters.CharFilter(field_name="partnership__slug", help_text=_("Partnership slug."))
    sending_organisation = django_filters.CharFilter(field_name="sending_organisation__slug")
    receiving_organisation = django_filters.CharFilter(field_name="receiving_organisation__slug")
    learner = django_filters.UUIDFilter(field_name="learner__code", help_text=_("Learner code."))
    start_from = django_filters.DateFilter(field_name="start_date", lookup_expr="gte")
    start_to = django_filters.DateFilter(field_name="start_date", lookup_expr="lte")

    class Meta:
        model = Mobility
        fields = [
            "status",
            "kind",
            "partnership",
            "sending_organisation",
            "receiving_organisation",
            "learner",
            "start_from",
            "start_to",
        ]


class DocumentFilter(StrictFilterSet):
    status = django_filters.ChoiceFilter(choices=RenderedDocument.Status.choices)
    partnership = django_filters.CharFilter(field_name="partnership__slug", help_text=_("Partnership slug."))
    mobility = django_filters.UUIDFilter(field_name="mobility__code", help_text=_("Mobility code."))

    class Meta:
        model = RenderedDocument
        fields = ["status", "partnership", "mobility"]


class TrainingEventFilter(StrictFilterSet):
    partnership = django_filters.CharFilter(field_name="partnership__slug", help_text=_("Partnership slug."))
    host_organisation = django_filters.CharFilter(field_name="host_organisation__slug")
    # Not "format": DRF reads ?format= as the answer's format.
    event_format = django_filters.ChoiceFilter(field_name="format", choices=TrainingEvent.Format.choices)
    start_from = django_filters.DateFilter(field_name="start_date", lookup_expr="gte")
    start_to = django_filters.DateFilter(field_name="start_date", lookup_expr="lte")

    class Meta:
        model = TrainingEvent
        fields = ["partnership", "host_organisation", "event_format", "start_from", "start_to"]
