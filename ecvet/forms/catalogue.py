"""Catalogue forms and the list filter. Every choice comes from what the user may see or maintain."""

from decimal import Decimal

import django_filters
from django import forms
from django.db.models import Q, Sum
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from partners.forms import CrispyFormMixin
from partners.models import Organisation

from ..models import Qualification, Unit
from ..services.catalogue import UNIT_IN_USE_MESSAGE, unit_in_use


class QualificationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search (title, awarding body, unit)"), method="filter_search")
    country = django_filters.ChoiceFilter(label=_("Country"), choices=[])
    eqf_level = django_filters.ChoiceFilter(label=_("EQF level"), choices=[(n, str(n)) for n in range(1, 9)])
    sector = django_filters.CharFilter(label=_("Sector"), lookup_expr="icontains")
    organisation = django_filters.ModelChoiceFilter(label=_("Organisation"), queryset=Organisation.objects.none())

    class Meta:
        model = Qualification
        fields = ["q", "country", "eqf_level", "sector", "organisation"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        visible = Qualification.objects.visible_to(user)
        owners = visible.values("organisation_id")
        self.filters["organisation"].queryset = Organisation.objects.filter(pk__in=owners).order_by("short_name")
        codes = set(visible.values_list("country", flat=True).distinct())
        self.filters["country"].extra["choices"] = [(code, name) for code, name in countries if code in codes]

    def filter_search(self, queryset, name, value):
        q = Q()
        for word in value.split()[:5]:
            q &= (
                Q(title_original__icontains=word)
                | Q(title_en__icontains=word)
                | Q(awarding_body__icontains=word)
                | Q(units__title__icontains=word)
            )
        return queryset.filter(pk__in=Qualification.objects.filter(q).values("pk"))


class QualificationForm(CrispyFormMixin, forms.ModelForm):
    class Meta:
        model = Qualification
        fields = [
            "organisation",
            "title_original",
            "title_en",
            "country",
            "eqf_level",
            "nqf_level",
            "awarding_body",
            "sector",
            "total_ecvet_points",
            "is_example",
        ]

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["organisation"].help_text = _("The organisation that maintains this qualification description.")

    def clean_total_ecvet_points(self):
        total = self.cleaned_data.get("total_ecvet_points")
        if total is not None and self.instance.pk:
            used = self.instance.units.aggregate(total=Sum("ecvet_points"))["total"] or Decimal("0")
            if used > total:
                raise forms.ValidationError(
                    _("The units of this qualification already carry %(used)s ECVET points: the total cannot be less.")
                    % {"used": used}
                )
        return total


class UnitForm(CrispyFormMixin, forms.ModelForm):
    class Meta:
        model = Unit
        fields = [
            "reference",
            "title",
            "ecvet_points",
            "knowledge",
            "skills",
            "competence",
            "assessment_criteria",
            "order",
        ]
        widgets = {
            "knowledge": forms.Textarea(attrs={"rows": 4}),
            "skills": forms.Textarea(attrs={"rows": 4}),
            "competence": forms.Textarea(attrs={"rows": 4}),
            "assessment_criteria": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, qualification: Qualification, **kwargs):
        super().__init__(*args, **kwargs)
        self.qualification = qualification
        self.instance.qualification = qualification
        self.fields["ecvet_points"].help_text = _("From 0.5 to 60 (60 points = one year of full-time VET).")

    def clean_reference(self):
        reference = self.cleaned_data["reference"].strip()
        if self.qualification.units.exclude(pk=self.instance.pk).filter(reference__iexact=reference).exists():
            raise forms.ValidationError(_("Another unit of this qualification already has this code."))
        return reference

    def clean_ecvet_points(self):
        points = self.cleaned_data.get("ecvet_points")
        total = self.qualification.total_ecvet_points
        if points is not None and total is not None:
            others = self.qualification.units.exclude(pk=self.instance.pk).aggregate(total=Sum("ecvet_points"))[
                "total"
            ] or Decimal("0")
            if others + points > total:
                raise forms.ValidationError(
                    _(
                        "The units would carry %(sum)s ECVET points, more than the qualification's %(total)s "
                        "(%(free)s points are still free)."
                    )
                    % {"sum": others + points, "total": total, "free": max(total - others, Decimal("0"))}
                )
        return points


class UnitDeleteForm(CrispyFormMixin, forms.Form):
    submit_label = _("Delete the unit")

    confirm = forms.BooleanField(label=_("Yes, delete this unit and its learning outcomes"), required=True)

    def __init__(self, *args, unit: Unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.unit = unit

    def clean(self):
        cleaned = super().clean()
        if unit_in_use(self.unit):
            self.add_error("confirm", str(UNIT_IN_USE_MESSAGE))
        return cleaned
