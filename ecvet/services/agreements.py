"""Learning Agreements: one per mobility, many versions; changes are proposals against the approved one."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from mobility.models import Mobility
from mobility.models.checklists import ChainEvent
from mobility.services import assessments as mobility_assessments
from mobility.services import lifecycle
from mobility.services.checklists import record_chain_event
from partners import audit, workflow
from partners.models import AuditEntry

from ..models import LearningAgreement, LearningAgreementUnit, LearningAgreementVersion
from .approvals import DocumentKind, Party
from .notify import notify

V = LearningAgreementVersion.Status


def _organisation(org) -> dict:
    contact = next(iter(org.contacts.all()), None)
    return {
        "name": org.legal_name,
        "country": org.country.code,
        "city": org.city,
        "address": org.address,
        "oid": org.oid,
        "pic": org.pic,
        "contact": {"name": contact.name, "position": contact.position, "email": contact.email} if contact else None,
    }


def version_content(version: LearningAgreementVersion) -> dict:
    """The canonical content of one version: what the three parties approve."""
    mobility = version.agreement.mobility
    learner = mobility.learner
    qualification = version.qualification
    return {
        "document": "ECVET Learning Agreement",
        "agreement": str(version.agreement.code),
        "version": version.number,
        "changes_version": version.based_on.number if version.based_on_id else None,
        "reason": {"code": version.reason_code, "text": version.reason_text} if version.based_on_id else None,
        "memorandum": str(version.memorandum.code) if version.memorandum_id else None,
        "home_organisation": _organisation(mobility.sending_organisation),
        "host_organisation": _organisation(mobility.receiving_organisation),
        "learner": {
            "name": f"{learner.first_name} {learner.last_name}",
            "date_of_birth": learner.date_of_birth,
            "gender": learner.gender,
            "email": learner.email,
            "guardian": learner.guardian_name or None,
        },
        "duration": {
            "start": mobility.start_date,
            "end": mobility.end_date,
            "weeks_abroad": round(mobility.duration_days / 7, 1),
            "virtual": {
                "start": mobility.virtual_start,
                "end": mobility.virtual_end,
                "hours": mobility.virtual_hours,
                "platform": mobility.virtual_platform,
            }
            if mobility.is_blended
            else None,
        },
        "qualification": {
            "title": qualification.title_original,
            "title_en": qualification.title_en,
            "eqf_level": qualification.eqf_level,
            "nqf_level": qualification.nqf_level,
        }
        if qualification
        else None,
        "learner_progress": version.learner_progress,
        "enclosures": version.enclosures,
        "units": [
            {
                "reference": u.unit.reference,
                "title": u.unit.title,
                "ecvet_points": u.ecvet_points,
                "learning_outcomes": [line.strip() for line in u.learning_outcomes.splitlines() if line.strip()],
                "learning_activities": u.learning_activities,
                "assessment_method": u.assessment_method,
                "assessor": u.assessor,
            }
            for u in version.units.all()
        ],
        "assessment_documentation": version.assessment_documentation,
        "validation_recognition": version.validation_recognition,
    }


class LearningAgreementKind(DocumentKind):
    model = LearningAgreementVersion

    def parties(self, version):
        mobility = version.agreement.mobility
        return [
            Party("learner", _("Learner"), user_id=mobility.learner.user_id or -1),
            Party("sending", _("Sending organisation"), organisation=mobility.sending_organisation),
            Party("receiving", _("Host organisation"), organisation=mobility.receiving_organisation),
        ]

    def content(self, version):
        return version_content(version)

    def title(self, version):
        mobility = version.agreement.mobility
        return _("Learning Agreement of %(learner)s (%(sending)s → %(host)s), version %(n)s") % {
            "learner": mobility.learner,
            "sending": mobility.sending_organisation.short_name or mobility.sending_organisation.legal_name,
            "host": mobility.receiving_organisation.short_name or mobility.receiving_organisation.legal_name,
            "n": version.number,
        }

    def is_open(self, version):
        return version.status == V.AWAITING

    def organisation_for_audit(self, version):
        return version.agreement.mobility.sending_organisation

    def partnership_for_audit(self, version):
        return version.agreement.mobility.partnership

    def on_fully_approved(self, version, *, by, request):
        workflow.move(version, "approve", by=by, request=request, system=True)
        # The version in force until now gives way, one recorded move each.
        for previous in (
            LearningAgreementVersion.objects.filter(agreement=version.agreement_id, status=V.APPROVED)
            .exclude(pk=version.pk)
            .select_related("agreement__mobility__partnership", "agreement__mobility__sending_organisation")
        ):
            workflow.move(
                previous, "supersede", by=by, request=request, system=True, details={"by_version": version.number}
            )
        mobility = Mobility.objects.get(pk=version.agreement.mobility_id)
        agreed_now = mobility.status == Mobility.Status.PLANNED
        if agreed_now:
            lifecycle.transition(
                mobility,
                Mobility.Status.AGREED,
                by=by,
                request=request,
                system=True,
                reason=_("Learning Agreement version %(n)s approved by all parties.") % {"n": version.number},
            )
        mobility_assessments.set_assessment_items(mobility, assessment_items(version), by=by, request=request)
        # In force: the checklist's "signed" items tick themselves (or take this version as their document).
        record_chain_event(
            mobility,
            ChainEvent.LA_SIGNED,
            done=True,
            evidence_url=version.get_absolute_url(),
            document=self.title(version),
            by=by,
            request=request,
        )
        if agreed_now:
            notify(version, gettext_noop("Every party has approved the %(document)s: the mobility is agreed."))
        else:
            notify(
                version,
                gettext_noop("Every party has approved the %(document)s: it replaces the version approved before."),
            )

    def on_refused(self, version, *, by, reason, request):
        workflow.move(version, "refuse", by=by, reason=reason, request=request, system=True)
        notify(
            version,
            gettext_noop("%(who)s refused the %(document)s. Reason: %(reason)s"),
            exclude=by,
            who=by.get_full_name() or by.email,
            reason=reason,
        )


def assessment_items(version) -> list[dict]:
    items = []
    for u in version.units.all():
        for i, line in enumerate(x.strip() for x in u.learning_outcomes.splitlines() if x.strip()):
            items.append({"text": line, "unit_code": u.unit.reference, "external_ref": f"{u.unit.code}:{i}"})
    return items


# --- Drafting ----------------------------------------------------------------------------------


@transaction.atomic
def start_agreement(mobility: Mobility, *, by, request=None, memorandum=None, qualification=None):
    """The agreement of a mobility with a first draft, prefilled from the mobility and the MoU."""
    agreement, _created = LearningAgreement.objects.get_or_create(mobility=mobility)
    draft = agreement.versions.filter(status__in=[V.DRAFT, V.AWAITING]).first()
    if draft is None and not agreement.versions.exists():
        draft = LearningAgreementVersion.objects.create(
            agreement=agreement,
            number=1,
            created_by=by,
            memorandum=memorandum,
            qualification=qualification,
            assessment_documentation=memorandum.assessment if memorandum else "",
            validation_recognition="\n".join(filter(None, [memorandum.validation, memorandum.recognition]))
            if memorandum
            else "",
        )
        audit.record(
            actor=by,
            verb=AuditEntry.Verb.CREATED,
            obj=draft,
            request=request,
            partnership=mobility.partnership,
            organisation=mobility.sending_organisation,
        )
    return agreement, draft


@transaction.atomic
def send_for_approval(version: LearningAgreementVersion, *, by, request=None) -> LearningAgreementVersion:
    """Freeze the draft's content and send it to the three parties (the move's guards: at least one unit; a
    change proposal has its reason)."""
    from .approvals import freeze

    version = (
        LearningAgreementVersion.objects.select_for_update()
        .select_related("agreement__mobility__partnership", "agreement__mobility__sending_organisation")
        .get(pk=version.pk)
    )
    if version.status != V.DRAFT:
        raise ValidationError(_("Only a draft can be sent for approval."))
    version.content_sha256 = freeze(version)
    workflow.move(
        version,
        "send_for_approval",
        by=by,
        request=request,
        details={"sha256": version.content_sha256},
        update_fields=["content_sha256", "frozen_content"],  # frozen above; the move sets sent_at
    )
    notify(version, gettext_noop("The %(document)s waits for your approval."), exclude=by)
    return version


@transaction.atomic
def withdraw(version: LearningAgreementVersion, *, by, reason: str, request=None) -> LearningAgreementVersion:
    """The sending side withdraws a draft, a version waiting for approval, or the version in force (with a
    reason). A version in force leaves force: unless another version is in force, the checklist's "Learning
    Agreement signed" items open again (an automatic tick only)."""
    version = (
        LearningAgreementVersion.objects.select_for_update()
        .select_related("agreement__mobility__partnership", "agreement__mobility__sending_organisation")
        .get(pk=version.pk)
    )
    was = version.status
    workflow.move(version, "withdraw", by=by, reason=reason, request=request)
    mobility = version.agreement.mobility
    if was == V.APPROVED and not version.agreement.versions.filter(status=V.APPROVED).exists():
        record_chain_event(mobility, ChainEvent.LA_SIGNED, done=False, by=by, request=request)
    if was in (V.AWAITING, V.APPROVED):
        notify(
            version,
            gettext_noop("%(who)s withdrew the %(document)s. Reason: %(reason)s"),
            exclude=by,
            who=by.get_full_name() or by.email,
            reason=reason.strip(),
        )
    return version


