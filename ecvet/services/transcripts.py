"""Personal Transcripts, and the validation and recognition that follow them.

The host (staff of the receiving organisation with can_manage_mobilities) builds the transcript from
the mentor's submitted assessment and the approved Learning Agreement, sets the points of units whose
outcomes were only partly achieved, and sends it for approval; the host's signer approves it. Then the
sending organisation records validation and recognition, and the mobility becomes "recognised".
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from mobility.models import AssessmentResult, MentorAssessment, Mobility
from mobility.models.checklists import ChainEvent
from mobility.services import lifecycle
from mobility.services.checklists import record_chain_event
from mobility.services.gdpr import collecting_learner_data, erasing_learner
from partners import audit, workflow
from partners.models import AuditEntry, Right
from partners.workflow import Missing, Refused

from ..models import LearningAgreementVersion, Transcript, TranscriptEntry, TranscriptUnit
from ..models.agreements import agreement_in_force_missing
from .approvals import FROZEN_FIELDS, ApprovalError, DocumentKind, Party, freeze
from .notify import notify

T = Transcript.Status
ACHIEVED = AssessmentResult.Result.ACHIEVED


# --- what the transcript is built from -----------------------------------------------------------


def submitted_assessment(mobility: Mobility) -> MentorAssessment | None:
    """The current submitted assessment (a superseded one is never current)."""
    return (
        MentorAssessment.objects.filter(mobility=mobility, status=MentorAssessment.Status.SUBMITTED)
        .select_related("assessor")
        .first()
    )


def approved_version(mobility: Mobility) -> LearningAgreementVersion | None:
    return (
        LearningAgreementVersion.objects.filter(
            agreement__mobility=mobility, status=LearningAgreementVersion.Status.APPROVED
        )
        .select_related("qualification")
        .first()
    )


def agreement_points(transcript: Transcript) -> dict[int, Decimal]:
    """unit id → the ECVET points of that unit in the approved Learning Agreement."""
    version = approved_version(transcript.mobility)
    if version is None:
        return {}
    return dict(version.units.values_list("unit_id", "ecvet_points"))


def unit_results(transcript: Transcript) -> dict[int, list[str]]:
    """unit id → the results of its assessed outcomes."""
    out: dict[int, list[str]] = {}
    for unit_id, result in transcript.entries.exclude(unit=None).values_list("unit_id", "result"):
        out.setdefault(unit_id, []).append(result)
    return out


def points_text(points: Decimal) -> str:
    """ECVET points as people write them: 10, 2.5 (never 1E+1)."""
    return format(points.normalize(), "f")


def is_mixed(results: list[str]) -> bool:
    """Some outcomes achieved and some not: the host decides the points."""
    achieved = [r == ACHIEVED for r in results]
    return any(achieved) and not all(achieved)


def mixed_units(transcript: Transcript) -> list[TranscriptUnit]:
    results = unit_results(transcript)
    return [u for u in transcript.units.select_related("unit") if is_mixed(results.get(u.unit_id, []))]


def build_missing(mobility: Mobility, assessment: MentorAssessment | None) -> list[Missing]:
    """What building the transcript still needs: the mentor's submitted assessment and the Learning Agreement in
    force (the same fact that `Transcript.send_for_approval` and `approve` guard)."""
    missing = []
    if assessment is None:
        missing.append(
            Missing(
                _(
                    "The mentor has not submitted the assessment yet: a transcript is built from the submitted "
                    "assessment."
                ),
                url=reverse("mobility:assessment", kwargs={"code": mobility.code}),
                link_text=_("Open the mentor's assessment"),
            )
        )
    return missing + agreement_in_force_missing(mobility)


@transaction.atomic
def build_transcript(mobility: Mobility, *, by, request=None) -> Transcript:
    """Create the transcript from the submitted assessment, or rebuild it while it is a draft."""
    mobility = (
        Mobility.objects.select_for_update().select_related("partnership", "receiving_organisation").get(pk=mobility.pk)
    )
    assessment = submitted_assessment(mobility)
    missing = build_missing(mobility, assessment)
    if missing:
        raise Refused(" ".join(m.message for m in missing), missing=missing)
    transcript = Transcript.objects.select_for_update().filter(mobility=mobility).first()
    if transcript is not None and transcript.status != T.DRAFT:
        raise ValidationError(
            _("The transcript is “%(status)s” and cannot be rebuilt.") % {"status": transcript.get_status_display()}
        )
    created = transcript is None
    if created:
        transcript = Transcript.objects.create(mobility=mobility, assessment=assessment)
    else:
        transcript.assessment = assessment
        transcript.save(update_fields=["assessment", "updated_at"])
        transcript.entries.all().delete()
        transcript.units.all().delete()
    version = approved_version(mobility)
    la_units = list(version.units.select_related("unit")) if version else []
    by_reference = {u.unit.reference: u for u in la_units}
    assessor = (assessment.assessor.get_full_name() or assessment.assessor.email) if assessment.assessor else ""
    entries = []
    for order, result in enumerate(assessment.results.select_related("item")):
        la_unit = by_reference.get(result.item.unit_code)
        entries.append(
            TranscriptEntry(
                transcript=transcript,
                unit=la_unit.unit if la_unit else None,
                unit_reference=result.item.unit_code,
                outcome=result.item.text,
                method=result.method,
                assessed_on=result.assessed_on,
                assessor=assessor,
                result=result.result,
                evidence=result.evidence,
                order=order,
            )
        )
    TranscriptEntry.objects.bulk_create(entries)
    results: dict[int, list[str]] = {}
    for entry in entries:
        if entry.unit is not None:
            results.setdefault(entry.unit.pk, []).append(entry.result)
    units = []
    for la_unit in la_units:
        unit_res = results.get(la_unit.unit_id, [])
        # All achieved → the points of the agreement; none (or mixed, until the host decides) → 0.
        points = la_unit.ecvet_points if unit_res and all(r == ACHIEVED for r in unit_res) else Decimal("0")
        units.append(TranscriptUnit(transcript=transcript, unit=la_unit.unit, points_awarded=points))
    TranscriptUnit.objects.bulk_create(units)
    audit.record(
        actor=by,
        verb=AuditEntry.Verb.CREATED if created else AuditEntry.Verb.UPDATED,
        obj=transcript,
        request=request,
        partnership=mobility.partnership,
        organisation=mobility.receiving_organisation,
        details={"assessment_version": assessment.version, "rebuilt": not created},
    )
    return transcript


@transaction.atomic
def update_transcript(transcript: Transcript, *, points: dict[int, Decimal], host_remarks: str, by, request=None):
    """The host's part of a draft: points of partly achieved units (at most the agreement's) and remarks.
    `points` maps unit id → points; errors are keyed `points_<unit id>`."""
    transcript = Transcript.objects.select_for_update().select_related("mobility").get(pk=transcript.pk)
    if transcript.status != T.DRAFT:
        raise ValidationError(_("Only a draft transcript can be changed."))
    limits = agreement_points(transcript)
    editable = {u.unit_id: u for u in mixed_units(transcript)}
    errors = {}
    for unit_id, value in points.items():
        if unit_id not in editable:
            errors[f"points_{unit_id}"] = _("The points of this unit follow from its results.")
        elif value is None or value < 0:
            errors[f"points_{unit_id}"] = _("Enter the points awarded (0 or more).")
        elif value > limits.get(unit_id, Decimal("0")):
            errors[f"points_{unit_id}"] = _(
                "The Learning Agreement gives this unit %(max)s ECVET points; %(points)s is more than that."
            ) % {"max": points_text(limits.get(unit_id, Decimal("0"))), "points": points_text(value)}
    if errors:
        raise ValidationError(errors)
    for unit_id, value in points.items():
        unit = editable[unit_id]
        unit.points_awarded = value
        unit.save(update_fields=["points_awarded"])
    transcript.host_remarks = host_remarks.strip()
    transcript.save(update_fields=["host_remarks", "updated_at"])
    audit.record(
        actor=by,
        verb=AuditEntry.Verb.UPDATED,
        obj=transcript,
        request=request,
        partnership=transcript.mobility.partnership,
        organisation=transcript.mobility.receiving_organisation,
        details={"points": {str(k): str(v) for k, v in points.items()}},
    )
    return transcript


@transaction.atomic
def send_for_approval(transcript: Transcript, *, by, request=None) -> Transcript:
    transcript = Transcript.objects.select_for_update().select_related("mobility").get(pk=transcript.pk)
    if transcript.status != T.DRAFT:
        raise ValidationError(_("Only a draft transcript can be sent for approval."))
    # Guards (Learning Agreement in force, assessed outcomes) and the right to send: `Transcript.send_for_approval`.
    sha = freeze(transcript)
    workflow.move(
        transcript,
        "send_for_approval",
        by=by,
        request=request,
        details={"sha256": sha},
        update_fields=FROZEN_FIELDS,
    )
    notify(transcript, gettext_noop("The %(document)s waits for your approval."), exclude=by)
    return transcript


# --- the approval ---------------------------------------------------------------------------------


def _organisation(org) -> dict:
    return {"name": org.legal_name, "country": org.country.code, "city": org.city, "oid": org.oid, "pic": org.pic}


def transcript_content(transcript: Transcript) -> dict:
    """The canonical content: what the host approves."""
    mobility = transcript.mobility
    learner = mobility.learner
    version = approved_version(mobility)
    qualification = version.qualification if version else None
    return {
        "document": "ECVET Personal Transcript",
        "transcript": str(transcript.code),
        "learner": {"name": f"{learner.first_name} {learner.last_name}", "date_of_birth": learner.date_of_birth},
        "home_organisation": _organisation(mobility.sending_organisation),
        "host_organisation": _organisation(mobility.receiving_organisation),
        "mobility": {"start": mobility.start_date, "end": mobility.end_date},
        "qualification": {
            "title": qualification.title_original,
            "title_en": qualification.title_en,
            "eqf_level": qualification.eqf_level,
            "nqf_level": qualification.nqf_level,
        }
        if qualification
        else None,
        "learning_agreement_version": version.number if version else None,
        "assessment_version": transcript.assessment.version,
        "entries": [
            {
                "unit": e.unit_reference,
                "learning_outcome": e.outcome,
                "method": e.method,
                "date": e.assessed_on,
                "assessor": e.assessor,
                "result": e.result,
                "evidence": e.evidence,
            }
            for e in transcript.entries.all()
        ],
        "units": [
            {"reference": u.unit.reference, "title": u.unit.title, "ecvet_points_awarded": u.points_awarded}
            for u in transcript.units.select_related("unit").order_by("unit__reference")
        ],
        "host_remarks": transcript.host_remarks,
    }


class TranscriptKind(DocumentKind):
    model = Transcript

    def parties(self, transcript):
        return [Party("receiving", _("Host organisation"), organisation=transcript.mobility.receiving_organisation)]

    def content(self, transcript):
        return transcript_content(transcript)

    def title(self, transcript):
        mobility = transcript.mobility
        return _("Personal Transcript of %(learner)s (%(host)s)") % {
            "learner": mobility.learner,
            "host": mobility.receiving_organisation.short_name or mobility.receiving_organisation.legal_name,
        }

    def is_open(self, transcript):
        return transcript.status == T.AWAITING

    def organisation_for_audit(self, transcript):
        return transcript.mobility.receiving_organisation

    def partnership_for_audit(self, transcript):
        return transcript.mobility.partnership

    def on_fully_approved(self, transcript, *, by, request):
        try:
            workflow.move(transcript, "approve", by=by, request=request, system=True)
        except Refused as error:  # e.g. no Learning Agreement in force any more: the approval is not recorded
            raise ApprovalError(" ".join(error.messages)) from error
        mobility = transcript.mobility
        record_chain_event(
            mobility,
            ChainEvent.TRANSCRIPT_APPROVED,
            done=True,
            evidence_url=transcript.get_absolute_url(),
            document=self.title(transcript),
            by=by,
            request=request,
        )
        # Who must act next: the sending organisation's mobility managers record validation and recognition.
        notify(
            transcript,
            gettext_noop("The host has approved the %(document)s. Record its validation and recognition."),
            to=[Party("sending", "", organisation=mobility.sending_organisation)],
            right=Right.MANAGE_MOBILITIES,
            exclude=by,
        )
        notify(
            transcript,
            gettext_noop("Your host has approved the %(document)s."),
            to=[Party("learner", "", user_id=mobility.learner.user_id)],
        )

    def on_refused(self, transcript, *, by, reason, request):
        workflow.move(transcript, "refuse", by=by, reason=reason, request=request, system=True)
        # Back to whoever prepares it at the host.
        notify(
            transcript,
            gettext_noop("%(who)s refused the %(document)s, which is back in draft. Reason: %(reason)s"),
            to=[Party("receiving", "", organisation=transcript.mobility.receiving_organisation)],
            right=Right.MANAGE_MOBILITIES,
            exclude=by,
            who=by.get_full_name() or by.email,
            reason=reason,
        )


# --- validation and recognition -------------------------------------------------------------------


def total_points(transcript: Transcript) -> Decimal:
    return sum((u.points_awarded for u in transcript.units.all()), Decimal("0"))


def full_recognition_missing(transcript: Transcript) -> list[str]:
    """Why the transcript cannot be "recognised in full" (empty: it can).

    Decision (issue 13): "recognised in full" means every unit of the Learning Agreement in force was achieved
    with its ECVET points. The agreement has at least one unit, and for each of its units the transcript records
    at least one assessed learning outcome, all of them achieved, and awards the unit's ECVET points of the
    agreement, which are more than 0. A transcript that awards 0 ECVET points can therefore never be recognised
    in full, and neither can one whose host awarded part of a unit's points: that is "partly recognised"."""
    version = approved_version(transcript.mobility)
    if version is None:
        return [_("no Learning Agreement is in force for this mobility")]
    agreed = list(version.units.select_related("unit").order_by("order", "id"))
    if not agreed:
        return [_("the Learning Agreement in force has no units of learning outcomes, so no ECVET points are awarded")]
    results = unit_results(transcript)
    awarded = dict(transcript.units.values_list("unit_id", "points_awarded"))
    missing = []
    for la_unit in agreed:
        unit = {"unit": la_unit.unit.reference}
        unit_res = results.get(la_unit.unit_id, [])
        points = awarded.get(la_unit.unit_id, Decimal("0"))
        if not unit_res:
            missing.append(_("no learning outcome of unit %(unit)s was assessed") % unit)
        elif not all(r == ACHIEVED for r in unit_res):
            missing.append(_("not every learning outcome of unit %(unit)s was achieved") % unit)
        elif la_unit.ecvet_points <= 0:
            missing.append(_("unit %(unit)s carries no ECVET points in the Learning Agreement") % unit)
        elif points != la_unit.ecvet_points:
            missing.append(
                _("unit %(unit)s is awarded %(awarded)s of its %(points)s ECVET points")
                % {**unit, "awarded": points_text(points), "points": points_text(la_unit.ecvet_points)}
            )
    return missing


