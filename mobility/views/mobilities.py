"""Mobilities: the outgoing, incoming and other lists, export, detail, create, edit and status changes."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from partners import audit, figures
from partners.access import get_scope
from partners.models import AuditEntry, Organisation
from partners.pagination import paginate

from .. import access, exports
from ..access import organisations_with_right
from ..filters import MobilityFilter
from ..forms.mobilities import CancelForm, HostForm, MobilityForm, NoAssessmentForm
from ..models import Learner, Mobility
from ..services import checklists, lifecycle
from ..services.mobilities import create_mobility, update_mobility
from .learners import scoped_learner

S = Mobility.Status

LIST_TITLES = {
    "outgoing": gettext_lazy("Outgoing mobilities"),
    "incoming": gettext_lazy("Incoming mobilities"),
    "all": gettext_lazy("All mobilities in my partnerships"),
    "mine": gettext_lazy("My learners"),
}
LIST_URLS = {"outgoing": "outgoing", "incoming": "incoming", "all": "all_mobilities", "mine": "my_learners"}

# What each next step is called when it still waits for a fact.
NEXT_STEP_LABELS = {
    S.AGREED: gettext_lazy("Agreement"),
    S.IN_MOBILITY: gettext_lazy("Start of the stay"),
    S.COMPLETED: gettext_lazy("Completion"),
    S.RECOGNISED: gettext_lazy("Recognition"),
}
# Nothing is edited once a mobility is recognised or cancelled: the record stays as it was.
READ_ONLY_STATUSES = (S.RECOGNISED, S.CANCELLED)


def list_queryset(request, name: str):
    """The mobilities of one list, from what the user may see; 403 for a list that is not theirs. Each list is the
    branch of the reader's scope it names (Mobility.objects.visible_through), so a partnership-wide list walks the
    partnership's rows, not everything the reader could see by six routes."""
    if name == "mine":
        return Mobility.objects.visible_through(request.user, "mentor")
    if name not in LIST_TITLES:
        raise Http404
    if name not in access.mobility_lists(request.user):
        raise PermissionDenied
    scope = get_scope(request.user)
    if scope.unrestricted:
        return Mobility.objects.visible_to(request.user)
    branch = {"outgoing": "sending", "incoming": "receiving", "all": "coordinated"}[name]
    return Mobility.objects.visible_through(request.user, branch)


def filtered(request, name: str) -> tuple[MobilityFilter, object]:
    filterset = MobilityFilter(request.GET or None, queryset=list_queryset(request, name), user=request.user)
    return filterset, filterset.qs.with_list_related().order_by("-start_date", "id")


def export_url(request, name: str, fmt: str) -> str:
    params = request.GET.copy()
    for key in ("page", "list", "format"):
        params.pop(key, None)
    params["list"] = name
    params["format"] = fmt
    return f"{reverse('mobility:mobility_export')}?{params.urlencode()}"


def render_list(request, name: str):
    filterset, mobilities = filtered(request, name)
    return render(
        request,
        "mobility/mobilities/list.html",
        {
            "list_name": name,
            "title": LIST_TITLES[name],
            "tabs": [
                (n, LIST_TITLES[n], reverse(f"mobility:{LIST_URLS[n]}")) for n in access.mobility_lists(request.user)
            ],
            "page": paginate(request, mobilities),
            "filter": filterset,
            "filter_form": figures.filter_form(f"mobilities-{name}", request, filterset.form),
            "can_create": name == "outgoing" and access.may_create_mobility(request.user),
            "export_csv": export_url(request, name, "csv"),
            "export_xlsx": export_url(request, name, "xlsx"),
            "list_url": reverse(f"mobility:{LIST_URLS[name]}"),
        },
    )


@login_required
def outgoing(request):
    return render_list(request, "outgoing")


@login_required
def incoming(request):
    return render_list(request, "incoming")


@login_required
def all_mobilities(request):
    return render_list(request, "all")


@login_required
def my_learners(request):
    return render_list(request, "mine")


