from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import (
    AuditEntry,
    ContactPerson,
    Indicator,
    InternationalisationStrategy,
    Invitation,
    Membership,
    Organisation,
    Partnership,
    PartnershipMember,
    StrategyGoal,
    Topic,
    User,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organisation", "user"]
    fields = [
        "organisation",
        "user",
        "role",
        "is_active",
        "can_manage_partnership",
        "can_manage_organisation",
        "can_manage_mobilities",
        "can_sign_documents",
        "can_invite",
        "can_view_audit",
    ]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_active", "is_staff", "last_login"]
    list_filter = ["is_active", "is_staff", "is_superuser", "memberships__role", "memberships__organisation"]
    search_fields = ["email", "first_name", "last_name"]
    readonly_fields = ["code", "last_login", "date_joined"]
    fieldsets = (
        (None, {"fields": ("email", "password", "code")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "position", "phone", "language")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    inlines = [MembershipInline]


class ContactPersonInline(admin.TabularInline):
    model = ContactPerson
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["short_name", "legal_name", "kind", "country", "city", "oid", "pic"]
    list_filter = ["kind", "country"]
    search_fields = ["short_name", "legal_name", "oid", "pic", "city"]
    prepopulated_fields = {"slug": ["short_name"]}
    inlines = [ContactPersonInline, MembershipInline]


class PartnershipMemberInline(admin.TabularInline):
    model = PartnershipMember
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(Partnership)
class PartnershipAdmin(admin.ModelAdmin):
    list_display = ["acronym", "project_number", "key_action", "call_year", "start_date", "end_date", "eu_grant"]
    list_filter = ["key_action", "call_year", "topics"]
    search_fields = ["acronym", "title", "project_number"]
    prepopulated_fields = {"slug": ["acronym"]}
    filter_horizontal = ["topics"]
    date_hierarchy = "start_date"
    inlines = [PartnershipMemberInline]


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "is_active", "can_sign_documents", "can_invite"]
    list_filter = ["role", "is_active", "organisation", "can_sign_documents", "can_manage_mobilities"]
    search_fields = ["user__email", "user__last_name", "organisation__short_name"]
    autocomplete_fields = ["user", "organisation"]
    list_select_related = ["user", "organisation"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = [
        "email",
        "organisation",
        "role",
        "invited_by",
        "created_at",
        "expires_at",
        "accepted_at",
        "revoked_at",
    ]
    list_filter = ["role", "organisation"]
    search_fields = ["email"]
    readonly_fields = ["code", "token_hash", "accepted_at", "accepted_by", "invited_by"]
    list_select_related = ["organisation", "invited_by"]


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0
    fields = ["name", "unit", "baseline_value", "target_value", "current_value", "due_date"]


@admin.register(StrategyGoal)
class StrategyGoalAdmin(admin.ModelAdmin):
    list_display = ["title", "strategy", "order"]
    search_fields = ["title", "strategy__organisation__short_name"]
    list_select_related = ["strategy__organisation", "strategy__partnership"]
    inlines = [IndicatorInline]


class StrategyGoalInline(admin.StackedInline):
    model = StrategyGoal
    extra = 0
    show_change_link = True


@admin.register(InternationalisationStrategy)
class StrategyAdmin(admin.ModelAdmin):
    list_display = ["organisation", "partnership", "period_start", "period_end", "updated_at"]
    list_filter = ["partnership", "organisation__country"]
    search_fields = ["organisation__short_name", "partnership__acronym"]
    list_select_related = ["organisation", "partnership"]
    inlines = [StrategyGoalInline]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["name", "goal", "current_value", "target_value", "unit", "due_date", "value_updated_at"]
    list_filter = ["goal__strategy__partnership", "goal__strategy__organisation", "due_date"]
    search_fields = ["name", "goal__title"]
    list_select_related = ["goal"]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the audit trail is never edited, from the portal or from admin."""

    list_display = [
        "at",
        "actor_email",
        "verb",
        "object_type",
        "object_repr",
        "partnership",
        "organisation",
        "ip_address",
    ]
    list_filter = ["verb", "object_type", "partnership", "organisation"]
    search_fields = ["actor_email", "object_repr", "object_code", "ip_address"]
    date_hierarchy = "at"
    list_select_related = ["partnership", "organisation"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
