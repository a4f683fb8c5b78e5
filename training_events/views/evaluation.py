"""Evaluation of a training event (questions, answers, results) and certificates of attendance.

Every page starts from a scoped queryset (`visible_to(request.user)`): out of scope → 404; in scope without
the right → 403 (docs/access.md).

Rules: `training_events.access`; changes: `training_events.services`.

- questions: the host's staff and the project coordinator (`access.may_manage`); read-only once the first
  response exists;
- answering: only the signed-in user's own registered participation. Someone who sees the event but is not
  registered for it (the partners' staff, an administrator) gets 403; someone who does not see it, 404;
- results: `access.sees_evaluation_results` (who manages the event and the staff of the partnership's
  organisations); figures only from `services.MIN_ANSWERS_SHOWN` responses;
- certificates: the host (`access.may_issue_certificates`) sees everyone and issues them; a partner's staff
  see their own organisation's participants (`access.sees_certificate_list`); a certificate page is
  `Certificate.objects.visible_to(user)` (the participant and their organisation's staff).
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from partners.pagination import paginate

from .. import access, services
from ..forms.evaluation import EvaluationForm, EvaluationQuestionForm
from ..models import (
    Certificate,
    EvaluationQuestion,
    EvaluationResponse,
    Participant,
    TrainingEvent,
)

P = Participant.Status
CERTIFICATE_RELATED = (
    "participant__organisation",
    "participant__event__partnership",
    "participant__event__host_organisation",
    "issued_by",
)


def _event(request, code) -> TrainingEvent:
    return get_object_or_404(
        TrainingEvent.objects.visible_to(request.user).select_related("partnership", "host_organisation"), code=code
    )


# --- questions -------------------------------------------------------------------------------------------


def _managed_event(request, code) -> TrainingEvent:
    event = _event(request, code)
    if not access.may_manage(request.user, event):
        raise PermissionDenied
    return event


def _locked(request, event):
    messages.error(request, _("The evaluation has responses: its questions can no longer be changed."))
    return redirect("training_events:question_list", code=event.code)


@login_required
@require_http_methods(["GET", "POST"])
def question_list(request, code):
    """The event's questions, and a form to add one (while nobody has answered)."""
    event = _managed_event(request, code)
    questions = list(EvaluationQuestion.objects.filter(event=event))
    responses = EvaluationResponse.objects.filter(event=event).count()
    locked = responses > 0
    form = None
    if request.method == "POST":
        if locked:
            return _locked(request, event)
        form = EvaluationQuestionForm(request.POST, prefix="new")
        form.instance.event = event
        if form.is_valid():
            try:
                services.add_question(form.instance, by=request.user, request=request)
            except services.QuestionsLocked:
                return _locked(request, event)
            messages.success(request, _("The question was added."))
            return redirect("training_events:question_list", code=event.code)
    elif not locked:
        next_order = max((q.order for q in questions), default=0) + 1
        form = EvaluationQuestionForm(prefix="new", initial={"order": min(next_order, 999)})
    return render(
        request,
        "training_events/evaluation/question_list.html",
        {"event": event, "questions": questions, "responses": responses, "locked": locked, "form": form},
    )


def _question(event, question_code) -> EvaluationQuestion:
    return get_object_or_404(EvaluationQuestion.objects.filter(event=event), code=question_code)


@login_required
@require_http_methods(["GET", "POST"])
def question_edit(request, code, question_code):
    event = _managed_event(request, code)
    question = _question(event, question_code)
    if services.questions_locked(event):
        return _locked(request, event)
    form = EvaluationQuestionForm(request.POST or None, instance=question)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_question(form.instance, by=request.user, request=request)
        except services.QuestionsLocked:
            return _locked(request, event)
        messages.success(request, _("The question was saved."))
        return redirect("training_events:question_list", code=event.code)
    return render(
        request, "training_events/evaluation/question_form.html", {"event": event, "question": question, "form": form}
    )


@login_required
@require_http_methods(["GET", "POST"])
def question_delete(request, code, question_code):
    event = _managed_event(request, code)
    question = _question(event, question_code)
    if services.questions_locked(event):
        return _locked(request, event)
    if request.method == "POST":
        try:
            services.delete_question(question, by=request.user, request=request)
        except services.QuestionsLocked:
            return _locked(request, event)
        messages.success(request, _("The question was deleted."))
        return redirect("training_events:question_list", code=event.code)
    return render(request, "training_events/evaluation/question_delete.html", {"event": event, "question": question})


