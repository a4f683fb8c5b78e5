"""Mentor assessment: learning outcomes to assess, drafts, submission (locks), corrections (new versions).

`set_assessment_items(mobility, items)` is the entry point for the ecvet app: when a Learning Agreement
is approved it hands over the agreed learning outcomes (mobility never imports ecvet).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from partners import audit, workflow
from partners.models import AuditEntry

from ..models import AssessmentItem, AssessmentResult, MentorAssessment, Mobility, SoftSkill, SoftSkillRating
from ..models.checklists import ChainEvent
from .checklists import record_chain_event

Status = MentorAssessment.Status


class AssessmentLocked(Exception):
    """A submitted assessment cannot change; a correction (new version) is the way."""

    def __init__(self, message: str | None = None):
        super().__init__(
            message or _("This assessment has been submitted and is locked. To change it, start a correction.")
        )


@dataclass
class ResultInput:
    result: str = ""
    method: str = ""
    evidence: str = ""
    assessed_on: date | None = None


@dataclass
class RatingInput:
    rating: int | None = None
    comment: str = ""


@dataclass
class AssessmentInput:
    """What the assessment form collects; results keyed by AssessmentItem pk, ratings by SoftSkill value."""

    results: dict[int, ResultInput] = field(default_factory=dict)
    ratings: dict[str, RatingInput] = field(default_factory=dict)
    overall_comment: str = ""


def has_submitted(mobility: Mobility) -> bool:
    """Once a version has been submitted, the items it assessed are fixed."""
    return mobility.assessments.filter(status__in=[Status.SUBMITTED, Status.SUPERSEDED]).exists()


def items_from_agreement(mobility: Mobility) -> bool:
    return mobility.assessment_items.filter(source=AssessmentItem.Source.LEARNING_AGREEMENT).exists()


def current_assessment(mobility: Mobility) -> MentorAssessment | None:
    return mobility.assessments.exclude(status=Status.SUPERSEDED).first()


def _lock_mobility(mobility: Mobility) -> Mobility:
    return (
        Mobility.objects.select_for_update(of=("self",))
        .select_related("partnership", "sending_organisation")
        .get(pk=mobility.pk)
    )


# --- Drafts, submission, corrections ---------------------------------------------------------------


def missing_for_submission(items, data: AssessmentInput) -> dict[str, list[str]]:
    """Field-keyed problems that stop a submission (keys as the form names its fields)."""
    errors: dict[str, list[str]] = {}
    for item in items:
        entry = data.results.get(item.pk) or ResultInput()
        if not entry.result:
            errors.setdefault(f"item_{item.pk}_result", []).append(_("Give a result for this learning outcome."))
        if not entry.assessed_on:
            errors.setdefault(f"item_{item.pk}_assessed_on", []).append(_("Give the date of the assessment."))
    for skill in SoftSkill:
        entry = data.ratings.get(skill.value) or RatingInput()
        if not entry.rating:
            errors.setdefault(f"skill_{skill.value}_rating", []).append(_("Rate this soft skill."))
    return errors


def _apply(assessment: MentorAssessment, items, data: AssessmentInput) -> None:
    """Write the form's values into the draft's rows, in a fixed number of queries."""
    existing = {r.item_id: r for r in assessment.results.all()}
    new_results, changed_results = [], []
    for item in items:
        entry = data.results.get(item.pk) or ResultInput()
        values = {
            "result": entry.result or "",
            "method": (entry.method or "").strip(),
            "evidence": (entry.evidence or "").strip(),
            "assessed_on": entry.assessed_on,
        }
        row = existing.get(item.pk)
        if row is None:
            new_results.append(AssessmentResult(assessment=assessment, item=item, **values))
        elif any(getattr(row, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(row, k, v)
            changed_results.append(row)
    AssessmentResult.objects.bulk_create(new_results)
    AssessmentResult.objects.bulk_update(changed_results, ["result", "method", "evidence", "assessed_on"])

    existing_ratings = {r.skill: r for r in assessment.soft_skills.all()}
    new_ratings, changed_ratings = [], []
    for skill in SoftSkill:
        entry = data.ratings.get(skill.value) or RatingInput()
        values = {"rating": entry.rating or None, "comment": (entry.comment or "").strip()}
        row = existing_ratings.get(skill.value)
        if row is None:
            new_ratings.append(SoftSkillRating(assessment=assessment, skill=skill.value, **values))
        elif any(getattr(row, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(row, k, v)
            changed_ratings.append(row)
    SoftSkillRating.objects.bulk_create(new_ratings)
    SoftSkillRating.objects.bulk_update(changed_ratings, ["rating", "comment"])

    assessment.overall_comment = (data.overall_comment or "").strip()
    assessment.save(update_fields=["overall_comment", "updated_at"])


def _draft_for_update(mobility: Mobility, by) -> tuple[MentorAssessment, bool]:
    current = mobility.assessments.exclude(status=Status.SUPERSEDED).select_for_update().first()
    if current is None:
        return MentorAssessment.objects.create(mobility=mobility, version=1, assessor=by), True
    if current.is_locked:
        raise AssessmentLocked
    return current, False


@transaction.atomic
def save_draft(mobility: Mobility, *, by, data: AssessmentInput, request=None) -> MentorAssessment:
    """Create or update the draft; refused (AssessmentLocked) once the current version is submitted."""
    mobility = _lock_mobility(mobility)
    assessment, created = _draft_for_update(mobility, by)
    _apply(assessment, list(mobility.assessment_items.all()), data)
    audit.record(
        obj=assessment,
        actor=by,
        verb=AuditEntry.Verb.CREATED if created else AuditEntry.Verb.UPDATED,
        partnership=mobility.partnership,
        organisation=mobility.sending_organisation,
        request=request,
        details={"version": assessment.version, "status": assessment.status},
    )
    return assessment


@transaction.atomic
def submit_assessment(mobility: Mobility, *, by, data: AssessmentInput, request=None) -> MentorAssessment:
    """Save and submit: every learning outcome needs a result and a date, every soft skill a rating.
    The submitted version is locked."""
    mobility = _lock_mobility(mobility)
    items = list(mobility.assessment_items.all())
    if not items:
        raise ValidationError(_("There are no learning outcomes to assess yet."))
    errors = missing_for_submission(items, data)
    if errors:
        raise ValidationError(errors)
    assessment, _created = _draft_for_update(mobility, by)
    _apply(assessment, items, data)
    workflow.move(
        assessment,
        "submit",
        by=by,
        request=request,
        assessor=by,
        details={"version": assessment.version},
    )
    record_submission(assessment, by=by, request=request)
    return assessment


def record_submission(assessment: MentorAssessment, *, by, request=None) -> None:
    """What follows the move to submitted (here, and from the Django admin): the checklist item ticks itself,
    with this version as evidence."""
    record_chain_event(
        assessment.mobility,
        ChainEvent.ASSESSMENT_SUBMITTED,
        done=True,
        evidence_url=reverse("mobility:assessment_version", kwargs={"code": assessment.code}),
        document=_("the mentor's assessment, version %(version)s") % {"version": assessment.version},
        by=by,
        request=request,
    )


@transaction.atomic
def start_correction(mobility: Mobility, *, by, reason: str, request=None) -> MentorAssessment:
    """A new draft version copying the submitted one; the submitted one is kept, marked superseded."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Give a reason for the correction.")]})
    mobility = _lock_mobility(mobility)
    old = mobility.assessments.exclude(status=Status.SUPERSEDED).select_for_update().first()
    if old is None or old.status != Status.SUBMITTED:
        raise ValidationError(_("Only a submitted assessment can be corrected."))
    workflow.move(old, "supersede", by=by, reason=reason, request=request, details={"version": old.version})
    new = MentorAssessment.objects.create(
        mobility=mobility,
        version=old.version + 1,
        assessor=by,
        overall_comment=old.overall_comment,
        correction_reason=reason,
    )
    AssessmentResult.objects.bulk_create(
        [
            AssessmentResult(
                assessment=new,
                item_id=r.item_id,
                result=r.result,
                method=r.method,
                evidence=r.evidence,
                assessed_on=r.assessed_on,
            )
            for r in old.results.all()
        ]
    )
    SoftSkillRating.objects.bulk_create(
        [
            SoftSkillRating(assessment=new, skill=r.skill, rating=r.rating, comment=r.comment)
            for r in old.soft_skills.all()
        ]
    )
    audit.record(
        obj=new,
        actor=by,
        verb=AuditEntry.Verb.CREATED,
        partnership=mobility.partnership,
        organisation=mobility.sending_organisation,
        request=request,
        details={"version": new.version, "corrects": old.version, "reason": reason},
    )
    # The submitted version is withdrawn for correction: an automatic tick goes with it until resubmission.
    record_chain_event(mobility, ChainEvent.ASSESSMENT_SUBMITTED, done=False, by=by, request=request)
    return new


