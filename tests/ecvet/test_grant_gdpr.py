"""The participant's grant agreement in the learner's data export and erasure (ecvet/gdpr.py)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core import serializers
from django.utils import timezone

from ecvet.models import Approval, GrantAgreement, GrantPayment
from ecvet.services import approvals
from ecvet.services import grants as service
from mobility.services import gdpr
from partners.models import Role
from tests.factories import MembershipFactory, UserFactory
from tests.factories_mobility import LearnerFactory, MobilityFactory

FIRST, LAST = "Wilhelmiina", "Quorndale"
EMAIL = "wilhelmiina.quorndale@example.org"
BIRTH = date(2004, 2, 29)


@pytest.fixture
def signed(world, settings):
    settings.VISION_PDF_ON_APPROVAL = False
    for org, (lat, lon) in ((world.org_a, ("54.8985", "23.9036")), (world.org_b, ("52.3874", "4.6462"))):
        org.latitude, org.longitude = Decimal(lat), Decimal(lon)
        org.save(update_fields=["latitude", "longitude"])
    account = UserFactory(email=EMAIL, first_name=FIRST, last_name=LAST)
    MembershipFactory(user=account, organisation=world.org_b, role=Role.LEARNER)
    learner = LearnerFactory(
        home_organisation=world.org_b, first_name=FIRST, last_name=LAST, email=EMAIL, date_of_birth=BIRTH, user=account
    )
    mobility = MobilityFactory(learner=learner, partnership=world.p1, receiving_organisation=world.org_a)
    agreement = service.start_grant_agreement(mobility, by=world.partner_b)
    agreement = service.send_for_approval(agreement, by=world.partner_b)
    for party, user in (("learner", account), ("sending", world.partner_b)):
        agreement = GrantAgreement.objects.get(pk=agreement.pk)
        approvals.decide(
            agreement,
            party_key=party,
            by=user,
            expected_sha256=approvals.current_sha256(agreement),
            decision=Approval.Decision.APPROVED,
            comment=f"Read by {FIRST}",
        )
    agreement = GrantAgreement.objects.get(pk=agreement.pk)
    service.record_payment(
        agreement,
        kind=GrantPayment.Kind.PREFINANCING,
        amount=Decimal("100.00"),
        paid_on=timezone.localdate(),
        reference=f"Transfer to {LAST}",
        by=world.partner_b,
    )
    return learner, agreement


def rows_text(agreement) -> str:
    objects = [
        GrantAgreement.objects.get(pk=agreement.pk),
        *GrantPayment.objects.filter(agreement=agreement),
        *Approval.objects.filter(object_id=agreement.pk, content_type__model="grantagreement"),
    ]
    return serializers.serialize("json", objects).casefold()


def test_the_learners_export_holds_their_grant_agreement_and_payments(world, signed):
    learner, agreement = signed
    section = gdpr.collect(learner).extra["grant_agreements"]["data"]
    assert [a["mobility"] for a in section] == [str(agreement.mobility.code)]
    assert section[0]["content"]["participant"]["name"] == f"{FIRST} {LAST}"
    assert [(p["kind"], p["amount"]) for p in section[0]["payments"]] == [("prefinancing", Decimal("100.00"))]


def test_erasure_removes_the_learner_from_the_agreement_and_keeps_the_money(world, signed):
    learner, agreement = signed
    before = rows_text(agreement)
    assert LAST.casefold() in before and BIRTH.isoformat() in before

    gdpr.erase_learner(learner, by=world.partner_b, reason="Request of the learner")

    after = rows_text(agreement)
    for needle in (FIRST, LAST, EMAIL, BIRTH.isoformat()):
        assert needle.casefold() not in after
    erased = GrantAgreement.objects.get(pk=agreement.pk)
    assert erased.frozen_content["grant"]["total"] == agreement.frozen_content["grant"]["total"]
    assert list(GrantPayment.objects.filter(agreement=agreement).values_list("amount", flat=True)) == [
        Decimal("100.00")
    ]
