"""The budget pages of a partnership: the grant against committed and spent per organisation and budget line,
its CSV, the recorded costs (list, record, edit, delete) and the allocation grid.

Access (docs/budget.md, docs/access.md "Reporting — budget"): the partnership must be in the user's scope
(else 404); its project coordinators see every organisation, a partner's staff their own. Costs are found
through `Cost.objects.visible_to` (another organisation's cost answers 404 to a partner); recording needs
can_manage_organisation for the organisation (403 without it); the allocation grid is the project
coordinator's (can_manage_partnership; 403 for partners, who read their allocations on the budget page).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from partners import audit
from partners.figures import cached as cached_figures
from partners.files import csv_attachment, no_store
from partners.models import AuditEntry, Organisation
from partners.pagination import paginate

from .. import access
from ..access import partnership_in_scope
from ..forms.budget import AllocationForm, CostFilterForm, CostForm
from ..models import Cost, GrantAllocation, lines_for
from ..services import budget as services


def posted(request):
    return request.POST if request.method == "POST" else None


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def scoped_cost(request, partnership, code) -> Cost:
    costs = Cost.objects.visible_to(request.user).filter(partnership=partnership)
    return get_object_or_404(costs.select_related("partnership", "organisation"), code=code)


def recording_choices(request, partnership):
    """The organisations the user records costs for (ids, and a queryset for the form)."""
    members = services.member_organisations(partnership)
    ids = access.recording_organisation_ids(request.user, partnership, [org.pk for org in members])
    return ids, Organisation.objects.filter(pk__in=ids).order_by("short_name", "pk")


def refuse_forged_organisation(request, editable: set[int]) -> None:
    """A posted organisation the user does not record for is a forged request: 403 (not a form error)."""
    if request.method == "POST":
        value = request.POST.get("organisation", "").strip()
        require(not value.isdigit() or int(value) in editable)


# --- the budget -----------------------------------------------------------------------------------------------


@login_required
@require_safe
def budget(request, slug):
    partnership = partnership_in_scope(request.user, slug)
    figures = cached_figures(
        "budget", partnership.pk, request.user, lambda: services.budget_for(partnership, request.user)
    )
    editable, _organisations = recording_choices(request, partnership)
    return render(
        request,
        "reporting/budget/budget.html",
        {
            "partnership": partnership,
            "budget": figures,
            "may_record": bool(editable),
            "may_allocate": access.may_manage_allocations(request.user, partnership),
        },
    )


@login_required
@require_safe
def budget_csv(request, slug):
    partnership = partnership_in_scope(request.user, slug)
    figures = services.budget_for(partnership, request.user)
    header = [
        _("Project number"),
        _("Organisation"),
        _("Budget line code"),
        _("Budget line"),
        _("Allocated (EUR)"),
        _("Planned, not yet agreed (EUR)"),
        _("Committed, not yet spent (EUR)"),
        _("Spent (EUR)"),
        _("Remaining (EUR)"),
    ]

    def row(organisation_name, line_code, line_label, f):
        return [
            partnership.project_number,
            organisation_name,
            line_code,
            str(line_label),
            f.allocated,
            f.planned,
            f.committed,
            f.spent,
            f.remaining,
        ]

    rows = []
    for org in figures.organisations:
        rows += [row(org.organisation.short_name, value, label, f) for value, label, f in org.rows()]
        rows.append(row(org.organisation.short_name, "total", _("All budget lines"), org.total))
    everyone = _("All organisations") if figures.sees_all else _("All organisations shown")
    rows += [row(everyone, value, label, f) for value, label, f in figures.by_line]
    rows.append(row(everyone, "total", _("All budget lines"), figures.total))
    response = csv_attachment(f"budget-lines-{slugify(partnership.acronym) or partnership.slug}.csv", header, rows)
    audit.record(
        actor=request.user,
        verb=AuditEntry.Verb.EXPORTED,
        obj=partnership,
        request=request,
        partnership=partnership,
        details={"export": "budget-lines", "organisations": [o.organisation.slug for o in figures.organisations]},
    )
    return no_store(response)


# --- recorded costs -------------------------------------------------------------------------------------------


@login_required
@require_safe
def cost_list(request, slug):
    partnership = partnership_in_scope(request.user, slug)
    shown = access.visible_organisations(request.user, partnership, services.member_organisations(partnership))
    require(bool(shown))
    filter_form = CostFilterForm(
        request.GET or None,
        organisations=Organisation.objects.filter(pk__in=[o.pk for o in shown]).order_by("short_name", "pk"),
        partnership=partnership,
    )
    costs = Cost.objects.visible_to(request.user).filter(partnership=partnership)
    costs = filter_form.apply(costs).select_related("organisation", "recorded_by").order_by("-incurred_on", "-pk")
    page = paginate(request, costs)
    editable, _organisations = recording_choices(request, partnership)
    for cost in page.object_list:
        cost.may_edit = cost.organisation_id in editable
    return render(
        request,
        "reporting/budget/cost_list.html",
        {"partnership": partnership, "page": page, "filter": filter_form, "may_record": bool(editable)},
    )


def _save_cost_form(request, form: CostForm) -> Cost | None:
    cost = form.save(commit=False)
    try:
        return services.save_cost(cost, by=request.user, changed=form.changed_data, request=request)
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, error.messages)
        return None


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def cost_create(request, slug):
    partnership = partnership_in_scope(request.user, slug)
    editable, organisations = recording_choices(request, partnership)
    require(bool(editable))
    refuse_forged_organisation(request, editable)
    form = CostForm(posted(request), partnership=partnership, organisations=organisations)
    if request.method == "POST" and form.is_valid() and _save_cost_form(request, form) is not None:
        messages.success(request, _("The cost was recorded."))
        return redirect("reporting:cost_list", slug=partnership.slug)
    return render(request, "reporting/budget/cost_form.html", {"form": form, "cost": None, "partnership": partnership})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def cost_edit(request, slug, code):
    partnership = partnership_in_scope(request.user, slug)
    cost = scoped_cost(request, partnership, code)
    editable, organisations = recording_choices(request, partnership)
    require(cost.organisation_id in editable)
    refuse_forged_organisation(request, editable)
    form = CostForm(posted(request), instance=cost, partnership=partnership, organisations=organisations)
    if request.method == "POST" and form.is_valid() and _save_cost_form(request, form) is not None:
        messages.success(request, _("The cost was saved."))
        return redirect("reporting:cost_list", slug=partnership.slug)
    if request.method == "POST":
        cost.refresh_from_db()  # the page title shows the stored cost, not the rejected edit
    return render(request, "reporting/budget/cost_form.html", {"form": form, "cost": cost, "partnership": partnership})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def cost_delete(request, slug, code):
    partnership = partnership_in_scope(request.user, slug)
    cost = scoped_cost(request, partnership, code)
    require(access.may_record_for(request.user, partnership, cost.organisation_id))
    if request.method == "POST":
        services.delete_cost(cost, by=request.user, request=request)
        messages.success(request, _("“%(description)s” was deleted.") % {"description": cost.description})
        return redirect("reporting:cost_list", slug=partnership.slug)
    return render(request, "reporting/budget/cost_delete.html", {"cost": cost, "partnership": partnership})


# --- the grant split --------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def allocations(request, slug):
    partnership = partnership_in_scope(request.user, slug)
    require(access.may_manage_allocations(request.user, partnership))
    members = services.member_organisations(partnership)
    current = {
        (a.organisation_id, a.line): a.amount
        for a in GrantAllocation.objects.visible_to(request.user).filter(partnership=partnership)
    }
    form = AllocationForm(posted(request), partnership=partnership, organisations=members, current=current)
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.save_allocations(partnership, form.amounts(), by=request.user, request=request)
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            if changed:
                messages.success(request, _("The grant split was saved."))
            else:
                messages.info(request, _("Nothing changed."))
            return redirect(reverse("reporting:budget", kwargs={"slug": partnership.slug}))
    return render(
        request,
        "reporting/budget/allocations.html",
        {
            "partnership": partnership,
            "form": form,
            "lines": lines_for(partnership),
            "total": sum(current.values(), services.ZERO),
        },
    )
