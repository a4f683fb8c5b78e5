"""Learning Agreement pages: start, read, edit a draft, send, approve or refuse, propose a change, export.

Every page starts from `visible_to(request.user)` (out of scope → 404); the sending side edits
(`ecvet.access.may_edit_agreement`, else 403); approving needs a party the user may act for
(`approvals.parties_for`, else 403) and a re-authentication within the last five minutes.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, prefetch_related_objects
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from documents.canonical import canonical_json
from mobility.access import is_learner_of, sees_personal_details
from mobility.models import Learner, Mobility
from partners import audit
from partners.models import AuditEntry

from .. import access, printing
from ..forms.agreements import DecisionForm, ProposeForm, StartForm, UnitFormSet, VersionForm
from ..models import Approval, LearningAgreement, LearningAgreementUnit, LearningAgreementVersion
from ..services import agreements as service
from ..services import approvals
from .common import add_errors
from .decisions import decision_page

V = LearningAgreementVersion.Status

# --- helpers -----------------------------------------------------------------------------------------


def _agreements(request):
    return LearningAgreement.objects.visible_to(request.user).select_related(
        "mobility__learner",
        "mobility__sending_organisation",
        "mobility__receiving_organisation",
        "mobility__partnership",
        "mobility__mentor",
    )


def scoped_agreement(request, code) -> LearningAgreement:
    return get_object_or_404(_agreements(request), code=code)


def scoped_version(request, code) -> LearningAgreementVersion:
    version = get_object_or_404(
        LearningAgreementVersion.objects.visible_to(request.user).select_related(
            "based_on", "qualification", "memorandum", "created_by"
        ),
        code=code,
    )
    version.agreement = _agreements(request).get(pk=version.agreement_id)
    return version


def _prepare(agreement: LearningAgreement) -> None:
    """Load once what the canonical content reads from the organisations."""
    mobility = agreement.mobility
    prefetch_related_objects([mobility.sending_organisation, mobility.receiving_organisation], "contacts")


def display_content(version: LearningAgreementVersion, *, personal: bool) -> dict:
    """The canonical content as the page shows it (labels for codes; personal details only by need)."""
    content = service.version_content(version)
    learner = dict(content["learner"])
    if personal:
        learner["gender_label"] = Learner.Gender(learner["gender"]).label if learner["gender"] else ""
    else:
        learner.update(date_of_birth=None, gender="", guardian=None, hidden=True)
    content["learner"] = learner
    if content["reason"]:
        code = content["reason"]["code"]
        content["reason"] = {**content["reason"], "label": LearningAgreementVersion.Reason(code).label if code else ""}
    return content


def headings() -> dict:
    """The section headings of the agreement's pages, in the reader's language."""
    return printing.reader_headings(printing.AGREEMENT)


def _versions(agreement: LearningAgreement) -> list[LearningAgreementVersion]:
    versions = list(
        agreement.versions.select_related("based_on", "qualification", "memorandum", "created_by")
        .prefetch_related(
            Prefetch("units", queryset=LearningAgreementUnit.objects.select_related("unit")),
            Prefetch("approvals", queryset=Approval.objects.select_related("organisation").order_by("at", "id")),
        )
        .order_by("-number")
    )
    for version in versions:
        version.agreement = agreement
    return versions


# --- entry and reading -------------------------------------------------------------------------------


@login_required
def agreement_for_mobility(request, code):
    """The mobility's Learning Agreement; the sending side starts it here when there is none yet."""
    mobility = get_object_or_404(Mobility.objects.visible_to(request.user).with_list_related(), code=code)
    agreement = LearningAgreement.objects.filter(mobility=mobility).first()
    if agreement is not None:
        return redirect(agreement)
    can_start = access.may_edit_agreement(request.user, mobility) and mobility.status != Mobility.Status.CANCELLED
    if request.method == "POST" and not can_start:
        raise PermissionDenied
    form = StartForm(request.POST or None, mobility=mobility, user=request.user) if can_start else None
    if form is not None and request.method == "POST" and form.is_valid():
        agreement, draft = service.start_agreement(
            mobility,
            by=request.user,
            request=request,
            memorandum=form.cleaned_data["memorandum"],
            qualification=form.cleaned_data["qualification"],
        )
        messages.success(request, _("The Learning Agreement was started: add the units of learning outcomes."))
        return redirect("ecvet:agreement_edit", code=draft.code)
    return render(request, "ecvet/agreements/start.html", {"mobility": mobility, "form": form})


