"""Memoranda of Understanding: list, detail, drafting, approval, amendment, termination, JSON and print views.

Readers: staff of a signing organisation and the project coordinator of its partnership
(`Memorandum.objects.visible_to`); out of scope → 404. Drafting, sending, amending and terminating:
`ecvet.access.may_manage_memorandum` (403 otherwise). Deciding: a signer of a party organisation, after
re-authentication within the last five minutes.
"""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from documents.canonical import canonical_json
from partners import audit
from partners.models import AuditEntry, Partnership
from partners.pagination import paginate

from .. import access, printing
from ..forms.memoranda import MemorandumForm, ReasonForm, party_formset, unit_formset
from ..models import Approval, Memorandum
from ..services import approvals
from ..services import memoranda as service
from .catalogue import require_staff
from .decisions import decision_page

S = Memorandum.Status


def scoped_memorandum(request, code) -> Memorandum:
    return get_object_or_404(service.with_content(Memorandum.objects.visible_to(request.user)), code=code)


def _visible(request, memorandum: Memorandum | None) -> Memorandum | None:
    """`memorandum` if the user may open it (an amendment may have other parties), else None."""
    if memorandum is None or not Memorandum.objects.visible_to(request.user).filter(pk=memorandum.pk).exists():
        return None
    return memorandum


def annotate_status(memorandum: Memorandum) -> Memorandum:
    memorandum.shown_status, memorandum.shown_status_label = service.effective_status(memorandum)
    return memorandum


def version_history(memorandum: Memorandum, user) -> list[Memorandum]:
    """Every version of this memorandum's line, oldest first (only those the user may see)."""
    root = memorandum
    while root.previous_id:
        root = root.previous
    chain, frontier = [root], [root.pk]
    while frontier:
        children = list(Memorandum.objects.filter(previous_id__in=frontier).order_by("version"))
        chain += children
        frontier = [c.pk for c in children]
    visible = set(Memorandum.objects.visible_to(user).filter(pk__in=[m.pk for m in chain]).values_list("pk", flat=True))
    return [annotate_status(m) for m in chain if m.pk in visible]


@login_required
def memorandum_list(request):
    require_staff(request)
    memoranda = (
        Memorandum.objects.visible_to(request.user)
        .select_related("partnership")
        .prefetch_related("parties__organisation")
        .order_by("-valid_from", "title", "-version", "id")
    )
    partnership = None
    if request.GET.get("partnership"):
        partnership = get_object_or_404(Partnership.objects.visible_to(request.user), slug=request.GET["partnership"])
        memoranda = memoranda.filter(partnership=partnership)
    query = request.GET.get("q", "").strip()
    if query:
        memoranda = memoranda.filter(title__icontains=query)
    page = paginate(request, memoranda)
    for memorandum in page.object_list:
        annotate_status(memorandum)
    return render(
        request,
        "ecvet/memoranda/list.html",
        {
            "page": page,
            "partnership": partnership,
            "query": query,
            "can_create": access.may_create_memorandum(request.user),
        },
    )


def _edit(request, memorandum: Memorandum | None):
    instance = memorandum or Memorandum()
    data = request.POST if request.method == "POST" else None
    form = MemorandumForm(data, instance=instance, user=request.user)
    parties = party_formset(data, instance=instance, user=request.user)
    units = unit_formset(data, instance=instance, user=request.user)
    if data is not None:
        form_ok = form.is_valid()
        parties.partnership = form.cleaned_data.get("partnership") if form_ok else instance.partnership
        parties.user = request.user
        units.qualifications = form.cleaned_data.get("qualifications") if form_ok else None
        parties_ok, units_ok = parties.is_valid(), units.is_valid()
        if form_ok and parties_ok and units_ok:
            try:
                saved = service.save_draft(form, parties, units, by=request.user, request=request)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
                return redirect(memorandum)
            messages.success(request, _("The draft memorandum was saved."))
            return redirect(saved)
    return render(
        request,
        "ecvet/memoranda/form.html",
        {"form": form, "parties": parties, "units": units, "memorandum": memorandum},
    )


@login_required
def memorandum_create(request):
    require_staff(request)
    if not access.may_create_memorandum(request.user):
        raise PermissionDenied
    return _edit(request, None)


@login_required
def memorandum_edit(request, code):
    memorandum = scoped_memorandum(request, code)
    service.require_manage(request.user, memorandum)
    if memorandum.status != S.DRAFT:
        messages.error(request, _("Only a draft can be edited. To change a memorandum in force, amend it."))
        return redirect(memorandum)
    return _edit(request, memorandum)


