"""The participant's grant agreement, its payments and the EU participant report (docs/participant-grant.md).

- `start_grant_agreement`: the sending side (ecvet.access.may_manage_grant_agreement) opens the agreement of a
  mobility; its amounts follow the mobility's grant live while it is a draft;
- `update_terms`: how the grant is provided (paid, in kind, both) and the pre-financing share, in draft only;
- `send_for_approval` freezes the content; `GrantAgreementKind` completes it when the learner and a signer of
  the sending organisation have approved (then the portal seals it) and puts it back in draft on a refusal;
- `amend` reopens an approved agreement as its next version (the mobility changed: dates, distance …);
- `record_payment` and `record_report`: pre-financing, balance and repayments with their dates, and the
  EU participant report (requested, submitted), each with an audit row. No bank details, anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, override

from documents.languages import document_languages
from funding.pricing import ZERO, Category, money
from mobility.models import Mobility
from mobility.models.checklists import ChainEvent
from mobility.services.checklists import record_chain_event
from mobility.services.money import MobilityGrant, grant_for
from partners import audit, workflow
from partners.models import AuditEntry

from ..access import may_manage_grant_agreement
from ..models import Approval, GrantAgreement, GrantPayment
from ..models.grants import BALANCE_DAYS, PREFINANCING_DAYS
from .approvals import FROZEN_FIELDS, DocumentKind, Party, approvals_of, document_content, freeze
from .notify import notify

G = GrantAgreement.Status
K = GrantPayment.Kind

# What the participant's agreement covers: the organisational support and the inclusion support for
# organisations stay with the organisation; preparatory visits are the staff's.
PARTICIPANT_CATEGORIES = (
    Category.TRAVEL,
    Category.INDIVIDUAL_SUPPORT,
    Category.INCLUSION_PARTICIPANTS,
    Category.EXCEPTIONAL,
    Category.COURSE_FEES,
)
TERMS_FIELDS = ("support", "in_kind_description", "in_kind_value", "prefinancing_percent")


# --- who may do what ---------------------------------------------------------------------------------------


def require_manager(user, mobility: Mobility) -> None:
    if not may_manage_grant_agreement(user, mobility):
        raise PermissionDenied(_("Only the sending organisation may do this."))


def ensure_draft(agreement: GrantAgreement) -> None:
    if agreement.status != G.DRAFT:
        raise ValidationError(
            _("The grant agreement is “%(status)s” and cannot be edited.") % {"status": agreement.get_status_display()}
        )


# --- the amounts -------------------------------------------------------------------------------------------


def participant_grant(mobility: Mobility) -> MobilityGrant:
    return grant_for(mobility)


def languages_of(mobility: Mobility) -> list[str]:
    """The agreement's languages (documents.languages): English, the sending organisation's and the participant's
    own, once each: the two parties who sign it read their own language beside the English one."""
    learner_user = mobility.learner.user
    return document_languages([mobility.sending_organisation], [learner_user] if learner_user else [])


def _lines(mobility: Mobility, grant: MobilityGrant, languages: list[str]) -> list[dict]:
    """The participant's lines with their working in each language of the agreement (frozen as text)."""
    by_language = {}
    for language in languages:
        with override(language):
            # The working is written out when the grant is priced: price it again in each language (same rules).
            priced = grant_for(mobility, rules=grant.rules)
            by_language[language] = [
                (line.category, line.amount, str(line.working))
                for line in priced.lines
                if line.category in PARTICIPANT_CATEGORIES
            ]
    out = []
    for i, (category, amount, _working) in enumerate(by_language[languages[0]]):
        working: dict[str, str] = {}
        for language in languages:
            text = by_language[language][i][2]
            if text not in working.values():  # a language without its own wording repeats nothing
                working[language] = text
        out.append({"category": str(category), "amount": amount, "working": working})
    return out


