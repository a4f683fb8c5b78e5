"""Budget pages: the Erasmus+ unit-cost grant per mobility, summed per organisation and partnership.

Who sees what (docs/decisions.md, "Mobility (issue 3)"):
- partnership budget: the project coordinator (right to manage mobilities for the partnership) sees every
  sending organisation and the partnership totals; a partner coordinator sees only their own
  organisation's row and lines;
- organisation budget: whoever may manage the organisation's mobilities, i.e. its own coordinators and
  the project coordinator of a partnership it belongs to (limited to the partnerships they coordinate).

Totals come from one aggregate query grouped by what changes the price (mobility.services.money), plus
the funding rules; only the mobilities of the page shown are priced one by one, with their working.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.text import slugify
from django.utils.translation import gettext as _

from funding.pricing import Category, band_text
from partners import audit, figures
from partners.access import get_scope
from partners.files import csv_attachment
from partners.models import AuditEntry, Organisation, Partnership
from partners.pagination import paginate

from .. import access
from ..models import Mobility
from ..services.money import Amounts, RulesCache, amounts_by, budget_queryset, price_page


def _participants_by(queryset, key: str) -> dict:
    return dict(queryset.order_by().values_list(key).annotate(n=Count("learner_id", distinct=True)))


def _with_participants(amounts: dict, participants: dict) -> dict:
    for key, value in amounts.items():
        value.participants = participants.get(key, 0)
    return amounts


def _grand_total(amounts: dict, queryset) -> Amounts:
    total = Amounts()
    for value in amounts.values():
        total.merge(value)
    total.participants = queryset.order_by().values("learner_id").distinct().count()
    return total


def _partnership_budget(request, slug):
    """The partnership, the organisations whose rows the user sees, whether they see them all, and the
    mobilities counted (the user's scope)."""
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
    return partnership, shown, sees_all, budget_queryset(mobilities)


@login_required
def partnership_budget(request, slug):
    partnership, shown, sees_all, mobilities = _partnership_budget(request, slug)
    rules_cache = RulesCache()
    rules = rules_cache.for_partnership(partnership)

    def totals():
        by_org = _with_participants(
            amounts_by(mobilities, partnership, rules, "sending_organisation_id"),
            _participants_by(mobilities, "sending_organisation_id"),
        )
        return by_org, _grand_total(by_org, mobilities)

    by_org, grand_total = figures.cached("partnership-budget", partnership.pk, request.user, totals)
    empty = Amounts()
    empty.participants = 0
    rows = [(org, by_org.get(org.pk) or empty) for org in shown]
    page = paginate(request, mobilities)
    page.object_list = price_page(page.object_list, rules_cache)
    return render(
        request,
        "mobility/money/partnership_budget.html",
        {
            "partnership": partnership,
            "rules": rules,
            "rows": rows,
            "sees_all": sees_all,
            "grand_total": grand_total,
            "page": page,
        },
    )


@login_required
def partnership_budget_csv(request, slug):
    partnership, shown, _sees_all, mobilities = _partnership_budget(request, slug)
    lines = price_page(mobilities, RulesCache())
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
    return organisation, budget_queryset(mobilities)


@login_required
def organisation_budget(request, slug):
    organisation, mobilities = _organisation_budget(request, slug)
    rules_cache = RulesCache()
    partnerships = Partnership.objects.filter(pk__in=mobilities.order_by().values("partnership_id")).order_by(
        "start_date", "acronym"
    )

    def totals():
        participants = _participants_by(mobilities, "partnership_id")
        rows, by_partnership = [], {}
        for partnership in partnerships:  # one aggregate per partnership: each has its own rules
            amounts = amounts_by(
                mobilities.filter(partnership=partnership),
                partnership,
                rules_cache.for_partnership(partnership),
                "partnership_id",
            ).get(partnership.pk, Amounts())
            amounts.participants = participants.get(partnership.pk, 0)
            by_partnership[partnership.pk] = amounts
            rows.append((partnership, amounts))
        return rows, _grand_total(by_partnership, mobilities)

    # Keyed by the organisation (the figures' name says so), not a partnership.
    rows, grand_total = figures.cached("organisation-budget", organisation.pk, request.user, totals)
    page = paginate(request, mobilities)
    page.object_list = price_page(page.object_list, rules_cache)
    return render(
        request,
        "mobility/money/organisation_budget.html",
        {
            "organisation": organisation,
            "rows": rows,
            "grand_total": grand_total,
            "page": page,
        },
    )


@login_required
def organisation_budget_csv(request, slug):
    organisation, mobilities = _organisation_budget(request, slug)
    lines = price_page(mobilities, RulesCache())
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
        _("Green travel"),
        _("Country group"),
        *[_("%(category)s (EUR)") % {"category": label} for _value, label in Category.choices],
        _("Total (EUR)"),
        _("Working"),
        _("Cannot be computed"),
    ]
    rows = (
        [
            mobility.code,
            mobility.partnership.project_number,
            str(mobility.learner),
            mobility.sending_organisation.short_name,
            mobility.receiving_organisation.short_name,
            mobility.get_status_display(),
            mobility.start_date.isoformat(),
            mobility.end_date.isoformat(),
            mobility.duration_days,
            mobility.travel_days,
            grant.funded_days,
            "" if grant.distance_km is None else grant.distance_km,
            band_text(grant.band) if grant.band else "",
            _("yes") if mobility.green_travel else _("no"),
            grant.country_group or "",
            *[grant.amount(value) for value in Category.values],
            grant.total,
            " | ".join(f"{line.label}: {line.working}" for line in grant.lines),
            " | ".join(grant.problems),
        ]
        for mobility, grant in lines
    )
    return csv_attachment(filename, header, rows)
