"""The selection report of a call as a sealed PDF (documents.registry; issue 18, point 4).

One document per call, sealed once the decision is recorded and again whenever it changes (a reserve moved
up: the content, hence its SHA-256, changes, and a new PDF is made; the older one stays verifiable). It holds
the call, its criteria and weights, the panel with their declarations, every application's points per
criterion and assessor, the ranking and the decisions with their reasons.

Applicants appear by application code; only the selected ones are named (the school must show whom it
selected; the others' names are not needed to prove a fair selection and their applications are erased after
the retention period, which leaves this content unchanged). When a selected learner is erased, no new report
is made (docs/decisions.md: erased learners' documents are not sealed again).
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from documents.canonical import content_sha256
from documents.naming import ascii_slug
from documents.registry import Renderable

from . import access_panel
from .models import Application, Call, Score

A = Application.Status


def report_content(call: Call) -> dict:
    """The canonical content of the call's selection report (six queries)."""
    from .panel import ranking

    criteria = list(call.criteria.all())
    seats = list(call.panel.select_related("user").order_by("user__last_name", "user__first_name", "pk"))
    rows = ranking(call, criteria=criteria)
    points: dict[int, list] = {}
    for score in Score.objects.filter(
        application__call=call, application__status__in=access_panel.PANEL_STATES
    ).order_by("criterion__order", "criterion_id", "assessor__last_name", "assessor_id"):
        points.setdefault(score.application_id, []).append(
            {"criterion": score.criterion_id, "assessor": score.assessor_id, "points": score.points}
        )
    others = Application.objects.filter(call=call).exclude(status__in=access_panel.PANEL_STATES)
    counts = {status: 0 for status in (A.INELIGIBLE, A.WITHDRAWN, A.UNVERIFIED, A.SUBMITTED)}
    for status in others.values_list("status", flat=True):
        counts[status] = counts.get(status, 0) + 1
    return {
        "call": {
            "code": str(call.code),
            "title": call.title,
            "title_local": call.title_local,
            "organisation": call.organisation.legal_name,
            "partnership": f"{call.partnership.acronym} ({call.partnership.project_number})",
            "places": call.places,
            "deadline": timezone.localdate(call.deadline),
            "decided_on": timezone.localdate(call.decided_at) if call.decided_at else None,
            "fewer_opportunities_points": call.fewer_opportunities_points,
        },
        "criteria": [
            {"id": c.pk, "name": c.name, "weight": c.weight, "max_points": c.max_points, "order": c.order}
            for c in criteria
        ],
        "panel": [
            {
                "id": seat.user_id,
                "name": seat.user.get_full_name() or seat.user.email,
                "declared_at": seat.declared_no_conflict_at,
                "declaration": seat.declaration,
            }
            for seat in seats
        ],
        "ranking": [
            {
                "rank": row.rank,
                "application": str(row.application.code)[:8],
                "name": row.application.full_name if row.application.status == A.SELECTED else "",
                "fewer_opportunities": row.application.fewer_opportunities,
                "means": row.means,
                "bonus": row.bonus,
                "total": row.total,
                "tied": row.tied,
                "tie_break": row.tie_break,
                "tie_criterion": row.tie_criterion,
                "outcome": row.application.status,
                "reserve_rank": row.application.reserve_rank,
                "reason": row.application.decision_reason,
                "points": points.get(row.application.pk, []),
            }
            for row in rows
        ],
        "not_ranked": {status: n for status, n in counts.items() if n},
    }


class SelectionReportPdf(Renderable):
    slug = "selection-report"
    model = Call
    template = "documents/pdf/selection_report.html"

    def label(self):
        return _("Selection report")

    def organisations(self, call) -> list:
        return [call.organisation]

    def content_sha256(self, call):
        return content_sha256(report_content(call))

    def is_final(self, call):
        return call.status == Call.Status.DECIDED

    def names_erased_person(self, call):
        return (
            Application.objects.filter(call=call, status=A.SELECTED).filter(erased_at__isnull=False).exists()
            or Application.objects.filter(call=call, status=A.SELECTED, learner__anonymised_at__isnull=False).exists()
        )

    def may_download(self, user, call):
        return access_panel.sees_ranking(user, call)

    def partnership(self, call):
        return call.partnership

    def context(self, call):
        content = report_content(call)
        names = {c["id"]: c["name"] for c in content["criteria"]}
        assessors = {p["id"]: p["name"] for p in content["panel"]}
        for row in content["ranking"]:
            row["points_named"] = [
                {
                    "criterion": names.get(p["criterion"], ""),
                    "assessor": assessors.get(p["assessor"], ""),
                    "points": p["points"],
                }
                for p in row["points"]
            ]
        return {
            "document": call,
            "label": self.label(),
            "title": call.title,
            "content": content,
            "sha256": content_sha256(report_content(call)),
            "approvals": [],
            "partnership": call.partnership,
            "organisations": self.organisations(call),
            "generated_at": timezone.now(),
        }

    def filename(self, call):
        return f"selection-report-{ascii_slug(call.title)[:30]}-{str(call.code)[:8]}"

    def summary(self, call):
        return {
            "partnership": f"{call.partnership.acronym} ({call.partnership.project_number})",
            "organisations": [call.organisation.legal_name],
            "learner_initials": "",
            "date": timezone.localdate(call.decided_at) if call.decided_at else call.updated_at.date(),
        }
