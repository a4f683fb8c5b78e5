"""Mobility items for the "Waiting for you" list and the daily digest (registered with partners.waiting).

- mentor: assessments due — mobilities they mentor that ended, or end within ASSESSMENT_NOTICE_DAYS, whose
  assessment is not submitted;
- everyone responsible for a checklist item (staff holding can_manage_mobilities themselves at the side
  that acts, the mentor, the learner): the items the dashboard counts as overdue (dashboard.overdue_items);
- learner: their report, once the mobility is completed (services.reports.FILING_STATUSES) and until filed.
Three queries at most, whatever the number of mobilities, each reading at most `limit` rows (the most
urgent first); everything starts from `visible_to(user)`.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partners.access import get_scope
from partners.models import Right
from partners.waiting import WaitingItem, register_kind, register_provider

from .dashboard import overdue_items
from .models import ChecklistItem, MentorAssessment, Mobility
from .models.checklists import Responsible
from .services.reports import FILING_STATUSES

ASSESSMENT = "assessment"
CHECKLIST = "checklist"
REPORT = "report"
ASSESSMENT_NOTICE_DAYS = 7
# A mentor assesses a stay that has happened or is happening; a draft or planned one has not started.
ASSESSED_STATUSES = (Mobility.Status.AGREED, Mobility.Status.IN_MOBILITY, Mobility.Status.COMPLETED)

register_kind(ASSESSMENT, gettext_lazy("Assessments to submit"), 20)
register_kind(CHECKLIST, gettext_lazy("Checklist items overdue"), 30)
register_kind(REPORT, gettext_lazy("Reports to file"), 40)


def _host(mobility) -> str:
    org = mobility.receiving_organisation
    return org.short_name or org.legal_name


def assessments_due(user, today, limit) -> list[WaitingItem]:
    submitted = MentorAssessment.objects.filter(mobility=OuterRef("pk"), status=MentorAssessment.Status.SUBMITTED)
    rows = (
        Mobility.objects.visible_to(user)
        .filter(
            mentor_id=user.pk,
            status__in=ASSESSED_STATUSES,
            end_date__lte=today + timedelta(days=ASSESSMENT_NOTICE_DAYS),
        )
        .exclude(Exists(submitted))
        .select_related("learner", "receiving_organisation")
        .order_by("end_date", "id")
    )
    out = []
    for mobility in rows[:limit]:
        values = {"date": date_format(mobility.end_date, "DATE_FORMAT")}
        why = (
            _("The stay ended on %(date)s: fill in and submit your assessment.") % values
            if mobility.end_date < today
            else _("The stay ends on %(date)s: prepare your assessment and submit it then.") % values
        )
        out.append(
            WaitingItem(
                kind=ASSESSMENT,
                title=_("Assessment of %(learner)s (%(host)s)")
                % {"learner": mobility.learner, "host": _host(mobility)},
                url=reverse("mobility:assessment", kwargs={"code": mobility.code}),
                due=mobility.end_date,
                why=why,
            )
        )
    return out


def checklist_items_due(user, scope, limit) -> list[WaitingItem]:
    # Only where the user holds the right themself: a coordinator's delegated rights over partners would
    # otherwise bring every partner's overdue items into their list and their e-mail.
    orgs = [org for org in scope.staff_org_ids if Right.MANAGE_MOBILITIES in scope.rights_by_org.get(org, ())]
    mine = Q(responsible=Responsible.MENTOR, mobility__mentor_id=user.pk) | Q(
        responsible=Responsible.LEARNER, mobility__learner__user_id=user.pk
    )
    if orgs:
        mine |= Q(responsible=Responsible.SENDING, mobility__sending_organisation_id__in=orgs) | Q(
            responsible=Responsible.RECEIVING, mobility__receiving_organisation_id__in=orgs
        )
    rows = overdue_items(ChecklistItem.objects.visible_to(user).filter(mine)).select_related(
        "mobility__learner", "mobility__receiving_organisation"
    )[:limit]
    return [
        WaitingItem(
            kind=CHECKLIST,
            title=_("%(item)s — %(learner)s (%(host)s)")
            % {"item": item.get_title_display(), "learner": item.mobility.learner, "host": _host(item.mobility)},
            url=reverse("mobility:checklist_item", kwargs={"code": item.code}),
            due=item.due_date,
            why=_("Overdue since %(date)s: do it, then mark it done with its evidence.")
            % {"date": date_format(item.due_date, "DATE_FORMAT")},
        )
        for item in rows
    ]


def reports_to_file(user, limit) -> list[WaitingItem]:
    rows = (
        Mobility.objects.visible_to(user)
        .filter(learner__user_id=user.pk, status__in=FILING_STATUSES)
        .filter(Q(learner_report__isnull=True) | Q(learner_report__submitted_at__isnull=True))
        .select_related("learner", "receiving_organisation")
        .order_by("end_date", "id")
    )
    return [
        WaitingItem(
            kind=REPORT,
            title=_("Your report on your stay at %(host)s") % {"host": _host(mobility)},
            url=reverse("mobility:report", kwargs={"code": mobility.code}),
            due=None,
            why=_("Your stay is over: tell us how it went in your report."),
        )
        for mobility in rows[:limit]
    ]


@register_provider
def mobility_waiting(user, limit) -> list[WaitingItem]:
    scope = get_scope(user)
    today = timezone.localdate()
    return assessments_due(user, today, limit) + checklist_items_due(user, scope, limit) + reports_to_file(user, limit)
