"""Django admin for workflow models: the status is read-only, its moves are buttons that go through
`partners.workflow.move` (same map, guards, permissions, history and audit as the portal), and the
history is listed under the record."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.contenttypes.admin import GenericTabularInline
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm.admin import FSMAdminMixin

from . import workflow
from .models import StatusChange


class ReasonForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class StatusChangeInline(GenericTabularInline):
    model = StatusChange
    ct_field = "content_type"
    ct_fk_field = "object_id"
    extra = 0
    can_delete = False
    fields = ("at", "field", "from_state", "to_state", "transition", "by", "reason")
    readonly_fields = fields
    verbose_name_plural = gettext_lazy("history")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class WorkflowAdminMixin(FSMAdminMixin):
    fsm_fields = ["status"]

    @staticmethod
    def get_fsm_block_label(fsm_field_name: str) -> str:
        return _("Move")

    def get_fsm_label(self, transition) -> str:
        return str((transition.custom or {}).get("label") or transition.name.replace("_", " "))

    def get_help_text(self, transition) -> str:
        return str((transition.custom or {}).get("help_text") or "")

    def get_fsm_transition_form(self, transition):
        if (transition.custom or {}).get("reason_required"):
            return ReasonForm
        return super().get_fsm_transition_form(transition)

    def response_change(self, request, obj):
        name = request.POST.get(self.fsm_post_param)
        if name and not hasattr(getattr(obj, name, None), "_django_fsm"):
            self.message_user(request, _("Unknown move."), level=messages.ERROR)
            request.POST = request.POST.copy()
            request.POST.pop(self.fsm_post_param)
        return super().response_change(request, obj)

    # Moves whose effects reach beyond the record (freezing the content, e-mails to the parties, the checklist)
    # are made by their service, which calls `workflow.move` itself: {move name: "app.services.x.function"},
    # each called as function(obj, by=, request=[, reason=]).
    move_services: dict[str, str] = {}

    def _apply_fsm_transition(self, *, obj, transition_name, request, kwargs=None) -> bool:
        reason = (kwargs or {}).get("reason", "")
        declared = workflow.declared_transition(obj, transition_name)
        if declared is not None and not self.is_fsm_transition_visible(declared):
            # A move kept out of the admin (e.g. only its service may make it): refused even if posted, saying
            # where it is made (custom={"admin": False, "made_where": …}).
            where = (declared.custom or {}).get("made_where") or _("This change is not made here.")
            self.message_user(request, str(where), level=messages.ERROR)
            return False
        service = self.move_services.get(transition_name)
        try:
            if service is None:
                workflow.move(obj, transition_name, by=request.user, reason=reason, request=request)
            else:
                extra = {"reason": reason} if kwargs and "reason" in kwargs else {}
                import_string(service)(obj, by=request.user, request=request, **extra)
        except ValidationError as error:  # workflow.Refused, or a service's own refusal
            self.message_user(request, " ".join(error.messages), level=messages.ERROR)
            return False
        except (PermissionDenied, TypeError) as error:
            self.message_user(request, str(error) or _("You may not make this change."), level=messages.ERROR)
            return False
        self.message_user(
            request,
            _("Done: %(label)s.") % {"label": workflow.move_label(obj, transition_name)},
            level=messages.SUCCESS,
        )
        return True