@transaction.atomic
def propose_change(
    agreement: LearningAgreement, *, by, reason_code: str, reason_text: str, request=None
) -> LearningAgreementVersion:
    """A new draft version against the approved one, with its units copied; the approved version stays in
    force until the proposal is approved by all."""
    agreement = LearningAgreement.objects.select_for_update().get(pk=agreement.pk)
    if not reason_code or not reason_text.strip():
        raise ValidationError(_("A change proposal needs a reason and an explanation."))
    approved = agreement.versions.filter(status=V.APPROVED).first()
    if approved is None:
        raise ValidationError(_("There is no approved version to change yet: edit the draft instead."))
    if agreement.versions.filter(status__in=[V.DRAFT, V.AWAITING]).exists():
        raise ValidationError(_("A change is already being prepared or waits for approval."))
    number = agreement.versions.order_by("-number").values_list("number", flat=True).first() + 1
    proposal = LearningAgreementVersion.objects.create(
        agreement=agreement,
        number=number,
        based_on=approved,
        reason_code=reason_code,
        reason_text=reason_text.strip(),
        memorandum=approved.memorandum,
        qualification=approved.qualification,
        learner_progress=approved.learner_progress,
        enclosures=approved.enclosures,
        assessment_documentation=approved.assessment_documentation,
        validation_recognition=approved.validation_recognition,
        created_by=by,
    )
    LearningAgreementUnit.objects.bulk_create(
        [
            LearningAgreementUnit(
                version=proposal,
                unit=u.unit,
                ecvet_points=u.ecvet_points,
                learning_outcomes=u.learning_outcomes,
                learning_activities=u.learning_activities,
                assessment_method=u.assessment_method,
                assessor=u.assessor,
                order=u.order,
            )
            for u in approved.units.all()
        ]
    )
    audit.record(
        actor=by,
        verb=AuditEntry.Verb.CREATED,
        obj=proposal,
        request=request,
        partnership=agreement.mobility.partnership,
        organisation=agreement.mobility.sending_organisation,
        details={"reason": reason_code, "based_on": approved.number},
    )
    return proposal


