"""Europass Mobility: the sending side fills its parts, the host section 5a; both organisations approve.

- `start_europass`: the sending side (can_manage_mobilities at the sending organisation) opens the
  document for a completed or recognised mobility, prefilled from the mobility and the learner;
- the sending side edits SENDING_FIELDS, the host (can_manage_mobilities at the receiving organisation,
  or the mobility's mentor) edits HOST_FIELDS (section 5a), each only while the document is a draft;
- `send_for_approval` freezes the canonical content; `EuropassKind` completes it when both have approved
  and puts it back in draft, with the reason, when one refuses.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from mobility.models import Mobility
from mobility.models.checklists import ChainEvent
from mobility.services.checklists import record_chain_event
from partners import audit, workflow
from partners.models import AuditEntry

from ..access import may_edit_europass_host, may_edit_europass_sending
from ..models import EuropassMobility, LearningAgreementVersion
from ..models.results import ELIGIBLE_FOR_EUROPASS
from .approvals import FROZEN_FIELDS, DocumentKind, Party, freeze
from .notify import notify

E = EuropassMobility.Status

SENDING_FIELDS = ("objective", "qualification", "programme")
HOST_FIELDS = ("job_related", "linguistic", "digital", "organisational", "communication", "soft_skills")
ELIGIBLE_STATUSES = ELIGIBLE_FOR_EUROPASS


# --- who may do what ---------------------------------------------------------------------------------


def require_sending(user, mobility: Mobility) -> None:
    if not may_edit_europass_sending(user, mobility):
        raise PermissionDenied(_("Only the sending organisation may do this."))


def require_host(user, mobility: Mobility) -> None:
    if not may_edit_europass_host(user, mobility):
        raise PermissionDenied(_("Only the host organisation or the mentor may do this."))


def ensure_eligible(mobility: Mobility) -> None:
    if mobility.status not in ELIGIBLE_STATUSES:
        raise ValidationError(
            _("A Europass Mobility is issued only for a completed or recognised mobility; this one is “%(status)s”.")
            % {"status": mobility.get_status_display()}
        )


def ensure_draft(europass: EuropassMobility) -> None:
    if europass.status != E.DRAFT:
        raise ValidationError(
            _("The Europass Mobility is “%(status)s” and cannot be edited.") % {"status": europass.get_status_display()}
        )


# --- content -----------------------------------------------------------------------------------------


def _approved_qualification(mobility: Mobility) -> str:
    version = (
        LearningAgreementVersion.objects.filter(
            agreement__mobility=mobility, status=LearningAgreementVersion.Status.APPROVED, qualification__isnull=False
        )
        .select_related("qualification")
        .order_by("-number")
        .first()
    )
    return version.qualification.title_en or version.qualification.title_original if version else ""


def _person(user) -> str | None:
    return (user.get_full_name() or user.email) if user else None


def europass_content(europass: EuropassMobility) -> dict:
    """The canonical content both organisations approve."""
    mobility = europass.mobility
    learner = mobility.learner
    sending, host = mobility.sending_organisation, mobility.receiving_organisation
    return {
        "document": "Europass Mobility",
        "europass": str(europass.code),
        "holder": {"name": f"{learner.first_name} {learner.last_name}", "date_of_birth": learner.date_of_birth},
        "sending_partner": {"name": sending.legal_name, "country": sending.country.code},
        "host_partner": {"name": host.legal_name, "country": host.country.code},
        "mentor": {"name": _person(mobility.mentor)},
        "description": {
            "objective": europass.objective,
            "qualification": europass.qualification,
            "programme": europass.programme,
            "duration": {"start": mobility.start_date, "end": mobility.end_date},
        },
        "section_5a": {field: getattr(europass, field) for field in HOST_FIELDS},
    }


class EuropassKind(DocumentKind):
    model = EuropassMobility

    def parties(self, europass):
        mobility = europass.mobility
        return [
            Party("sending", _("Sending organisation"), organisation=mobility.sending_organisation),
            Party("receiving", _("Host organisation"), organisation=mobility.receiving_organisation),
        ]

    def content(self, europass):
        return europass_content(europass)

    def title(self, europass):
        mobility = europass.mobility
        return _("Europass Mobility of %(learner)s (%(host)s)") % {
            "learner": mobility.learner,
            "host": mobility.receiving_organisation.short_name or mobility.receiving_organisation.legal_name,
        }

    def is_open(self, europass):
        return europass.status == E.AWAITING

    def organisation_for_audit(self, europass):
        return europass.mobility.sending_organisation

    def partnership_for_audit(self, europass):
        return europass.mobility.partnership

    def on_fully_approved(self, europass, *, by, request):
        workflow.move(europass, "approve", by=by, request=request, system=True)
        record_chain_event(
            europass.mobility,
            ChainEvent.EUROPASS_ISSUED,
            done=True,
            evidence_url=europass.get_absolute_url(),
            document=self.title(europass),
            by=by,
            request=request,
        )
        notify(europass, gettext_noop("Both organisations have approved the %(document)s."), exclude=by)
        notify(
            europass,
            gettext_noop("Your %(document)s is approved by both organisations."),
            to=[Party("learner", "", user_id=europass.mobility.learner.user_id)],
        )

    def on_refused(self, europass, *, by, reason, request):
        workflow.move(europass, "refuse", by=by, reason=reason, request=request, system=True)
        notify(
            europass,
            gettext_noop("%(who)s refused the %(document)s, which is back in draft. Reason: %(reason)s"),
            exclude=by,
            who=by.get_full_name() or by.email,
            reason=reason,
        )


# --- changes -----------------------------------------------------------------------------------------


@transaction.atomic
def start_europass(mobility: Mobility, *, by, request=None) -> EuropassMobility:
    """The mobility's Europass Mobility (created on first call, prefilled from the mobility)."""
    require_sending(by, mobility)
    existing = EuropassMobility.objects.filter(mobility=mobility).first()
    if existing is not None:
        return existing
    ensure_eligible(mobility)
    europass = EuropassMobility.objects.create(
        mobility=mobility,
        objective=mobility.planned_activities,
        qualification=mobility.learner.qualification_title or _approved_qualification(mobility),
        programme="Erasmus+",
    )
    audit.record(
        actor=by,
        verb=AuditEntry.Verb.CREATED,
        obj=europass,
        request=request,
        partnership=mobility.partnership,
        organisation=mobility.sending_organisation,
    )
    return europass