@transaction.atomic
def record_recognition(
    transcript: Transcript, *, by, decision, decided_on, how_it_counts, points_recognised=None, request=None
) -> Transcript:
    """The sending organisation's validation and recognition; the mobility becomes "recognised"."""
    transcript = Transcript.objects.select_for_update().select_related("mobility").get(pk=transcript.pk)
    mobility = transcript.mobility
    if transcript.status != T.APPROVED:
        raise Refused(
            _("Recognition is recorded after the host has approved the transcript."),
            missing=[
                Missing(
                    _("The host has not approved the transcript yet."),
                    url=transcript.get_absolute_url(),
                    link_text=_("Open the transcript"),
                )
            ],
        )
    if transcript.decision:
        raise ValidationError(_("The recognition of this transcript is already recorded."))
    if mobility.status != Mobility.Status.COMPLETED:
        raise ValidationError(
            _("The mobility is “%(status)s”: recognition is recorded once it is completed.")
            % {"status": mobility.get_status_display()}
        )
    errors = {}
    if decision not in Transcript.Decision.values:
        errors["decision"] = _("Choose the recognition decision.")
    if decided_on is None:
        errors["decided_on"] = _("Enter the date of the decision.")
    if not (how_it_counts or "").strip():
        errors["how_it_counts"] = _("Say how the result counts in the learner's qualification.")
    total = total_points(transcript)
    if points_recognised is not None and (points_recognised < 0 or points_recognised > total):
        errors["points_recognised"] = _("At most the %(total)s ECVET points awarded can be recognised.") % {
            "total": points_text(total)
        }
    if decision == Transcript.Decision.RECOGNISED:
        not_in_full = full_recognition_missing(transcript)
        if not_in_full:
            errors["decision"] = _(
                "“Recognised in full” needs every unit of the Learning Agreement achieved with its ECVET points, "
                "but %(facts)s. Record “Partly recognised” or “Not recognised” instead."
            ) % {"facts": "; ".join(not_in_full)}
        elif points_recognised is not None and points_recognised < total and "points_recognised" not in errors:
            errors["points_recognised"] = _(
                "Recognised in full recognises all %(total)s ECVET points awarded; for fewer, record “Partly "
                "recognised”."
            ) % {"total": points_text(total)}
    if decision == Transcript.Decision.PARTLY and total <= 0 and "decision" not in errors:
        # Nothing was awarded, so there is nothing to recognise in part.
        errors["decision"] = _("No ECVET points were awarded: record “Not recognised”.")
    if errors:
        raise ValidationError(errors)
    transcript.decision = decision
    transcript.decided_on = decided_on
    transcript.decided_by = by
    transcript.decided_by_name = by.get_full_name() or by.email
    transcript.how_it_counts = how_it_counts.strip()
    transcript.points_recognised = points_recognised
    transcript.save(
        update_fields=[
            "decision",
            "decided_on",
            "decided_by",
            "decided_by_name",
            "how_it_counts",
            "points_recognised",
            "updated_at",
        ]
    )
    audit.record(
        actor=by,
        verb=AuditEntry.Verb.STATE_CHANGED,
        obj=transcript,
        request=request,
        partnership=mobility.partnership,
        organisation=mobility.sending_organisation,
        details={
            "recognition": decision,
            "points": str(points_recognised) if points_recognised is not None else None,
        },
    )
    record_chain_event(
        mobility,
        ChainEvent.RECOGNITION_RECORDED,
        done=True,
        evidence_url=transcript.get_absolute_url(),
        document=_("validation and recognition (%(decision)s) of the %(document)s")
        % {"decision": transcript.get_decision_display(), "document": TranscriptKind().title(transcript)},
        by=by,
        request=request,
    )
    lifecycle.transition(
        mobility,
        Mobility.Status.RECOGNISED,
        by=by,
        request=request,
        system=True,
        reason=_("Validation and recognition recorded: %(decision)s.")
        % {"decision": transcript.get_decision_display()},
    )
    notify(
        transcript,
        gettext_noop(
            "Your home organisation has recorded the validation and recognition of the %(document)s: %(decision)s."
        ),
        to=[Party("learner", "", user_id=mobility.learner.user_id)],
        decision=Transcript.Decision(decision).label,
    )
    return transcript


