from django.contrib import admin, messages
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import RenderedDocument
from .services import enqueue


@admin.register(RenderedDocument)
class RenderedDocumentAdmin(admin.ModelAdmin):
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
    actions = ["revoke", "send_again"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Revoke the selected PDFs (the verification page says so)"))
    def revoke(self, request, queryset):
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(request, _("%(n)s PDFs revoked.") % {"n": count}, messages.SUCCESS)

    @admin.action(description=_("Send the selected queued or failed PDFs to the worker again"))
    def send_again(self, request, queryset):
        rows = list(queryset.filter(status__in=[RenderedDocument.Status.QUEUED, RenderedDocument.Status.FAILED]))
        for row in rows:
            RenderedDocument.objects.filter(pk=row.pk).update(status=RenderedDocument.Status.QUEUED, error="")
            transaction.on_commit(lambda pk=row.pk: enqueue(pk))
        self.message_user(request, _("%(n)s PDFs sent again.") % {"n": len(rows)}, messages.SUCCESS)