@login_required
def my_mobility(request):
    """A learner's own mobility (straight to it when there is one)."""
    mobilities = (
        Mobility.objects.visible_to(request.user)
        .filter(learner__user=request.user)
        .with_list_related()
        .order_by("-start_date", "id")
    )
    page = paginate(request, mobilities)
    if page.paginator.count == 1:
        return redirect(page.object_list[0])
    return render(request, "mobility/mobilities/my_mobility.html", {"page": page})


class ExportedList:
    """What an export's audit row points at: a list of mobilities rather than one stored record."""

    _meta = Mobility._meta

    def __init__(self, name: str, rows: int):
        self.code = name
        self.rows = rows

    def __str__(self) -> str:
        return _("%(list)s (%(rows)s rows)") % {"list": LIST_TITLES[self.code], "rows": self.rows}


@login_required
def mobility_export(request):
    name = request.GET.get("list", "")
    fmt = request.GET.get("format", "csv")
    if name not in LIST_TITLES or fmt not in exports.FORMATS:
        raise Http404
    filterset, mobilities = filtered(request, name)
    content, rows = exports.build(mobilities.iterator(chunk_size=500), fmt, request.user)
    scope = get_scope(request.user)
    cleaned = filterset.form.cleaned_data if filterset.is_bound and filterset.is_valid() else {}
    audit.record(
        actor=request.user,
        verb=AuditEntry.Verb.EXPORTED,
        obj=ExportedList(name, rows),
        request=request,
        partnership=cleaned.get("partnership"),
        # Filed under the exporter's organisation when there is one, so its audit log shows the export.
        organisation=Organisation.objects.filter(pk=min(scope.staff_org_ids)).first() if scope.staff_org_ids else None,
        details={
            "list": name,
            "format": fmt,
            "rows": rows,
            # The search text may hold a person's name: only whether one was used is kept.
            "search": bool(cleaned.get("q")),
            "filters": {
                key: str(getattr(value, "code", None) or getattr(value, "slug", None) or value)
                for key, value in cleaned.items()
                if value not in (None, "") and key != "q"
            },
            "organisations": sorted(scope.staff_org_ids),
        },
    )
    filename = f"mobilities-{name}-{timezone.localdate():%Y-%m-%d}.{fmt}"
    response = HttpResponse(content, content_type=exports.FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def scoped_mobility(request, code, *, related: bool = True) -> Mobility:
    mobilities = Mobility.objects.visible_to(request.user)
    if related:
        mobilities = mobilities.with_list_related()
    return get_object_or_404(mobilities, code=code)


@login_required
def mobility_detail(request, code):
    mobility = scoped_mobility(request, code)
    sides = access.sides_of(request.user, mobility)
    moves = lifecycle.moves_for(request.user, mobility)
    next_steps = [
        (target, NEXT_STEP_LABELS.get(target, label), missing)
        for target, label, missing in lifecycle.blocked_for(request.user, mobility)
    ]
    return render(
        request,
        "mobility/mobilities/detail.html",
        {
            "mobility": mobility,
            "can_manage": bool(sides),
            "sides": sides,
            "can_edit": bool(sides) and mobility.status not in READ_ONLY_STATUSES,
            "is_mentor": access.is_mentor_of(request.user, mobility),
            "is_learner": access.is_learner_of(request.user, mobility),
            "can_read_report": access.may_read_report(request.user, mobility),
            "can_read_budget": bool(sides) and access.may_read_budget(request.user, mobility.partnership),
            "can_read_grant": access.may_read_grant(request.user, mobility),
            "history": mobility.status_changes.select_related("by").order_by("-at", "-id"),
            # Recognition never has a button: the transcript records it (its move is the portal's own).
            "buttons": [(target, label) for target, label in moves if target != S.CANCELLED],
            "cancel_form": CancelForm() if S.CANCELLED in dict(moves) else None,
            "next_steps": next_steps,
            "no_assessment_form": NoAssessmentForm() if may_complete_without_assessment(next_steps) else None,
        },
    )


def may_complete_without_assessment(next_steps) -> bool:
    """Completion waits only for the mentor's assessment: offer to record why there is none instead."""
    for target, _label, missing in next_steps:
        if target == S.COMPLETED and missing:
            return all(m.key == "assessment" for m in missing)
    return False


def refusal_message(error: lifecycle.TransitionError):
    """The refusal in words, each missing fact linked to the page where it is put right."""
    if not error.missing:
        return " ".join(error.messages)
    facts = format_html_join(
        " ",
        '{} <a href="{}">{}</a>',
        ((m.message, m.url, m.link_text or _("Open")) for m in error.missing if m.url),
    )
    unlinked = " ".join(m.message for m in error.missing if not m.url)
    return format_html("{} {} {}", _("Not yet possible:"), facts, unlinked)


def add_service_errors(form, error: ValidationError) -> None:
    for field, messages_ in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages_)


