"""A learner's applications in the learners' GDPR export and erasure (mobility.services.gdpr's signals;
mobility never imports selection). The application is found through its learner link (set when the applicant
was selected).

- Export: each application with the call, the answers given, consent, status and dates, the documents sent
  (kind, size, date) and the points the panel gave (criterion, points; the assessors are not the learner's data).
- Erasure: each application is erased as the retention task erases it (`selection.retention`).
"""

from __future__ import annotations

from django.dispatch import receiver
from django.utils.translation import gettext as _

from mobility.services.gdpr import collecting_learner_data, erasing_learner

from .models import Application

FIELDS = (
    "first_name",
    "last_name",
    "email",
    "date_of_birth",
    "qualification_title",
    "eqf_level",
    "study_year",
    "fewer_opportunities",
    "fewer_opportunities_note",
    "guardian_name",
    "guardian_email",
    "language",
    "email_verified_at",
    "consent_at",
    "privacy_notice_version",
    "status",
    "submitted_at",
    "withdrawn_at",
    "reserve_rank",
    "decision_reason",
    "decided_at",
)


def applications_of(learner):
    return list(
        Application.objects.filter(learner=learner)
        .select_related("call__organisation")
        .prefetch_related("documents", "scores__criterion")
        .order_by("created_at")
    )


@receiver(collecting_learner_data, dispatch_uid="selection.gdpr.collect")
def collect_applications(sender, learner, **kwargs):
    applications = applications_of(learner)
    if not applications:
        return {}
    data = [
        {
            "application": str(a.code),
            "call": a.call.title,
            "sending_organisation": a.call.organisation.legal_name,
            **{name: getattr(a, name) for name in FIELDS},
            "documents": [
                {"kind": d.get_kind_display(), "size": d.size, "uploaded_at": d.uploaded_at} for d in a.documents.all()
            ],
            "scores": [{"criterion": s.criterion.name, "points": str(s.points)} for s in a.scores.all()],
        }
        for a in applications
    ]
    return {"applications": {"title": _("Applications"), "data": data}}


@receiver(erasing_learner, dispatch_uid="selection.gdpr.erase")
def erase_applications(sender, learner, scrub, **kwargs):
    from .retention import erase_application

    for application in applications_of(learner):
        erase_application(application, by=None, reason="learner erased")
