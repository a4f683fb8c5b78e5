from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from .. import access, services
from ..filters import AuditFilter
from ..forms import AddMemberForm, NewOrganisationForm, NewPartnershipForm, PartnershipForm
from ..models import (
    AuditEntry,
    InternationalisationStrategy,
    Organisation,
    Partnership,
    PartnershipMember,
)
from .common import paginate


def _partnerships(user):
    return Partnership.objects.visible_to(user).prefetch_related(
        Prefetch("members", queryset=PartnershipMember.objects.select_related("organisation"))
    )


@login_required
def partnership_list(request):
    partnerships = (
        _partnerships(request.user)
        .prefetch_related("topics")
        .annotate(member_count=Count("members", distinct=True))
        .order_by("-start_date", "acronym")
    )
    return render(
        request,
        "partners/partnership_list.html",
        {
            "page": paginate(request, partnerships),
            "can_create": access.may_create_partnership(request.user),
        },
    )


@login_required
def partnership_detail(request, slug):
    partnership = get_object_or_404(_partnerships(request.user).prefetch_related("topics"), slug=slug)
    return render(
        request,
        "partners/partnership_detail.html",
        {
            "partnership": partnership,
            "can_manage": access.may_edit_partnership(request.user, partnership),
            "can_view_audit": access.may_view_partnership_audit(request.user, partnership),
        },
    )


@login_required
def partnership_create(request):
    # A project coordinator may start a new partnership coordinated by their organisation.
    if not access.may_create_partnership(request.user):
        raise PermissionDenied
    coordinator_choices = Organisation.objects.visible_to(request.user)
    if not access.sees_everything(request.user):
        coordinator_choices = coordinator_choices.filter(pk__in=access.partnership_coordinator_org_ids(request.user))
    form = NewPartnershipForm(request.POST or None, coordinator_choices=coordinator_choices)
    if request.method == "POST" and form.is_valid():
        partnership = services.create_partnership(form=form, by=request.user, request=request)
        messages.success(request, _("The partnership was created. Now add its partner organisations."))
        return redirect(partnership)
    return render(request, "partners/partnership_form.html", {"form": form, "partnership": None})


@login_required
def partnership_edit(request, slug):
    partnership = get_object_or_404(Partnership.objects.visible_to(request.user), slug=slug)
    if not access.may_edit_partnership(request.user, partnership):
        raise PermissionDenied
    form = PartnershipForm(request.POST or None, instance=partnership)
    if request.method == "POST" and form.is_valid():
        services.save_with_audit(form=form, by=request.user, request=request, partnership=partnership)
        messages.success(request, _("The partnership was saved."))
        return redirect(partnership)
    return render(request, "partners/partnership_form.html", {"form": form, "partnership": partnership})


@login_required
def partnership_add_member(request, slug):
    partnership = get_object_or_404(Partnership.objects.visible_to(request.user), slug=slug)
    if not access.may_edit_partnership(request.user, partnership):
        raise PermissionDenied
    candidates = Organisation.objects.visible_to(request.user).exclude(partnerships=partnership)
    existing_form = AddMemberForm(
        request.POST if request.POST.get("action") == "existing" else None, organisations=candidates
    )
    new_form = NewOrganisationForm(request.POST if request.POST.get("action") == "new" else None)
    if request.method == "POST":
        if request.POST.get("action") == "existing" and existing_form.is_valid():
            services.add_partnership_member(
                partnership=partnership,
                organisation=existing_form.cleaned_data["organisation"],
                role=existing_form.cleaned_data["role"],
                by=request.user,
                request=request,
            )
            messages.success(request, _("The organisation was added to the partnership."))
            return redirect(partnership)
        if request.POST.get("action") == "new" and new_form.is_valid():
            with transaction.atomic():
                organisation = services.save_with_audit(
                    form=new_form, by=request.user, request=request, partnership=partnership
                )
                services.add_partnership_member(
                    partnership=partnership,
                    organisation=organisation,
                    role=new_form.cleaned_data["role"],
                    by=request.user,
                    request=request,
                )
            messages.success(request, _("The organisation was created and added to the partnership."))
            return redirect(partnership)
    return render(
        request,
        "partners/partnership_add_member.html",
        {
            "partnership": partnership,
            "existing_form": existing_form,
            "new_form": new_form,
        },
    )


@login_required
def partnership_strategies(request, slug):
    """Every partner's strategy goals and indicators side by side."""
    partnership = get_object_or_404(_partnerships(request.user), slug=slug)
    strategies = (
        InternationalisationStrategy.objects.visible_to(request.user)
        .filter(partnership=partnership)
        .select_related("organisation")
        .prefetch_related("goals__indicators")
    )
    by_org = {s.organisation_id: s for s in strategies}
    # The coordinator also sees which partners have not started a strategy yet.
    sees_all = access.sees_all_strategies(request.user, partnership)
    columns = []
    for member in partnership.members.all():
        org = member.organisation
        can_start = org.pk not in by_org and access.may_start_strategy(request.user, org)
        if org.pk in by_org or can_start or sees_all:
            columns.append({"organisation": org, "strategy": by_org.get(org.pk), "can_start": can_start})
    return render(
        request,
        "partners/partnership_strategies.html",
        {
            "partnership": partnership,
            "columns": columns,
        },
    )


@login_required
def strategy_start(request, slug, org_slug):
    partnership = get_object_or_404(Partnership.objects.visible_to(request.user), slug=slug)
    organisation = get_object_or_404(partnership.organisations.visible_to(request.user), slug=org_slug)
    if not access.may_start_strategy(request.user, organisation):
        raise PermissionDenied
    if request.method != "POST":
        return redirect("partners:partnership_strategies", slug=slug)
    strategy = services.start_strategy(
        partnership=partnership, organisation=organisation, by=request.user, request=request
    )
    return redirect(strategy)


@login_required
def partnership_audit(request, slug):
    partnership = get_object_or_404(Partnership.objects.visible_to(request.user), slug=slug)
    if not access.may_view_partnership_audit(request.user, partnership):
        raise PermissionDenied
    entries = AuditEntry.objects.visible_to(request.user).filter(partnership=partnership)
    return _audit_page(request, entries, {"partnership": partnership})


@login_required
def organisation_audit(request, slug):
    organisation = get_object_or_404(Organisation.objects.visible_to(request.user), slug=slug)
    if not access.may_view_audit(request.user, organisation):
        raise PermissionDenied
    entries = AuditEntry.objects.visible_to(request.user).filter(organisation=organisation)
    return _audit_page(request, entries, {"organisation": organisation})


def _audit_page(request, entries, context):
    filterset = AuditFilter(request.GET or None, queryset=entries.select_related("partnership", "organisation"))
    return render(
        request,
        "partners/audit_list.html",
        {
            **context,
            "filter": filterset,
            "page": paginate(request, filterset.qs, per_page=50),
        },
    )