# --- Learning outcomes to assess -------------------------------------------------------------------


def _delete_items(items) -> None:
    """Remove items and their draft results (submitted results never exist for them: see callers)."""
    ids = [item.pk for item in items]
    if ids:
        AssessmentResult.objects.filter(item_id__in=ids, assessment__status=Status.DRAFT).delete()
        AssessmentItem.objects.filter(pk__in=ids).delete()


@transaction.atomic
def save_manual_items(mobility: Mobility, formset, *, by, request=None) -> dict[str, int]:
    """Save the free-text learning outcomes from a valid formset; refused once an assessment is submitted
    or the Learning Agreement has provided the outcomes."""
    mobility = _lock_mobility(mobility)
    if has_submitted(mobility):
        raise AssessmentLocked(_("An assessment has been submitted: the learning outcomes can no longer change."))
    if items_from_agreement(mobility):
        raise AssessmentLocked(_("The learning outcomes come from the Learning Agreement and are changed there."))
    instances = formset.save(commit=False)
    for instance in instances:
        instance.mobility = mobility
        instance.source = AssessmentItem.Source.MANUAL
        instance.save()
    _delete_items(formset.deleted_objects)
    counts = {
        "added": len(formset.new_objects),
        "changed": len(formset.changed_objects),
        "deleted": len(formset.deleted_objects),
    }
    audit.record(
        obj=mobility,
        actor=by,
        verb=AuditEntry.Verb.UPDATED,
        partnership=mobility.partnership,
        organisation=mobility.sending_organisation,
        request=request,
        details={"assessment_items": counts},
    )
    return counts


