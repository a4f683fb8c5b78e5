"""Filters of the learner and mobility lists. Every choice offered comes from what the user may see."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from partners.models import Organisation, Partnership, User
from partners.querysets import InSubquery
from partners.widgets import FastSelect

from .models import Learner, Mobility


def date_widget():
    return django_filters.widgets.forms.DateInput(attrs={"type": "date"})


def words_q(value: str, fields: list[str]) -> Q:
    """Every word must appear in one of `fields` (so "Lina Bakker" finds first + last name)."""
    q = Q()
    for word in search_words(value):
        any_field = Q()
        for field in fields:
            any_field |= Q(**{f"{field}__icontains": word})
        q &= any_field
    return q


def search_words(value: str) -> list[str]:
    return value.split()[:5]


def mobility_search_q(value: str) -> Q:
    """Every word in the learner's first or last name or in the host company (so "Lina Bakker" finds both names)."""
    q = Q()
    for word in search_words(value):
        learners = Learner.objects.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word)).values("pk")
        q &= Q(InSubquery("learner_id", learners)) | Q(host_company__icontains=word)
    return q


class MobilityFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search (learner or host company)"), method="filter_search")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Mobility.Status.choices, widget=FastSelect)
    partnership = django_filters.ModelChoiceFilter(
        label=_("Partnership"), queryset=Partnership.objects.none(), widget=FastSelect
    )
    start_from = django_filters.DateFilter(
        label=_("Starts on or after"), field_name="start_date", lookup_expr="gte", widget=date_widget()
    )
    start_to = django_filters.DateFilter(
        label=_("Starts on or before"), field_name="start_date", lookup_expr="lte", widget=date_widget()
    )
    host = django_filters.CharFilter(label=_("Host (organisation or company)"), method="filter_host")
    mentor = django_filters.ModelChoiceFilter(label=_("Mentor"), queryset=User.objects.none(), widget=FastSelect)

    class Meta:
        model = Mobility
        fields = ["q", "status", "partnership", "start_from", "start_to", "host", "mentor"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["partnership"].queryset = Partnership.objects.visible_to(user).order_by("acronym")
        # Mentors of this list's mobilities (the queryset given is the list, drawn from what the user may see), and
        # nobody else: a mentor offered here has rows to show.
        mentor_ids = self.queryset.filter(mentor__isnull=False).values("mentor_id")
        self.filters["mentor"].queryset = User.objects.filter(pk__in=mentor_ids).order_by("last_name", "first_name")

    def filter_search(self, queryset, name, value):
        return queryset.filter(mobility_search_q(value))

    def filter_host(self, queryset, name, value):
        return queryset.filter(
            Q(receiving_organisation__short_name__icontains=value)
            | Q(receiving_organisation__legal_name__icontains=value)
            | Q(host_company__icontains=value)
        )


class LearnerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name contains"), method="filter_name")
    home_organisation = django_filters.ModelChoiceFilter(
        label=_("Home organisation"), queryset=Organisation.objects.none(), widget=FastSelect
    )
    fewer_opportunities = django_filters.BooleanFilter(label=_("Fewer opportunities"))
    special_needs = django_filters.BooleanFilter(label=_("Special needs"))
    has_account = django_filters.BooleanFilter(
        label=_("Has a portal account"), field_name="user", lookup_expr="isnull", exclude=True
    )

    class Meta:
        model = Learner
        fields = ["q", "home_organisation", "fewer_opportunities", "special_needs", "has_account"]

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["home_organisation"].queryset = organisations

    def filter_name(self, queryset, name, value):
        return queryset.filter(words_q(value, ["first_name", "last_name"]))
