"""The reach report of a partnership and its targets.

Read by the staff of the partnership's organisations (`Partnership.objects.visible_to`, else 404); the targets
are set by the project coordinator (`access.may_coordinate`, else 403) through `services.save_targets`. The report is
`services.reach_report`: a fixed number of queries whatever the number of events and activities.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe
from django_countries import countries

from partners.models import Partnership

from .. import access, services
from ..forms.events import TargetsForm
from ..models import Channel, ReachTarget
from .events import posted, require


def scoped_partnership(request, slug) -> Partnership:
    return get_object_or_404(Partnership.objects.visible_to(request.user), slug=slug)


def bar(value: int, whole: int | None) -> dict | None:
    """A bar's width (0–100) and its exact percentage (may exceed 100), or None without a whole to compare to."""
    if not whole:
        return None
    percent = round(100 * value / whole)
    return {"percent": percent, "width": max(0, min(percent, 100))}


def with_target_bar(row: dict, value_key: str) -> dict:
    """The service's `percent` (of the target) with the capped width the bar draws."""
    percent = row.get("percent")
    row["bar"] = None if percent is None else {"percent": percent, "width": max(0, min(percent, 100))}
    row["value"] = row[value_key]
    return row


def totals_of(rows: list[dict], keys) -> dict:
    return {key: sum(row[key] or 0 for row in rows) for key in keys}


@login_required
@require_safe
def reach_report(request, slug):
    partnership = scoped_partnership(request, slug)
    report = services.reach_report(partnership)
    groups = [with_target_bar(row, "total") for row in report["groups"]]
    channels = [with_target_bar(row, "reach") for row in report["channels"]]
    group_totals = totals_of(groups, ("national", "international", "total"))
    group_targets = [row["target"] for row in groups if row["target"]]
    group_totals["target"] = sum(group_targets) if group_targets else None
    # Event participants are people, the other channels' reach an estimate: the total adds the estimates only.
    estimated = [row for row in channels if row["channel"] != Channel.EVENT]
    channel_totals = totals_of(estimated, ("items", "reach"))
    channel_targets = [row["target"] for row in estimated if row["target"]]
    channel_totals["target"] = sum(channel_targets) if channel_targets else None

    organisations = report["organisations"]
    countries_rows = report["countries"]
    people = report["people"]
    for row in organisations:
        row["bar"] = bar(row["people"], people)
    for row in countries_rows:
        row["name"] = countries.name(row["country"]) if row["country"] else ""
        row["bar"] = bar(row["people"], people)
    return render(
        request,
        "dissemination/reach/report.html",
        {
            "partnership": partnership,
            "report": report,
            "groups": groups,
            "group_totals": group_totals,
            "channels": channels,
            "channel_totals": channel_totals,
            "organisations": organisations,
            "organisation_totals": totals_of(organisations, ("events", "people", "reach")),
            "countries": countries_rows,
            "country_totals": totals_of(countries_rows, ("events", "people", "reach")),
            "may_coordinate": access.may_coordinate(request.user, partnership),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def reach_targets(request, slug):
    partnership = scoped_partnership(request, slug)
    require(access.may_coordinate(request.user, partnership))
    stored = {(t.group, t.channel): t.target for t in ReachTarget.objects.filter(partnership=partnership)}
    form = TargetsForm(posted(request), targets=stored)
    if request.method == "POST" and form.is_valid():
        services.save_targets(partnership, form.targets(), by=request.user, request=request)
        messages.success(request, _("The reach targets were saved."))
        return redirect("dissemination:reach_report", slug=partnership.slug)
    return render(request, "dissemination/reach/targets.html", {"partnership": partnership, "form": form})