def amounts(total: Decimal, agreement: GrantAgreement) -> dict:
    """Split of `total` into support in kind and the amount paid to the participant, then pre-financing and
    balance (rounded to the cent, half up; the balance takes the rounding)."""
    in_kind = ZERO
    if agreement.support != GrantAgreement.Support.FINANCIAL:
        in_kind = total if agreement.support == GrantAgreement.Support.IN_KIND else min(agreement.in_kind_value, total)
    payable = money(total - in_kind)
    prefinancing = money(payable * Decimal(agreement.prefinancing_percent) / 100)
    return {
        "total": money(total),
        "in_kind": money(in_kind),
        "payable": payable,
        "prefinancing": prefinancing,
        "balance": payable - prefinancing,
    }


def grant_content(agreement: GrantAgreement) -> dict:
    """The canonical content the learner and the sending organisation approve."""
    mobility = agreement.mobility
    learner = mobility.learner
    sending, host = mobility.sending_organisation, mobility.receiving_organisation
    partnership = mobility.partnership
    languages = languages_of(mobility)
    grant = participant_grant(mobility)
    lines = _lines(mobility, grant, languages)
    split = amounts(sum((line["amount"] for line in lines), ZERO), agreement)
    return {
        "document": "Erasmus+ participant grant agreement",
        "agreement": str(agreement.code),
        "version": agreement.version,
        "languages": languages,
        "project": {
            "number": partnership.project_number,
            "action": str(partnership.action),
            "title": partnership.title,
            "activity_id": mobility.activity_id or None,
        },
        "organisation": {
            "name": sending.legal_name,
            "oid": sending.oid or None,
            "pic": sending.pic or None,
            "address": sending.address or None,
            "city": sending.city,
            "country": sending.country.code,
        },
        "participant": {
            "name": f"{learner.first_name} {learner.last_name}",
            "date_of_birth": learner.date_of_birth,
            "guardian": learner.guardian_name or None,
            "fewer_opportunities": learner.fewer_opportunities,
        },
        "mobility": {
            "host": {"name": host.legal_name, "city": host.city, "country": host.country.code},
            "start": mobility.start_date,
            "end": mobility.end_date,
            "activity_days": mobility.duration_days,
            "travel_days": mobility.travel_days,
            "funded_days": grant.funded_days,
            "green_travel": mobility.green_travel,
            "distance_km": grant.distance_km,
            "country_group": grant.country_group,
            "ols_licence": mobility.ols_licence,
        },
        "grant": {
            "lines": lines,
            "support": str(agreement.support),
            "in_kind_description": agreement.in_kind_description.strip() or None,
            "prefinancing_percent": agreement.prefinancing_percent,
            "prefinancing_days": PREFINANCING_DAYS,
            "balance_days": BALANCE_DAYS,
            "provisional": grant.provisional,
            **split,
        },
    }


def agreed(agreement: GrantAgreement) -> dict:
    """The amounts as they stand in the agreement's content (frozen once sent; live in a draft), as Decimals."""
    grant = document_content(agreement)["grant"]
    # Frozen content holds canonical text ("1685" for 1685.00): back to cents for messages and pages.
    return {key: money(str(grant[key])) for key in ("total", "in_kind", "payable", "prefinancing", "balance")}


# --- payments ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PaymentState:
    payable: Decimal
    prefinancing: Decimal  # agreed
    paid_prefinancing: Decimal
    paid_balance: Decimal
    repaid: Decimal
    signed_on: date | None
    prefinancing_due_by: date | None
    balance_due_by: date | None

    @property
    def received(self) -> Decimal:
        return self.paid_prefinancing + self.paid_balance - self.repaid

    @property
    def outstanding(self) -> Decimal:
        return self.payable - self.received

    def overdue(self, today: date | None = None) -> list[str]:
        today = today or timezone.localdate()
        out = []
        if self.prefinancing_due_by and today > self.prefinancing_due_by and self.paid_prefinancing < self.prefinancing:
            out.append(_("The pre-financing was due by %(day)s.") % {"day": self.prefinancing_due_by})
        if self.balance_due_by and today > self.balance_due_by and self.outstanding > 0:
            out.append(_("The balance was due by %(day)s.") % {"day": self.balance_due_by})
        return out


