from django.contrib import admin

from .models import Cost, GrantAllocation


@admin.register(GrantAllocation)
class GrantAllocationAdmin(admin.ModelAdmin):
    list_display = ["partnership", "organisation", "line", "amount"]
    list_filter = ["line", "partnership"]
    search_fields = ["partnership__acronym", "organisation__short_name"]
    list_select_related = ["partnership", "organisation"]
    autocomplete_fields = ["partnership", "organisation"]


@admin.register(Cost)
class CostAdmin(admin.ModelAdmin):
    list_display = ["description", "partnership", "organisation", "line", "amount", "incurred_on", "paid_on"]
    list_filter = ["line", "partnership", ("paid_on", admin.EmptyFieldListFilter)]
    search_fields = ["description", "reference", "partnership__acronym", "organisation__short_name"]
    list_select_related = ["partnership", "organisation"]
    autocomplete_fields = ["partnership", "organisation", "recorded_by"]
    readonly_fields = ["code", "created_at", "updated_at"]
    date_hierarchy = "incurred_on"
