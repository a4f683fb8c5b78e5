from django.contrib import admin

from partners.workflow_admin import StatusChangeInline, WorkflowAdminMixin

from .models import Application, ApplicationDocument, Call, Criterion, PanelMember, Score


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0


class PanelMemberInline(admin.TabularInline):
    model = PanelMember
    extra = 0
    raw_id_fields = ["user"]
    readonly_fields = ["declared_no_conflict_at"]


@admin.register(Call)
class CallAdmin(WorkflowAdminMixin, admin.ModelAdmin):
    list_display = ["title", "organisation", "partnership", "deadline", "places", "status"]
    list_filter = ["status", "partnership", "organisation"]
    search_fields = ["title", "title_local", "code"]
    date_hierarchy = "deadline"
    readonly_fields = ["code", "status", "published_at", "closed_at", "decided_at"]
    inlines = [CriterionInline, PanelMemberInline, StatusChangeInline]


class DocumentInline(admin.TabularInline):
    model = ApplicationDocument
    extra = 0
    readonly_fields = ["uploaded_at", "size"]


@admin.register(Application)
class ApplicationAdmin(WorkflowAdminMixin, admin.ModelAdmin):
    list_display = ["last_name", "first_name", "call", "status", "created_at"]
    list_filter = ["status", "call__organisation"]
    search_fields = ["last_name", "first_name", "email", "code"]
    raw_id_fields = ["call", "entered_by", "learner", "mobility"]
    readonly_fields = [
        "code",
        "status",
        "email_verified_at",
        "submitted_at",
        "ineligibility_reasons",
        "withdrawn_at",
        "decided_at",
        "erased_at",
    ]
    inlines = [DocumentInline, StatusChangeInline]


@admin.register(Score)
class ScoreAdmin(admin.ModelAdmin):
    list_display = ["application", "criterion", "assessor", "points"]
    list_filter = ["criterion__call"]
    raw_id_fields = ["application", "criterion", "assessor"]