def signed_on(agreement: GrantAgreement) -> date | None:
    """The day the current version got its last approval (both parties have then signed)."""
    if agreement.status != G.APPROVED or agreement.frozen_content is None:
        return None
    from documents.canonical import content_sha256

    last = (
        approvals_of(agreement)
        .filter(decision=Approval.Decision.APPROVED, content_sha256=content_sha256(agreement.frozen_content))
        .order_by("-at")
        .first()
    )
    return timezone.localdate(last.at) if last else None


def payment_state(agreement: GrantAgreement) -> PaymentState:
    sums = dict(
        GrantPayment.objects.filter(agreement=agreement).values_list("kind").annotate(total=Sum("amount")).order_by()
    )
    money_ = agreed(agreement)
    signed = signed_on(agreement)
    prefinancing_due = None
    if signed is not None:
        prefinancing_due = min(signed + timedelta(days=PREFINANCING_DAYS), agreement.mobility.start_date)
        prefinancing_due = max(prefinancing_due, signed)
    balance_due = (
        agreement.report_submitted_on + timedelta(days=BALANCE_DAYS) if agreement.report_submitted_on else None
    )
    return PaymentState(
        payable=money_["payable"],
        prefinancing=money_["prefinancing"],
        paid_prefinancing=sums.get(K.PREFINANCING, ZERO),
        paid_balance=sums.get(K.BALANCE, ZERO),
        repaid=sums.get(K.REPAYMENT, ZERO),
        signed_on=signed,
        prefinancing_due_by=prefinancing_due,
        balance_due_by=balance_due,
    )


# --- the approval kind -------------------------------------------------------------------------------------


class GrantAgreementKind(DocumentKind):
    model = GrantAgreement

    def parties(self, agreement):
        mobility = agreement.mobility
        return [
            Party("learner", _("Participant"), user_id=mobility.learner.user_id or -1),
            Party("sending", _("Sending organisation"), organisation=mobility.sending_organisation),
        ]

    def content(self, agreement):
        return grant_content(agreement)

    def title(self, agreement):
        return _("Grant agreement of %(learner)s (%(project)s), version %(n)s") % {
            "learner": agreement.mobility.learner,
            "project": agreement.mobility.partnership.acronym or agreement.mobility.partnership.project_number,
            "n": agreement.version,
        }

    def is_open(self, agreement):
        return agreement.status == G.AWAITING

    def organisation_for_audit(self, agreement):
        return agreement.mobility.sending_organisation

    def partnership_for_audit(self, agreement):
        return agreement.mobility.partnership

    def on_fully_approved(self, agreement, *, by, request):
        workflow.move(agreement, "approve", by=by, request=request, system=True)
        record_chain_event(
            agreement.mobility,
            ChainEvent.GRANT_AGREEMENT_SIGNED,
            done=True,
            evidence_url=agreement.get_absolute_url(),
            document=self.title(agreement),
            by=by,
            request=request,
        )
        notify(agreement, gettext_noop("%(document)s: approved by the participant and the organisation."))

    def on_refused(self, agreement, *, by, reason, request):
        workflow.move(agreement, "refuse", by=by, reason=reason, request=request, system=True)
        notify(
            agreement,
            gettext_noop("%(document)s: refused by %(who)s, back in draft. Reason: %(reason)s"),
            exclude=by,
            who=by.get_full_name() or by.email,
            reason=reason,
        )


# --- changes -----------------------------------------------------------------------------------------------


def _record(agreement, by, request, verb, details=None):
    audit.record(
        actor=by,
        verb=verb,
        obj=agreement,
        request=request,
        partnership=agreement.mobility.partnership,
        organisation=agreement.mobility.sending_organisation,
        details=details or {},
    )


@transaction.atomic
def start_grant_agreement(mobility: Mobility, *, by, request=None) -> GrantAgreement:
    """The mobility's grant agreement (created on first call)."""
    require_manager(by, mobility)
    existing = GrantAgreement.objects.filter(mobility=mobility).first()
    if existing is not None:
        return existing
    if mobility.status == Mobility.Status.CANCELLED:
        raise ValidationError(_("The mobility is cancelled: it needs no grant agreement."))
    agreement = GrantAgreement.objects.create(mobility=mobility)
    _record(agreement, by, request, AuditEntry.Verb.CREATED)
    return agreement


