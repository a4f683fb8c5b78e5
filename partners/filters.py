import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import AuditEntry, Organisation


class OrganisationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name contains"), method="filter_name")
    kind = django_filters.ChoiceFilter(label=_("Type"), choices=Organisation.Kind.choices)
    country = django_filters.ChoiceFilter(label=_("Country"), choices=[])

    class Meta:
        model = Organisation
        fields = ["q", "kind", "country"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Offer only the countries of organisations the user can see.
        countries = {(o.country.code, o.country.name) for o in self.queryset.only("country")}
        self.filters["country"].extra["choices"] = sorted(countries, key=lambda c: c[1])

    def filter_name(self, queryset, name, value):
        return queryset.filter(Q(short_name__icontains=value) | Q(legal_name__icontains=value))


class AuditFilter(django_filters.FilterSet):
    verb = django_filters.ChoiceFilter(label=_("What"), choices=AuditEntry.Verb.choices)
    actor = django_filters.CharFilter(
        label=_("Who (email contains)"), field_name="actor_email", lookup_expr="icontains"
    )
    since = django_filters.DateFilter(
        label=_("From"),
        field_name="at",
        lookup_expr="date__gte",
        widget=django_filters.widgets.forms.DateInput(attrs={"type": "date"}),
    )
    until = django_filters.DateFilter(
        label=_("Until"),
        field_name="at",
        lookup_expr="date__lte",
        widget=django_filters.widgets.forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = AuditEntry
        fields = ["verb", "actor", "since", "until"]
