"""Participants' grant agreements in the current KA122 project (VISION Mobility); runs after the Europass demo.

Made through the services (start, terms, send, decide, payments) with the demo coordinators and learners, so
hashes, approvals, sealed PDFs and audit rows are real:
- Lotte Jansen (learner@nova.example, abroad): approved by her and Nova's signer, pre-financing paid;
- Eglė Kazlauskaitė (learner@kmpmc.example, abroad): sent, approved by her school, waiting for her own approval
  (so the learner's demo account has something to sign);
- Emma Visser (Nova, leaves in two weeks, green travel, no account yet): a draft with mixed support, whose page
  says what is missing before it can be sent.

Idempotent: nothing is made when a mobility of the project already has a grant agreement.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from ecvet.models import Approval, GrantAgreement, GrantPayment
from mobility.models import Mobility
from partners import workflow
from partners.models import User

CURRENT_PROJECT_NUMBER = "2025-1-LT01-KA122-VET-000123"


def seed_grant_demo(stdout=None) -> None:
    created = seed()
    if stdout is not None:
        stdout.write(f"Grant agreement demo data: {created} new agreements.")


def _mobility(first: str, last: str) -> Mobility | None:
    return (
        Mobility.objects.filter(
            partnership__project_number=CURRENT_PROJECT_NUMBER, learner__first_name=first, learner__last_name=last
        )
        .select_related("learner__user", "sending_organisation", "receiving_organisation", "partnership")
        .first()
    )


def seed() -> int:
    if GrantAgreement.objects.filter(mobility__partnership__project_number=CURRENT_PROJECT_NUMBER).exists():
        return 0
    users = {u.email: u for u in User.objects.filter(email__endswith=".example")}
    created = 0
    lotte, egle, emma = _mobility("Lotte", "Jansen"), _mobility("Eglė", "Kazlauskaitė"), _mobility("Emma", "Visser")
    if lotte is not None and lotte.learner.user is not None:
        created += _signed(lotte, users["coordinator@nova.example"], prefinancing=True)
    if egle is not None and egle.learner.user is not None:
        created += _sent(egle, users["coordinator@kmpmc.example"])
    if emma is not None:
        created += _draft(emma, users["coordinator@nova.example"])
    return created


def _decide(agreement, party: str, user) -> GrantAgreement:
    from ecvet.services import approvals

    agreement = GrantAgreement.objects.get(pk=agreement.pk)
    approvals.decide(
        agreement,
        party_key=party,
        by=user,
        expected_sha256=approvals.current_sha256(agreement),
        decision=Approval.Decision.APPROVED,
    )
    return GrantAgreement.objects.get(pk=agreement.pk)


def _sent(mobility: Mobility, sender) -> int:
    from ecvet.services import grants

    agreement = grants.start_grant_agreement(mobility, by=sender)
    if workflow.missing_facts(agreement, "send_for_approval"):
        return 1  # e.g. rates not entered: stays a draft, and its page says why
    agreement = grants.send_for_approval(agreement, by=sender)
    _decide(agreement, "sending", sender)
    return 1


def _signed(mobility: Mobility, sender, *, prefinancing: bool) -> int:
    from ecvet.services import grants

    agreement = grants.start_grant_agreement(mobility, by=sender)
    if workflow.missing_facts(agreement, "send_for_approval"):
        return 1
    agreement = grants.send_for_approval(agreement, by=sender)
    agreement = _decide(agreement, "learner", mobility.learner.user)
    agreement = _decide(agreement, "sending", sender)
    if prefinancing and agreement.status == GrantAgreement.Status.APPROVED:
        state = grants.payment_state(agreement)
        grants.record_payment(
            agreement,
            kind=GrantPayment.Kind.PREFINANCING,
            amount=state.prefinancing,
            paid_on=state.signed_on or timezone.localdate(),
            reference="[Example data] PO-2025-0417",
            by=sender,
        )
    return 1


def _draft(mobility: Mobility, sender) -> int:
    from ecvet.services import grants

    agreement = grants.start_grant_agreement(mobility, by=sender)
    grants.update_terms(
        agreement,
        {
            "support": GrantAgreement.Support.MIXED,
            "in_kind_description": "[Example data] The school books the return train journey and the shared "
            "apartment for the whole stay.",
            "in_kind_value": Decimal("650.00"),
            "prefinancing_percent": 80,
        },
        by=sender,
    )
    return 1