def _locked(agreement) -> GrantAgreement:
    return GrantAgreement.objects.select_for_update().select_related("mobility").get(pk=agreement.pk)


@transaction.atomic
def update_terms(agreement: GrantAgreement, data: dict, *, by, request=None) -> GrantAgreement:
    """How the grant is provided and the pre-financing share; anything else in `data` is ignored."""
    require_manager(by, agreement.mobility)
    agreement = _locked(agreement)
    ensure_draft(agreement)
    if data.get("support", agreement.support) == GrantAgreement.Support.FINANCIAL:
        data = {**data, "in_kind_description": "", "in_kind_value": ZERO}
    changed = [f for f in TERMS_FIELDS if f in data and getattr(agreement, f) != data[f]]
    for field in changed:
        setattr(agreement, field, data[field])
    if changed:
        agreement.full_clean(exclude=["mobility", "code"])
        agreement.save(update_fields=[*changed, "updated_at"])
        _record(agreement, by, request, AuditEntry.Verb.UPDATED, {"fields": changed})
    return agreement


@transaction.atomic
def send_for_approval(agreement: GrantAgreement, *, by, request=None) -> GrantAgreement:
    require_manager(by, agreement.mobility)
    agreement = _locked(agreement)
    ensure_draft(agreement)
    # Guards (an open mobility, a computable grant, the learner's account) and the right to send: the model.
    missing = workflow.missing_facts(agreement, "send_for_approval")
    if missing:
        raise workflow.Refused(" ".join(m.message for m in missing), missing)
    sha = freeze(agreement)
    workflow.move(
        agreement,
        "send_for_approval",
        by=by,
        request=request,
        details={"sha256": sha},
        update_fields=FROZEN_FIELDS,
    )
    notify(agreement, gettext_noop("%(document)s: waits for your approval."), exclude=by)
    return agreement


@transaction.atomic
def amend(agreement: GrantAgreement, *, by, reason: str, request=None) -> GrantAgreement:
    """Reopen an approved agreement as its next version, with the reason (the sealed PDF stays on record)."""
    require_manager(by, agreement.mobility)
    agreement = _locked(agreement)
    if not reason.strip():
        raise ValidationError(_("Give the reason for the amendment."))
    workflow.move(agreement, "amend", by=by, reason=reason.strip(), request=request)
    return agreement


def _ensure_signed(agreement: GrantAgreement) -> None:
    if agreement.status != G.APPROVED:
        raise ValidationError(
            _("Payments are recorded under an approved agreement; this one is “%(status)s”.")
            % {"status": agreement.get_status_display()}
        )


@transaction.atomic
def record_payment(
    agreement: GrantAgreement, *, kind: str, amount: Decimal, paid_on: date, reference: str = "", by, request=None
) -> GrantPayment:
    """One payment or repayment, checked against the agreement: never more than the amount payable to the
    participant, the balance only once they have submitted the EU participant report, no date in the future."""
    require_manager(by, agreement.mobility)
    agreement = _locked(agreement)
    _ensure_signed(agreement)
    amount = money(amount)
    state = payment_state(agreement)
    errors: dict[str, list[str]] = {}
    if amount <= 0:
        errors.setdefault("amount", []).append(_("Enter an amount above zero."))
    if paid_on > timezone.localdate():
        errors.setdefault("paid_on", []).append(_("A payment cannot be dated in the future."))
    if state.signed_on and paid_on < state.signed_on:
        errors.setdefault("paid_on", []).append(
            _("The agreement was signed on %(day)s: a payment under it cannot be earlier.") % {"day": state.signed_on}
        )
    if kind == K.BALANCE and agreement.report_submitted_on is None:
        errors.setdefault("kind", []).append(
            _("The balance is paid once the participant has submitted the EU participant report: record it first.")
        )
    if kind == K.REPAYMENT:
        if amount > state.received:
            errors.setdefault("amount", []).append(
                _("The participant has received EUR %(received)s: they cannot repay more.")
                % {"received": state.received}
            )
    elif amount > state.outstanding:
        errors.setdefault("amount", []).append(
            _("Only EUR %(left)s of the EUR %(payable)s payable to the participant is left to pay.")
            % {"left": state.outstanding, "payable": state.payable}
        )
    if errors:
        raise ValidationError(errors)
    payment = GrantPayment.objects.create(
        agreement=agreement, kind=kind, amount=amount, paid_on=paid_on, reference=reference.strip(), recorded_by=by
    )
    _record(
        agreement,
        by,
        request,
        AuditEntry.Verb.UPDATED,
        {"payment": str(payment.code), "kind": kind, "amount": str(amount), "paid_on": paid_on.isoformat()},
    )
    return payment


