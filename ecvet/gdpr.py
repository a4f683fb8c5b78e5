"""The learner's data in Learning Agreements, for the mobility app's GDPR export and erasure
(mobility.services.gdpr's signals; mobility never imports ecvet).

- Export: every version of the learner's agreements (content fields, units) with every decision on it;
  the learner's own approvals with the signer name, email and IP address they left.
- Erasure: the learner's approvals lose signer name, position, email and IP address; free text in the
  versions, their units and every comment has the learner's identifiers scrubbed. Rows are kept (the
  approval history and the agreed units stay for the reporting).
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.dispatch import receiver
from django.utils.translation import gettext as _

from mobility.services.gdpr import ERASED, collecting_learner_data, erasing_learner, placeholder_email

from .models import Approval, LearningAgreement, LearningAgreementUnit, LearningAgreementVersion

VERSION_TEXT = ("reason_text", "learner_progress", "enclosures", "assessment_documentation", "validation_recognition")
UNIT_TEXT = ("learning_outcomes", "learning_activities", "assessment_method", "assessor")
LEARNER_PARTY = "learner"


def _agreements(learner) -> list[LearningAgreement]:
    """The learner's agreements with versions, units and decisions: four queries."""
    versions = LearningAgreementVersion.objects.select_related("qualification").prefetch_related(
        Prefetch("units", queryset=LearningAgreementUnit.objects.select_related("unit")),
        Prefetch("approvals", queryset=Approval.objects.select_related("organisation").order_by("at", "id")),
    )
    return list(
        LearningAgreement.objects.filter(mobility__learner=learner)
        .select_related("mobility")
        .prefetch_related(Prefetch("versions", queryset=versions.order_by("number")))
        .order_by("mobility__start_date", "id")
    )


def _approval(a: Approval) -> dict:
    row = {
        "party": a.party,
        "organisation": a.organisation.legal_name if a.organisation else None,
        "decision": a.decision,
        "at": a.at,
        "content_sha256": a.content_sha256,
        "comment": a.comment,
    }
    if a.party == LEARNER_PARTY:
        # The learner's own signature: everything it recorded about them.
        row.update(signer_name=a.signer_name, signer_email=a.signer_email, ip_address=a.ip_address)
    return row


@receiver(collecting_learner_data, dispatch_uid="ecvet.gdpr.collect")
def collect_agreements(sender, learner, **kwargs):
    agreements = _agreements(learner)
    if not agreements:
        return {}
    data = [
        {
            "agreement": str(agreement.code),
            "mobility": str(agreement.mobility.code),
            "versions": [
                {
                    "number": v.number,
                    "status": v.status,
                    "reason_code": v.reason_code,
                    "reason": v.get_reason_code_display(),
                    "qualification": v.qualification.title_en if v.qualification else None,
                    **{name: getattr(v, name) for name in VERSION_TEXT},
                    "sent_at": v.sent_at,
                    "units": [
                        {
                            "reference": u.unit.reference,
                            "title": u.unit.title,
                            "ecvet_points": u.ecvet_points,
                            **{name: getattr(u, name) for name in UNIT_TEXT},
                        }
                        for u in v.units.all()
                    ],
                    "approvals": [_approval(a) for a in v.approvals.all()],
                }
                for v in agreement.versions.all()
            ],
        }
        for agreement in agreements
    ]
    return {"learning_agreements": {"title": _("Learning Agreements"), "data": data}}


def _erase_approval(approval: Approval, scrub, placeholder: str) -> Approval:
    """A decision on a document of the learner: its comment scrubbed; the learner's own signature anonymised."""
    approval.comment = scrub.text(approval.comment)
    if approval.party == LEARNER_PARTY:
        approval.signer_name = ERASED
        approval.signer_position = ""
        approval.signer_email = placeholder
        approval.ip_address = None
    return approval


@receiver(erasing_learner, dispatch_uid="ecvet.gdpr.erase")
def erase_agreements(sender, learner, scrub, **kwargs):
    versions, units, approvals = [], [], []
    placeholder = placeholder_email(learner)
    for agreement in _agreements(learner):
        for version in agreement.versions.all():
            for name in VERSION_TEXT:
                setattr(version, name, scrub.text(getattr(version, name)))
            if version.frozen_content is not None:
                version.frozen_content = scrub.json(version.frozen_content)
            versions.append(version)
            for unit in version.units.all():
                for name in UNIT_TEXT:
                    setattr(unit, name, scrub.text(getattr(unit, name)))
                units.append(unit)
            approvals += [_erase_approval(a, scrub, placeholder) for a in version.approvals.all()]
    LearningAgreementVersion.objects.bulk_update(versions, [*VERSION_TEXT, "frozen_content"])
    LearningAgreementUnit.objects.bulk_update(units, list(UNIT_TEXT))
    Approval.objects.bulk_update(approvals, ["comment", "signer_name", "signer_position", "signer_email", "ip_address"])


