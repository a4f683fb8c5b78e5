"""Training-event items for the "Waiting for you" list and the daily digest (registered with
partners.waiting): the evaluations a registered participant has still to answer once the event is over
(services.evaluation_open), for events that ask questions. One query."""

from __future__ import annotations

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partners.waiting import WaitingItem, register_kind, register_provider

from . import services
from .models import EvaluationQuestion, EvaluationResponse, Participant

EVALUATION = "evaluation"

register_kind(EVALUATION, gettext_lazy("Evaluations to answer"), 50)


@register_provider
def training_waiting(user, limit) -> list[WaitingItem]:
    today = timezone.localdate()
    rows = (
        Participant.objects.visible_to(user)
        .filter(user_id=user.pk, status=Participant.Status.REGISTERED, event__end_date__lte=today)
        .filter(Exists(EvaluationQuestion.objects.filter(event=OuterRef("event_id"))))
        .exclude(Exists(EvaluationResponse.objects.filter(participant=OuterRef("pk"))))
        .select_related("event")
        .order_by("-event__end_date", "id")
    )
    return [
        WaitingItem(
            kind=EVALUATION,
            title=participant.event.title,
            url=reverse("training_events:evaluation_answer", kwargs={"code": participant.event.code}),
            due=None,
            why=_("The event ended on %(date)s: tell the organisers what you thought of it.")
            % {"date": date_format(participant.event.end_date, "DATE_FORMAT")},
        )
        for participant in rows[:limit]
        if services.evaluation_open(participant.event, today)
    ]
