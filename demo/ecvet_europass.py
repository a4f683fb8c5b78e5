"""Europass Mobility demo data; runs after ecvet.demo_agreements.

One Europass Mobility approved by both partners, for a recognised (else completed) mobility of the VISION
partnership (2021–2022), made through the services (start, the sending side's description, the host's
section 5a, send, decide) with the demo coordinators, so hashes, approvals and audit rows are real.
The demo learners with accounts (Lotte Jansen, Eglė Kazlauskaitė) are left untouched.

Idempotent: nothing is made when a VISION mobility already has a Europass Mobility.
"""

from __future__ import annotations

from ecvet.models import Approval, EuropassMobility
from mobility.models import Mobility
from partners.models import User

VISION_PROJECT_NUMBER = "2019-1-LT01-KA202-060748"
UNTOUCHED_LEARNERS = ("learner@nova.example", "learner@kmpmc.example")
PREFERRED = ("Martina", "Conti")

SECTION_5A = {
    "job_related": "[Example data] Performs facial cleansing, exfoliation and mask treatments to the salon's "
    "protocol; prepares the workstation and keeps hygiene and disinfection records.",
    "linguistic": "[Example data] Greets clients and explains treatments in simple English; learned basic "
    "salon vocabulary in the host language.",
    "digital": "[Example data] Books appointments and records treatments in the salon's booking software.",
    "organisational": "[Example data] Plans her daily treatment schedule and restocks products.",
    "communication": "[Example data] Holds client consultations and gives aftercare advice.",
    "soft_skills": "[Example data] Punctual, works independently, adapts well to a new team.",
}


def seed_europass_demo(stdout=None) -> None:
    created = seed()
    if stdout is not None:
        stdout.write(f"Europass Mobility demo data: {created} new documents.")


def candidates():
    return (
        Mobility.objects.filter(
            partnership__project_number=VISION_PROJECT_NUMBER,
            status__in=[Mobility.Status.RECOGNISED, Mobility.Status.COMPLETED],
            start_date__year__in=[2021, 2022],
        )
        .exclude(learner__user__email__in=UNTOUCHED_LEARNERS)
        .select_related("learner", "sending_organisation", "receiving_organisation", "partnership", "mentor")
        .order_by("-status", "start_date", "id")  # recognised before completed
    )


def seed() -> int:
    if EuropassMobility.objects.filter(mobility__partnership__project_number=VISION_PROJECT_NUMBER).exists():
        return 0
    users = {u.email: u for u in User.objects.filter(email__endswith=".example")}
    mobilities = list(candidates())
    mobilities.sort(key=lambda m: (m.learner.first_name, m.learner.last_name) != PREFERRED)
    for mobility in mobilities:
        sender = users.get(f"coordinator@{mobility.sending_organisation.slug}.example")
        host = users.get(f"coordinator@{mobility.receiving_organisation.slug}.example")
        if sender is not None and host is not None:
            _europass(mobility, sender, host)
            return 1
    return 0


def _europass(mobility: Mobility, sender, host) -> None:
    from ecvet.services import approvals
    from ecvet.services import europass as service

    europass = service.start_europass(mobility, by=sender)
    service.update_sending(
        europass,
        {
            "objective": europass.objective
            or "[Example data] Work-based learning in a beauty salon: facial treatments and client care.",
            "qualification": europass.qualification or "Beauty therapist",
            "programme": "Erasmus+",
        },
        by=sender,
    )
    service.update_host(europass, SECTION_5A, by=host)
    europass = service.send_for_approval(europass, by=sender)
    for party, user in (("sending", sender), ("receiving", host)):
        europass = EuropassMobility.objects.get(pk=europass.pk)
        approvals.decide(
            europass,
            party_key=party,
            by=user,
            expected_sha256=approvals.current_sha256(europass),
            decision=Approval.Decision.APPROVED,
        )
