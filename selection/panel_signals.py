"""The reserve list moves up by itself (docs/selection.md): when a selected applicant of a decided call
withdraws — their application withdrawn (through their status link or by a coordinator), or the draft mobility
made for them cancelled — the first reserve is selected in the same transaction (`selection.panel`).

django-fsm's `post_transition` fires inside `partners.workflow.move`, within its transaction, so a refused or
rolled-back withdrawal promotes nobody.
"""

from __future__ import annotations

from django.dispatch import receiver
from django_fsm.signals import post_transition

from .models import Application


@receiver(post_transition, sender=Application, dispatch_uid="selection.panel.withdrawn")
def selected_applicant_withdrew(sender, instance, name, source, target, **kwargs):
    if source == Application.Status.SELECTED and target == Application.Status.WITHDRAWN:
        from .panel import on_application_withdrawn

        on_application_withdrawn(instance)


def connect_mobility():
    from mobility.models import Mobility

    @receiver(post_transition, sender=Mobility, dispatch_uid="selection.panel.mobility_cancelled", weak=False)
    def placed_mobility_cancelled(sender, instance, name, source, target, **kwargs):
        if target != Mobility.Status.CANCELLED:
            return
        from partners.workflow import move

        for application in Application.objects.select_for_update().filter(
            mobility_id=instance.pk, status=Application.Status.SELECTED
        ):
            # The learner no longer goes: their application is withdrawn, which moves the reserve list up.
            move(application, "withdraw", system=True, reason="mobility cancelled")


connect_mobility()
