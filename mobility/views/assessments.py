"""Mentor assessment of a mobility: learning outcomes, draft, submission, corrections and version history."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from .. import access
from ..forms.quality import AssessmentForm, AssessmentItemFormSet, CorrectionForm
from ..models import AssessmentItem, AssessmentResult, MentorAssessment, Mobility
from ..models.assessments import SOFT_SKILL_SCALE
from ..services import assessments as service

Status = MentorAssessment.Status
MOBILITY_RELATED = ("learner", "partnership", "sending_organisation", "receiving_organisation", "mentor")


def _mobility(request, code) -> Mobility:
    return get_object_or_404(Mobility.objects.visible_to(request.user).select_related(*MOBILITY_RELATED), code=code)


def _with_rows(queryset):
    return queryset.select_related("assessor").prefetch_related(
        Prefetch("results", queryset=AssessmentResult.objects.select_related("item")), "soft_skills"
    )


def _context(request, mobility, *, form=None, error=None):
    user = request.user
    versions = [v for v in _with_rows(mobility.assessments.order_by("-version")) if access.may_read_assessment(user, v)]
    current = next((v for v in versions if v.status != Status.SUPERSEDED), None)
    can_assess = access.may_assess(user, mobility)
    items = list(mobility.assessment_items.all())
    if form is None and can_assess and (current is None or current.status == Status.DRAFT):
        form = AssessmentForm(initial=AssessmentForm.initial_from(current), mobility=mobility, items=items)
    return {
        "mobility": mobility,
        "items": items,
        "current": current,
        "versions": versions,
        "form": form,
        "error": error,
        "can_assess": can_assess,
        "can_edit_items": access.may_edit_items(user, mobility)
        and not service.has_submitted(mobility)
        and not service.items_from_agreement(mobility),
        "can_correct": can_assess and current is not None and current.status == Status.SUBMITTED,
        "is_learner": access.is_learner_of(user, mobility),
        "scale": SOFT_SKILL_SCALE,
    }


def _refused(request, mobility, message):
    """A change to a locked assessment: say so plainly, change nothing."""
    return render(request, "mobility/quality/assessment.html", _context(request, mobility, error=message), status=403)


@login_required
def assessment(request, code):
    mobility = _mobility(request, code)
    if request.method != "POST":
        return render(request, "mobility/quality/assessment.html", _context(request, mobility))
    if not access.may_assess(request.user, mobility):
        raise PermissionDenied
    current = service.current_assessment(mobility)
    if current is not None and current.is_locked:
        return _refused(request, mobility, str(service.AssessmentLocked()))
    submitting = request.POST.get("action") == "submit"
    form = AssessmentForm(request.POST, mobility=mobility, items=mobility.assessment_items.all(), submitting=submitting)
    if form.is_valid():
        try:
            if submitting:
                saved = service.submit_assessment(mobility, by=request.user, data=form.to_input(), request=request)
                messages.success(
                    request,
                    _("The assessment (version %(version)s) was submitted. It is now locked.")
                    % {"version": saved.version},
                )
            else:
                service.save_draft(mobility, by=request.user, data=form.to_input(), request=request)
                messages.success(request, _("The draft was saved. Submit it when it is complete."))
            return redirect("mobility:assessment", code=mobility.code)
        except service.AssessmentLocked as locked:
            return _refused(request, mobility, str(locked))
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, field_errors in error.error_dict.items():
                    for e in field_errors:
                        form.add_error(field if field in form.fields else None, e)
            else:
                form.add_error(None, error)
    return render(request, "mobility/quality/assessment.html", _context(request, mobility, form=form))


@login_required
def assessment_version(request, code):
    """One version, read-only (the history list links here)."""
    version = get_object_or_404(
        _with_rows(MentorAssessment.objects.visible_to(request.user)).select_related(
            *(f"mobility__{name}" for name in MOBILITY_RELATED)
        ),
        code=code,
    )
    mobility = version.mobility
    if not access.may_read_assessment(request.user, version):
        # The learner does not learn that a draft exists.
        raise Http404
    return render(
        request,
        "mobility/quality/assessment_version.html",
        {"mobility": mobility, "version": version, "scale": SOFT_SKILL_SCALE},
    )


@login_required
def assessment_items(request, code):
    """Free-text learning outcomes, until the Learning Agreement provides them."""
    mobility = _mobility(request, code)
    if not access.may_edit_items(request.user, mobility):
        raise PermissionDenied
    locked_reason = None
    if service.has_submitted(mobility):
        locked_reason = _("An assessment has been submitted: the learning outcomes can no longer change.")
    elif service.items_from_agreement(mobility):
        locked_reason = _("The learning outcomes come from the Learning Agreement and are changed there.")
    queryset = mobility.assessment_items.filter(source=AssessmentItem.Source.MANUAL).order_by("order", "id")
    formset = None
    status = 200
    if request.method == "POST":
        if locked_reason:
            status = 403
        else:
            formset = AssessmentItemFormSet(request.POST, queryset=queryset, prefix="items")
            if formset.is_valid():
                try:
                    service.save_manual_items(mobility, formset, by=request.user, request=request)
                except service.AssessmentLocked as locked:
                    locked_reason, status = str(locked), 403
                else:
                    messages.success(request, _("The learning outcomes were saved."))
                    return redirect("mobility:assessment", code=mobility.code)
    if formset is None and not locked_reason:
        formset = AssessmentItemFormSet(queryset=queryset, prefix="items")
    return render(
        request,
        "mobility/quality/assessment_items.html",
        {
            "mobility": mobility,
            "formset": formset,
            "locked_reason": locked_reason,
            "items": mobility.assessment_items.all(),
        },
        status=status,
    )


@login_required
def assessment_correct(request, code):
    """Start a correction of the submitted assessment: a new version, with a reason."""
    mobility = _mobility(request, code)
    if not access.may_assess(request.user, mobility):
        raise PermissionDenied
    current = service.current_assessment(mobility)
    if current is None or current.status != Status.SUBMITTED:
        messages.error(request, _("Only a submitted assessment can be corrected."))
        return redirect("mobility:assessment", code=mobility.code)
    form = CorrectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            new = service.start_correction(
                mobility, by=request.user, reason=form.cleaned_data["reason"], request=request
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Version %(version)s was started from the submitted one. Change what needs correcting and submit it.")
                % {"version": new.version},
            )
            return redirect("mobility:assessment", code=mobility.code)
    return render(
        request, "mobility/quality/assessment_correct.html", {"mobility": mobility, "current": current, "form": form}
    )
