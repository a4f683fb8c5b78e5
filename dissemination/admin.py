from django.contrib import admin

from .models import Activity, Audience, DisseminationEvent, EventFile, PublicPage, PublicResult, ReachTarget


class AudienceInline(admin.TabularInline):
    model = Audience
    extra = 0


class EventFileInline(admin.TabularInline):
    model = EventFile
    extra = 0
    fields = ["kind", "title", "file", "size"]
    readonly_fields = ["size"]


@admin.register(DisseminationEvent)
class DisseminationEventAdmin(admin.ModelAdmin):
    list_display = ["title", "partnership", "organisation", "kind", "date", "is_public"]
    list_filter = ["kind", "format", "is_public", "partnership"]
    search_fields = ["title", "place"]
    date_hierarchy = "date"
    inlines = [AudienceInline, EventFileInline]


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ["title", "partnership", "organisation", "channel", "date", "reach", "is_public"]
    list_filter = ["channel", "is_public", "partnership"]
    search_fields = ["title", "link"]


@admin.register(ReachTarget)
class ReachTargetAdmin(admin.ModelAdmin):
    list_display = ["partnership", "group", "channel", "target"]
    list_filter = ["partnership"]


class PublicResultInline(admin.TabularInline):
    model = PublicResult
    extra = 0
    fields = ["order", "title", "link", "file", "is_public"]


@admin.register(PublicPage)
class PublicPageAdmin(admin.ModelAdmin):
    list_display = ["partnership", "enabled"]
    list_filter = ["enabled"]


@admin.register(PublicResult)
class PublicResultAdmin(admin.ModelAdmin):
    list_display = ["title", "partnership", "order", "is_public"]
    list_filter = ["is_public", "partnership"]