def report_may_be_recorded(agreement: GrantAgreement) -> bool:
    """The report follows a signed agreement: one approved now, or one being amended after it was approved."""
    return agreement.status == G.APPROVED or agreement.version > 1


def suggested_payment(agreement: GrantAgreement, state: PaymentState) -> dict:
    """What the payment form proposes: the agreed pre-financing first, then the balance once the report is in."""
    if state.paid_prefinancing == 0:
        return {"kind": K.PREFINANCING, "amount": state.prefinancing}
    if state.outstanding > 0 and agreement.report_submitted_on is not None:
        return {"kind": K.BALANCE, "amount": state.outstanding}
    return {}


@transaction.atomic
def record_report(
    agreement: GrantAgreement, *, requested_on: date | None, submitted_on: date | None, by, request=None
) -> GrantAgreement:
    """The EU participant report: when the survey reached the participant and when they submitted it."""
    require_manager(by, agreement.mobility)
    agreement = _locked(agreement)
    if not report_may_be_recorded(agreement):
        raise ValidationError(_("The EU participant report follows an approved grant agreement."))
    today = timezone.localdate()
    errors: dict[str, list[str]] = {}
    for field, day in (("report_requested_on", requested_on), ("report_submitted_on", submitted_on)):
        if day and day > today:
            errors.setdefault(field, []).append(_("This date is in the future."))
    if submitted_on and not requested_on:
        errors.setdefault("report_requested_on", []).append(_("A report is submitted after it was requested."))
    if submitted_on and requested_on and submitted_on < requested_on:
        errors.setdefault("report_submitted_on", []).append(
            _("The report cannot be submitted before it was requested.")
        )
    if requested_on and requested_on < agreement.mobility.start_date:
        errors.setdefault("report_requested_on", []).append(
            _("The report is requested at the end of the mobility, which started on %(day)s.")
            % {"day": agreement.mobility.start_date}
        )
    if submitted_on is None and agreement.payments.filter(kind=K.BALANCE).exists():
        errors.setdefault("report_submitted_on", []).append(
            _("The balance was paid on the strength of the submitted report: the date stays.")
        )
    if errors:
        raise ValidationError(errors)
    before = {"requested_on": agreement.report_requested_on, "submitted_on": agreement.report_submitted_on}
    agreement.report_requested_on, agreement.report_submitted_on = requested_on, submitted_on
    after = {"requested_on": requested_on, "submitted_on": submitted_on}
    if before != after:
        agreement.save(update_fields=["report_requested_on", "report_submitted_on", "updated_at"])
        _record(
            agreement,
            by,
            request,
            AuditEntry.Verb.UPDATED,
            {"report": {k: v.isoformat() if v else None for k, v in after.items()}},
        )
    return agreement


def live_total_differs(agreement: GrantAgreement) -> tuple[Decimal, Decimal] | None:
    """(agreed, now) when the mobility's grant changed after the agreement was sent: it needs an amendment."""
    if agreement.frozen_content is None:
        return None
    now = sum(
        (
            line.amount
            for line in participant_grant(agreement.mobility).lines
            if line.category in PARTICIPANT_CATEGORIES
        ),
        ZERO,
    )
    then = money(str(agreement.frozen_content["grant"]["total"]))
    return (then, money(now)) if money(now) != then else None
