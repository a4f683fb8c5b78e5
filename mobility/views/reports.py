"""Learner report: filing and reading it, the partnership's survey questions, and the aggregates."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from partners import figures
from partners.models import Partnership
from partners.pagination import paginate

from .. import access
from ..forms.quality import LearnerReportForm, SurveyQuestionFormSet
from ..models import LearnerAnswer, LearnerReport, Mobility, SurveyQuestion
from ..services import reports as service

MOBILITY_RELATED = ("learner", "partnership", "sending_organisation", "receiving_organisation", "mentor")


@login_required
def report(request, code):
    mobility = get_object_or_404(Mobility.objects.visible_to(request.user).select_related(*MOBILITY_RELATED), code=code)
    if not access.may_read_report(request.user, mobility):
        raise PermissionDenied
    service.ensure_questions(mobility.partnership)
    filed = (
        LearnerReport.objects.filter(mobility=mobility)
        .prefetch_related(
            Prefetch("answers", queryset=LearnerAnswer.objects.select_related("question").order_by("question__order"))
        )
        .first()
    )
    problem = service.filing_problem(request.user, mobility, filed)
    is_learner = access.is_learner_of(request.user, mobility)
    form, status = None, 200
    questions = SurveyQuestion.objects.filter(partnership=mobility.partnership, is_active=True).order_by("order", "id")
    if request.method == "POST":
        if problem:
            messages.error(request, problem)
            status = 403
        else:
            form = LearnerReportForm(request.POST, questions=questions)
            if form.is_valid():
                try:
                    service.submit_report(mobility, by=request.user, answers=form.answers(), request=request)
                except service.ReportLocked as locked:
                    messages.error(request, str(locked))
                    return redirect("mobility:report", code=mobility.code)
                except ValidationError as error:
                    form.add_error(None, error)
                else:
                    messages.success(request, _("Thank you: your report was submitted."))
                    return redirect("mobility:report", code=mobility.code)
    elif not problem:
        form = LearnerReportForm(questions=questions)
    return render(
        request,
        "mobility/quality/report.html",
        {
            "mobility": mobility,
            "report": filed if filed and filed.submitted_at else None,
            "form": form,
            "problem": problem,
            "is_learner": is_learner,
            "scale_labels": service.SCALE_LABELS,
        },
        status=status,
    )


@login_required
def survey_questions(request, slug):
    """The partnership's report questions: the project coordinator edits them, partners read them."""
    partnership = get_object_or_404(Partnership.objects.visible_to(request.user), slug=slug)
    can_edit = access.may_edit_survey_questions(request.user, partnership)
    service.ensure_questions(partnership)
    queryset = SurveyQuestion.objects.filter(partnership=partnership).order_by("order", "id")
    answered_ids = frozenset(
        SurveyQuestion.objects.filter(partnership=partnership, answers__isnull=False)
        .values_list("pk", flat=True)
        .distinct()
    )
    formset = None
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        formset = SurveyQuestionFormSet(
            request.POST, queryset=queryset, prefix="questions", form_kwargs={"answered_ids": answered_ids}
        )
        if formset.is_valid():
            service.save_questions(partnership, formset, by=request.user, request=request)
            messages.success(request, _("The questions were saved. Reports filed from now on use them."))
            return redirect("mobility:survey_questions", slug=partnership.slug)
    elif can_edit:
        formset = SurveyQuestionFormSet(
            queryset=queryset, prefix="questions", form_kwargs={"answered_ids": answered_ids}
        )
    return render(
        request,
        "mobility/quality/survey_questions.html",
        {
            "partnership": partnership,
            "can_edit": can_edit,
            "formset": formset,
            "questions": None if can_edit else queryset,
        },
    )


# Free-text answers listed per question and group; all of one (?answers=<group>-<question>) page by page.
TEXTS_SHOWN = 10


def _expand_answers(request, result):
    """The group and question whose answers the reader asked to see in full (their texts paginated on
    `stats.page`), or None."""
    group_number, _sep, question = request.GET.get("answers", "").partition("-")
    if not (group_number.isdigit() and question.isdigit()):
        return None
    groups = result.organisations
    if not 1 <= int(group_number) <= len(groups):
        return None
    group = groups[int(group_number) - 1]
    if not (group.shown and group.with_texts):
        return None
    for stats in group.questions:
        if stats.question.pk == int(question) and stats.texts:
            stats.page = paginate(request, stats.texts)
            return {"group": int(group_number), "question": stats.question.pk}
    return None


@login_required
def report_aggregates(request, slug):
    """Answers in aggregate: the project coordinator sees the partnership and each sending organisation;
    a partner coordinator sees their own organisation's outgoing learners. Small groups are never shown."""
    partnership = get_object_or_404(Partnership.objects.visible_to(request.user), slug=slug)
    if not access.may_read_report_aggregates(request.user, partnership):
        raise PermissionDenied
    organisation_ids = access.report_organisations(request.user, partnership)
    service.ensure_questions(partnership)
    result, counts = figures.cached(
        "learner-reports",
        partnership.pk,
        request.user,
        lambda: (
            service.aggregates(partnership, organisation_ids=organisation_ids),
            service.report_counts(partnership, organisation_ids=organisation_ids),
        ),
    )
    expanded = _expand_answers(request, result)
    return render(
        request,
        "mobility/quality/report_aggregates.html",
        {
            "partnership": partnership,
            "result": result,
            "counts": counts,
            "expanded": expanded,
            "texts_shown": TEXTS_SHOWN,
            "whole_partnership": organisation_ids is None,
            "can_edit_questions": access.may_edit_survey_questions(request.user, partnership),
            "scale_labels": list(service.SCALE_LABELS.items()),
        },
    )
