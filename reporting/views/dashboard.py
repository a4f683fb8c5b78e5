"""The reports index and the coordinator dashboard of one partnership.

Who: the staff (project and partner coordinators) of the partnership's organisations —
`Partnership.objects.visible_to(user)`, so anyone else gets 404 (mentors, learners and outsiders have no
partnership in their scope). The numbers come from `reporting.services.indicators`, each from a
`visible_to(user)` queryset; the charts from `reporting.charts`. A fixed number of queries whatever the data.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from partners import figures
from partners.models import Partnership

from .. import charts
from ..access import partnership_in_scope
from ..services import indicators
from ..services.indicators import STAGES, stage_labels

PAGE_SIZE = 25

# Pages of the other reporting work, linked from the index when their URL names exist.
OTHER_REPORTS = [
    ("reporting:budget", "budget"),
    ("reporting:exports", "exports"),
]


def optional_url(name: str, **kwargs) -> str | None:
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return None


@login_required
@require_safe
def index(request):
    partnerships = Partnership.objects.visible_to(request.user).order_by("-end_date", "acronym")
    page = Paginator(partnerships, PAGE_SIZE).get_page(request.GET.get("page"))
    labels = {"budget": _("Budget"), "exports": _("Exports")}
    rows = []
    for partnership in page:
        links = [(_("Dashboard"), reverse("reporting:dashboard", kwargs={"slug": partnership.slug}))]
        for name, key in OTHER_REPORTS:
            url = optional_url(name, slug=partnership.slug)
            if url:
                links.append((labels[key], url))
        rows.append({"partnership": partnership, "links": links})
    return render(request, "reporting/index.html", {"page": page, "rows": rows})


@login_required
@require_safe
def dashboard(request, slug):
    partnership = partnership_in_scope(request.user, slug)
    data = figures.cached(
        "dashboard", partnership.pk, request.user, lambda: indicators.dashboard(request.user, partnership)
    )
    return render(
        request,
        "reporting/dashboard.html",
        {
            "partnership": partnership,
            "data": data,
            "charts": build_charts(data),
            "flows": flow_table(data),
            "budget_url": optional_url("reporting:budget", slug=partnership.slug),
            "exports_url": optional_url("reporting:exports", slug=partnership.slug),
            "reach_url": optional_url("dissemination:reach_report", slug=partnership.slug),
        },
    )


def flow_table(data: dict) -> dict:
    """Sending organisation (rows) × receiving organisation (columns) of the counted mobilities."""
    names = {m.organisation_id: m.organisation.short_name for m in data["members"]}
    mob = data["mobilities"]
    ids = [o for o in names if o in mob["flow_org_ids"]]
    return {
        "organisations": [names[o] for o in ids],
        "rows": [
            {
                "name": names[s],
                "cells": [mob["flows"].get((s, r), 0) for r in ids],
                "total": sum(mob["flows"].get((s, r), 0) for r in ids),
            }
            for s in ids
        ],
    }


def build_charts(data: dict) -> dict:
    mob, learners, training, reach, quality = (
        data["mobilities"],
        data["learners"],
        data["training"],
        data["reach"],
        data["quality"],
    )
    organisation = _("Organisation")
    out = {
        "status": charts.bar_chart(
            "chart-status",
            _("Mobilities by state"),
            [label for _value, label, _n in mob["by_status"]],
            [(_("Mobilities"), [n for _value, _label, n in mob["by_status"]])],
            label_header=_("State"),
        ),
        "direction": charts.bar_chart(
            "chart-direction",
            _("Outgoing and incoming mobilities by organisation"),
            [name for name, _out, _in in mob["direction"]],
            [
                (_("Outgoing (sent)"), [out for _name, out, _in in mob["direction"]]),
                (_("Incoming (hosted)"), [inc for _name, _out, inc in mob["direction"]]),
            ],
            label_header=organisation,
        ),
        "months": charts.column_chart(
            "chart-months",
            _("Mobilities by start month"),
            [date_format(month, "Y-m") for month, _counts in mob["months"]],
            [(stage_labels()[key], [counts[key] for _month, counts in mob["months"]]) for key, _s in STAGES],
            label_header=_("Month"),
            total_header=_("Total"),
        ),
        "learners": charts.bar_chart(
            "chart-learners",
            _("Learners by sending organisation"),
            [row["name"] for row in learners["by_sender"]],
            [
                (_("All learners"), [row["learners"] for row in learners["by_sender"]]),
                (_("Fewer opportunities"), [row["fewer"] for row in learners["by_sender"]]),
                (_("Special needs"), [row["special"] for row in learners["by_sender"]]),
            ],
            label_header=organisation,
        ),
        "training_events": charts.bar_chart(
            "chart-training-events",
            _("Staff registered and attending, per training event"),
            [title for title, _r, _a in training["events"]],
            [
                (_("Registered"), [r for _t, r, _a in training["events"]]),
                (_("Attended"), [a for _t, _r, a in training["events"]]),
            ],
            label_header=_("Training event"),
        ),
        "training_orgs": charts.bar_chart(
            "chart-training-organisations",
            _("Staff registered and attending, per organisation"),
            [name for name, _r, _a in training["organisations"]],
            [
                (_("Registered"), [r for _n, r, _a in training["organisations"]]),
                (_("Attended"), [a for _n, _r, a in training["organisations"]]),
            ],
            label_header=organisation,
        ),
        "reach_groups": charts.bar_chart(
            "chart-reach-groups",
            _("Event participants by stakeholder group"),
            [row["label"] for row in reach["groups"]],
            [
                (_("National"), [row["national"] for row in reach["groups"]]),
                (_("International"), [row["international"] for row in reach["groups"]]),
            ],
            label_header=_("Stakeholder group"),
        ),
        "reach_targets": charts.progress_chart(
            "chart-reach-targets",
            _("Reach against the targets"),
            [
                charts.Progress(label=row["label"], current=row["total"], target=row["target"])
                for row in reach["groups"]
                if row["target"]
            ]
            + [
                charts.Progress(label=row["label"], current=row["reach"], target=row["target"])
                for row in reach["channels"]
                if row["target"]
            ],
            headers=(_("Group or channel"), _("Baseline"), _("Reached"), _("Target"), _("Progress"), _("Status")),
        ),
        "quality": charts.bar_chart(
            "chart-quality",
            _("Overdue checklist items by organisation that must act"),
            [name for name, _n in quality["organisations"]],
            [(_("Overdue items"), [n for _name, n in quality["organisations"]])],
            label_header=organisation,
        ),
    }
    overdue, reached = _("overdue"), _("reached")
    out["strategies"] = [
        {
            "organisation": block["organisation"],
            "chart": charts.progress_chart(
                f"chart-strategy-{block['organisation'].slug}",
                _("Strategy indicators of %(organisation)s") % {"organisation": block["organisation"].short_name},
                [
                    charts.Progress(
                        label=i.name,
                        current=i.current_value,
                        target=i.target_value,
                        baseline=i.baseline_value,
                        unit=i.get_unit_display(),
                        note=overdue if i.is_overdue else (reached if i.progress_percent >= 100 else ""),
                    )
                    for i in block["indicators"]
                ],
                headers=(_("Indicator"), _("Baseline"), _("Current"), _("Target"), _("Progress"), _("Status")),
                width=480,
            ),
        }
        for block in data["strategies"]
    ]
    return out