@login_required
def agreement_detail(request, code):
    agreement = scoped_agreement(request, code)
    mobility = agreement.mobility
    _prepare(agreement)
    versions = _versions(agreement)
    approved = next((v for v in versions if v.status == V.APPROVED), None)
    open_version = next((v for v in versions if v.status in (V.DRAFT, V.AWAITING)), None)
    personal = sees_personal_details(request.user, mobility)
    can_edit = access.may_edit_agreement(request.user, mobility)
    shown = []
    for version, title in (
        (open_version, _("Change proposal") if open_version and open_version.based_on_id else _("Open version")),
        (approved, _("Approved version, in force")),
    ):
        if version is None:
            continue
        state = approvals.state(version)
        shown.append(
            {
                "version": version,
                "title": title,
                "content": display_content(version, personal=personal),
                "approval_state": state,
                "my_parties": [p for p in state["waiting_for"] if access.may_act_for(request.user, p)]
                if version.status == V.AWAITING
                else [],
            }
        )
    latest = versions[0] if versions else None
    if not is_learner_of(request.user, mobility):
        audit.record(
            actor=request.user,
            verb=AuditEntry.Verb.VIEWED,
            obj=agreement,
            request=request,
            partnership=mobility.partnership,
            organisation=mobility.sending_organisation,
        )
    return render(
        request,
        "ecvet/agreements/detail.html",
        {
            "agreement": agreement,
            "mobility": mobility,
            "versions": versions,
            "shown": shown,
            "approved": approved,
            "open_version": open_version,
            "h": headings(),
            "can_edit_draft": can_edit and open_version is not None and open_version.status == V.DRAFT,
            "can_propose": can_edit and approved is not None and open_version is None,
            "can_redraft": can_edit
            and approved is None
            and open_version is None
            and latest is not None
            and latest.status == V.REFUSED,
            "last_refusal": next(
                (a for v in versions for a in reversed(v.approvals.all()) if a.decision == Approval.Decision.REFUSED),
                None,
            ),
        },
    )


@login_required
def agreement_version(request, code):
    """One version, with its approvals (the link of version history entries)."""
    version = scoped_version(request, code)
    mobility = version.agreement.mobility
    _prepare(version.agreement)
    state = approvals.state(version)
    return render(
        request,
        "ecvet/agreements/version.html",
        {
            "agreement": version.agreement,
            "mobility": mobility,
            "version": version,
            "content": display_content(version, personal=sees_personal_details(request.user, mobility)),
            "approval_state": state,
            "h": headings(),
        },
    )


@login_required
def agreement_print(request, code):
    """A clean printable read view, in the agreement's languages (English, the two organisations' and the
    learner's: documents.languages), whoever reads it."""
    version = scoped_version(request, code)
    mobility = version.agreement.mobility
    _prepare(version.agreement)
    state = approvals.state(version)
    if not is_learner_of(request.user, mobility):
        audit.record(
            actor=request.user,
            verb=AuditEntry.Verb.VIEWED,
            obj=version,
            request=request,
            partnership=mobility.partnership,
            organisation=mobility.sending_organisation,
            details={"view": "print"},
        )
    return render(
        request,
        "ecvet/agreements/print.html",
        {
            "agreement": version.agreement,
            "mobility": mobility,
            "version": version,
            "content": display_content(version, personal=sees_personal_details(request.user, mobility)),
            "approval_state": state,
            "status_label": LearningAgreementVersion.Status(version.status).label,
            **printing.print_context(version, printing.AGREEMENT),
        },
    )


@login_required
def agreement_json(request, code):
    """The canonical content of a version, exactly the bytes its approvals bind to."""
    version = scoped_version(request, code)
    mobility = version.agreement.mobility
    # The full content carries the learner's personal details: for the parties only.
    if not access.may_export_json(request.user, version):
        raise PermissionDenied
    _prepare(version.agreement)
    content = approvals.document_content(version)
    audit.record(
        actor=request.user,
        verb=AuditEntry.Verb.EXPORTED,
        obj=version,
        request=request,
        partnership=mobility.partnership,
        organisation=mobility.sending_organisation,
        details={"format": "json"},
    )
    response = HttpResponse(canonical_json(content).encode("utf-8"), content_type="application/json; charset=utf-8")
    filename = f"learning-agreement-{version.agreement.code}-v{version.number}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- the sending side --------------------------------------------------------------------------------


def _require_edit(request, mobility: Mobility) -> None:
    # Mentors, learners and the host read the agreement; only the sending side changes it.
    if not access.may_edit_agreement(request.user, mobility):
        raise PermissionDenied


