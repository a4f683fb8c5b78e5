"""Budget pages: the Erasmus+ unit-cost grant per mobility, summed per organisation and partnership.

Who sees what (docs/decisions.md, "Mobility (issue 3)"):
- partnership budget: the project coordinator (right to manage mobilities for the partnership) sees every
  sending organisation and the partnership totals; a partner coordinator sees only their own
  organisation's row and lines;
- organisation budget: whoever may manage the organisation's mobilities, i.e. its own coordinators and
  the project coordinator of a partnership it belongs to (limited to the partnerships they coordinate).

Every total is computed from one query for the mobilities plus one each for the unit-cost tables,
whatever the number of mobilities.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.text import slugify
from django.utils.translation import gettext as _

from partners import audit
from partners.access import get_scope
from partners.files import csv_attachment
from partners.models import AuditEntry, Organisation, Partnership
from partners.pagination import paginate

from .. import access
from ..models import Mobility
from ..services.money import budget_lines, budget_queryset, totals, totals_by, unit_cost_tables
from ..templatetags.mobility_money import band_label


def _partnership_budget(request, slug):
    """The partnership, the organisations whose rows the user sees, whether they see them all, and the lines."""
    partnership = get_object_or_404(Partnership.objects.visible_to(request.user), slug=slug)
    members = [m.organisation for m in partnership.members.select_related("organisation")]
    sees_all = access.sees_whole_budget(request.user, partnership)
    if sees_all:
        shown = members
    else:
        own = access.budget_organisation_ids(request.user, partnership)
        shown = [org for org in members if org.pk in own]
        if not shown:
            raise PermissionDenied
    shown.sort(key=lambda org: org.short_name.casefold())
    mobilities = Mobility.objects.visible_to(request.user).filter(partnership=partnership)
    if not sees_all:
        mobilities = mobilities.filter(sending_organisation__in=shown)
    bands, rates = unit_cost_tables([partnership.call_year])
    lines = budget_lines(budget_queryset(mobilities), bands=bands, rates=rates)
    tables = {"bands_configured": bool(bands), "rates_configured": bool(rates)}
    return partnership, shown, sees_all, lines, tables


@login_required
def partnership_budget(request, slug):
    partnership, shown, sees_all, lines, tables = _partnership_budget(request, slug)
    by_org = totals_by(lines, key=lambda line: line.mobility.sending_organisation_id)
    rows = [(org, by_org.get(org.pk) or totals([])) for org in shown]
    return render(
        request,
        "mobility/money/partnership_budget.html",
        {
            "partnership": partnership,
            "rows": rows,
            "sees_all": sees_all,
            "grand_total": totals(lines),
            "page": paginate(request, lines),
            **tables,
        },
    )


@login_required
def partnership_budget_csv(request, slug):
    partnership, shown, _sees_all, lines, _tables = _partnership_budget(request, slug)
    audit.record(
        actor=request.user,
        verb=AuditEntry.Verb.EXPORTED,
        obj=partnership,
        request=request,
        partnership=partnership,
        details={"export": "budget", "rows": len(lines), "organisations": [org.slug for org in shown]},
    )
    return _csv_response(lines, f"budget-{slugify(partnership.acronym) or partnership.slug}.csv")


def _organisation_budget(request, slug):
    organisation = get_object_or_404(Organisation.objects.visible_to(request.user), slug=slug)
    if not access.may_read_organisation_budget(request.user, organisation):
        raise PermissionDenied
    mobilities = Mobility.objects.visible_to(request.user).outgoing_for([organisation.pk])
    if access.budget_only_coordinated(request.user, organisation):
        # A project coordinator manages a partner's mobilities only within the partnerships they coordinate.
        mobilities = mobilities.filter(partnership_id__in=get_scope(request.user).coordinated_partnership_ids)
    bands, rates = unit_cost_tables()
    lines = budget_lines(budget_queryset(mobilities), bands=bands, rates=rates)
    return organisation, lines


@login_required
def organisation_budget(request, slug):
    organisation, lines = _organisation_budget(request, slug)
    by_partnership = totals_by(lines, key=lambda line: line.mobility.partnership)
    return render(
        request,
        "mobility/money/organisation_budget.html",
        {
            "organisation": organisation,
            "rows": sorted(by_partnership.items(), key=lambda item: (item[0].start_date, item[0].acronym)),
            "grand_total": totals(lines),
            "page": paginate(request, lines),
        },
    )


@login_required
def organisation_budget_csv(request, slug):
    organisation, lines = _organisation_budget(request, slug)
    audit.record(
        actor=request.user,
        verb=AuditEntry.Verb.EXPORTED,
        obj=organisation,
        request=request,
        organisation=organisation,
        details={"export": "budget", "rows": len(lines)},
    )
    return _csv_response(lines, f"budget-{organisation.slug}.csv")


def _csv_response(lines, filename: str) -> HttpResponse:
    header = [
        _("Mobility code"),
        _("Project number"),
        _("Learner"),
        _("Sending organisation"),
        _("Receiving organisation"),
        _("Status"),
        _("Start"),
        _("End"),
        _("Activity days"),
        _("Travel days"),
        _("Funded days"),
        _("Distance (km)"),
        _("Distance band"),
        _("Travel contribution (EUR)"),
        _("Individual support (EUR)"),
        _("Total (EUR)"),
    ]
    rows = (
        [
            line.mobility.code,
            line.mobility.partnership.project_number,
            str(line.mobility.learner),
            line.mobility.sending_organisation.short_name,
            line.mobility.receiving_organisation.short_name,
            line.mobility.get_status_display(),
            line.mobility.start_date.isoformat(),
            line.mobility.end_date.isoformat(),
            line.mobility.duration_days,
            line.mobility.travel_days,
            line.grant.funded_days,
            "" if line.grant.distance_km is None else line.grant.distance_km,
            band_label(line.grant.band),
            line.grant.travel,
            line.grant.support,
            line.grant.total,
        ]
        for line in lines
    )
    return csv_attachment(filename, header, rows)