# --- Europass Mobility (transcripts: ecvet.services.transcripts has their receivers) ----------------------

EUROPASS_TEXT = (
    "objective",
    "qualification",
    "job_related",
    "linguistic",
    "digital",
    "organisational",
    "communication",
    "soft_skills",
)


def _europasses(learner):
    from .models import EuropassMobility

    return list(EuropassMobility.objects.filter(mobility__learner=learner).prefetch_related("approvals"))


@receiver(collecting_learner_data, dispatch_uid="ecvet.gdpr.collect_europass")
def collect_europass(sender, learner, **kwargs):
    from .services.approvals import document_content

    europasses = _europasses(learner)
    if not europasses:
        return {}
    return {
        "europass": {
            "title": _("Europass Mobility"),
            "data": [
                {
                    "status": e.status,
                    "content": document_content(e),
                    "decisions": [_approval(a) for a in e.approvals.all()],
                }
                for e in europasses
            ],
        }
    }


@receiver(erasing_learner, dispatch_uid="ecvet.gdpr.erase_europass")
def erase_europass(sender, learner, scrub, **kwargs):
    from .models import EuropassMobility

    europasses = _europasses(learner)
    approvals = []
    for europass in europasses:
        for name in EUROPASS_TEXT:
            setattr(europass, name, scrub.text(getattr(europass, name)))
        if europass.frozen_content is not None:
            europass.frozen_content = scrub.json(europass.frozen_content)
        approvals += list(europass.approvals.all())
    for approval in approvals:
        approval.comment = scrub.text(approval.comment)
    EuropassMobility.objects.bulk_update(europasses, [*EUROPASS_TEXT, "frozen_content"])
    Approval.objects.bulk_update(approvals, ["comment"])


# --- The participant's grant agreement and payments ----------------------------------------------------------


def _grant_agreements(learner):
    from .models import GrantAgreement

    return list(
        GrantAgreement.objects.filter(mobility__learner=learner)
        .select_related("mobility")
        .prefetch_related("approvals", "payments")
        .order_by("mobility__start_date", "pk")
    )


@receiver(collecting_learner_data, dispatch_uid="ecvet.gdpr.collect_grant_agreements")
def collect_grant_agreements(sender, learner, **kwargs):
    from .services.approvals import document_content

    agreements = _grant_agreements(learner)
    if not agreements:
        return {}
    return {
        "grant_agreements": {
            "title": _("Grant agreements and payments"),
            "data": [
                {
                    "mobility": str(a.mobility.code),
                    "status": a.status,
                    "version": a.version,
                    "content": document_content(a),
                    "report_requested_on": a.report_requested_on,
                    "report_submitted_on": a.report_submitted_on,
                    "payments": [
                        {"kind": p.kind, "amount": p.amount, "paid_on": p.paid_on, "reference": p.reference}
                        for p in a.payments.all()
                    ],
                    "decisions": [_approval(x) for x in a.approvals.all()],
                }
                for a in agreements
            ],
        }
    }


@receiver(erasing_learner, dispatch_uid="ecvet.gdpr.erase_grant_agreements")
def erase_grant_agreements(sender, learner, scrub, **kwargs):
    """The amounts, dates and payments stay (the organisation accounts for the grant); the learner's identifiers
    leave the frozen content, the free text and their own signature."""
    from .models import GrantAgreement, GrantPayment

    agreements = _grant_agreements(learner)
    placeholder = placeholder_email(learner)
    approvals, payments = [], []
    for agreement in agreements:
        agreement.in_kind_description = scrub.text(agreement.in_kind_description)
        if agreement.frozen_content is not None:
            agreement.frozen_content = scrub.json(agreement.frozen_content)
        approvals += [_erase_approval(a, scrub, placeholder) for a in agreement.approvals.all()]
        for payment in agreement.payments.all():
            payment.reference = scrub.text(payment.reference)
            payments.append(payment)
    GrantAgreement.objects.bulk_update(agreements, ["in_kind_description", "frozen_content"])
    GrantPayment.objects.bulk_update(payments, ["reference"])
    Approval.objects.bulk_update(approvals, ["comment", "signer_name", "signer_position", "signer_email", "ip_address"])