# --- GDPR: a learner's export and erasure (mobility.services.gdpr) ---------------------------------

ENTRY_TEXT = ("outcome", "evidence", "method", "assessor")
TRANSCRIPT_TEXT = ("host_remarks", "how_it_counts")


def _learner_transcripts(learner) -> list[Transcript]:
    return list(
        Transcript.objects.filter(mobility__learner=learner)
        .select_related("mobility")
        .prefetch_related("entries", "units__unit")
        .order_by("mobility__start_date", "id")
    )


@receiver(collecting_learner_data, dispatch_uid="ecvet.transcripts.collect")
def collect_transcripts(sender, learner, **kwargs):
    transcripts = _learner_transcripts(learner)
    if not transcripts:
        return {}
    data = [
        {
            "transcript": str(t.code),
            "mobility": str(t.mobility.code),
            "status": t.status,
            "entries": [
                {"unit": e.unit_reference, "result": e.result, "assessed_on": e.assessed_on}
                | {name: getattr(e, name) for name in ENTRY_TEXT}
                for e in t.entries.all()
            ],
            "units": [{"reference": u.unit.reference, "points_awarded": u.points_awarded} for u in t.units.all()],
            "host_remarks": t.host_remarks,
            "recognition": {
                "decision": t.decision,
                "decided_on": t.decided_on,
                "decided_by": t.decided_by_name,
                "points_recognised": t.points_recognised,
                "how_it_counts": t.how_it_counts,
            }
            if t.decision
            else None,
        }
        for t in transcripts
    ]
    return {"personal_transcripts": {"title": _("Personal Transcripts"), "data": data}}


@receiver(erasing_learner, dispatch_uid="ecvet.transcripts.erase")
def erase_transcripts(sender, learner, scrub, **kwargs):
    transcripts, entries = [], []
    for transcript in _learner_transcripts(learner):
        for name in TRANSCRIPT_TEXT:
            setattr(transcript, name, scrub.text(getattr(transcript, name)))
        if transcript.frozen_content is not None:
            frozen = scrub.json(transcript.frozen_content)
            if isinstance(frozen.get("learner"), dict):
                frozen["learner"]["date_of_birth"] = None
            transcript.frozen_content = frozen
        transcripts.append(transcript)
        for entry in transcript.entries.all():
            for name in ENTRY_TEXT:
                setattr(entry, name, scrub.text(getattr(entry, name)))
            entries.append(entry)
    Transcript.objects.bulk_update(transcripts, [*TRANSCRIPT_TEXT, "frozen_content"])
    TranscriptEntry.objects.bulk_update(entries, list(ENTRY_TEXT))
