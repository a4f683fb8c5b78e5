"""The panel's pages (issue 18, point 4; docs/selection.md): the panel of a call, the declaration of no
conflict, the eligible applications and their documents, scoring, the ranking, the decision and the offer of
a placement.

Every page starts from `visible_to(request.user)` (the sending organisation's staff and the call's panel):
out of scope → 404. In scope, the rules of `selection.access_panel` decide (403): a panel member who has not
declared reads nothing of the applicants; an application that is not eligible is not on the panel's pages
(404). The views parse, call `selection.panel` and show.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from partners import audit
from partners.files import attachment, no_store
from partners.models import AuditEntry
from partners.pagination import paginate

from .. import access_panel as rules
from .. import panel as services
from ..forms_panel import DecisionForm, DeclarationForm, PanelForm, PlacementOfferForm, ReserveSizeForm, ScoreForm
from ..models import Application, ApplicationDocument, Call, PanelMember, Score

RANKING_PAGE = 50


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _call(request, code) -> Call:
    call = get_object_or_404(
        Call.objects.visible_to(request.user).select_related("organisation", "partnership"), code=code
    )
    # The seats, once per request: the rules ask them (access_panel.seat_of).
    call._panel_seats = {seat.user_id: seat for seat in PanelMember.objects.filter(call=call).select_related("user")}
    return call


def _application(request, code) -> Application:
    application = get_object_or_404(
        Application.objects.visible_to(request.user)
        .filter(status__in=rules.PANEL_STATES, erased_at__isnull=True)
        .select_related("call__organisation", "call__partnership", "learner", "mobility", "placement"),
        code=code,
    )
    call = application.call
    call._panel_seats = {seat.user_id: seat for seat in PanelMember.objects.filter(call=call).select_related("user")}
    _require(rules.may_read_application(request.user, application))
    return application


def _fail(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        for message in error.messages:
            form.add_error(None, message)


# --- the panel -----------------------------------------------------------------------------------------------


@login_required
@require_safe
def panel_home(request, code):
    """The call's panel: its members and their declarations; for those who read them, the eligible
    applications with the reader's own progress."""
    call = _call(request, code)
    user = request.user
    seats = sorted(call._panel_seats.values(), key=lambda s: (s.user.last_name, s.user.first_name, s.pk))
    reads = rules.reads_applications(user, call)
    _require(rules.sees_panel_page(user, call))
    page = None
    criteria = call.criteria.count()
    if reads:
        applications = (
            Application.objects.filter(call=call, status__in=rules.PANEL_STATES, erased_at__isnull=True)
            .annotate(mine=Count("scores", filter=Q(scores__assessor=user)))
            .order_by("created_at", "pk")
        )
        page = paginate(request, applications)
    return render(
        request,
        "selection/panel/home.html",
        {
            "call": call,
            "seats": seats,
            "seat": rules.seat_of(user, call),
            "page": page,
            "criteria_count": criteria,
            "declaration_form": (
                DeclarationForm(action=reverse("selection:panel_declare", kwargs={"code": call.code}))
                if rules.may_declare(user, call)
                else None
            ),
            "may_name_panel": rules.may_name_panel(user, call),
            "sees_ranking": rules.sees_ranking(user, call),
            "may_record_decision": rules.may_record_decision(user, call),
            "may_score": rules.may_score(user, call),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def panel_members(request, code):
    call = _call(request, code)
    _require(rules.may_name_panel(request.user, call))
    candidates = rules.panel_candidates(call)
    form = PanelForm(
        request.POST or None, candidates=candidates, initial={"members": [s.user for s in call._panel_seats.values()]}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.set_panel(call, form.cleaned_data["members"], by=request.user, request=request)
        except ValidationError as error:
            _fail(form, error)
        else:
            messages.success(request, _("The panel was saved."))
            return redirect("selection:panel", code=call.code)
    return render(request, "selection/panel/members.html", {"call": call, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def declare(request, code):
    call = _call(request, code)
    _require(rules.may_declare(request.user, call))
    form = DeclarationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.declare_no_conflict(call, by=request.user, request=request)
        messages.success(request, _("Your declaration was recorded. You can now read and score the applications."))
        return redirect("selection:panel", code=call.code)
    return render(request, "selection/panel/declare.html", {"call": call, "form": form})


# --- applications and scores ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def application(request, code):
    """One eligible application for the panel: the answers, the documents, the reader's scores (a form while
    the call is closed), and every assessor's scores for the declared panel."""
    found = _application(request, code)
    call = found.call
    user = request.user
    criteria = list(call.criteria.all())
    may_score = rules.may_score(user, call) and found.status == Application.Status.ELIGIBLE
    form = None
    if may_score:
        mine = {s.criterion_id: s for s in Score.objects.filter(application=found, assessor=user)}
        form = ScoreForm(request.POST or None, criteria=criteria, scores=mine)
        if request.method == "POST" and form.is_valid():
            try:
                services.save_scores(found, form.values(), by=user, request=request)
            except ValidationError as error:
                _fail(form, error)
            else:
                messages.success(request, _("Your scores were saved."))
                return redirect("selection:panel_application", code=found.code)
    elif request.method == "POST":
        raise PermissionDenied
    scores = None
    if rules.sees_scores(user, call):
        scores = list(
            Score.objects.filter(application=found)
            .select_related("criterion", "assessor")
            .order_by("criterion__order", "criterion_id", "assessor__last_name", "assessor_id")
        )
    audit.record(
        actor=user,
        verb=AuditEntry.Verb.VIEWED,
        obj=found,
        request=request,
        partnership=call.partnership,
        organisation=call.organisation,
    )
    return render(
        request,
        "selection/panel/application.html",
        {
            "call": call,
            "application": found,
            "documents": list(found.documents.all()),
            "criteria": criteria,
            "form": form,
            "scores": scores,
            "may_offer_placement": rules.may_offer_placement(user, found),
        },
    )


@login_required
@require_safe
def document_download(request, code, document):
    found = _application(request, code)
    file = get_object_or_404(ApplicationDocument.objects.filter(application=found), code=document)
    audit.record(
        actor=request.user,
        verb=AuditEntry.Verb.DOWNLOADED,
        obj=found,
        request=request,
        partnership=found.call.partnership,
        organisation=found.call.organisation,
        details={"document": file.kind},
    )
    return no_store(attachment(file.file, file.get_kind_display(), f"document-{file.code}"))


# --- ranking and decision ------------------------------------------------------------------------------------


@login_required
@require_safe
def ranking(request, code):
    call = _call(request, code)
    _require(rules.sees_ranking(request.user, call))
    criteria = list(call.criteria.all())
    rows = services.ranking(call, criteria=criteria)
    page = Paginator(rows, RANKING_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "selection/panel/ranking.html",
        {
            "call": call,
            "criteria": criteria,
            "page": page,
            "incomplete": any(not row.complete for row in rows),
            "may_record_decision": rules.may_record_decision(request.user, call),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def decision(request, code):
    call = _call(request, code)
    _require(rules.may_record_decision(request.user, call))
    missing = services.missing_for_decision(call)
    rows = services.ranking(call)
    default = min(call.places, max(len(rows) - call.places, 0))
    size_form = ReserveSizeForm(request.GET or None, initial={"reserve": default})
    reserve = size_form.cleaned_data["reserve"] if request.GET and size_form.is_valid() else default
    if request.method == "POST":
        try:
            reserve = max(0, min(500, int(request.POST.get("reserve_size", default))))
        except (TypeError, ValueError):
            reserve = default
    proposals = services.propose(call, rows, reserve)
    form = DecisionForm(request.POST or None, proposals=proposals, initial={"reserve_size": reserve})
    for proposal in proposals:
        proposal.field = form[f"reason_{proposal.ranked.application.code}"]
    if request.method == "POST" and form.is_valid() and not missing:
        try:
            services.record_decision(
                call,
                reserve_size=form.cleaned_data["reserve_size"],
                reasons=form.reasons(),
                by=request.user,
                request=request,
            )
        except ValidationError as error:
            _fail(form, error)
        else:
            messages.success(request, _("The decision was recorded; the applicants are told by e-mail."))
            return redirect("selection:panel_ranking", code=call.code)
    return render(
        request,
        "selection/panel/decision.html",
        {"call": call, "missing": missing, "size_form": size_form, "form": form, "proposals": proposals},
    )


@login_required
@require_http_methods(["GET", "POST"])
def offer_placement(request, code):
    found = _application(request, code)
    _require(rules.may_offer_placement(request.user, found))
    placements = services.placement_choices(found.call)
    form = PlacementOfferForm(request.POST or None, placements=placements)
    if request.method == "POST" and form.is_valid():
        try:
            mobility = services.offer_placement(found, form.cleaned_data["placement"], by=request.user, request=request)
        except ValidationError as error:
            _fail(form, error)
        else:
            messages.success(request, _("The placement was offered: a draft mobility was made."))
            return redirect(mobility)
    return render(request, "selection/panel/offer.html", {"call": found.call, "application": found, "form": form})
