from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partners import workflow
from partners.workflow_admin import StatusChangeInline, WorkflowAdminMixin

from .models import RenderedDocument
from .services import enqueue


@admin.register(RenderedDocument)
class RenderedDocumentAdmin(WorkflowAdminMixin, admin.ModelAdmin):
    list_display = (
        "code",
        "content_type",
        "object_id",
        "status",
        "attempts",
        "pages",
        "file_size",
        "created_at",
        "revoked_at",
    )
    list_filter = ("status", "content_type", ("revoked_at", admin.EmptyFieldListFilter))
    search_fields = ("code", "content_sha256", "file_sha256", "verify_token")
    readonly_fields = [f.name for f in RenderedDocument._meta.fields if f.name not in ("revoked_reason",)]
    inlines = [StatusChangeInline]
    actions = ["revoke", "send_again"]

    def has_add_permission(self, request):
        return False

    def _apply_fsm_transition(self, *, obj, transition_name, request, kwargs=None) -> bool:
        moved = super()._apply_fsm_transition(obj=obj, transition_name=transition_name, request=request, kwargs=kwargs)
        if moved and transition_name == "retry":
            # To the worker at once, not at the next relay.
            transaction.on_commit(lambda pk=obj.pk: enqueue(pk))
        return moved

    @admin.action(description=_("Revoke the selected PDFs (the verification page says so)"))
    def revoke(self, request, queryset):
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(request, _("%(n)s PDFs revoked.") % {"n": count}, messages.SUCCESS)

    @admin.action(description=_("Send the selected queued or failed PDFs to the worker again"))
    def send_again(self, request, queryset):
        rows = list(
            queryset.filter(status__in=[RenderedDocument.Status.QUEUED, RenderedDocument.Status.FAILED])
            .select_related("content_type", "partnership")
            .order_by("pk")
        )
        sent = 0
        for row in rows:
            if row.status == RenderedDocument.Status.FAILED:
                try:
                    workflow.move(row, "retry", by=request.user, request=request)
                except (workflow.Refused, PermissionDenied):
                    continue  # changed meanwhile, or not the user's to retry
            transaction.on_commit(lambda pk=row.pk: enqueue(pk))
            sent += 1
        self.message_user(request, _("%(n)s PDFs sent again.") % {"n": sent}, messages.SUCCESS)
