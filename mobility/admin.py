from django.contrib import admin
from django.db.models import Max, Min
from django.utils.translation import gettext_lazy as _

from partners.workflow_admin import StatusChangeInline as WorkflowHistoryInline
from partners.workflow_admin import WorkflowAdminMixin

from .models import (
    AssessmentItem,
    AssessmentResult,
    ChecklistItem,
    ChecklistTemplateItem,
    Learner,
    LearnerAnswer,
    LearnerReport,
    MentorAssessment,
    Mobility,
    MobilityStatusChange,
    SoftSkillRating,
    SurveyQuestion,
)


@admin.register(Learner)
class LearnerAdmin(admin.ModelAdmin):
    list_display = [
        "last_name",
        "first_name",
        "home_organisation",
        "eqf_level",
        "fewer_opportunities",
        "special_needs",
        "consent_given_on",
    ]
    list_filter = ["home_organisation", "gender", "fewer_opportunities", "special_needs", "eqf_level"]
    search_fields = ["first_name", "last_name", "email"]
    autocomplete_fields = ["home_organisation", "user"]
    readonly_fields = ["code", "anonymised_at"]
    list_select_related = ["home_organisation"]


class StatusChangeInline(admin.TabularInline):
    model = MobilityStatusChange
    extra = 0
    readonly_fields = ["from_status", "to_status", "by", "at", "reason"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class ChecklistItemInline(admin.TabularInline):
    model = ChecklistItem
    extra = 0
    fields = [
        "title",
        "category",
        "responsible",
        "due_date",
        "done_at",
        "done_by",
        "note",
        "evidence",
        "chain_event",
        "done_automatically",
        "evidence_url",
    ]
    # Set by the chain (mobility.services.checklists.record_chain_event), not by hand.
    readonly_fields = ["chain_event", "done_automatically", "evidence_url"]
    autocomplete_fields = ["done_by"]


class StartYearFilter(admin.SimpleListFilter):
    """The year the stay starts, offered from the first to the last start date: two index lookups, where a date
    hierarchy reads every row for its distinct years (23 ms at 25,000 mobilities, half the page)."""

    title = _("start year")
    parameter_name = "start_year"

    def lookups(self, request, model_admin):
        bounds = model_admin.get_queryset(request).aggregate(first=Min("start_date"), last=Max("start_date"))
        if bounds["first"] is None:
            return []
        return [(str(year), str(year)) for year in range(bounds["last"].year, bounds["first"].year - 1, -1)]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(start_date__year=int(value))
        return queryset


@admin.register(Mobility)
class MobilityAdmin(WorkflowAdminMixin, admin.ModelAdmin):
    list_display = [
        "learner",
        "sending_organisation",
        "receiving_organisation",
        "partnership",
        "kind",
        "status",
        "start_date",
        "end_date",
        "mentor",
    ]
    list_filter = [
        "status",
        "kind",
        StartYearFilter,
        "partnership",
        "sending_organisation",
        "receiving_organisation",
    ]
    search_fields = ["learner__first_name", "learner__last_name", "host_company", "code"]
    autocomplete_fields = [
        "learner",
        "sending_organisation",
        "receiving_organisation",
        "partnership",
        "mentor",
        "tutor",
    ]
    readonly_fields = ["code", "status"]
    list_select_related = ["learner", "sending_organisation", "receiving_organisation", "partnership", "mentor"]
    # A network has tens of thousands of mobilities: 50 rows a page, and no second count of the unfiltered table.
    list_per_page = 50
    show_full_result_count = False
    inlines = [ChecklistItemInline, StatusChangeInline]


@admin.register(ChecklistTemplateItem)
class ChecklistTemplateItemAdmin(admin.ModelAdmin):
    list_display = ["title", "partnership", "category", "responsible", "anchor", "offset_days", "order"]
    list_filter = ["partnership", "category", "responsible"]
    search_fields = ["title"]
    list_editable = ["order"]


@admin.register(ChecklistItem)
class ChecklistItemAdmin(admin.ModelAdmin):
    list_display = ["title", "mobility", "responsible", "due_date", "done_at"]
    list_filter = ["category", "responsible", "mobility__partnership"]
    search_fields = ["title", "mobility__learner__last_name"]
    list_select_related = ["mobility__learner", "mobility__receiving_organisation"]
    date_hierarchy = "due_date"


class AssessmentResultInline(admin.TabularInline):
    model = AssessmentResult
    extra = 0


class SoftSkillRatingInline(admin.TabularInline):
    model = SoftSkillRating
    extra = 0


@admin.register(MentorAssessment)
class MentorAssessmentAdmin(WorkflowAdminMixin, admin.ModelAdmin):
    list_display = ["mobility", "version", "status", "assessor", "submitted_at"]
    list_filter = ["status", "mobility__partnership"]
    search_fields = ["mobility__learner__last_name", "assessor__email"]
    readonly_fields = ["code", "status", "submitted_at"]
    list_select_related = ["mobility__learner", "mobility__receiving_organisation", "assessor"]
    inlines = [AssessmentResultInline, SoftSkillRatingInline, WorkflowHistoryInline]

    def _apply_fsm_transition(self, *, obj, transition_name, request, kwargs=None) -> bool:
        from .services.assessments import record_submission

        moved = super()._apply_fsm_transition(obj=obj, transition_name=transition_name, request=request, kwargs=kwargs)
        if moved and transition_name == "submit":
            # The checklist's tick follows in the same transaction (the admin's change view is atomic), as when
            # the mentor submits.
            record_submission(obj, by=request.user, request=request)
        return moved


@admin.register(AssessmentItem)
class AssessmentItemAdmin(admin.ModelAdmin):
    list_display = ["text", "mobility", "unit_code", "source", "order"]
    list_filter = ["source"]
    search_fields = ["text", "unit_code"]
    list_select_related = ["mobility__learner", "mobility__receiving_organisation"]


@admin.register(SurveyQuestion)
class SurveyQuestionAdmin(admin.ModelAdmin):
    list_display = ["text", "partnership", "kind", "required", "order", "is_active"]
    list_filter = ["partnership", "kind", "is_active"]
    search_fields = ["text"]


class LearnerAnswerInline(admin.TabularInline):
    model = LearnerAnswer
    extra = 0


@admin.register(LearnerReport)
class LearnerReportAdmin(admin.ModelAdmin):
    list_display = ["mobility", "submitted_at"]
    list_filter = ["mobility__partnership"]
    search_fields = ["mobility__learner__last_name"]
    list_select_related = ["mobility__learner", "mobility__receiving_organisation"]
    inlines = [LearnerAnswerInline]
