from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from .models import CountryGroup, DailyRate, OrganisationalSupportRate, RuleSet, TravelBand
from .services import copy_rule_set


class TravelBandInline(admin.TabularInline):
    model = TravelBand
    extra = 0


class CountryGroupInline(admin.TabularInline):
    model = CountryGroup
    extra = 0


class DailyRateInline(admin.TabularInline):
    model = DailyRate
    extra = 0


class OrganisationalSupportRateInline(admin.TabularInline):
    model = OrganisationalSupportRate
    extra = 0


class CopyForm(forms.Form):
    national_agency = forms.RegexField(
        label=_("National Agency"),
        regex=r"^([A-Z]{2}\d{2})?$",
        required=False,
        help_text=_("E.g. LT01; empty for a later edition of the guide."),
    )
    from_call_year = forms.IntegerField(label=_("from call year"), min_value=2014, max_value=2100)
    name = forms.CharField(label=_("name"), max_length=200)


@admin.register(RuleSet)
class RuleSetAdmin(admin.ModelAdmin):
    list_display = ["name", "scheme", "from_call_year", "national_agency", "confirmed"]
    list_filter = ["scheme", "confirmed", "national_agency"]
    inlines = [TravelBandInline, CountryGroupInline, DailyRateInline, OrganisationalSupportRateInline]
    actions = ["copy"]

    @admin.action(description=_("Copy for a National Agency or a later call year"))
    def copy(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Choose exactly one rule set to copy."), messages.ERROR)
            return None
        source = queryset.get()
        form = CopyForm(
            request.POST if "apply" in request.POST else None,
            initial={"from_call_year": source.from_call_year, "name": source.name},
        )
        if form.is_valid():
            try:
                copy = copy_rule_set(source, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.message_user(request, _("Copied: %(name)s. Enter the agency's amounts.") % {"name": copy.name})
                return redirect("admin:funding_ruleset_change", copy.pk)
        return render(
            request,
            "admin/funding/copy_rule_set.html",
            {**self.admin_site.each_context(request), "form": form, "source": source, "opts": self.model._meta},
        )