def ensure_editable(version: LearningAgreementVersion) -> None:
    """Approved or sent versions are never edited in place."""
    if version.status != V.DRAFT:
        raise ValidationError(
            _("Version %(n)s is “%(status)s” and cannot be edited; propose a change instead.")
            % {"n": version.number, "status": version.get_status_display()}
        )


# --- Editing a draft ---------------------------------------------------------------------------

# The fields of a version the sending side edits while it is a draft.
DRAFT_FIELDS = (
    "memorandum",
    "qualification",
    "learner_progress",
    "enclosures",
    "assessment_documentation",
    "validation_recognition",
)
PROPOSAL_FIELDS = ("reason_code", "reason_text")
UNIT_FIELDS = ("unit", "ecvet_points", "learning_outcomes", "learning_activities", "assessment_method", "assessor")


def memoranda_for(mobility: Mobility, user):
    """MoUs in force that both organisations of the mobility are party to, among those the user sees."""
    from ..models import Memorandum

    return (
        Memorandum.objects.visible_to(user)
        .filter(status=Memorandum.Status.IN_FORCE)
        .filter(parties__organisation_id=mobility.sending_organisation_id)
        .filter(parties__organisation_id=mobility.receiving_organisation_id)
        .distinct()
        .order_by("-valid_from", "title")
    )


def default_qualification(mobility: Mobility, qualifications):
    """The sending organisation's qualification whose English or original title matches the learner's."""
    title = (mobility.learner.qualification_title or "").strip()
    if not title:
        return None
    own = qualifications.filter(organisation_id=mobility.sending_organisation_id)
    return (own.filter(title_en__iexact=title) | own.filter(title_original__iexact=title)).first()


def units_for(user, *, qualification=None, memorandum=None):
    """The units a version may contain: the MoU's units when a MoU is set, else the qualification's."""
    from ..models import Unit

    units = Unit.objects.visible_to(user).select_related("qualification")
    if memorandum is not None:
        return units.filter(memoranda=memorandum).distinct()
    if qualification is not None:
        return units.filter(qualification=qualification)
    return units.none()


def memorandum_points(memorandum) -> dict[int, object]:
    """unit id → the ECVET points the MoU allows for that unit in mobility."""
    if memorandum is None:
        return {}
    return dict(memorandum.memorandum_units.values_list("unit_id", "ecvet_points"))


