"""Training events: the list, an event's page, its agenda, participants and attendance.

Every object is found through `visible_to` (out of scope → 404); the rights come from
`training_events.access` (in scope without the right → 403); every change is a `training_events.services`
function (the view parses the form, calls it and shows the result).
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, Count, F, IntegerField, Q, Value, When
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from funding.projects import rules_for
from partners.access import get_scope
from partners.models import Organisation, Partnership
from partners.pagination import paginate

from .. import access, services
from ..forms.events import (
    AttendanceForm,
    EventFilterForm,
    EventForm,
    RegistrationForm,
    SessionForm,
    add_service_errors,
)
from ..models import Attendance, Participant, Session, TrainingEvent

P = Participant.Status


def posted(request):
    """The POST data to bind a form to, or None on GET (an empty POST, e.g. every box unticked, still binds)."""
    return request.POST if request.method == "POST" else None


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def scoped_event(request, code) -> TrainingEvent:
    events = TrainingEvent.objects.visible_to(request.user).select_related("partnership", "host_organisation")
    return get_object_or_404(events, code=code)


def scoped_session(request, code) -> Session:
    sessions = Session.objects.visible_to(request.user).select_related("event__partnership", "event__host_organisation")
    return get_object_or_404(sessions, code=code)


# --- the list ----------------------------------------------------------------------------------------------


@login_required
def event_list(request):
    scope = get_scope(request.user)
    today = timezone.localdate()
    visible = TrainingEvent.objects.visible_to(request.user)
    partnerships = Partnership.objects.filter(pk__in=visible.values("partnership_id")).order_by("acronym")
    filter_form = EventFilterForm(request.GET or None, partnerships=partnerships)
    events = visible
    if filter_form.is_valid() and filter_form.cleaned_data["partnership"]:
        events = events.filter(partnership=filter_form.cleaned_data["partnership"])
    events = events.select_related("partnership", "host_organisation").annotate(
        # Upcoming (not yet over) first, soonest first; then the past, most recent first.
        is_past=Case(When(end_date__lt=today, then=Value(1)), default=Value(0), output_field=IntegerField()),
        upcoming_start=Case(When(end_date__gte=today, then=F("start_date"))),
        past_start=Case(When(end_date__lt=today, then=F("start_date"))),
    )
    if scope.staff_org_ids:
        events = events.annotate(
            own_registered=Count(
                "participants",
                filter=Q(participants__status=P.REGISTERED, participants__organisation_id__in=scope.staff_org_ids),
            )
        )
    events = events.order_by(
        "is_past", F("upcoming_start").asc(nulls_last=True), F("past_start").desc(nulls_last=True), "title", "pk"
    )
    page = paginate(request, events)
    for event in page.object_list:
        # Places left for the user's own organisation, where it is a partner of the event.
        event.own_left = (
            max(event.capacity_per_organisation - event.own_registered, 0)
            if scope.staff_org_ids and event.partnership_id in scope.partnership_ids
            else None
        )
    return render(
        request,
        "training_events/events/list.html",
        {"page": page, "filter": filter_form, "can_create": access.may_create_somewhere(request.user), "today": today},
    )


# --- the event -----------------------------------------------------------------------------------------------


@login_required
def event_create(request):
    slug = request.GET.get("partnership")
    if not slug:
        choices = list(access.creatable_partnerships(request.user).order_by("acronym"))
        require(bool(choices))
        if len(choices) == 1:
            return redirect(f"{reverse('training_events:event_create')}?partnership={choices[0].slug}")
        return render(request, "training_events/events/choose_partnership.html", {"partnerships": choices})
    partnership = get_object_or_404(Partnership.objects.visible_to(request.user), slug=slug)
    require(access.may_create(request.user, partnership))
    form = EventForm(posted(request), partnership=partnership, user=request.user)
    if request.method == "POST" and form.is_valid():
        event = services.create_event(form.instance, by=request.user, request=request)
        messages.success(request, _("The training event was created. Add its agenda next."))
        return redirect(event)
    return render(
        request, "training_events/events/form.html", {"form": form, "event": None, "partnership": partnership}
    )


@login_required
def event_edit(request, code):
    event = scoped_event(request, code)
    require(access.may_manage(request.user, event))
    form = EventForm(posted(request), instance=event, partnership=event.partnership, user=request.user)
    if request.method == "POST" and form.is_valid():
        event = services.update_event(form.instance, by=request.user, fields=form.changed_data, request=request)
        messages.success(request, _("The training event was saved."))
        return redirect(event)
    return render(
        request, "training_events/events/form.html", {"form": form, "event": event, "partnership": event.partnership}
    )


def participant_groups(request, event: TrainingEvent, registering: list[int], *, managing: bool) -> list[dict]:
    """The registered participants the user may see, by organisation, with places used/left and each one's grant.

    Organisations shown: every member for those who manage the event; otherwise the user's own and those whose
    participants they see. A bounded number of queries, whatever the number of participants."""
    participants = list(
        Participant.objects.visible_to(request.user)
        .filter(event=event, status=P.REGISTERED)
        .select_related("organisation")
        .order_by("organisation__short_name", "last_name", "first_name", "pk")
    )
    used = dict(
        Participant.objects.filter(event=event, status=P.REGISTERED)
        .order_by()
        .values_list("organisation_id")
        .annotate(n=Count("pk"))
    )
    rules = rules_for(event.partnership)
    shown = {p.organisation_id for p in participants} | set(registering)
    organisations = {
        org.pk: org
        for org in Organisation.objects.visible_to(request.user).filter(
            partnership_memberships__partnership_id=event.partnership_id
        )
        if managing or org.pk in shown
    }
    for participant in participants:
        organisations.setdefault(participant.organisation_id, participant.organisation)
    groups = {
        pk: {
            "organisation": org,
            "rows": [],
            "used": used.get(pk, 0),
            "left": max(event.capacity_per_organisation - used.get(pk, 0), 0),
            "may_cancel": managing or pk in registering,
        }
        for pk, org in organisations.items()
    }
    for participant in participants:
        participant.event = event  # the grant reads the event's partnership and host, already loaded
        grant = services.grant_for(participant, rules=rules)
        groups[participant.organisation_id]["rows"].append({"participant": participant, "grant": grant})
    return sorted(groups.values(), key=lambda group: group["organisation"].short_name.lower())


@login_required
def event_detail(request, code):
    event = scoped_event(request, code)
    managing = access.may_manage(request.user, event)
    registering = access.registering_organisations(request.user, event)
    return render(
        request,
        "training_events/events/detail.html",
        {
            "event": event,
            "sessions": list(event.sessions.all()),
            "groups": participant_groups(request, event, registering, managing=managing),
            "may_manage": managing,
            "may_register": bool(registering),
            "outcomes": [line.strip() for line in event.learning_outcomes.splitlines() if line.strip()],
        },
    )


# --- the agenda ----------------------------------------------------------------------------------------------


@login_required
def session_create(request, code):
    event = scoped_event(request, code)
    require(access.may_manage(request.user, event))
    form = SessionForm(posted(request), event=event)
    if request.method == "POST" and form.is_valid():
        services.add_session(form.instance, by=request.user, request=request)
        messages.success(request, _("The session was added to the agenda."))
        return redirect(f"{event.get_absolute_url()}#agenda")
    return render(request, "training_events/events/session_form.html", {"form": form, "event": event, "session": None})


@login_required
def session_edit(request, code):
    session = scoped_session(request, code)
    event = session.event
    require(access.may_manage(request.user, event))
    form = SessionForm(posted(request), instance=session, event=event)
    if request.method == "POST" and form.is_valid():
        session = services.update_session(form.instance, by=request.user, fields=form.changed_data, request=request)
        messages.success(request, _("The session was saved."))
        return redirect(f"{event.get_absolute_url()}#agenda")
    return render(
        request, "training_events/events/session_form.html", {"form": form, "event": event, "session": session}
    )


@login_required
def session_delete(request, code):
    session = scoped_session(request, code)
    event = session.event
    require(access.may_manage(request.user, event))
    if request.method == "POST":
        services.delete_session(session, by=request.user, request=request)
        messages.success(request, _("The session was removed from the agenda."))
        return redirect(f"{event.get_absolute_url()}#agenda")
    marks = session.attendance.filter(present=True).count()
    return render(
        request,
        "training_events/events/session_delete.html",
        {"event": event, "session": session, "marks": marks},
    )


# --- participants ----------------------------------------------------------------------------------------------


@login_required
def participant_list(request, code):
    event = scoped_event(request, code)
    registering = access.registering_organisations(request.user, event)
    managing = access.may_manage(request.user, event)
    form = None
    if request.method == "POST":
        # Registering is for the staff of a partner organisation, and only for their own organisation.
        require(bool(registering))
        organisation = request.POST.get("organisation", "").strip()
        require(not organisation.isdigit() or int(organisation) in registering)
    if registering:
        organisations = Organisation.objects.filter(pk__in=registering).order_by("short_name")
        form = RegistrationForm(posted(request), organisations=organisations)
        if request.method == "POST" and form.is_valid():
            try:
                participant = services.register(
                    event,
                    organisation_id=form.cleaned_data["organisation"].pk,
                    data=form.service_data(),
                    by=request.user,
                    request=request,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("%(name)s is registered.") % {"name": participant.full_name})
                return redirect("training_events:participant_list", code=event.code)
    groups = participant_groups(request, event, registering, managing=managing)
    return render(
        request,
        "training_events/events/participants.html",
        {
            "event": event,
            "groups": groups,
            "form": form,
            "own_groups": [group for group in groups if group["organisation"].pk in registering],
            "may_manage": managing,
        },
    )


@login_required
@require_POST
def participant_cancel(request, code):
    participant = get_object_or_404(
        Participant.objects.visible_to(request.user).select_related(
            "event__partnership", "event__host_organisation", "organisation"
        ),
        code=code,
    )
    event = participant.event
    if participant.status != P.REGISTERED:
        messages.info(request, _("This registration was already cancelled."))
    else:
        try:
            services.cancel(participant, by=request.user, request=request)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _("The registration of %(name)s was cancelled.") % {"name": participant.full_name}
            )
    return redirect("training_events:participant_list", code=event.code)


# --- attendance ----------------------------------------------------------------------------------------------


@login_required
def attendance(request, code):
    event = scoped_event(request, code)
    require(access.may_mark_attendance(request.user, event))
    participants = list(
        Participant.objects.visible_to(request.user)
        .filter(event=event, status=P.REGISTERED)
        .select_related("organisation")
        .order_by("organisation__short_name", "last_name", "first_name", "pk")
    )
    sessions = list(event.sessions.all())
    marks = {
        (mark.participant_id, mark.session_id): mark.present for mark in Attendance.objects.filter(session__event=event)
    }
    form = AttendanceForm(posted(request), participants=participants, sessions=sessions, marks=marks)
    if request.method == "POST" and form.is_valid():
        changed = services.mark_attendance(event, form.present(), by=request.user, request=request)
        messages.success(
            request,
            ngettext("Attendance saved: %(n)s mark changed.", "Attendance saved: %(n)s marks changed.", changed)
            % {"n": changed},
        )
        return redirect("training_events:attendance", code=event.code)
    rows = [
        {
            "participant": participant,
            "hours": sum(
                (session.hours for session in sessions if marks.get((participant.pk, session.pk))),
                start=Decimal("0.00"),
            ),
            "cells": [(session, form[form.key(participant.pk, session.pk)]) for session in sessions],
        }
        for participant in participants
    ]
    return render(
        request,
        "training_events/events/attendance.html",
        {
            "event": event,
            "sessions": sessions,
            "rows": rows,
            "form": form,
            "agenda_hours": sum((session.hours for session in sessions), start=Decimal("0.00")),
        },
    )
