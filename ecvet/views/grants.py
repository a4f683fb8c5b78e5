"""The participant's grant agreement pages: start, read, terms, send, approve or refuse, amend, payments, the EU
participant report, printable view.

Every page starts from `GrantAgreement.objects.visible_to(request.user)` (or the mobility's, for the entry): out of
scope → 404. Who reads it (the learner, the sending side, the project coordinators) and who manages it (the
sending organisation, or the project's coordinator, with can_manage_mobilities) is decided by ecvet.access;
the learner and a signer of the sending organisation approve after a re-authentication. Otherwise 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mobility.access import sees_personal_details
from mobility.models import Mobility
from partners import audit, workflow
from partners.models import AuditEntry

from .. import access, printing
from ..forms.grants import PaymentForm, ReportForm, TermsForm
from ..forms.memoranda import ReasonForm
from ..models import Approval, GrantAgreement, GrantPayment
from ..services import approvals
from ..services import grants as service
from .common import add_errors
from .decisions import decision_page

G = GrantAgreement.Status


def scoped_agreement(request, code) -> GrantAgreement:
    return get_object_or_404(
        GrantAgreement.objects.visible_to(request.user).select_related(
            "mobility__learner__user",
            "mobility__sending_organisation",
            "mobility__receiving_organisation",
            "mobility__partnership",
        ),
        code=code,
    )


def _labels(content: dict, *, print_view: bool) -> dict:
    """The agreement's labels: on the page in the reader's language; printed and sealed in the agreement's."""
    languages = content["languages"] if print_view else [get_language() or "en"]
    return printing.in_languages(
        printing.GRANT_AGREEMENT,
        languages,
        prefinancing_days=content["grant"]["prefinancing_days"],
        balance_days=content["grant"]["balance_days"],
    )


def _require_manager(request, agreement):
    if not access.may_manage_grant_agreement(request.user, agreement.mobility):
        raise PermissionDenied


@login_required
def grant_for_mobility(request, code):
    """The mobility's grant agreement; the sending side starts it here when there is none yet."""
    mobility = get_object_or_404(Mobility.objects.visible_to(request.user).with_list_related(), code=code)
    if not access.may_read_grant_agreement(request.user, mobility):
        # The host's staff and the mentor see the mobility, not the participant's money.
        raise PermissionDenied
    agreement = GrantAgreement.objects.filter(mobility=mobility).first()
    if agreement is not None:
        return redirect(agreement)
    can_start = access.may_manage_grant_agreement(request.user, mobility)
    open_mobility = mobility.status != Mobility.Status.CANCELLED
    if request.method == "POST":
        if not can_start:
            raise PermissionDenied
        try:
            agreement = service.start_grant_agreement(mobility, by=request.user, request=request)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("ecvet:grant_for_mobility", code=mobility.code)
        messages.success(request, _("The grant agreement was started from the mobility's grant."))
        return redirect(agreement)
    return render(
        request,
        "ecvet/grants/start.html",
        {"mobility": mobility, "can_start": can_start and open_mobility, "open_mobility": open_mobility},
    )


@login_required
def grant_detail(request, code):
    agreement = scoped_agreement(request, code)
    mobility = agreement.mobility
    state = approvals.state(agreement)
    content = approvals.document_content(agreement)
    audit.record(
        actor=request.user,
        verb=AuditEntry.Verb.VIEWED,
        obj=agreement,
        request=request,
        partnership=mobility.partnership,
    )
    manager = access.may_manage_grant_agreement(request.user, mobility)
    draft = agreement.status == G.DRAFT
    refusals = [d for d in state["decisions"] if d.decision == Approval.Decision.REFUSED]
    payments = list(
        GrantPayment.objects.visible_to(request.user).filter(agreement=agreement).select_related("recorded_by")
    )
    money = service.payment_state(agreement)
    return render(
        request,
        "ecvet/grants/detail.html",
        {
            "agreement": agreement,
            "document": agreement,
            "mobility": mobility,
            "content": content,
            "L": _labels(content, print_view=False),
            "language": get_language() or "en",
            "personal": sees_personal_details(request.user, mobility),
            "approval_state": state,
            "refusal": refusals[-1] if draft and refusals else None,
            "can_edit": manager and draft,
            "can_send": manager and draft,
            "missing_to_send": workflow.missing_facts(agreement, "send_for_approval") if manager and draft else [],
            "can_decide": agreement.status == G.AWAITING and bool(approvals.parties_for(request.user, agreement)),
            "can_amend": manager and agreement.status == G.APPROVED,
            "can_pay": manager and agreement.status == G.APPROVED,
            "can_report": manager and service.report_may_be_recorded(agreement),
            "payments": payments,
            "money": money,
            "overdue": money.overdue() if agreement.status == G.APPROVED else [],
            "changed": service.live_total_differs(agreement) if agreement.status != G.DRAFT else None,
            "history": [
                {
                    "change": change,
                    "from": workflow.label_of(agreement, "status", change.from_state),
                    "to": workflow.label_of(agreement, "status", change.to_state),
                }
                for change in agreement.state_history()
            ],
        },
    )


