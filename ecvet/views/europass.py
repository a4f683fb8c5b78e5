"""Europass Mobility pages: start, read, edit (one page per side), send, approve or refuse, export.

Every page starts from `visible_to(request.user)` (out of scope → 404). The sending side (can_manage_mobilities
at the sending organisation) starts, describes and sends; the host (can_manage_mobilities at the receiving
organisation, or the mentor) fills section 5a; the signers of both organisations approve, after a
re-authentication within the last five minutes. Otherwise 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from documents.canonical import canonical_json
from mobility.access import sees_personal_details
from mobility.models import Mobility
from partners import audit, workflow
from partners.models import AuditEntry

from .. import access, printing
from ..forms.europass import HostForm, SendingForm
from ..models import Approval, EuropassMobility
from ..services import approvals
from ..services import europass as service
from .decisions import decision_page

E = EuropassMobility.Status


def scoped_europass(request, code) -> EuropassMobility:
    return get_object_or_404(
        EuropassMobility.objects.visible_to(request.user).select_related(
            "mobility__learner",
            "mobility__sending_organisation",
            "mobility__receiving_organisation",
            "mobility__partnership",
            "mobility__mentor",
        ),
        code=code,
    )


def _latest_refusal(europass, decisions):
    if europass.status != E.DRAFT:
        return None
    refusals = [d for d in decisions if d.decision == Approval.Decision.REFUSED]
    return refusals[-1] if refusals else None


@login_required
def europass_for_mobility(request, code):
    """The mobility's Europass Mobility; the sending side starts it here when there is none yet."""
    mobility = get_object_or_404(Mobility.objects.visible_to(request.user).with_list_related(), code=code)
    europass = EuropassMobility.objects.filter(mobility=mobility).first()
    if europass is not None:
        return redirect(europass)
    can_start = access.may_edit_europass_sending(request.user, mobility)
    if request.method == "POST":
        if not can_start:
            raise PermissionDenied
        try:
            europass = service.start_europass(mobility, by=request.user, request=request)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("ecvet:europass_for_mobility", code=mobility.code)
        messages.success(request, _("The Europass Mobility was started; the host now fills in section 5a."))
        return redirect(europass)
    eligible = mobility.status in service.ELIGIBLE_STATUSES
    return render(
        request,
        "ecvet/europass/start.html",
        {"mobility": mobility, "can_start": can_start and eligible, "eligible": eligible},
    )


@login_required
def europass_detail(request, code):
    europass = scoped_europass(request, code)
    mobility = europass.mobility
    state = approvals.state(europass)
    audit.record(
        actor=request.user,
        verb=AuditEntry.Verb.VIEWED,
        obj=europass,
        request=request,
        partnership=europass.mobility.partnership,
    )
    sending = access.may_edit_europass_sending(request.user, mobility)
    draft = europass.status == E.DRAFT
    return render(
        request,
        "ecvet/europass/detail.html",
        {
            "europass": europass,
            "document": europass,
            "mobility": mobility,
            "content": approvals.document_content(europass),
            "personal": sees_personal_details(request.user, mobility),
            "approval_state": state,
            "refusal": _latest_refusal(europass, state["decisions"]),
            "can_edit_sending": sending and draft,
            "can_edit_host": access.may_edit_europass_host(request.user, mobility) and draft,
            "can_send": sending and draft,
            # What sending still needs, with links (the Send button only when nothing is missing).
            "missing_to_send": workflow.missing_facts(europass, "send_for_approval") if sending and draft else [],
            "can_decide": europass.status == E.AWAITING and bool(approvals.parties_for(request.user, europass)),
            "can_export": access.may_export_json(request.user, europass),
            "may_download_credential": access.may_download_europass_credential(request.user, europass),
        },
    )


@login_required
def europass_print(request, code):
    """A clean printable read view, in the document's languages (English, the two organisations' and the
    learner's: documents.languages), whoever reads it."""
    europass = scoped_europass(request, code)
    mobility = europass.mobility
    audit.record(
        actor=request.user,
        verb=AuditEntry.Verb.VIEWED,
        obj=europass,
        request=request,
        partnership=europass.mobility.partnership,
        details={"view": "print"},
    )
    return render(
        request,
        "ecvet/europass/print.html",
        {
            "europass": europass,
            "mobility": mobility,
            "content": approvals.document_content(europass),
            "personal": sees_personal_details(request.user, mobility),
            "approval_state": approvals.state(europass),
            "status_label": EuropassMobility.Status(europass.status).label,
            **printing.print_context(europass, printing.EUROPASS),
        },
    )


def _edit(request, code, *, form_class, require, update, title):
    europass = scoped_europass(request, code)
    require(request.user, europass.mobility)
    if europass.status != E.DRAFT:
        messages.error(request, _("Only a draft can be edited."))
        return redirect(europass)
    form = form_class(request.POST if request.method == "POST" else None, instance=europass)
    if request.method == "POST" and form.is_valid():
        try:
            update(europass, form.cleaned_data, by=request.user, request=request)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The Europass Mobility was saved."))
        return redirect(europass)
    return render(request, "ecvet/europass/edit.html", {"europass": europass, "form": form, "title": title})


@login_required
def europass_edit_sending(request, code):
    return _edit(
        request,
        code,
        form_class=SendingForm,
        require=service.require_sending,
        update=service.update_sending,
        title=_("Description of the mobility"),
    )


@login_required
def europass_edit_host(request, code):
    return _edit(
        request,
        code,
        form_class=HostForm,
        require=service.require_host,
        update=service.update_host,
        title=_("Section 5a: skills and competences acquired"),
    )


@login_required
@require_POST
def europass_send(request, code):
    europass = scoped_europass(request, code)
    service.require_sending(request.user, europass.mobility)
    try:
        service.send_for_approval(europass, by=request.user, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The Europass Mobility was sent to both organisations for approval."))
    return redirect(europass)


@login_required
def europass_decide(request, code):
    """Approve or refuse, bound to the SHA-256 of the content shown on this page."""
    europass = scoped_europass(request, code)
    return decision_page(
        request,
        europass,
        template="ecvet/europass/decide.html",
        url_name="ecvet:europass_decide",
        not_waiting=_("This Europass Mobility is not waiting for approval."),
        context={
            "europass": europass,
            "mobility": europass.mobility,
            "content": approvals.document_content(europass),
            "personal": True,
        },
    )


@login_required
def europass_json(request, code):
    """The canonical content, byte for byte what the approvals' SHA-256 is computed over."""
    europass = scoped_europass(request, code)
    # The content carries the holder's date of birth: for the parties only.
    if not access.may_export_json(request.user, europass):
        raise PermissionDenied
    body = canonical_json(approvals.document_content(europass)).encode("utf-8")
    sha = approvals.current_sha256(europass)
    audit.record(
        actor=request.user,
        verb=AuditEntry.Verb.EXPORTED,
        obj=europass,
        request=request,
        partnership=europass.mobility.partnership,
        details={"format": "json", "sha256": sha},
    )
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="europass-mobility-{europass.code}.json"'
    response["X-Content-SHA256"] = sha
    return response
