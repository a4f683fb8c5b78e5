"""The public side of the calls (no sign-in, no account): open calls, a call's page in its two languages, the
application form, the privacy notice, and the applicant's signed links (confirm the e-mail, the status page with
the withdrawal).

Nothing here shows personal data except the status page, which shows its holder their own application. A call is
found among `Call.objects.public()` (drafts and cancelled calls answer 404); the form only while `call.is_open`.
The form is rate-limited per address and per call (allauth's limiter on the database cache:
`ACCOUNT_RATE_LIMITS["selection_apply"]`) and guarded against robots (see `forms.PublicApplicationForm`).
"""

from __future__ import annotations

from allauth.core import ratelimit
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from partners.pagination import paginate

from .. import links, services
from ..forms import PublicApplicationForm
from ..models import Application, Call

PUBLIC_MAX_AGE = 300


def _private(response):
    response["Cache-Control"] = "no-store, private"
    return response


def _public_cache(request, response):
    if request.user.is_authenticated:
        response["Cache-Control"] = "private, no-cache"
    else:
        response["Cache-Control"] = f"public, max-age={PUBLIC_MAX_AGE}"
    return response


def public_call(code) -> Call:
    calls = Call.objects.public().select_related("organisation", "partnership")
    return get_object_or_404(calls, code=code)


@require_safe
def open_calls(request):
    calls = Call.objects.open_now().select_related("organisation").order_by("deadline", "title", "pk")
    return _public_cache(
        request, render(request, "selection/public/open_calls.html", {"page": paginate(request, calls)})
    )


def _versions(call: Call) -> list[dict]:
    """The call's texts: English and, where written, the local language; the visitor's language first."""
    versions = [{"language": "en", "title": call.title, "text": call.text}]
    if call.local_language and call.local_language != "en" and (call.title_local or call.text_local):
        versions.append(
            {"language": call.local_language, "title": call.title_local or call.title, "text": call.text_local}
        )
    current = (get_language() or "en").split("-")[0]
    versions.sort(key=lambda v: v["language"] != current)
    return versions


@require_safe
def call_page(request, code):
    call = public_call(code)
    placements = call.placements.filter(status="published").select_related("host").order_by("start_date", "pk")
    context = {
        "call": call,
        "versions": _versions(call),
        "placements": placements,
        "criteria": call.criteria.all(),
    }
    return _public_cache(request, render(request, "selection/public/call.html", context))


@require_safe
def privacy_notice(request):
    return _public_cache(
        request,
        render(request, "selection/public/privacy.html", {"version": services.PRIVACY_NOTICE_VERSION}),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def apply(request, code):
    call = public_call(code)
    if not call.is_open:
        return _private(render(request, "selection/public/closed.html", {"call": call}, status=410))
    if request.method == "POST":
        if not ratelimit.consume(request, action="selection_apply", key=str(call.code)):
            return _private(render(request, "selection/public/too_many.html", {"call": call}, status=429))
        form = PublicApplicationForm(request.POST, request.FILES, call=call)
        if form.is_valid():
            application = form.save(commit=False)
            try:
                services.submit_application(application, form.files_by_kind(), request=request)
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                return redirect("selection:applied", code=call.code)
        form.refresh_started()
    else:
        form = PublicApplicationForm(call=call, initial={"language": (get_language() or "en").split("-")[0]})
    return _private(render(request, "selection/public/apply.html", {"call": call, "form": form}))


@require_safe
def applied(request, code):
    call = public_call(code)
    return _private(render(request, "selection/public/applied.html", {"call": call}))


def _application_from(token: str, purpose: str) -> Application:
    code = links.code_from(token, purpose)
    if code is None:
        raise Http404
    applications = Application.objects.select_related("call__organisation").filter(erased_at__isnull=True)
    return get_object_or_404(applications, code=code)


@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request, token):
    """GET shows a button (mail scanners open links); POST confirms the address and submits the application."""
    application = _application_from(token, links.CONFIRM)
    if request.method == "POST":
        services.confirm_application(application, request=request)
        return redirect(links.status_path(application))
    if application.status != Application.Status.UNVERIFIED:
        return redirect(links.status_path(application))
    return _private(render(request, "selection/public/confirm.html", {"application": application}))


@require_http_methods(["GET", "HEAD", "POST"])
def status(request, token):
    application = _application_from(token, links.STATUS)
    if request.method == "POST":
        try:
            services.withdraw_application(application, request=request)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("Your application is withdrawn. It is kept, with its date, until the call's retention period ends."),
            )
        return redirect(links.status_path(application))
    application.refresh_from_db()
    labels = dict(Application.Status.choices)
    history = [
        {"at": change.at, "label": labels.get(change.to_state, change.to_state)}
        for change in application.state_history().order_by("at", "pk")
    ]
    context = {
        "application": application,
        "call": application.call,
        "history": history,
        "documents": application.documents.all(),
        "may_withdraw": application.status in Application.OPEN_STATES,
    }
    return _private(render(request, "selection/public/status.html", context))