@login_required
def agreement_edit(request, code):
    """Edit a draft version (the first agreement or a change proposal): its fields and its units."""
    version = scoped_version(request, code)
    agreement, mobility = version.agreement, version.agreement.mobility
    _require_edit(request, mobility)
    try:
        service.ensure_editable(version)
    except ValidationError as error:
        messages.warning(request, " ".join(error.messages))
        return redirect(agreement)
    form = VersionForm(request.POST or None, instance=version, user=request.user)
    qualification, memorandum = version.qualification, version.memorandum
    form_valid = request.method == "POST" and form.is_valid()
    if form_valid:
        # The unit choices follow the qualification / MoU chosen in the same submission.
        qualification, memorandum = form.cleaned_data["qualification"], form.cleaned_data["memorandum"]
    units = service.units_for(request.user, qualification=qualification, memorandum=memorandum)
    mentor = mobility.mentor
    extra_initial = {
        "learning_activities": mobility.planned_activities,
        "assessor": (mentor.get_full_name() or mentor.email) if mentor else "",
    }
    formset = UnitFormSet(
        request.POST or None,
        instance=version,
        prefix="units",
        queryset=version.units.select_related("unit"),
        initial=[extra_initial] * UnitFormSet.extra,
        form_kwargs={"units": units, "mou_points": service.memorandum_points(memorandum)},
    )
    if form_valid and formset.is_valid():
        data = {name: form.cleaned_data[name] for name in form.fields}
        try:
            service.update_draft(version, data=data, units=formset.rows(), by=request.user, request=request)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The draft was saved."))
            return redirect(agreement)
    return render(
        request,
        "ecvet/agreements/edit.html",
        {
            "agreement": agreement,
            "mobility": mobility,
            "version": version,
            "form": form,
            "formset": formset,
            "no_units": not units.exists(),
        },
    )


@login_required
@require_POST
def agreement_send(request, code):
    version = scoped_version(request, code)
    _require_edit(request, version.agreement.mobility)
    try:
        service.send_for_approval(version, by=request.user, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Version %(n)s was sent for approval.") % {"n": version.number})
    return redirect(version.agreement)


@login_required
def agreement_propose(request, code):
    """A change proposal against the approved version, with a reason code and text."""
    agreement = scoped_agreement(request, code)
    _require_edit(request, agreement.mobility)
    form = ProposeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            proposal = service.propose_change(
                agreement,
                by=request.user,
                reason_code=form.cleaned_data["reason_code"],
                reason_text=form.cleaned_data["reason_text"],
                request=request,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(agreement)
        messages.success(
            request, _("Version %(n)s was created: change what is needed, then send it.") % {"n": proposal.number}
        )
        return redirect("ecvet:agreement_edit", code=proposal.code)
    return render(
        request, "ecvet/agreements/propose.html", {"agreement": agreement, "mobility": agreement.mobility, "form": form}
    )


@login_required
@require_POST
def agreement_redraft(request, code):
    """After a refused first agreement: a new draft with the refused content."""
    agreement = scoped_agreement(request, code)
    _require_edit(request, agreement.mobility)
    try:
        draft = service.redraft(agreement, by=request.user, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(agreement)
    messages.success(request, _("Version %(n)s was created from the refused one.") % {"n": draft.number})
    return redirect("ecvet:agreement_edit", code=draft.code)


# --- approving ---------------------------------------------------------------------------------------


@login_required
def agreement_decide(request, code):
    """Approve or refuse a version for a party the user acts for (the shared page in ecvet.views.decisions:
    scope and right are checked before the re-authentication)."""
    version = scoped_version(request, code)
    agreement, mobility = version.agreement, version.agreement.mobility
    _prepare(agreement)

    def done(version, decision):
        version.refresh_from_db(fields=["status"])
        if decision == Approval.Decision.REFUSED:
            return _("You refused version %(n)s; the other parties are told why.") % {"n": version.number}
        if version.status == V.APPROVED:
            mobility.refresh_from_db(fields=["status"])
            return _(
                "Version %(n)s is approved by all parties. The mobility is “%(status)s”; its assessment items "
                "now come from the Learning Agreement."
            ) % {"n": version.number, "status": mobility.get_status_display()}
        return _("Your approval of version %(n)s was recorded.") % {"n": version.number}

    return decision_page(
        request,
        version,
        template="ecvet/agreements/decide.html",
        url_name="ecvet:agreement_decide",
        not_waiting=_("Version %(n)s is not waiting for approval.") % {"n": version.number},
        back=agreement,
        done=done,
        form_class=DecisionForm,
        context={
            "agreement": agreement,
            "mobility": mobility,
            "version": version,
            "content": display_content(version, personal=sees_personal_details(request.user, mobility)),
            "approval_state": approvals.state(version),
            "h": headings(),
            "detail_url": reverse("ecvet:agreement_detail", kwargs={"code": agreement.code}),
        },
    )