@login_required
def mobility_create(request):
    sending = organisations_with_right(request.user)
    sending_ids = list(sending.values_list("pk", flat=True))
    if not sending_ids:
        raise PermissionDenied
    learners = (
        Learner.objects.visible_to(request.user)
        .filter(home_organisation_id__in=sending_ids, anonymised_at__isnull=True)
        .select_related("home_organisation")
        .order_by("last_name", "first_name")
    )
    learner = None
    if request.GET.get("learner"):
        learner = scoped_learner(request, request.GET["learner"])
        if learner.home_organisation_id not in sending_ids:
            raise PermissionDenied
        sending_ids = [learner.home_organisation_id]
        learners = learners.filter(pk=learner.pk)
    form = MobilityForm(
        request.POST or None,
        user=request.user,
        learners=learners,
        sending_organisation_ids=sending_ids,
        initial={"learner": learner} if learner else None,
    )
    if request.method == "POST" and form.is_valid():
        marked = 0
        try:
            with transaction.atomic():
                mobility = create_mobility(mobility=form.instance, by=request.user, request=request)
                if form.cleaned_data.get("mark_earlier_items_done"):
                    # The server decides which items are earlier: those due before today (none for a stay to come).
                    marked = checklists.mark_earlier_items_done(mobility, by=request.user, request=request)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The mobility was created as a draft."))
            if marked:
                messages.info(
                    request,
                    ngettext(
                        "%(count)s checklist item due before today was marked as done.",
                        "%(count)s checklist items due before today were marked as done.",
                        marked,
                    )
                    % {"count": marked},
                )
            return redirect(mobility)
    return render(request, "mobility/mobilities/form.html", {"form": form, "mobility": None, "learner": learner})


@login_required
def mobility_edit(request, code):
    mobility = scoped_mobility(request, code)
    sides = access.sides_of(request.user, mobility)
    if not sides:
        raise PermissionDenied
    if mobility.status in READ_ONLY_STATUSES:
        messages.warning(request, _("A recognised or cancelled mobility can no longer be changed."))
        return redirect(mobility)
    form_class = MobilityForm if access.SENDING in sides else HostForm
    form = form_class(request.POST or None, instance=mobility, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            update_mobility(mobility=form.instance, changed=form.changed_data, by=request.user, request=request)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The mobility was saved."))
            return redirect(mobility)
    return render(
        request,
        "mobility/mobilities/form.html",
        {"form": form, "mobility": mobility, "host_only": form_class is HostForm},
    )


@login_required
@require_POST
def mobility_transition(request, code):
    mobility = scoped_mobility(request, code, related=False)
    # Mentors and learners see the status but move nothing.
    if not access.may_manage_mobility(request.user, mobility):
        raise PermissionDenied
    target = request.POST.get("to", "")
    if target not in S.values:
        messages.error(request, _("Choose a status to move the mobility to."))
        return redirect(mobility)
    try:
        if target == S.COMPLETED and "no_assessment_reason" in request.POST:
            form = NoAssessmentForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Say why there is no assessment."))
                return redirect(mobility)
            lifecycle.complete_without_assessment(
                mobility, why=form.cleaned_data["no_assessment_reason"], by=request.user, request=request
            )
        else:
            lifecycle.transition(
                mobility, target, by=request.user, reason=request.POST.get("reason", ""), request=request
            )
    except lifecycle.TransitionError as error:
        messages.error(request, refusal_message(error))
    else:
        messages.success(request, _("The mobility is now “%(status)s”.") % {"status": S(target).label})
    return redirect(mobility)
