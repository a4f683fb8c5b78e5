"""The "My training" panel on the home dashboard: the events the user is registered for — upcoming ones with
their dates, past ones with the evaluation still to answer or the certificate ready. One query."""

from __future__ import annotations

from django.utils import timezone

from partners.dashboard import register_panel

from . import services
from .models import Participant

PANEL_LIMIT = 6


@register_panel(50)
def my_training_panel(request, scope):
    if scope.user_id is None:
        return None
    participations = list(
        Participant.objects.filter(user_id=scope.user_id, status=Participant.Status.REGISTERED)
        .select_related("event", "certificate", "evaluation")
        .order_by("-event__start_date")[: PANEL_LIMIT * 2]
    )
    if not participations:
        return None
    today = timezone.localdate()
    items = []
    for participant in participations:
        event = participant.event
        certificate = getattr(participant, "certificate", None)
        answered = hasattr(participant, "evaluation")
        items.append(
            {
                "event": event,
                "upcoming": event.end_date >= today,
                "evaluation_due": services.evaluation_open(event, today) and not answered,
                "certificate": certificate,
            }
        )
    return {
        "template": "training_events/dashboard_panel.html",
        "items": sorted(items, key=lambda i: (not i["upcoming"], not i["evaluation_due"]))[:PANEL_LIMIT],
    }
