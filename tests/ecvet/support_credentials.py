"""Helpers shared by the credential tests (not fixtures of the shared conftest)."""

from __future__ import annotations

from ecvet.models import Approval, EuropassMobility
from ecvet.services import approvals
from ecvet.services import europass as service

SECTION_5A = {
    "job_related": "Facial treatments to the salon's protocol",
    "linguistic": "English B1 with clients",
    "soft_skills": "Punctual, works independently",
}


def approve_europass(mobility, *, sending, host) -> EuropassMobility:
    """The mobility's Europass Mobility through the services: started and described by the sending side, section 5a
    filled by the host, sent, and approved by both organisations' signers (`sending`, `host`). The mobility must
    be completed or recognised."""
    europass = service.start_europass(mobility, by=sending)
    service.update_sending(europass, {"objective": "Facial care in a beauty salon"}, by=sending)
    service.update_host(europass, SECTION_5A, by=host)
    europass = service.send_for_approval(europass, by=sending)
    for party, user in (("sending", sending), ("receiving", host)):
        approvals.decide(
            EuropassMobility.objects.get(pk=europass.pk),
            party_key=party,
            by=user,
            expected_sha256=approvals.current_sha256(europass),
            decision=Approval.Decision.APPROVED,
        )
    return EuropassMobility.objects.select_related("mobility__learner").get(pk=europass.pk)
