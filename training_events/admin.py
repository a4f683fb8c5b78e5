from django.contrib import admin

from partners.workflow_admin import StatusChangeInline, WorkflowAdminMixin

from .models import (
    Attendance,
    CalendarFeed,
    Certificate,
    EvaluationAnswer,
    EvaluationQuestion,
    EvaluationResponse,
    Material,
    Participant,
    Session,
    TrainingEvent,
)


class SessionInline(admin.TabularInline):
    model = Session
    extra = 0


class QuestionInline(admin.TabularInline):
    model = EvaluationQuestion
    extra = 0


@admin.register(TrainingEvent)
class TrainingEventAdmin(admin.ModelAdmin):
    list_display = ["title", "partnership", "host_organisation", "start_date", "end_date", "format", "is_public"]
    list_filter = ["format", "is_public", "partnership"]
    search_fields = ["title", "topic", "city"]
    date_hierarchy = "start_date"
    inlines = [SessionInline, QuestionInline]


@admin.register(Participant)
class ParticipantAdmin(WorkflowAdminMixin, admin.ModelAdmin):
    list_display = ["last_name", "first_name", "organisation", "event", "status"]
    list_filter = ["status", "event"]
    search_fields = ["first_name", "last_name", "email"]
    raw_id_fields = ["user", "registered_by"]
    readonly_fields = ["status"]
    inlines = [StatusChangeInline]


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    list_display = ["participant", "session", "present", "marked_at"]
    list_filter = ["present", "session__event"]


class AnswerInline(admin.TabularInline):
    model = EvaluationAnswer
    extra = 0
    readonly_fields = ["question", "scale", "text"]
    can_delete = False


@admin.register(EvaluationResponse)
class EvaluationResponseAdmin(admin.ModelAdmin):
    list_display = ["participant", "event", "submitted_at"]
    list_filter = ["event"]
    inlines = [AnswerInline]


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ["participant", "hours", "created_at"]
    readonly_fields = ["content"]
    search_fields = ["participant__last_name", "participant__email"]


@admin.register(Material)
class MaterialAdmin(admin.ModelAdmin):
    list_display = ["title", "event", "session", "kind", "size", "created_at"]
    list_filter = ["kind", "event"]


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at"]
    readonly_fields = ["token"]
