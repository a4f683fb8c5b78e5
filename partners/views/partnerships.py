from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from .. import audit, services
from ..filters import AuditFilter
from ..forms import AddMemberForm, NewOrganisationForm, NewPartnershipForm, PartnershipForm
from ..models import (
    AuditEntry,
    InternationalisationStrategy,
    Organisation,
    Partnership,
    PartnershipMember,
    Right,
    Role,
)
from .common import paginate, scope_of


def _partnerships(user):
    return Partnership.objects.visible_to(user).prefetch_related(
        Prefetch("members", queryset=PartnershipMember.objects.select_related("organisation"))
    )


@login_required
def partnership_list(request):
    scope = scope_of(request)
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
            "can_create": scope.has_role(Role.PROJECT_COORDINATOR) or scope.is_superuser,
        },
    )


@login_required
def partnership_detail(request, slug):
    partnership = get_object_or_404(_partnerships(request.user).prefetch_related("topics"), slug=slug)
    scope = scope_of(request)
    return render(
        request,
        "partners/partnership_detail.html",
        {
            "partnership": partnership,
            "can_manage": scope.has_right(Right.MANAGE_PARTNERSHIP, partnership=partnership),
            "can_view_audit": scope.has_right(Right.VIEW_AUDIT, partnership=partnership),
        },
    )


@login_required
def partnership_create(request):
    scope = scope_of(request)
    # A project coordinator may start a new partnership coordinated by their organisation.
    coordinator_choices = Organisation.objects.visible_to(request.user)
    if not scope.is_superuser:
        own = [
            org
            for org, roles in scope.roles_by_org.items()
            if Role.PROJECT_COORDINATOR in roles and scope.has_right(Right.MANAGE_PARTNERSHIP, organisation=org)
        ]
        if not own:
            raise PermissionDenied
        coordinator_choices = coordinator_choices.filter(pk__in=own)
    form = NewPartnershipForm(request.POST or None, coordinator_choices=coordinator_choices)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            partnership = form.save(commit=False)
            partnership.slug = form.cleaned_data["slug"]
            partnership.save()
            form.save_m2m()
            services.add_partnership_member(
                partnership=partnership,
                organisation=form.cleaned_data["coordinator"],
                role=PartnershipMember.Role.COORDINATOR,
                by=request.user,
                request=request,
            )
        messages.success(request, _("The partnership was created. Now add its partner organisations."))
        return redirect(partnership)
    return render(request, "partners/partnership_form.html", {"form": form, "partnership": None})


@login_required
def partnership_edit(request, slug):
    partnership = get_object_or_404(Partnership.objects.visible_to(request.user), slug=slug)
    scope_of(request).require_right(Right.MANAGE_PARTNERSHIP, partnership=partnership)
    form = PartnershipForm(request.POST or None, instance=partnership)
    if request.method == "POST" and form.is_valid():
        services.save_with_audit(form=form, by=request.user, request=request, partnership=partnership)
        messages.success(request, _("The partnership was saved."))
        return redirect(partnership)
    return render(request, "partners/partnership_form.html", {"form": form, "partnership": partnership})


@login_required
def partnership_add_member(request, slug):
    partnership = get_object_or_404(Partnership.objects.visible_to(request.user), slug=slug)
    scope_of(request).require_right(Right.MANAGE_PARTNERSHIP, partnership=partnership)
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
    scope = scope_of(request)
    strategies = (
        InternationalisationStrategy.objects.visible_to(request.user)
        .filter(partnership=partnership)
        .select_related("organisation")
        .prefetch_related("goals__indicators")
    )
    by_org = {s.organisation_id: s for s in strategies}
    # The coordinator also sees which partners have not started a strategy yet.
    sees_all = scope.is_superuser or partnership.pk in scope.coordinated_partnership_ids
    columns = []
    for member in partnership.members.all():
        org = member.organisation
        can_start = org.pk not in by_org and scope.has_right(Right.MANAGE_ORGANISATION, organisation=org)
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
    scope_of(request).require_right(Right.MANAGE_ORGANISATION, organisation=organisation)
    if request.method != "POST":
        return redirect("partners:partnership_strategies", slug=slug)
    strategy, created = InternationalisationStrategy.objects.get_or_create(
        partnership=partnership, organisation=organisation
    )
    if created:
        audit.record(
            actor=request.user,
            verb=AuditEntry.Verb.CREATED,
            obj=strategy,
            request=request,
            partnership=partnership,
            organisation=organisation,
        )
    return redirect(strategy)


@login_required
def partnership_audit(request, slug):
    partnership = get_object_or_404(Partnership.objects.visible_to(request.user), slug=slug)
    scope_of(request).require_right(Right.VIEW_AUDIT, partnership=partnership)
    entries = AuditEntry.objects.visible_to(request.user).filter(partnership=partnership)
    return _audit_page(request, entries, {"partnership": partnership})


@login_required
def organisation_audit(request, slug):
    organisation = get_object_or_404(Organisation.objects.visible_to(request.user), slug=slug)
    scope = scope_of(request)
    if not scope.is_superuser and organisation.pk not in scope.managed_org_ids:
        raise PermissionDenied
    scope.require_right(Right.VIEW_AUDIT, organisation=organisation)
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