@login_required
def grant_print(request, code):
    """The printable view: headings and labels in English and the languages of the two who sign it."""
    agreement = scoped_agreement(request, code)
    content = approvals.document_content(agreement)
    audit.record(
        actor=request.user,
        verb=AuditEntry.Verb.VIEWED,
        obj=agreement,
        request=request,
        partnership=agreement.mobility.partnership,
        details={"view": "print"},
    )
    return render(
        request,
        "ecvet/grants/print.html",
        {
            "agreement": agreement,
            "mobility": agreement.mobility,
            "content": content,
            "L": _labels(content, print_view=True),
            "document_languages": content["languages"],
            "language": content["languages"][0],
            "every_language": True,
            "personal": sees_personal_details(request.user, agreement.mobility),
            "approval_state": approvals.state(agreement),
        },
    )


def _managed(request, code, *, allowed: bool, refusal: str):
    """The agreement for a management page: in scope (else 404), the reader may manage it (else 403) and it is in
    the state the page needs (else back to the agreement with `refusal`). Returns (agreement, redirect or None)."""
    agreement = scoped_agreement(request, code)
    _require_manager(request, agreement)
    if not allowed(agreement):
        messages.error(request, refusal)
        return agreement, redirect(agreement)
    return agreement, None


def _form_page(request, agreement, form, title, **extra):
    context = {"agreement": agreement, "mobility": agreement.mobility, "form": form, "title": title, **extra}
    return render(request, "ecvet/grants/form.html", context)


@login_required
def grant_edit(request, code):
    agreement, refused = _managed(
        request, code, allowed=lambda a: a.status == G.DRAFT, refusal=_("Only a draft can be edited.")
    )
    if refused:
        return refused
    form = TermsForm(request.POST if request.method == "POST" else None, instance=agreement)
    if request.method == "POST" and form.is_valid():
        try:
            service.update_terms(agreement, form.cleaned_data, by=request.user, request=request)
        except ValidationError as error:
            add_errors(form, error)  # what was typed stays on the page, with the reason
        else:
            messages.success(request, _("The grant agreement was saved."))
            return redirect(agreement)
    return _form_page(request, agreement, form, _("Terms of the grant"))


@login_required
@require_POST
def grant_send(request, code):
    agreement = scoped_agreement(request, code)
    _require_manager(request, agreement)
    try:
        service.send_for_approval(agreement, by=request.user, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The grant agreement was sent to the participant and your organisation's signers."))
    return redirect(agreement)


@login_required
def grant_decide(request, code):
    """Approve or refuse, bound to the SHA-256 of the content shown on this page."""
    agreement = scoped_agreement(request, code)
    content = approvals.document_content(agreement)
    return decision_page(
        request,
        agreement,
        template="ecvet/grants/decide.html",
        url_name="ecvet:grant_decide",
        not_waiting=_("This grant agreement is not waiting for approval."),
        context={
            "agreement": agreement,
            "mobility": agreement.mobility,
            "content": content,
            "L": _labels(content, print_view=False),
            "language": get_language() or "en",
            "personal": True,
        },
    )


@login_required
def grant_amend(request, code):
    agreement, refused = _managed(
        request,
        code,
        allowed=lambda a: a.status == G.APPROVED,
        refusal=_("Only an approved agreement is amended; a draft is simply edited."),
    )
    if refused:
        return refused
    form = ReasonForm(
        request.POST if request.method == "POST" else None,
        submit_label=_("Reopen as the next version"),
        help_text=_("E.g. the dates changed, so the grant changed. The participant reads it."),
    )
    if request.method == "POST" and form.is_valid():
        try:
            service.amend(agreement, by=request.user, reason=form.cleaned_data["reason"], request=request)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The agreement is a draft again, as its next version; send it when ready."))
            return redirect(agreement)
    return _form_page(request, agreement, form, _("Amend the agreement"))


@login_required
def grant_payment(request, code):
    agreement, refused = _managed(
        request,
        code,
        allowed=lambda a: a.status == G.APPROVED,
        refusal=_("Payments are recorded under an approved agreement."),
    )
    if refused:
        return refused
    money = service.payment_state(agreement)
    initial = {"paid_on": timezone.localdate(), **service.suggested_payment(agreement, money)}
    form = PaymentForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            service.record_payment(agreement, by=request.user, request=request, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The payment was recorded."))
            return redirect(agreement)
    return _form_page(request, agreement, form, _("Record a payment"), money=money)


@login_required
def grant_report(request, code):
    agreement, refused = _managed(
        request,
        code,
        allowed=service.report_may_be_recorded,
        refusal=_("The EU participant report follows an approved grant agreement."),
    )
    if refused:
        return refused
    form = ReportForm(request.POST if request.method == "POST" else None, instance=agreement)
    if request.method == "POST" and form.is_valid():
        try:
            service.record_report(
                agreement,
                requested_on=form.cleaned_data["report_requested_on"],
                submitted_on=form.cleaned_data["report_submitted_on"],
                by=request.user,
                request=request,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The EU participant report was recorded."))
            return redirect(agreement)
    return _form_page(request, agreement, form, _("EU participant report"))
