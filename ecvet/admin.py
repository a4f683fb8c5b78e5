from django.contrib import admin
from django.contrib.contenttypes.admin import GenericTabularInline

from partners.workflow_admin import StatusChangeInline, WorkflowAdminMixin

from .models import (
    Approval,
    GrantAgreement,
    GrantPayment,
    LearningAgreement,
    LearningAgreementUnit,
    LearningAgreementVersion,
    Memorandum,
    MemorandumParty,
    MemorandumUnit,
    Qualification,
    Unit,
)


class UnitInline(admin.StackedInline):
    model = Unit
    extra = 0
    fields = ["reference", "title", "ecvet_points", "knowledge", "skills", "competence", "assessment_criteria", "order"]


@admin.register(Qualification)
class QualificationAdmin(admin.ModelAdmin):
    list_display = [
        "title_en",
        "title_original",
        "organisation",
        "country",
        "eqf_level",
        "nqf_level",
        "sector",
        "is_example",
    ]
    list_filter = ["country", "eqf_level", "sector", "is_example", "organisation"]
    search_fields = ["title_en", "title_original", "awarding_body"]
    list_select_related = ["organisation"]
    inlines = [UnitInline]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["reference", "title", "qualification", "ecvet_points"]
    list_filter = ["qualification__country", "qualification"]
    search_fields = ["reference", "title", "skills", "knowledge", "competence"]
    list_select_related = ["qualification"]


class ApprovalInline(GenericTabularInline):
    """Read-only: approvals are written by the approval service only."""

    model = Approval
    extra = 0
    can_delete = False
    fields = [
        "party",
        "organisation",
        "decision",
        "signer_name",
        "signer_position",
        "signer_email",
        "at",
        "ip_address",
        "content_sha256",
        "comment",
    ]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class MemorandumPartyInline(admin.TabularInline):
    model = MemorandumParty
    extra = 0
    autocomplete_fields = ["organisation"]


class MemorandumUnitInline(admin.TabularInline):
    model = MemorandumUnit
    extra = 0
    autocomplete_fields = ["unit"]


@admin.register(Memorandum)
class MemorandumAdmin(WorkflowAdminMixin, admin.ModelAdmin):
    list_display = ["title", "version", "status", "partnership", "valid_from", "valid_until"]
    list_filter = ["status", "partnership"]
    search_fields = ["title"]
    readonly_fields = ["code", "status"]
    filter_horizontal = ["qualifications"]
    inlines = [MemorandumPartyInline, MemorandumUnitInline, ApprovalInline, StatusChangeInline]
    move_services = {
        "send_for_approval": "ecvet.services.memoranda.send_for_approval",
        "terminate": "ecvet.services.memoranda.terminate",
    }


class VersionInline(admin.TabularInline):
    model = LearningAgreementVersion
    extra = 0
    fields = ["number", "status", "reason_code", "sent_at", "content_sha256"]
    readonly_fields = fields
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(LearningAgreement)
class LearningAgreementAdmin(admin.ModelAdmin):
    list_display = ["mobility", "created_at"]
    search_fields = ["mobility__learner__last_name", "code"]
    list_select_related = ["mobility__learner", "mobility__receiving_organisation"]
    readonly_fields = ["code", "mobility"]
    inlines = [VersionInline]


class LearningAgreementUnitInline(admin.TabularInline):
    model = LearningAgreementUnit
    extra = 0
    autocomplete_fields = ["unit"]


@admin.register(LearningAgreementVersion)
class LearningAgreementVersionAdmin(WorkflowAdminMixin, admin.ModelAdmin):
    list_display = ["agreement", "number", "status", "reason_code", "sent_at"]
    list_filter = ["status", "reason_code"]
    search_fields = ["agreement__mobility__learner__last_name"]
    readonly_fields = ["code", "status", "content_sha256", "sent_at"]
    list_select_related = ["agreement__mobility__learner", "agreement__mobility__receiving_organisation"]
    inlines = [LearningAgreementUnitInline, ApprovalInline, StatusChangeInline]
    move_services = {
        "send_for_approval": "ecvet.services.agreements.send_for_approval",
        "withdraw": "ecvet.services.agreements.withdraw",
    }


