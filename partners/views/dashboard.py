from django.contrib.auth.decorators import login_required
from django.db.models import Count, F, Func, IntegerField, Prefetch, Q, Subquery
from django.shortcuts import render
from django.utils import timezone

from .. import access
from ..dashboard import panels_for
from ..models import (
    Indicator,
    InternationalisationStrategy,
    Invitation,
    Membership,
    Organisation,
    Partnership,
    PartnershipMember,
    Role,
    User,
)
from .common import scope_of


def _count(queryset) -> Subquery:
    """`SELECT COUNT(*)` of `queryset`, as a scalar subquery."""
    return Subquery(queryset.order_by().values(n=Func(F("pk"), function="COUNT")), output_field=IntegerField())


@login_required
def home(request):
    scope = scope_of(request)
    user = request.user
    sees_everything = access.sees_everything(user)
    context = {
        "scope": scope,
        "panels": panels_for(request, scope),
        "sees_everything": sees_everything,
        "may_open_admin": access.may_open_admin(user),
        "sees_network_overview": access.sees_network_overview(user),
    }

    if access.sees_staff_pages(user):
        partnerships = (
            Partnership.objects.visible_to(user)
            .prefetch_related(Prefetch("members", queryset=PartnershipMember.objects.select_related("organisation")))
            .annotate(member_count=Count("members", distinct=True))
            .order_by("-end_date")[:10]
        )
        context["partnerships"] = partnerships
        context["coordinated_ids"] = scope.coordinated_partnership_ids

    if context["sees_network_overview"]:
        # Project coordinator: the network at a glance (the administrator: the whole portal).
        orgs = Organisation.objects.visible_to(user)
        people = Membership.objects.visible_to(user).filter(is_active=True)
        if not sees_everything:
            orgs = orgs.filter(pk__in=scope.coordinated_org_ids)
            people = people.filter(organisation_id__in=scope.coordinated_org_ids)
        invitations = Invitation.objects.visible_to(user).filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )
        # The three counts in one query (issue 15: the home page stays within 20 queries).
        context["counts"] = (
            User.objects.filter(pk=user.pk)
            .values(organisations=_count(orgs), people=_count(people), pending_invitations=_count(invitations))
            .get()
        )

    if access.sees_staff_pages(user):
        # Strategy indicators: one row per organisation with progress summary.
        strategies = (
            InternationalisationStrategy.objects.visible_to(user)
            .select_related("organisation", "partnership")
            .annotate(
                indicator_count=Count("goals__indicators", distinct=True),
                reached_count=Count(
                    "goals__indicators",
                    filter=Q(goals__indicators__current_value__gte=F("goals__indicators__target_value")),
                    distinct=True,
                ),
                overdue_count=Count(
                    "goals__indicators",
                    filter=Q(goals__indicators__due_date__lt=timezone.localdate())
                    & Q(goals__indicators__current_value__lt=F("goals__indicators__target_value")),
                    distinct=True,
                ),
            )
            .order_by("partnership__acronym", "organisation__short_name")[:20]
        )
        context["strategies"] = strategies
        context["my_organisations"] = Organisation.objects.filter(pk__in=scope.staff_org_ids)
        context["can_invite"] = access.may_invite_anyone(user)
        context["overdue_indicators"] = (
            (
                Indicator.objects.visible_to(user)
                .filter(
                    due_date__lt=timezone.localdate(),
                    current_value__lt=F("target_value"),
                    goal__strategy__organisation_id__in=scope.staff_org_ids,
                )
                .select_related("goal__strategy__organisation")[:10]
            )
            if not sees_everything
            else []
        )

    context["is_mentor"] = scope.has_role(Role.MENTOR)
    context["is_learner"] = scope.has_role(Role.LEARNER)
    context["memberships"] = Membership.objects.filter(user=user, is_active=True).select_related("organisation")
    return render(request, "partners/home.html", context)