def points_error(unit, points, mou_points: dict) -> str | None:
    """Why these points do not fit the unit (and the MoU), if they do not."""
    if points is None or points <= 0:
        return _("ECVET points must be more than 0.")
    if points > unit.ecvet_points:
        return _("The unit carries %(max)s ECVET points; %(points)s is more than that.") % {
            "max": unit.ecvet_points.normalize(),
            "points": points.normalize(),
        }
    limit = mou_points.get(unit.pk)
    if limit is not None and points > limit:
        return _("The memorandum allows %(max)s ECVET points for this unit in mobility.") % {"max": limit.normalize()}
    return None


def default_learning_outcomes(unit) -> str:
    return "\n".join(statement for _category, statement in unit.outcomes())


@transaction.atomic
def update_draft(
    version: LearningAgreementVersion, *, data: dict, units: list[dict], by, request=None
) -> LearningAgreementVersion:
    """Save a draft's fields and replace its units. Only drafts change (ensure_editable); every unit must
    belong to the qualification (or the MoU) and carry points it allows."""
    version = (
        LearningAgreementVersion.objects.select_for_update().select_related("agreement__mobility").get(pk=version.pk)
    )
    ensure_editable(version)
    fields = DRAFT_FIELDS + (PROPOSAL_FIELDS if version.based_on_id else ())
    changed = [name for name in fields if name in data and getattr(version, name) != data[name]]
    for name in changed:
        setattr(version, name, data[name])
    if version.based_on_id and not (version.reason_code and version.reason_text.strip()):
        raise ValidationError({"reason_text": _("A change proposal needs a reason and an explanation.")})
    mobility = version.agreement.mobility
    if "memorandum" in changed and version.memorandum_id:
        if not memoranda_for(mobility, by).filter(pk=version.memorandum_id).exists():
            raise ValidationError({"memorandum": _("Choose a memorandum in force between the two organisations.")})
    allowed = {u.pk for u in units_for(by, qualification=version.qualification, memorandum=version.memorandum)}
    limits = memorandum_points(version.memorandum)
    errors, seen = [], set()
    for row in units:
        unit = row["unit"]
        if unit.pk not in allowed:
            errors.append(_("%(unit)s is not a unit of the chosen qualification or memorandum.") % {"unit": unit})
        elif unit.pk in seen:
            errors.append(_("%(unit)s is listed twice.") % {"unit": unit})
        elif message := points_error(unit, row["ecvet_points"], limits):
            errors.append(f"{unit}: {message}")
        seen.add(unit.pk)
    if errors:
        raise ValidationError(errors)
    version.save(update_fields=[*changed, "updated_at"])
    version.units.all().delete()
    LearningAgreementUnit.objects.bulk_create(
        [
            LearningAgreementUnit(
                version=version,
                order=i,
                unit=row["unit"],
                ecvet_points=row["ecvet_points"],
                learning_outcomes=(row.get("learning_outcomes") or "").strip()
                or default_learning_outcomes(row["unit"]),
                learning_activities=row.get("learning_activities", ""),
                assessment_method=row.get("assessment_method", ""),
                assessor=row.get("assessor", ""),
            )
            for i, row in enumerate(units)
        ]
    )
    audit.record(
        actor=by,
        verb=AuditEntry.Verb.UPDATED,
        obj=version,
        request=request,
        partnership=mobility.partnership,
        organisation=mobility.sending_organisation,
        details={"fields": changed, "units": [row["unit"].reference for row in units]},
    )
    return version


@transaction.atomic
def redraft(agreement: LearningAgreement, *, by, request=None) -> LearningAgreementVersion:
    """After a refused first agreement (nothing approved yet), a new draft with the refused content."""
    agreement = LearningAgreement.objects.select_for_update().get(pk=agreement.pk)
    if agreement.versions.filter(status=V.APPROVED).exists():
        raise ValidationError(_("An approved version exists: propose a change instead."))
    if agreement.versions.filter(status__in=[V.DRAFT, V.AWAITING]).exists():
        raise ValidationError(_("A version is already being prepared or waits for approval."))
    last = agreement.versions.order_by("-number").first()
    if last is None:
        raise ValidationError(_("Start the agreement first."))
    draft = LearningAgreementVersion.objects.create(
        agreement=agreement,
        number=last.number + 1,
        created_by=by,
        **{name: getattr(last, name) for name in DRAFT_FIELDS},
    )
    LearningAgreementUnit.objects.bulk_create(
        [
            LearningAgreementUnit(version=draft, **{name: getattr(u, name) for name in (*UNIT_FIELDS, "order")})
            for u in last.units.all()
        ]
    )
    mobility = agreement.mobility
    audit.record(
        actor=by,
        verb=AuditEntry.Verb.CREATED,
        obj=draft,
        request=request,
        partnership=mobility.partnership,
        organisation=mobility.sending_organisation,
        details={"after_refusal_of": last.number},
    )
    return draft
