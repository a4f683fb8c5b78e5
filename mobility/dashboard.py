"""Mobility panels on the home dashboard (registered with partners.dashboard).

Each panel runs a fixed number of queries whatever the number of mobilities or items:
- staff: checklist items overdue where their side must act, and their open outgoing/incoming counts;
- mentor: "My learners", with each learner's assessment status and the mentor's overdue items;
- learner: "My mobility", with what they must do next (their checklist items, their report).
The mentor and learner panels are for users with the mentor / learner role; they carry a `slot` so that
partners/home.html draws them inside its "My learners" / "My mobility" sections.
"""

from __future__ import annotations

from django.db.models import Count, OuterRef, Q, Subquery
from django.utils import timezone

from partners import figures
from partners.dashboard import register_panel
from partners.models import Role
from partners.waiting import COUNT_CAP

from .models import ChecklistItem, MentorAssessment, Mobility
from .models.checklists import Responsible, not_applicable_q
from .services.reports import FILING_STATUSES

PANEL_LIMIT = 10
# Overdue items are counted up to COUNT_CAP ("99+" beyond): reading them stops there, where a full count (or a
# window count) would read every overdue item of a network (issue 15).
MENTOR_LIMIT = 20
LEARNER_LIMIT = 5


def overdue_items(queryset):
    """The overdue checklist items of `queryset`: open, due before today, and still able to be overdue
    (`mobility.models.checklists.can_be_overdue`: not of a cancelled mobility, not of a stage passed)."""
    return (
        queryset.open().filter(due_date__lt=timezone.localdate()).exclude(not_applicable_q()).order_by("due_date", "id")
    )


@register_panel(50)
def staff_panel(request, scope):
    orgs = scope.staff_org_ids
    if not orgs:
        return None
    user = request.user

    def compute() -> dict:
        where_we_act = Q(responsible=Responsible.SENDING, mobility__sending_organisation_id__in=orgs) | Q(
            responsible=Responsible.RECEIVING, mobility__receiving_organisation_id__in=orgs
        )
        overdue = list(
            overdue_items(ChecklistItem.objects.visible_to(user).filter(where_we_act)).select_related(
                "mobility__learner", "mobility__sending_organisation", "mobility__receiving_organisation"
            )[: COUNT_CAP + 1]
        )
        counts = (
            Mobility.objects.visible_to(user)
            .open()
            .aggregate(
                outgoing=Count("pk", filter=Q(sending_organisation_id__in=orgs)),
                incoming=Count("pk", filter=Q(receiving_organisation_id__in=orgs)),
            )
        )
        return {
            "template": "mobility/dashboard/staff.html",
            **_capped(overdue),
            "outgoing_count": counts["outgoing"],
            "incoming_count": counts["incoming"],
        }

    # Kept a minute for this reader, dropped as soon as anything changes (partners.figures).
    return figures.cached("staff-panel", 0, user, compute)


def _capped(overdue: list) -> dict:
    """The first items of a list read up to COUNT_CAP + 1 rows, and how many there are (capped)."""
    return {
        "overdue_count": min(len(overdue), COUNT_CAP),
        "overdue_more": len(overdue) > COUNT_CAP,
        "overdue_items": overdue[:PANEL_LIMIT],
    }


def _current_assessment(field: str):
    return Subquery(
        MentorAssessment.objects.filter(mobility=OuterRef("pk"))
        .exclude(status=MentorAssessment.Status.SUPERSEDED)
        .values(field)[:1]
    )


@register_panel(51)
def mentor_panel(request, scope):
    if not scope.has_role(Role.MENTOR):
        return None
    user = request.user
    mobilities = list(
        Mobility.objects.visible_to(user)
        .filter(mentor_id=user.pk)
        .exclude(status=Mobility.Status.CANCELLED)
        .select_related("learner", "sending_organisation", "receiving_organisation")
        .annotate(assessment_status=_current_assessment("status"), assessment_version=_current_assessment("version"))
        .order_by("-start_date", "id")[:MENTOR_LIMIT]
    )
    overdue = []
    if mobilities:
        overdue = list(
            overdue_items(
                ChecklistItem.objects.visible_to(user).filter(
                    mobility__mentor_id=user.pk, responsible=Responsible.MENTOR
                )
            ).select_related("mobility__learner")[: COUNT_CAP + 1]
        )
    return {
        "template": "mobility/dashboard/mentor.html",
        # Drawn inside the dashboard's own "My learners" section.
        "slot": "mentor",
        "mobilities": mobilities,
        **_capped(overdue),
        "assessment_statuses": dict(MentorAssessment.Status.choices),
    }


@register_panel(52)
def learner_panel(request, scope):
    if not scope.has_role(Role.LEARNER):
        return None
    user = request.user
    mobilities = list(
        Mobility.objects.visible_to(user)
        .filter(learner__user_id=user.pk)
        .select_related("receiving_organisation", "sending_organisation", "mentor", "learner_report")
        .order_by("-start_date", "id")[:LEARNER_LIMIT]
    )
    todo: dict[int, list] = {m.pk: [] for m in mobilities}
    by_pk = {m.pk: m for m in mobilities}
    active = [m for m in mobilities if m.status != Mobility.Status.CANCELLED]
    if active:
        for item in ChecklistItem.objects.open().filter(mobility__in=active, responsible=Responsible.LEARNER):
            item.mobility = by_pk[item.mobility_id]  # already loaded: is_overdue asks its status
            todo[item.mobility_id].append(item)
    for mobility in mobilities:
        mobility.learner_items = todo[mobility.pk]
        report = getattr(mobility, "learner_report", None)
        mobility.report_filed_at = report.submitted_at if report else None
        mobility.report_due = mobility.status in FILING_STATUSES and not mobility.report_filed_at
        mobility.report_later = mobility.status in Mobility.OPEN_STATUSES
    return {
        "template": "mobility/dashboard/learner.html",
        # Drawn inside the dashboard's own "My mobility" section.
        "slot": "learner",
        "mobilities": mobilities,
    }