@admin.register(Approval)
class ApprovalAdmin(admin.ModelAdmin):
    list_display = ["at", "signer_name", "party", "organisation", "decision", "content_type", "object_id"]
    list_filter = ["decision", "content_type"]
    search_fields = ["signer_name", "signer_email", "content_sha256"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- Europass Mobility -------------------------------------------------------------------------------
from .models import EuropassMobility  # noqa: E402


@admin.register(EuropassMobility)
class EuropassMobilityAdmin(WorkflowAdminMixin, admin.ModelAdmin):
    list_display = ["mobility", "status", "updated_at"]
    list_filter = ["status"]
    search_fields = ["mobility__learner__last_name", "code"]
    list_select_related = ["mobility__learner", "mobility__receiving_organisation"]
    readonly_fields = ["code", "mobility", "status", "frozen_content"]
    inlines = [ApprovalInline, StatusChangeInline]
    # Approving and refusing are the signers' (system moves of the approval service), never an admin button.
    move_services = {"send_for_approval": "ecvet.services.europass.send_for_approval"}


# --- Personal Transcripts ------------------------------------------------------------------------------
from .models import Transcript, TranscriptEntry, TranscriptUnit  # noqa: E402


class TranscriptEntryInline(admin.TabularInline):
    model = TranscriptEntry
    extra = 0
    fields = ["unit_reference", "outcome", "method", "assessed_on", "assessor", "result", "evidence"]


class TranscriptUnitInline(admin.TabularInline):
    model = TranscriptUnit
    extra = 0
    autocomplete_fields = ["unit"]


@admin.register(Transcript)
class TranscriptAdmin(WorkflowAdminMixin, admin.ModelAdmin):
    list_display = ["mobility", "status", "decision", "decided_on", "updated_at"]
    list_filter = ["status", "decision"]
    search_fields = ["mobility__learner__last_name", "code"]
    list_select_related = ["mobility__learner", "mobility__receiving_organisation"]
    readonly_fields = ["code", "mobility", "assessment", "status", "frozen_content"]
    inlines = [TranscriptEntryInline, TranscriptUnitInline, ApprovalInline, StatusChangeInline]
    # Approving and refusing are the host signer's (system moves of the approval service), never an admin button.
    move_services = {"send_for_approval": "ecvet.services.transcripts.send_for_approval"}


class GrantPaymentInline(admin.TabularInline):
    """Read-only: payments are recorded on the agreement's page (ecvet.services.grants.record_payment checks them)."""

    model = GrantPayment
    extra = 0
    can_delete = False
    fields = ["paid_on", "kind", "amount", "reference", "recorded_by", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(GrantAgreement)
class GrantAgreementAdmin(WorkflowAdminMixin, admin.ModelAdmin):
    list_display = ["mobility", "version", "status", "support", "report_requested_on", "report_submitted_on"]
    list_filter = ["status", "support"]
    search_fields = ["mobility__learner__last_name", "code", "mobility__activity_id"]
    list_select_related = ["mobility__learner", "mobility__receiving_organisation"]
    # Terms, payments and the report are changed on the agreement's page, whose services check them.
    readonly_fields = [
        "code",
        "mobility",
        "status",
        "version",
        "support",
        "in_kind_description",
        "in_kind_value",
        "prefinancing_percent",
        "report_requested_on",
        "report_submitted_on",
        "frozen_content",
    ]
    inlines = [GrantPaymentInline, ApprovalInline, StatusChangeInline]
    move_services = {
        "send_for_approval": "ecvet.services.grants.send_for_approval",
        "amend": "ecvet.services.grants.amend",
    }

    def has_add_permission(self, request, obj=None):
        # Started from the mobility by its sending organisation (ecvet.services.grants.start_grant_agreement).
        return False
