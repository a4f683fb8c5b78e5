"""The partnership's public results page and the coordinator's settings for it.

- `public_page` and `public_result_file`: no sign-in; 404 unless the coordinator switched the page on
  (`services.public_page_for`) and, for a file, the result is published and has one. Only what
  `services.public_content` returns is shown: organisations, published results, public events — nothing
  about people.
- `public_settings`, `public_preview` and the results pages: the project coordinator of the partnership
  (`access.may_coordinate`; 403 for others in scope, 404 out of scope — `Partnership.objects.visible_to`);
  their changes are `dissemination.services` functions.
"""

from __future__ import annotations

import os

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from partners.files import attachment, no_store
from partners.models import Partnership

from .. import access, services
from ..forms.public import PublicPageForm, PublicResultForm
from ..models import PublicPage, PublicResult

PUBLIC_MAX_AGE = 300


def _public_cache(request, response):
    """Anonymous visitors get a page any cache may keep for five minutes. A signed-in visitor's copy names
    them in the navigation bar, so it stays private."""
    if request.user.is_authenticated:
        response["Cache-Control"] = "private, no-cache"
    else:
        response["Cache-Control"] = f"public, max-age={PUBLIC_MAX_AGE}"
    return response


def _published_partnership(slug) -> tuple[Partnership, PublicPage]:
    partnership = get_object_or_404(Partnership.objects.prefetch_related("topics"), slug=slug)
    page = services.public_page_for(partnership)
    if page is None:
        raise Http404
    return partnership, page


def _place(*parts) -> str:
    return ", ".join(str(part) for part in parts if part)


def _content(partnership) -> dict:
    """`services.public_content`, arranged for the template: the coordinating organisation first, upcoming
    training and dissemination events in one list by date, past events with their audience (a number)."""
    content = services.public_content(partnership)
    partners = sorted(content["partners"], key=lambda partner: not partner["coordinator"])  # stable sort
    for result in content["results"]:
        result.extension = os.path.splitext(result.file.name or "")[1].lstrip(".").upper()
    upcoming = [
        {
            "title": event.title,
            "kind": _("Training event"),
            "start": event.start_date,
            "end": event.end_date,
            "place": _place(event.venue, event.city),
            "format": event.get_format_display(),
        }
        for event in content["upcoming_training"]
    ] + [
        {
            "title": event.title,
            "kind": event.get_kind_display(),
            "start": event.date,
            "end": None,
            "place": _place(event.place, event.country.name),
            "format": event.get_format_display(),
        }
        for event in content["upcoming_events"]
    ]
    upcoming.sort(key=lambda row: (row["start"], row["title"]))
    past = [
        {
            "event": event,
            "place": _place(event.place, event.country.name),
            "people": sum(row.total for row in event.audience.all()),
        }
        for event in content["past_events"]
    ]
    return {"partners": partners, "results": content["results"], "upcoming": upcoming, "past_events": past}


def _render_public(request, partnership, page, *, preview: bool):
    context = {"partnership": partnership, "public_page": page, "preview": preview, **_content(partnership)}
    return render(request, "dissemination/public/page.html", context)


@require_safe
def public_page(request, slug):
    partnership, page = _published_partnership(slug)
    return _public_cache(request, _render_public(request, partnership, page, preview=False))


def _file_response(result: PublicResult):
    return attachment(result.file, result.title, f"result-{result.code}")


@require_safe
def public_result_file(request, slug, code):
    partnership, _page = _published_partnership(slug)
    result = get_object_or_404(PublicResult, partnership=partnership, code=code, is_public=True)
    response = _file_response(result)
    response["Cache-Control"] = f"public, max-age={PUBLIC_MAX_AGE}"
    return response


# --- the coordinator's side ------------------------------------------------------------------------------------


def _coordinated(request, slug) -> Partnership:
    partnership = get_object_or_404(Partnership.objects.visible_to(request.user), slug=slug)
    if not access.may_coordinate(request.user, partnership):
        raise PermissionDenied
    return partnership


def _posted(request):
    """The form data of a POST (an empty one too: a bound form that reports what is missing), else None."""
    return request.POST if request.method == "POST" else None


def _posted_with_files(request):
    return (request.POST, request.FILES) if request.method == "POST" else (None, None)


def _page_of(partnership) -> PublicPage:
    return PublicPage.objects.filter(partnership=partnership).first() or PublicPage(partnership=partnership)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def public_settings(request, slug):
    """Switch the page on or off and write its summary; the results published on it."""
    partnership = _coordinated(request, slug)
    page = _page_of(partnership)
    was_enabled = page.enabled
    form = PublicPageForm(_posted(request), instance=page)
    if request.method == "POST" and form.is_valid():
        page = services.save_public_page(form.instance, by=request.user, request=request)
        if page.enabled and not was_enabled:
            messages.success(request, _("The public results page is published: anyone can open it."))
        elif was_enabled and not page.enabled:
            messages.success(request, _("The public results page is switched off."))
        else:
            messages.success(request, _("The public results page was saved."))
        return redirect("dissemination:public_settings", slug=partnership.slug)
    results = PublicResult.objects.filter(partnership=partnership)
    response = render(
        request,
        "dissemination/public/settings.html",
        {"partnership": partnership, "public_page": page, "form": form, "results": results},
    )
    return no_store(response)


@login_required
@require_safe
def public_preview(request, slug):
    """The page as the public will see it, switched on or not (for the coordinator only)."""
    partnership = _coordinated(request, slug)
    return no_store(_render_public(request, partnership, _page_of(partnership), preview=True))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def public_result_create(request, slug):
    partnership = _coordinated(request, slug)
    form = PublicResultForm(*_posted_with_files(request), partnership=partnership)
    if request.method == "POST" and form.is_valid():
        result = services.create_result(form.instance, by=request.user, request=request)
        messages.success(request, _("“%(title)s” was added to the results.") % {"title": result.title})
        return redirect("dissemination:public_settings", slug=partnership.slug)
    return no_store(
        render(
            request,
            "dissemination/public/result_form.html",
            {"partnership": partnership, "form": form, "title": _("Add a result")},
        )
    )


def _result_of(partnership, code) -> PublicResult:
    return get_object_or_404(PublicResult, partnership=partnership, code=code)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def public_result_edit(request, slug, code):
    partnership = _coordinated(request, slug)
    result = _result_of(partnership, code)
    old_name = result.file.name
    form = PublicResultForm(*_posted_with_files(request), instance=result, partnership=partnership)
    if request.method == "POST" and form.is_valid():
        result = services.update_result(form.instance, by=request.user, fields=form.changed_data, request=request)
        messages.success(request, _("“%(title)s” was saved.") % {"title": result.title})
        return redirect("dissemination:public_settings", slug=partnership.slug)
    return no_store(
        render(
            request,
            "dissemination/public/result_form.html",
            {
                "partnership": partnership,
                "form": form,
                "result": result,
                "current_file": os.path.basename(old_name),
                "title": _("Edit a result"),
            },
        )
    )


@login_required
@require_POST
def public_result_delete(request, slug, code):
    partnership = _coordinated(request, slug)
    result = _result_of(partnership, code)
    services.delete_result(result, by=request.user, request=request)
    messages.success(request, _("“%(title)s” was removed from the results.") % {"title": result.title})
    return redirect("dissemination:public_settings", slug=partnership.slug)


@login_required
@require_safe
def public_result_download(request, slug, code):
    """The coordinator's copy of a result's file, published or not."""
    partnership = _coordinated(request, slug)
    return no_store(_file_response(_result_of(partnership, code)))