# --- answering ----------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def evaluation_answer(request, code):
    event = _event(request, code)
    participant = access.participation(request.user, event)
    if participant is None:
        raise PermissionDenied  # sees the event (staff of the partnership) but is not registered for it
    questions = list(EvaluationQuestion.objects.filter(event=event))
    response = EvaluationResponse.objects.filter(participant=participant).first()
    is_open = services.evaluation_open(event)
    form = None
    if response is not None:
        if request.method == "POST":
            messages.error(request, _("You have already answered this evaluation."))
            return redirect("training_events:evaluation_answer", code=event.code)
    elif is_open and questions:
        form = EvaluationForm(questions, request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.submit_evaluation(participant, form.answers(), by=request.user, request=request)
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(request, _("Thank you: your answers were saved."))
                return redirect("training_events:evaluation_answer", code=event.code)
    return render(
        request,
        "training_events/evaluation/answer.html",
        {
            "event": event,
            "participant": participant,
            "questions": questions,
            "response": response,
            "is_open": is_open,
            "form": form,
        },
    )


# --- results ------------------------------------------------------------------------------------------------


def _distribution(stats) -> list[dict]:
    total = sum(stats["distribution"])
    rows = []
    for value, count in zip(range(1, 6), stats["distribution"], strict=True):
        percent = round(count * 100 / total) if total else 0
        rows.append({"value": value, "count": count, "percent": percent})
    return rows


@login_required
def evaluation_results(request, code):
    event = _event(request, code)
    if not access.sees_evaluation_results(request.user, event):
        raise PermissionDenied
    results = services.evaluation_results(event)
    scale, texts = [], []
    for stats in results["questions"]:
        if stats.get("hidden"):
            (scale if stats["question"].kind == EvaluationQuestion.Kind.SCALE else texts).append(stats)
        elif stats["question"].kind == EvaluationQuestion.Kind.SCALE:
            scale.append({**stats, "rows": _distribution(stats)})
        else:
            texts.append(stats)
    return render(
        request,
        "training_events/evaluation/results.html",
        {
            "event": event,
            "results": results,
            "scale": scale,
            "texts": texts,
            "can_edit_questions": access.may_manage(request.user, event),
        },
    )


# --- certificates -----------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def certificate_list(request, code):
    event = _event(request, code)
    if not access.sees_certificate_list(request.user, event):
        raise PermissionDenied
    is_host = access.may_issue_certificates(request.user, event)
    own_orgs = access.registering_organisations(request.user, event)
    if request.method == "POST":
        if not is_host:
            raise PermissionDenied
        try:
            issued = services.issue_certificates(event, by=request.user, request=request)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            if issued:
                messages.success(
                    request,
                    ngettext("%(n)s certificate was issued.", "%(n)s certificates were issued.", len(issued))
                    % {"n": len(issued)},
                )
            else:
                messages.info(
                    request,
                    _("No certificate was issued: everyone who attended a session already has one."),
                )
        return redirect("training_events:certificate_list", code=event.code)
    participants = Participant.objects.filter(event=event, status=P.REGISTERED).select_related(
        "organisation", "certificate"
    )
    if not is_host:
        participants = participants.filter(organisation_id__in=own_orgs)
    page = paginate(request, participants.order_by("organisation__short_name", "last_name", "first_name", "pk"))
    rows = list(page.object_list)
    attended = services.attendance_by_participant([p.pk for p in rows])
    hours = {pk: total for pk, (total, _count) in attended.items()}
    sessions = {pk: count for pk, (_total, count) in attended.items()}
    certificates = [getattr(p, "certificate", None) for p in rows]
    visible = set(
        Certificate.objects.visible_to(request.user)
        .filter(pk__in=[c.pk for c in certificates if c is not None])
        .values_list("pk", flat=True)
    )
    lines = [
        {
            "participant": participant,
            "hours": hours.get(participant.pk, Decimal("0")),
            "sessions": sessions.get(participant.pk, 0),
            "certificate": certificate,
            "can_open": certificate is not None and certificate.pk in visible,
        }
        for participant, certificate in zip(rows, certificates, strict=True)
    ]
    return render(
        request,
        "training_events/certificates/list.html",
        {"event": event, "page": page, "lines": lines, "is_host": is_host},
    )


@login_required
def certificate_detail(request, code):
    certificate = get_object_or_404(
        Certificate.objects.visible_to(request.user).select_related(*CERTIFICATE_RELATED), code=code
    )
    participant = certificate.participant
    return render(
        request,
        "training_events/certificates/detail.html",
        {
            "certificate": certificate,
            "participant": participant,
            "event": participant.event,
            "content": certificate.content,
            "is_own": participant.user_id == request.user.pk,
        },
    )


@login_required
def my_certificates(request):
    certificates = (
        Certificate.objects.filter(participant__user=request.user)
        .select_related("participant__organisation", "participant__event")
        .order_by("-participant__event__start_date", "-pk")
    )
    return render(request, "training_events/certificates/mine.html", {"page": paginate(request, certificates)})
