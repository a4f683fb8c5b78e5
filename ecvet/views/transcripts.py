"""Personal Transcript pages: build, read, the host's points, approval, recognition, JSON export.

Every page starts from `visible_to(request.user)` (out of scope → 404). The host builds and edits
(`ecvet.access.may_issue_transcript`, else 403); the host's signer approves (`approvals.parties_for`, else 403) after
a re-authentication within the last five minutes; the sending side records recognition
(`ecvet.access.may_recognise_transcript`, else 403). The learner and the mentor read.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import prefetch_related_objects
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from documents.canonical import canonical_json
from mobility.access import is_learner_of, sees_personal_details
from mobility.models import Mobility
from partners import audit, workflow
from partners.models import AuditEntry

from .. import access, printing
from ..forms.transcripts import RecognitionForm, TranscriptForm
from ..models import Approval, Transcript
from ..services import approvals
from ..services import transcripts as service
from .common import add_errors
from .decisions import decision_page

T = Transcript.Status


def scoped_transcript(request, code) -> Transcript:
    return get_object_or_404(
        Transcript.objects.visible_to(request.user).select_related(
            "mobility__learner",
            "mobility__sending_organisation",
            "mobility__receiving_organisation",
            "mobility__partnership",
            "mobility__mentor",
            "assessment",
            "decided_by",
        ),
        code=code,
    )


def display_content(transcript: Transcript, *, personal: bool) -> dict:
    content = dict(approvals.document_content(transcript))
    if not personal:
        content["learner"] = {**content["learner"], "date_of_birth": None, "hidden": True}
    return content


@login_required
def transcript_for_mobility(request, code):
    """The mobility's transcript; the host builds it here (POST builds, or rebuilds a draft)."""
    mobility = get_object_or_404(Mobility.objects.visible_to(request.user).with_list_related(), code=code)
    transcript = Transcript.objects.filter(mobility=mobility).first()
    can_build = access.may_issue_transcript(request.user, mobility)
    if request.method == "POST":
        if not can_build:
            raise PermissionDenied
        try:
            transcript = service.build_transcript(mobility, by=request.user, request=request)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The transcript was built from the submitted assessment."))
            return redirect(transcript)
    elif transcript is not None:
        return redirect(transcript)
    return render(
        request,
        "ecvet/transcripts/for_mobility.html",
        {
            "mobility": mobility,
            "can_build": can_build,
            "assessment": service.submitted_assessment(mobility),
        },
    )


@login_required
def transcript_detail(request, code):
    transcript = scoped_transcript(request, code)
    mobility = transcript.mobility
    prefetch_related_objects([transcript], "entries")
    state = approvals.state(transcript)
    is_draft = transcript.status == T.DRAFT
    can_issue = access.may_issue_transcript(request.user, mobility)
    if not is_learner_of(request.user, mobility):
        audit.record(
            actor=request.user,
            verb=AuditEntry.Verb.VIEWED,
            obj=transcript,
            request=request,
            partnership=mobility.partnership,
            organisation=mobility.receiving_organisation,
        )
    return render(
        request,
        "ecvet/transcripts/detail.html",
        {
            "transcript": transcript,
            "mobility": mobility,
            "content": display_content(transcript, personal=sees_personal_details(request.user, mobility)),
            "approval_state": state,
            "document": transcript,
            "can_edit": can_issue and is_draft,
            # What sending still needs, with links (the Send button only when nothing is missing).
            "missing_to_send": workflow.missing_facts(transcript, "send_for_approval")
            if can_issue and is_draft
            else [],
            "may_decide": transcript.status == T.AWAITING and bool(approvals.parties_for(request.user, transcript)),
            "may_recognise": transcript.status == T.APPROVED
            and not transcript.decision
            and access.may_recognise_transcript(request.user, mobility),
            "may_export": access.may_export_json(request.user, transcript),
            "may_download_credential": access.may_download_credential(request.user, transcript),
            "total_points": service.total_points(transcript),
            "last_refusal": next(
                (a for a in reversed(state["decisions"]) if a.decision == Approval.Decision.REFUSED), None
            )
            if is_draft
            else None,
        },
    )


