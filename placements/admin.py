from django.contrib import admin

from partners.workflow_admin import StatusChangeInline, WorkflowAdminMixin

from .models import HostCompany, Placement


class PlacementInline(admin.TabularInline):
    model = Placement
    extra = 0
    fields = ["title", "partnership", "start_date", "end_date", "places", "mentor", "status"]
    readonly_fields = ["status"]
    raw_id_fields = ["mentor"]
    show_change_link = True


@admin.register(HostCompany)
class HostCompanyAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "city", "country", "sector", "is_active"]
    list_filter = ["sector", "is_active", "country", "organisation"]
    search_fields = ["name", "city", "occupations"]
    raw_id_fields = ["mentors"]
    inlines = [PlacementInline]


@admin.register(Placement)
class PlacementAdmin(WorkflowAdminMixin, admin.ModelAdmin):
    list_display = ["title", "host", "partnership", "start_date", "end_date", "places", "status"]
    list_filter = ["status", "partnership", "host__sector"]
    search_fields = ["title", "occupation", "host__name", "host__city"]
    date_hierarchy = "start_date"
    raw_id_fields = ["mentor"]
    readonly_fields = ["status"]
    inlines = [StatusChangeInline]
