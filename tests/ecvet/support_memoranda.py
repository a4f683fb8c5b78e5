"""Helpers shared by the memorandum and catalogue tests (not fixtures of the shared conftest)."""

import time
from datetime import date
from decimal import Decimal

from ecvet.models import Approval, Memorandum, MemorandumParty, MemorandumUnit
from ecvet.services import approvals
from tests.factories_ecvet import QualificationFactory, UnitFactory


def mark_recently_authenticated(client, user) -> None:
    """Make the test client's session count as re-authenticated just now (allauth's authentication
    records, as `record_authentication(..., reauthenticated=True)` writes them)."""
    session = client.session
    session["account_authentication_methods"] = [{"method": "password", "at": time.time(), "reauthenticated": True}]
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()


def make_memorandum(
    *, partnership, organisations, qualifications=(), units=(), title="Beauty MoU", status=None, **fields
) -> Memorandum:
    memorandum = Memorandum.objects.create(
        partnership=partnership,
        title=title,
        valid_from=fields.pop("valid_from", date(2020, 9, 1)),
        valid_until=fields.pop("valid_until", date(2030, 12, 31)),
        **fields,
    )
    for order, org in enumerate(organisations):
        MemorandumParty.objects.create(
            memorandum=memorandum, organisation=org, order=order, contact_name=f"Contact {order}", signing_place="X"
        )
    memorandum.qualifications.set(qualifications)
    for unit in units:
        MemorandumUnit.objects.create(memorandum=memorandum, unit=unit, ecvet_points=Decimal("2"))
    if status is not None:
        Memorandum.objects.filter(pk=memorandum.pk).update(status=status)
        memorandum.refresh_from_db()
    return memorandum


def beauty_qualification(org, **kwargs):
    qualification = QualificationFactory(organisation=org, total_ecvet_points=Decimal("60"), **kwargs)
    UnitFactory(qualification=qualification, reference="FAC", ecvet_points=Decimal("6"))
    UnitFactory(qualification=qualification, reference="MAN", ecvet_points=Decimal("4"))
    return qualification


def approve(memorandum, user, org):
    memorandum = Memorandum.objects.get(pk=memorandum.pk)
    return approvals.decide(
        memorandum,
        party_key=f"org:{org.pk}",
        by=user,
        expected_sha256=approvals.current_sha256(memorandum),
        decision=Approval.Decision.APPROVED,
    )