@login_required
def transcript_print(request, code):
    """A clean printable read view, in the transcript's languages (English, the two organisations' and the
    learner's: documents.languages), whoever reads it."""
    transcript = scoped_transcript(request, code)
    mobility = transcript.mobility
    prefetch_related_objects([transcript], "entries")
    learner = is_learner_of(request.user, mobility)
    if not learner:
        audit.record(
            actor=request.user,
            verb=AuditEntry.Verb.VIEWED,
            obj=transcript,
            request=request,
            partnership=mobility.partnership,
            organisation=mobility.receiving_organisation,
            details={"view": "print"},
        )
    return render(
        request,
        "ecvet/transcripts/print.html",
        {
            "transcript": transcript,
            "mobility": mobility,
            "content": display_content(transcript, personal=sees_personal_details(request.user, mobility)),
            "approval_state": approvals.state(transcript),
            "total_points": service.total_points(transcript),
            "status_label": Transcript.Status(transcript.status).label,
            "decision_label": Transcript.Decision(transcript.decision).label if transcript.decision else "",
            **printing.print_context(transcript, printing.TRANSCRIPT),
        },
    )


@login_required
def transcript_edit(request, code):
    """The host's part of a draft: points for partly achieved units, and remarks."""
    transcript = scoped_transcript(request, code)
    if not access.may_issue_transcript(request.user, transcript.mobility):
        raise PermissionDenied
    if transcript.status != T.DRAFT:
        messages.info(request, _("Only a draft transcript can be changed."))
        return redirect(transcript)
    units = service.mixed_units(transcript)
    form = TranscriptForm(
        request.POST or None,
        units=units,
        limits=service.agreement_points(transcript),
        initial={"host_remarks": transcript.host_remarks},
    )
    if request.method == "POST" and form.is_valid():
        try:
            service.update_transcript(
                transcript,
                points=form.points(),
                host_remarks=form.cleaned_data["host_remarks"],
                by=request.user,
                request=request,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The transcript was saved."))
            return redirect(transcript)
    return render(request, "ecvet/transcripts/edit.html", {"transcript": transcript, "form": form, "units": units})


@login_required
@require_POST
def transcript_send(request, code):
    transcript = scoped_transcript(request, code)
    if not access.may_issue_transcript(request.user, transcript.mobility):
        raise PermissionDenied
    try:
        service.send_for_approval(transcript, by=request.user, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The transcript was sent for the host's approval."))
    return redirect(transcript)


@login_required
def transcript_decide(request, code):
    """Approve or refuse for the host. Scope (404) and right (403) come before the re-authentication."""
    transcript = scoped_transcript(request, code)
    mobility = transcript.mobility
    return decision_page(
        request,
        transcript,
        template="ecvet/transcripts/decide.html",
        url_name="ecvet:transcript_decide",
        not_waiting=_("This transcript is not waiting for approval."),
        context={
            "transcript": transcript,
            "mobility": mobility,
            "content": display_content(transcript, personal=sees_personal_details(request.user, mobility)),
            "content_json": canonical_json(approvals.document_content(transcript)),
        },
        done={
            Approval.Decision.REFUSED: _("You refused the transcript; it is back in draft with your reason."),
            Approval.Decision.APPROVED: _("The transcript is approved by the host."),
        },
    )


@login_required
def transcript_recognise(request, code):
    """Validation and recognition by the sending organisation."""
    transcript = scoped_transcript(request, code)
    if not access.may_recognise_transcript(request.user, transcript.mobility):
        raise PermissionDenied
    if transcript.status != T.APPROVED or transcript.decision:
        messages.info(
            request,
            _("Recognition is recorded once, after the host has approved the transcript.")
            if not transcript.decision
            else _("The recognition of this transcript is already recorded."),
        )
        return redirect(transcript)
    form = RecognitionForm(request.POST or None, instance=None)
    if request.method == "POST" and form.is_valid():
        try:
            service.record_recognition(
                transcript,
                by=request.user,
                decision=form.cleaned_data["decision"],
                decided_on=form.cleaned_data["decided_on"],
                how_it_counts=form.cleaned_data["how_it_counts"],
                points_recognised=form.cleaned_data["points_recognised"],
                request=request,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Validation and recognition were recorded; the mobility is recognised."))
            return redirect(transcript)
    return render(
        request,
        "ecvet/transcripts/recognise.html",
        {"transcript": transcript, "form": form, "total_points": service.total_points(transcript)},
    )


@login_required
def transcript_json(request, code):
    """The canonical content, exactly the bytes the host's approval binds to."""
    transcript = scoped_transcript(request, code)
    mobility = transcript.mobility
    # It carries the learner's date of birth: for the parties only (not the mentor).
    if not access.may_export_json(request.user, transcript):
        raise PermissionDenied
    content = approvals.document_content(transcript)
    audit.record(
        actor=request.user,
        verb=AuditEntry.Verb.EXPORTED,
        obj=transcript,
        request=request,
        partnership=mobility.partnership,
        organisation=mobility.receiving_organisation,
        details={"format": "json"},
    )
    response = HttpResponse(canonical_json(content).encode("utf-8"), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="personal-transcript-{transcript.code}.json"'
    return response