@transaction.atomic
def set_assessment_items(mobility: Mobility, items: list[dict], *, by=None, request=None) -> bool:
    """Replace the learning outcomes to assess with those of the Learning Agreement (for the ecvet app).

    `items`: dicts with `text`, and optionally `unit_code` and `external_ref` (the LO's id in the LA).
    Hand-entered items are replaced; items already from the LA are updated in place (matched by
    `external_ref`, else by text and unit), so calling twice with the same list changes nothing.
    Once an assessment has been submitted the assessed items stay as they are and this returns False.
    """
    mobility = _lock_mobility(mobility)
    if has_submitted(mobility):
        return False
    source = AssessmentItem.Source.LEARNING_AGREEMENT
    existing = list(mobility.assessment_items.all())
    by_ref = {i.external_ref: i for i in existing if i.source == source and i.external_ref}
    by_text = {(i.text, i.unit_code): i for i in existing if i.source == source and not i.external_ref}
    keep: set[int] = set()
    created = updated = 0
    for order, entry in enumerate(items):
        text = (entry.get("text") or "").strip()
        if not text:
            continue
        unit_code = (entry.get("unit_code") or "").strip()[:40]
        ref = str(entry.get("external_ref") or "").strip()[:64]
        item = by_ref.get(ref) if ref else by_text.get((text, unit_code))
        if item is None:
            item = AssessmentItem.objects.create(
                mobility=mobility, text=text, unit_code=unit_code, external_ref=ref, source=source, order=order
            )
            created += 1
        elif (item.text, item.unit_code, item.external_ref, item.order) != (text, unit_code, ref, order):
            item.text, item.unit_code, item.external_ref, item.order = text, unit_code, ref, order
            item.save(update_fields=["text", "unit_code", "external_ref", "order", "updated_at"])
            updated += 1
        keep.add(item.pk)
    removed = [i for i in existing if i.pk not in keep]
    _delete_items(removed)
    if created or updated or removed:
        audit.record(
            obj=mobility,
            actor=by,
            verb=AuditEntry.Verb.UPDATED,
            partnership=mobility.partnership,
            organisation=mobility.sending_organisation,
            request=request,
            details={
                "assessment_items": {
                    "source": source.value,
                    "added": created,
                    "changed": updated,
                    "removed": len(removed),
                }
            },
        )
    return True