@login_required
def memorandum_detail(request, code):
    memorandum = annotate_status(scoped_memorandum(request, code))
    state = approvals.state(memorandum)
    audit.record(
        actor=request.user,
        verb=AuditEntry.Verb.VIEWED,
        obj=memorandum,
        request=request,
        partnership=memorandum.partnership,
    )
    may_manage = access.may_manage_memorandum(request.user, memorandum)
    live = memorandum.shown_status == S.IN_FORCE
    return render(
        request,
        "ecvet/memoranda/detail.html",
        {
            "memorandum": memorandum,
            "document": memorandum,
            "approval_state": state,
            "refusal": service.latest_refusal(memorandum, state["decisions"]),
            "history": version_history(memorandum, request.user),
            "open_amendment": _visible(request, service.open_amendment(memorandum)) if live else None,
            "can_edit": may_manage and memorandum.status == S.DRAFT,
            "can_send": may_manage and memorandum.status == S.DRAFT,
            "can_amend": may_manage and live,
            "can_terminate": may_manage and live,
            "can_decide": memorandum.status == S.OUT_FOR_APPROVAL
            and bool(approvals.parties_for(request.user, memorandum)),
        },
    )


@login_required
def memorandum_send(request, code):
    memorandum = scoped_memorandum(request, code)
    service.require_manage(request.user, memorandum)
    if request.method == "POST":
        try:
            service.send_for_approval(memorandum, by=request.user, request=request)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The memorandum was sent to every signing organisation for approval."))
    return redirect(memorandum)


@login_required
def memorandum_amend(request, code):
    memorandum = annotate_status(scoped_memorandum(request, code))
    service.require_manage(request.user, memorandum)
    form = ReasonForm(
        request.POST if request.method == "POST" else None,
        submit_label=_("Start the amendment"),
        help_text=_("Why the memorandum changes; the signing organisations read it when they approve."),
    )
    if request.method == "POST" and form.is_valid():
        try:
            amendment = service.start_amendment(
                memorandum, by=request.user, reason=form.cleaned_data["reason"], request=request
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(memorandum)
        messages.success(
            request, _("A new draft version was created; the version in force stays in force until it is approved.")
        )
        return redirect(amendment)
    return render(request, "ecvet/memoranda/reason.html", {"memorandum": memorandum, "form": form, "action": "amend"})


@login_required
def memorandum_terminate(request, code):
    memorandum = annotate_status(scoped_memorandum(request, code))
    service.require_manage(request.user, memorandum)
    form = ReasonForm(
        request.POST if request.method == "POST" else None,
        submit_label=_("Terminate the memorandum"),
        help_text=_("The signing organisations receive it by email."),
    )
    if request.method == "POST" and form.is_valid():
        try:
            service.terminate(memorandum, by=request.user, reason=form.cleaned_data["reason"], request=request)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The memorandum was terminated."))
        return redirect(memorandum)
    return render(
        request, "ecvet/memoranda/reason.html", {"memorandum": memorandum, "form": form, "action": "terminate"}
    )


@login_required
def memorandum_decide(request, code):
    """Approve or refuse, bound to the SHA-256 of the content shown on this page."""
    memorandum = annotate_status(scoped_memorandum(request, code))
    content = service.memorandum_content(memorandum)
    return decision_page(
        request,
        memorandum,
        template="ecvet/memoranda/decide.html",
        url_name="ecvet:memorandum_decide",
        not_waiting=_("This memorandum is not waiting for approval."),
        context={
            "memorandum": memorandum,
            "content_json": json.dumps(content, indent=2, ensure_ascii=False, sort_keys=True, default=str),
        },
    )


@login_required
def memorandum_json(request, code):
    """The canonical content, byte for byte what the approvals' SHA-256 is computed over."""
    memorandum = scoped_memorandum(request, code)
    body = canonical_json(approvals.document_content(memorandum)).encode("utf-8")
    sha = approvals.current_sha256(memorandum)
    audit.record(
        actor=request.user,
        verb=AuditEntry.Verb.EXPORTED,
        obj=memorandum,
        request=request,
        partnership=memorandum.partnership,
        details={"format": "json", "sha256": sha},
    )
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="memorandum-{memorandum.code}-v{memorandum.version}.json"'
    response["X-Content-SHA256"] = sha
    return response


@login_required
def memorandum_print(request, code):
    memorandum = annotate_status(scoped_memorandum(request, code))
    state = approvals.state(memorandum)
    audit.record(
        actor=request.user,
        verb=AuditEntry.Verb.VIEWED,
        obj=memorandum,
        request=request,
        partnership=memorandum.partnership,
        details={"view": "print"},
    )
    return render(
        request,
        "ecvet/memoranda/print.html",
        {
            "memorandum": memorandum,
            "approval_state": state,
            "decision_labels": dict(Approval.Decision.choices),
            **printing.print_context(memorandum, printing.MEMORANDUM),
        },
    )
