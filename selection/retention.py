"""Erasing applications (issue 18, point 5; docs/selection.md).

Unsuccessful applications — not selected, not eligible, withdrawn, never confirmed, and reserve ones never
moved up — are erased `call.retention_months` after the call closed (its deadline when it was never closed),
by the daily task `selection.panel_tasks.erase_expired_applications`. Selected applications are kept: their
data lives on in the learner record, which the learners' own erasure covers (and which erases the application
with it, `selection.panel_gdpr`).

Erasure uses the learners' machinery (`mobility.services.gdpr.Scrubber`, `ERASED`): the applicant's names,
e-mail addresses, birth date and guardian are replaced, free text about them (the note on fewer
opportunities, the decision's reason, the panel's comments, the history's reasons, the audit entries) is
scrubbed, the uploaded files are deleted from storage once the erasure commits and their rows removed,
and `erased_at` is set. Scores (points), statuses, dates and the ranking's figures stay: the selection report
names only the selected applicants, so its sealed PDF does not change and is not rendered again.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from mobility.services.gdpr import ERASED, Scrubber
from partners import audit
from partners.models import AuditEntry, StatusChange

from .models import Application, ApplicationDocument, Call, Score, add_months

A = Application.Status
# Kept whatever the date: the selected (learners now) and those still waiting for the decision.
UNSUCCESSFUL = (A.NOT_SELECTED, A.INELIGIBLE, A.WITHDRAWN, A.UNVERIFIED, A.RESERVE)
ENDED_CALLS = (Call.Status.CLOSED, Call.Status.DECIDED, Call.Status.CANCELLED)


def due(now=None):
    """Unsuccessful, not yet erased applications whose call's retention period is over. A call still closed
    (no decision) keeps its reserve and eligible ones out of reach: only ended outcomes are erased."""
    now = now or timezone.now()
    candidates = (
        Application.objects.filter(erased_at__isnull=True, call__status__in=ENDED_CALLS)
        .filter(Q(status__in=UNSUCCESSFUL))
        .exclude(Q(status=A.RESERVE) & ~Q(call__status=Call.Status.DECIDED))
        .select_related("call")
    )
    for application in candidates.iterator(chunk_size=200):
        call = application.call
        start = call.closed_at or call.deadline
        if add_months(start, call.retention_months) <= now:
            yield application


def erase_expired(now=None) -> int:
    """Erase every application due; each in its own transaction (one failure leaves the others done)."""
    count = 0
    for application in list(due(now)):
        if erase_application(application, by=None, reason="retention"):
            count += 1
    return count


def scrubber_for(application: Application) -> Scrubber:
    return Scrubber(
        names=[application.full_name, application.first_name, application.last_name, application.guardian_name],
        emails=[application.email, application.guardian_email],
        dates=[application.date_of_birth],
    )


@transaction.atomic
def erase_application(application: Application, *, by=None, reason: str = "", request=None) -> bool:
    """Anonymise one application in place; its files go after the commit. Erasing twice changes nothing."""
    application = Application.objects.select_for_update().select_related("call").get(pk=application.pk)
    if application.erased_at is not None:
        return False
    scrub = scrubber_for(application)
    files = []
    for document in ApplicationDocument.objects.filter(application=application):
        if document.file:
            files.append((document.file.storage, document.file.name))
    ApplicationDocument.objects.filter(application=application).delete()
    for score in Score.objects.filter(application=application).exclude(comment=""):
        score.comment = scrub.text(score.comment)
        score.save(update_fields=["comment"])
    history = StatusChange.objects.filter(
        content_type=ContentType.objects.get_for_model(Application), object_id=application.pk
    ).exclude(reason="")
    for change in history:
        change.reason = scrub.text(change.reason)
        change.save(update_fields=["reason"])
    for entry in AuditEntry.objects.filter(object_type="selection.application", object_code=str(application.code)):
        entry.object_repr = ERASED
        entry.details = scrub.audit_json(entry.details)
        entry.save(update_fields=["object_repr", "details"])
    application.first_name = ERASED
    application.last_name = f"{application.code.hex[:8]}"
    application.email = f"erased-{application.code.hex}@erased.invalid"
    application.date_of_birth = None
    application.guardian_name = ""
    application.guardian_email = ""
    application.fewer_opportunities_note = scrub.text(application.fewer_opportunities_note) and ERASED
    application.decision_reason = scrub.text(application.decision_reason)
    application.erased_at = timezone.now()
    application.save(
        update_fields=[
            "first_name",
            "last_name",
            "email",
            "date_of_birth",
            "guardian_name",
            "guardian_email",
            "fewer_opportunities_note",
            "decision_reason",
            "erased_at",
            "updated_at",
        ]
    )
    for storage, name in files:
        transaction.on_commit(lambda storage=storage, name=name: storage.delete(name))
    audit.record(
        actor=by,
        verb=AuditEntry.Verb.DELETED,
        obj=application,
        request=request,
        partnership=application.call.partnership,
        organisation=application.call.organisation,
        details={"erased": True, "why": reason, "files": len(files)},
    )
    return True
