"""The coordinators' side of the calls: the list, a call (create, edit, criteria, publish/close/cancel) with its
applications, an application (documents, history, the eligibility check, corrections, paper entry).

Every call and application is found through `visible_to` (out of scope → 404: the sending organisation's staff
and the call's panel); changing needs `access.may_manage_call` (403 in scope without it). Documents are served
only through `document_download` (attachment, no-store, audited). Every change is a `selection.services` function.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from partners import audit
from partners.files import attachment, no_store
from partners.models import AuditEntry, Organisation, Partnership
from partners.pagination import paginate
from partners.workflow import Refused, available_moves, blocked_moves
from placements.models import Placement

from .. import access, access_panel, services
from ..eligibility import unmet_conditions
from ..forms import ApplicationFilterForm, CallForm, CriterionFormSet, PaperApplicationForm, ReasonForm
from ..models import Application, ApplicationDocument, Call


def history_rows(obj) -> list[dict]:
    labels = dict(obj._meta.get_field("status").flatchoices)
    return [
        {"at": c.at, "label": labels.get(c.to_state, c.to_state), "by": c.by, "reason": c.reason}
        for c in obj.state_history().order_by("at", "pk")
    ]


def posted(request):
    return request.POST if request.method == "POST" else None


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def scoped_call(request, code) -> Call:
    calls = Call.objects.visible_to(request.user).select_related("organisation", "partnership")
    return get_object_or_404(calls, code=code)


def add_service_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def calling_partnerships(user):
    """Partnerships in which the user may open a call: a member organisation the user manages mobilities for."""
    organisations = access.call_organisations(user)
    return (
        Partnership.objects.visible_to(user)
        .filter(organisations__in=organisations.values("pk"))
        .distinct()
        .order_by("acronym", "pk")
    )


def offerable_placements(partnership, keep: Call | None = None):
    """The published placements of the partnership (and those the call offers already, e.g. withdrawn since)."""
    offered = Q(partnership=partnership, status=Placement.Status.PUBLISHED)
    if keep is not None:
        offered |= Q(pk__in=keep.placements.values("pk"))
    return Placement.objects.filter(offered).select_related("host").order_by("start_date", "title", "pk")


# --- the list --------------------------------------------------------------------------------------------------


@login_required
@require_safe
def call_list(request):
    calls = (
        Call.objects.visible_to(request.user)
        .select_related("organisation", "partnership")
        .annotate(
            received=Count("applications", filter=~Q(applications__status=Application.Status.UNVERIFIED)),
        )
        .order_by("-deadline", "title", "pk")
    )
    return render(
        request,
        "selection/calls/list.html",
        {"page": paginate(request, calls), "can_create": access.may_create_call(request.user)},
    )


# --- a call ----------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def call_create(request):
    partnerships = calling_partnerships(request.user)
    slug = request.GET.get("partnership")
    if not slug:
        choices = list(partnerships)
        require(bool(choices))
        if len(choices) == 1:
            return redirect(f"{reverse('selection:call_create')}?partnership={choices[0].slug}")
        return render(request, "selection/calls/choose_partnership.html", {"partnerships": choices})
    partnership = get_object_or_404(Partnership.objects.visible_to(request.user), slug=slug)
    organisations = access.call_organisations(request.user).filter(partnership_memberships__partnership=partnership)
    require(organisations.exists())
    if request.method == "POST":
        value = request.POST.get("organisation", "").strip()
        require(not value.isdigit() or int(value) in {o.pk for o in organisations})
    form = CallForm(
        posted(request),
        partnership=partnership,
        organisations=organisations,
        placements=offerable_placements(partnership),
    )
    if request.method == "POST" and form.is_valid():
        call = form.save(commit=False)
        try:
            services.save_call(call, placements=form.cleaned_data["placements"], by=request.user, request=request)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The call was saved as a draft. Add its selection criteria, then publish it."))
            return redirect("selection:call_criteria", code=call.code)
    return render(request, "selection/calls/form.html", {"form": form, "call": None, "partnership": partnership})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def call_edit(request, code):
    call = scoped_call(request, code)
    require(access.may_manage_call(request.user, call))
    if call.status not in (Call.Status.DRAFT, Call.Status.PUBLISHED):
        messages.error(request, _("A closed, decided or cancelled call cannot be changed."))
        return redirect(call)
    form = CallForm(
        posted(request),
        instance=call,
        partnership=call.partnership,
        organisations=Organisation.objects.filter(pk=call.organisation_id),
        placements=offerable_placements(call.partnership, keep=call),
    )
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        try:
            services.save_call(saved, placements=form.cleaned_data["placements"], by=request.user, request=request)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The call was saved."))
            return redirect(saved)
        call.refresh_from_db()
    return render(request, "selection/calls/form.html", {"form": form, "call": call, "partnership": call.partnership})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def call_criteria(request, code):
    call = scoped_call(request, code)
    require(access.may_manage_call(request.user, call))
    editable = call.status == Call.Status.DRAFT
    formset = CriterionFormSet(posted(request) if editable else None, instance=call, prefix="criteria")
    if request.method == "POST" and editable and formset.is_valid():
        try:
            services.save_criteria(call, formset, by=request.user, request=request)
        except ValidationError as error:
            formset._non_form_errors = formset.error_class(error.messages)
        else:
            messages.success(request, _("The selection criteria were saved."))
            return redirect(call)
    return render(request, "selection/calls/criteria.html", {"call": call, "formset": formset, "editable": editable})


@login_required
@require_POST
def call_move(request, code, name):
    call = scoped_call(request, code)
    require(access.may_manage_call(request.user, call))
    if name not in services.CALL_MOVES:
        raise PermissionDenied
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.move_call(call, name, by=request.user, reason=reason, request=request)
    except Refused as error:
        messages.error(request, " ".join(error.messages))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The call is now “%(status)s”.") % {"status": call.get_status_display()})
    return redirect(call)


@login_required
@require_safe
def call_detail(request, code):
    call = scoped_call(request, code)
    user = request.user
    if not access.is_call_staff(user, call):
        # A panel member from outside the coordinators reads the call on the panel's pages: after declaring no
        # conflict of interest, and only the eligible applications.
        return redirect("selection:panel", code=call.code)
    filter_form = ApplicationFilterForm(request.GET or None)
    applications = call.applications.filter(erased_at__isnull=True)
    if filter_form.is_valid() and filter_form.cleaned_data["status"]:
        applications = applications.filter(status=filter_form.cleaned_data["status"])
    applications = applications.annotate(document_count=Count("documents")).order_by("-created_at", "pk")
    counts = dict(
        call.applications.filter(erased_at__isnull=True)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    may_manage = access.may_manage_call(user, call)
    context = {
        "call": call,
        "criteria": call.criteria.all(),
        "placements": call.placements.select_related("host").order_by("start_date", "pk"),
        "page": paginate(request, applications),
        "filter": filter_form,
        "counts": [(label, counts.get(value, 0)) for value, label in Application.Status.choices],
        "may_manage": may_manage,
        "moves": [m for m in available_moves(call, user) if m.name in services.CALL_MOVES] if may_manage else [],
        "blocked": blocked_moves(call, user) if may_manage else [],
        "history": history_rows(call),
        "may_enter": may_manage and call.status in (Call.Status.PUBLISHED, Call.Status.CLOSED),
        "reason_form": ReasonForm(),
    }
    return render(request, "selection/calls/detail.html", context)


# --- an application --------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def application_create(request, code):
    call = scoped_call(request, code)
    require(access.may_manage_applications(request.user, call))
    if call.status not in (Call.Status.PUBLISHED, Call.Status.CLOSED):
        messages.error(request, _("Applications can be entered while the call is published or closed."))
        return redirect(call)
    form = PaperApplicationForm(posted(request), request.FILES or None, call=call)
    if request.method == "POST" and form.is_valid():
        application = form.save(commit=False)
        try:
            services.enter_application(application, form.files_by_kind(), by=request.user, request=request)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The application was entered and checked."))
            return redirect(application)
    return render(request, "selection/calls/application_form.html", {"call": call, "form": form})


def _application(request, code) -> Application:
    applications = Application.objects.visible_to(request.user).filter(erased_at__isnull=True)
    return get_object_or_404(
        applications.select_related("call__organisation", "call__partnership", "entered_by", "placement"), code=code
    )


@login_required
@require_safe
def application_detail(request, code):
    application = _application(request, code)
    call = application.call
    user = request.user
    if not access.is_call_staff(user, call):
        require(access_panel.may_read_application(user, application))
        return redirect("selection:panel_application", code=application.code)
    documents = list(application.documents.all())
    may_manage = access.may_manage_applications(user, call)
    moves = []
    if may_manage:
        moves = [m for m in available_moves(application, user) if m.name in services.APPLICATION_MOVES]
    audit.record(
        actor=user,
        verb=AuditEntry.Verb.VIEWED,
        obj=application,
        request=request,
        partnership=call.partnership,
        organisation=call.organisation,
    )
    context = {
        "application": application,
        "call": call,
        "documents": documents,
        "unmet": unmet_conditions(call, application, [d.kind for d in documents]),
        "history": history_rows(application),
        "moves": moves,
        "may_withdraw": may_manage and application.status in Application.OPEN_STATES,
        "reason_form": ReasonForm(),
    }
    return render(request, "selection/calls/application.html", context)


@login_required
@require_POST
def application_move(request, code, name):
    application = _application(request, code)
    require(access.may_manage_applications(request.user, application.call))
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        if name == "withdraw":
            services.withdraw_application(application, by=request.user, reason=reason, request=request)
        elif name in services.APPLICATION_MOVES:
            services.move_application(application, name, by=request.user, reason=reason, request=request)
        else:
            raise PermissionDenied
    except ValidationError as error:  # Refused is one
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The application was updated."))
    return redirect("selection:application_detail", code=application.code)


@login_required
@require_safe
def document_download(request, code, document):
    application = _application(request, code)
    found = get_object_or_404(
        ApplicationDocument.objects.visible_to(request.user).filter(application=application), code=document
    )
    require(access.may_download_document(request.user, found))
    audit.record(
        actor=request.user,
        verb=AuditEntry.Verb.DOWNLOADED,
        obj=application,
        request=request,
        partnership=application.call.partnership,
        organisation=application.call.organisation,
        details={"document": found.kind},
    )
    title = f"{found.get_kind_display()} {application.last_name}"
    return no_store(attachment(found.file, title, f"document-{found.code}"))