@transaction.atomic
def _update(europass, data: dict, fields: tuple[str, ...], *, by, request, side: str) -> EuropassMobility:
    europass = EuropassMobility.objects.select_for_update().select_related("mobility").get(pk=europass.pk)
    ensure_draft(europass)
    changed = [f for f in fields if f in data and getattr(europass, f) != data[f]]
    for field in changed:
        setattr(europass, field, data[field])
    if changed:
        europass.save(update_fields=[*changed, "updated_at"])
        audit.record(
            actor=by,
            verb=AuditEntry.Verb.UPDATED,
            obj=europass,
            request=request,
            partnership=europass.mobility.partnership,
            organisation=europass.mobility.sending_organisation
            if side == "sending"
            else europass.mobility.receiving_organisation,
            details={"side": side, "fields": changed},
        )
    return europass


def update_sending(europass, data: dict, *, by, request=None) -> EuropassMobility:
    """Only the sending side's fields are read from `data`; anything else is ignored."""
    require_sending(by, europass.mobility)
    return _update(europass, data, SENDING_FIELDS, by=by, request=request, side="sending")


def update_host(europass, data: dict, *, by, request=None) -> EuropassMobility:
    """Only section 5a is read from `data`; anything else is ignored."""
    require_host(by, europass.mobility)
    return _update(europass, data, HOST_FIELDS, by=by, request=request, side="host")


@transaction.atomic
def send_for_approval(europass, *, by, request=None) -> EuropassMobility:
    require_sending(by, europass.mobility)
    europass = EuropassMobility.objects.select_for_update().select_related("mobility").get(pk=europass.pk)
    ensure_draft(europass)
    # Guards (a finished mobility, section 5a, the description) and the right to send:
    # `EuropassMobility.send_for_approval`.
    sha = freeze(europass)
    workflow.move(
        europass, "send_for_approval", by=by, request=request, details={"sha256": sha}, update_fields=FROZEN_FIELDS
    )
    notify(europass, gettext_noop("The %(document)s waits for your organisation's approval."), exclude=by)
    return europass
