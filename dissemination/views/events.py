"""Dissemination events and activities: the lists, an event with its audience and files, activities.

Every object is found through `visible_to` (out of scope → 404: the staff of the partnership's organisations
read everything of it); recording is `dissemination.access` (each partner for its own organisation, the project
coordinator for all; in scope without the right → 403), and every change a `dissemination.services` function.
Files are served only through `file_download` (attachment, no-store, audited); media are never served directly.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from partners.files import attachment, no_store
from partners.models import Organisation, Partnership
from partners.pagination import paginate

from .. import access, services
from ..forms.events import (
    ActivityFilterForm,
    ActivityForm,
    EventFileForm,
    EventFilterForm,
    EventForm,
    add_service_errors,
)
from ..models import Activity, Audience, DisseminationEvent, EventFile, StakeholderGroup


def posted(request):
    """The POST data to bind a form to, or None on GET."""
    return request.POST if request.method == "POST" else None


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def scoped_partnership(request, slug) -> Partnership:
    return get_object_or_404(Partnership.objects.visible_to(request.user), slug=slug)


def scoped_event(request, code) -> DisseminationEvent:
    events = DisseminationEvent.objects.visible_to(request.user).select_related("partnership", "organisation")
    return get_object_or_404(events, code=code)


def scoped_activity(request, code) -> Activity:
    activities = Activity.objects.visible_to(request.user).select_related("partnership", "organisation")
    return get_object_or_404(activities, code=code)


def editable_choices(request, partnership):
    """The organisations the user records for in `partnership` (ids, and a queryset for the form's choices)."""
    return access.editable_organisations(request.user, partnership), access.organisation_choices(
        request.user, partnership
    )


def refuse_forged_organisation(request, editable: list[int]) -> None:
    """A posted organisation the user does not record for is a forged request: 403 (not a form error)."""
    if request.method == "POST":
        value = request.POST.get("organisation", "").strip()
        require(not value.isdigit() or int(value) in editable)


def editable_by_partnership(request, partnership_ids) -> dict[int, set[int]]:
    """partnership id → the organisations the user records for there: one query for every partnership shown."""
    return access.editable_organisations_by_partnership(request.user, partnership_ids)


def list_context(request, partnerships) -> dict:
    return {"can_create": access.may_record_somewhere(request.user), "partnerships": partnerships}


# --- the lists -------------------------------------------------------------------------------------------------


@login_required
@require_safe
def event_list(request):
    partnerships = list(Partnership.objects.visible_to(request.user).order_by("acronym", "pk"))
    organisations = (
        Organisation.objects.filter(partnership_memberships__partnership__in=[p.pk for p in partnerships])
        .distinct()
        .order_by("short_name", "pk")
    )
    filter_form = EventFilterForm(
        request.GET or None,
        partnerships=Partnership.objects.filter(pk__in=[p.pk for p in partnerships]).order_by("acronym"),
        organisations=organisations,
    )
    events = DisseminationEvent.objects.visible_to(request.user)
    if filter_form.is_valid():
        data = filter_form.cleaned_data
        if data["partnership"]:
            events = events.filter(partnership=data["partnership"])
        if data["kind"]:
            events = events.filter(kind=data["kind"])
        if data["organisation"]:
            events = events.filter(organisation=data["organisation"])
    events = (
        events.select_related("partnership", "organisation")
        .annotate(
            people=Coalesce(Sum("audience__national"), Value(0)) + Coalesce(Sum("audience__international"), Value(0))
        )
        .order_by("-date", "title", "pk")
    )
    return render(
        request,
        "dissemination/events/list.html",
        {"page": paginate(request, events), "filter": filter_form, **list_context(request, partnerships)},
    )


@login_required
@require_safe
def activity_list(request):
    partnerships = list(Partnership.objects.visible_to(request.user).order_by("acronym", "pk"))
    filter_form = ActivityFilterForm(
        request.GET or None,
        partnerships=Partnership.objects.filter(pk__in=[p.pk for p in partnerships]).order_by("acronym"),
    )
    activities = Activity.objects.visible_to(request.user)
    if filter_form.is_valid():
        data = filter_form.cleaned_data
        if data["partnership"]:
            activities = activities.filter(partnership=data["partnership"])
        if data["channel"]:
            activities = activities.filter(channel=data["channel"])
    activities = activities.select_related("partnership", "organisation").order_by("-date", "title", "pk")
    page = paginate(request, activities)
    editable = editable_by_partnership(request, [a.partnership_id for a in page.object_list])
    for activity in page.object_list:
        activity.may_edit = activity.organisation_id in editable[activity.partnership_id]
    return render(
        request,
        "dissemination/events/activity_list.html",
        {"page": page, "filter": filter_form, **list_context(request, partnerships)},
    )


def choose_partnership(request, name: str, title: str):
    """Without ?partnership=: the partnerships the user records for (straight there if only one)."""
    choices = list(access.recording_partnerships(request.user).order_by("acronym", "pk"))
    require(bool(choices))
    if len(choices) == 1:
        return redirect(f"{reverse(f'dissemination:{name}')}?partnership={choices[0].slug}")
    return render(
        request,
        "dissemination/events/choose_partnership.html",
        {"partnerships": choices, "create_url": reverse(f"dissemination:{name}"), "title": title},
    )


# --- an event -----------------------------------------------------------------------------------------------------


def save_event_form(request, form: EventForm) -> DisseminationEvent | None:
    """Save through `services.save_event` (one transaction); its validation errors go back on the form."""
    try:
        return services.save_event(form.instance, form.audience(), by=request.user, request=request)
    except ValidationError as error:
        add_service_errors(form, error)
        return None


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def event_create(request):
    slug = request.GET.get("partnership")
    if not slug:
        return choose_partnership(request, "event_create", _("New dissemination event"))
    partnership = scoped_partnership(request, slug)
    editable, organisations = editable_choices(request, partnership)
    require(bool(editable))
    refuse_forged_organisation(request, editable)
    form = EventForm(posted(request), partnership=partnership, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        event = save_event_form(request, form)
        if event is not None:
            messages.success(request, _("The event was recorded. You can add its agenda, materials and photos."))
            return redirect(event)
    return render(request, "dissemination/events/form.html", {"form": form, "event": None, "partnership": partnership})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def event_edit(request, code):
    event = scoped_event(request, code)
    partnership = event.partnership
    require(access.may_edit_event(request.user, event))
    editable, organisations = editable_choices(request, partnership)
    refuse_forged_organisation(request, editable)
    form = EventForm(posted(request), instance=event, partnership=partnership, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        saved = save_event_form(request, form)
        if saved is not None:
            messages.success(request, _("The event was saved."))
            return redirect(saved)
        event.refresh_from_db()  # the page title shows the stored event, not the rejected edit
    return render(request, "dissemination/events/form.html", {"form": form, "event": event, "partnership": partnership})


def audience_rows(event: DisseminationEvent) -> tuple[list[dict], dict]:
    stored = {row.group: row for row in Audience.objects.filter(event=event)}
    rows = []
    for group, label in StakeholderGroup.choices:
        row = stored.get(group)
        national, international = (row.national, row.international) if row else (0, 0)
        rows.append(
            {"label": label, "national": national, "international": international, "total": national + international}
        )
    totals = {key: sum(row[key] for row in rows) for key in ("national", "international", "total")}
    return rows, totals


def render_detail(request, event: DisseminationEvent, *, file_form=None, status: int = 200):
    may_edit = access.may_edit_event(request.user, event)
    if may_edit and file_form is None:
        file_form = EventFileForm(event=event)
    files = list(EventFile.objects.visible_to(request.user).filter(event=event).select_related("uploaded_by"))
    rows, totals = audience_rows(event)
    return render(
        request,
        "dissemination/events/detail.html",
        {
            "event": event,
            "may_edit": may_edit,
            "audience": rows,
            "totals": totals,
            "materials": [f for f in files if f.kind == EventFile.Kind.MATERIAL],
            "photos": [f for f in files if f.kind == EventFile.Kind.PHOTO],
            "file_form": file_form if may_edit else None,
        },
        status=status,
    )


@login_required
@require_safe
def event_detail(request, code):
    return render_detail(request, scoped_event(request, code))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def event_delete(request, code):
    event = scoped_event(request, code)
    require(access.may_edit_event(request.user, event))
    if request.method == "POST":
        services.delete_event(event, by=request.user, request=request)
        messages.success(request, _("“%(title)s” was deleted.") % {"title": event.title})
        return redirect("dissemination:event_list")
    files = EventFile.objects.filter(event=event).count()
    return render(request, "dissemination/events/delete.html", {"event": event, "files": files})


# --- an event's files -----------------------------------------------------------------------------------------------


@login_required
@require_POST
def file_upload(request, code):
    event = scoped_event(request, code)
    require(access.may_edit_event(request.user, event))
    form = EventFileForm(request.POST, request.FILES, event=event)
    if not form.is_valid():
        return render_detail(request, event, file_form=form)
    row = services.add_file(form.instance, by=request.user, request=request)
    messages.success(request, _("“%(title)s” was added.") % {"title": row.title})
    return redirect(f"{event.get_absolute_url()}#files")


def scoped_file(request, code) -> EventFile:
    files = EventFile.objects.visible_to(request.user).select_related("event__partnership", "event__organisation")
    return get_object_or_404(files, code=code)


@login_required
@require_safe
def file_download(request, code):
    row = scoped_file(request, code)
    response = attachment(row.file, row.title, f"file-{row.code}")
    services.record_download(row, by=request.user, request=request)
    return no_store(response)


@login_required
@require_POST
def file_delete(request, code):
    row = scoped_file(request, code)
    event = row.event
    require(access.may_delete_file(request.user, row))
    services.delete_file(row, by=request.user, request=request)
    messages.success(request, _("“%(title)s” was removed.") % {"title": row.title})
    return redirect(f"{event.get_absolute_url()}#files")


# --- activities ------------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def activity_create(request):
    slug = request.GET.get("partnership")
    if not slug:
        return choose_partnership(request, "activity_create", _("New dissemination activity"))
    partnership = scoped_partnership(request, slug)
    editable, organisations = editable_choices(request, partnership)
    require(bool(editable))
    refuse_forged_organisation(request, editable)
    form = ActivityForm(posted(request), partnership=partnership, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        services.create_activity(form.instance, by=request.user, request=request)
        messages.success(request, _("The activity was recorded."))
        return redirect("dissemination:activity_list")
    return render(
        request, "dissemination/events/activity_form.html", {"form": form, "activity": None, "partnership": partnership}
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def activity_edit(request, code):
    activity = scoped_activity(request, code)
    partnership = activity.partnership
    require(access.may_edit_activity(request.user, activity))
    editable, organisations = editable_choices(request, partnership)
    refuse_forged_organisation(request, editable)
    title = activity.title
    form = ActivityForm(posted(request), instance=activity, partnership=partnership, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        services.update_activity(form.instance, by=request.user, fields=form.changed_data, request=request)
        messages.success(request, _("The activity was saved."))
        return redirect("dissemination:activity_list")
    return render(
        request,
        "dissemination/events/activity_form.html",
        {"form": form, "activity": activity, "title": title, "partnership": partnership},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def activity_delete(request, code):
    activity = scoped_activity(request, code)
    require(access.may_edit_activity(request.user, activity))
    if request.method == "POST":
        services.delete_activity(activity, by=request.user, request=request)
        messages.success(request, _("“%(title)s” was deleted.") % {"title": activity.title})
        return redirect("dissemination:activity_list")
    return render(request, "dissemination/events/activity_delete.html", {"activity": activity})
