"""Learning Agreement demo data; runs after ecvet.demo (catalogue and memorandum).

Learning Agreements in each state for mobilities of "VISION Mobility 2025–2027", made through the services
(start, edit, send, decide) with the demo accounts, so history, hashes and audit rows are real:

- Matas Vaitkus (KMPMC → Savo, planned): a draft;
- Sofia Ricci (Essenia → Savo, planned): awaiting approval, approved by the sending side;
- Onni Nieminen (Savo → Essenia, planned): awaiting approval, approved by both organisations — the learner
  has no portal account, so the page says the learner needs one;
- Eglė Kazlauskaitė (KMPMC → Nova, in mobility, learner@kmpmc.example): version 1 approved by the learner
  and both organisations (her assessment items now come from it; the mobility stays "in mobility"), and a
  change proposal (version 2, extending the mobility) awaiting approval, approved by the sending side.

No approved example moves a planned mobility to "agreed": only the two demo learners have accounts, and
their mobilities are past that state.

Every other mobility that is agreed or later gets a Learning Agreement in force (`agreements_in_force`): one
approved version with one unit of the sending school's catalogue, made directly, as agreed on paper before
the portal — the demo learners have no accounts to approve through the portal. So the states follow the
documents (`manage.py check_chain`). Lotte Jansen's (in mobility, her stay over, the assessment a draft)
gets one too; her assessment and report are left for the browser tests.

Idempotent: an agreement is made only for a mobility that has none.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from ecvet.models import Approval, LearningAgreement, Memorandum, Qualification, Unit
from mobility.models import Mobility
from partners.models import User

CURRENT_PROJECT_NUMBER = "2025-1-LT01-KA122-VET-000123"
DRAFT, AWAITING, APPROVED_WITH_PROPOSAL = "draft", "awaiting", "approved+proposal"


@dataclass(frozen=True)
class Spec:
    first: str
    last: str
    state: str
    approved_by: tuple[str, ...] = ()  # parties that approve the open (awaiting) version


SPECS = [
    Spec("Matas", "Vaitkus", DRAFT),
    Spec("Sofia", "Ricci", AWAITING, ("sending",)),
    Spec("Onni", "Nieminen", AWAITING, ("sending", "receiving")),
    Spec("Eglė", "Kazlauskaitė", APPROVED_WITH_PROPOSAL, ("sending",)),
]


def seed_agreement_demo(stdout=None) -> None:
    created = seed()
    if stdout is not None:
        stdout.write(f"Learning Agreement demo data: {created} new agreements.")


def seed() -> int:
    mobilities = {
        (m.learner.first_name, m.learner.last_name): m
        for m in Mobility.objects.filter(partnership__project_number=CURRENT_PROJECT_NUMBER).select_related(
            "learner__user", "sending_organisation", "receiving_organisation", "mentor"
        )
    }
    users = {u.email: u for u in User.objects.filter(email__endswith=".example")}
    created = 0
    for spec in SPECS:
        mobility = mobilities.get((spec.first, spec.last))
        if mobility is None or LearningAgreement.objects.filter(mobility=mobility).exists():
            continue
        coordinators = {
            "sending": users.get(f"coordinator@{mobility.sending_organisation.slug}.example"),
            "receiving": users.get(f"coordinator@{mobility.receiving_organisation.slug}.example"),
        }
        if None in coordinators.values():
            continue
        if spec.state == APPROVED_WITH_PROPOSAL and mobility.learner.user is None:
            continue  # the learner's approval needs their account
        _agreement(spec, mobility, coordinators)
        created += 1
    return created + agreements_in_force(users)


# The story's states that need a Learning Agreement in force (demo/mobility.py walks them there afterwards).
AGREED_OR_LATER = Mobility.AGREED_OR_LATER


def agreements_in_force(users: dict) -> int:
    """An approved Learning Agreement for every mobility the story has agreed (or later) and that has no
    agreement yet."""
    from .mobility import SPECS as MOBILITY_SPECS

    story = Q()
    for spec in MOBILITY_SPECS:
        if spec.status in AGREED_OR_LATER:
            story |= Q(learner__first_name=spec.first, learner__last_name=spec.last)
    mobilities = (
        Mobility.objects.filter(story)
        .exclude(status=Mobility.Status.CANCELLED)
        .exclude(pk__in=LearningAgreement.objects.values("mobility_id"))
        .select_related("sending_organisation", "receiving_organisation", "learner")
        .order_by("start_date", "id")
    )
    created = 0
    for mobility in mobilities:
        home = users.get(f"coordinator@{mobility.sending_organisation.slug}.example")
        if _agreed_on_paper(mobility, home) is not None:
            created += 1
    return created


def _agreed_on_paper(mobility: Mobility, home):
    """One approved version with one unit of the sending school's catalogue (made directly, as agreed before
    the portal); the mobility's learning outcomes to assess become those of the agreed unit."""
    from ecvet.models import LearningAgreementUnit, LearningAgreementVersion
    from ecvet.services.agreements import default_learning_outcomes
    from mobility.models import AssessmentItem

    unit = (
        Unit.objects.filter(qualification__organisation=mobility.sending_organisation)
        .select_related("qualification")
        .order_by("qualification__title_en", "order", "reference")
        .first()
    )
    if unit is None:
        return None
    items = list(mobility.assessment_items.order_by("order", "id"))
    agreement = LearningAgreement.objects.create(mobility=mobility)
    version = LearningAgreementVersion.objects.create(
        agreement=agreement,
        number=1,
        status=LearningAgreementVersion.Status.APPROVED,
        qualification=unit.qualification,
        memorandum=_memorandum(mobility),
        created_by=home,
        assessment_documentation="Observation at work by the host mentor; results in the Personal Transcript.",
        validation_recognition="The home school validates the transcript and recognises the unit.",
    )
    LearningAgreementUnit.objects.create(
        version=version,
        unit=unit,
        ecvet_points=unit.ecvet_points,
        learning_outcomes="\n".join(item.text for item in items) or default_learning_outcomes(unit),
        learning_activities=mobility.planned_activities,
        assessment_method="Observation at work and a skills demonstration",
    )
    # The outcomes assessed are those of the agreed unit.
    AssessmentItem.objects.filter(pk__in=[i.pk for i in items]).update(
        unit_code=unit.reference, source=AssessmentItem.Source.LEARNING_AGREEMENT
    )
    return version


def _memorandum(mobility: Mobility) -> Memorandum | None:
    return (
        Memorandum.objects.filter(status=Memorandum.Status.IN_FORCE)
        .filter(parties__organisation=mobility.sending_organisation)
        .filter(parties__organisation=mobility.receiving_organisation)
        .order_by("-valid_from")
        .first()
    )


def _qualification_and_units(mobility: Mobility, memorandum: Memorandum | None):
    """The sending organisation's qualification and up to two of its units (the MoU's, when there is one)."""
    sending = mobility.sending_organisation
    if memorandum is not None:
        units = list(
            Unit.objects.filter(memoranda=memorandum, qualification__organisation=sending)
            .select_related("qualification")
            .order_by("order", "reference")[:2]
        )
        if units:
            return units[0].qualification, units
    qualification = (
        Qualification.objects.filter(organisation=sending)
        .filter(Q(title_en__iexact=mobility.learner.qualification_title) | Q(title_en__icontains="beauty"))
        .first()
    )
    if qualification is None:
        # Without the catalogue demo: the smallest example qualification that makes an agreement.
        qualification = Qualification.objects.create(
            organisation=sending,
            title_original="Beauty therapist",
            title_en="Beauty therapist",
            country=sending.country,
            eqf_level=4,
            awarding_body="(example)",
            sector="Beauty and hairdressing",
            is_example=True,
        )
        Unit.objects.create(
            qualification=qualification,
            reference="DEMO-FAC",
            title="Facial treatments (example)",
            skills="Analyses the client's skin type\nPerforms a deep-cleansing facial",
            knowledge="Knows skin anatomy and common skin conditions",
            ecvet_points=Decimal("6"),
        )
    return qualification, list(qualification.units.order_by("order", "reference")[:2])


def _unit_rows(mobility: Mobility, units, memorandum, *, extra_points: Decimal = Decimal("0")) -> list[dict]:
    from ecvet.services import agreements as service

    limits = service.memorandum_points(memorandum)
    mentor = mobility.mentor
    rows = []
    for unit in units:
        ceiling = min(unit.ecvet_points, limits.get(unit.pk, unit.ecvet_points))
        rows.append(
            {
                "unit": unit,
                "ecvet_points": min(ceiling, Decimal("3") + extra_points),
                "learning_outcomes": "",  # the unit's statements
                "learning_activities": mobility.planned_activities,
                "assessment_method": "Observation at work and a skills demonstration on a client",
                "assessor": (mentor.get_full_name() or mentor.email) if mentor else "",
            }
        )
    return rows


def _decide(version, party: str, user) -> None:
    from ecvet.services import approvals

    version.refresh_from_db()
    approvals.decide(
        version,
        party_key=party,
        by=user,
        expected_sha256=approvals.current_sha256(version),
        decision=Approval.Decision.APPROVED,
    )


def _agreement(spec: Spec, mobility: Mobility, coordinators: dict) -> None:
    from ecvet.services import agreements as service

    sender = coordinators["sending"]
    memorandum = _memorandum(mobility)
    qualification, units = _qualification_and_units(mobility, memorandum)
    if memorandum is not None and not memorandum.units.filter(pk__in=[u.pk for u in units]).exists():
        memorandum = None  # the MoU covers none of these units: the agreement rests on the catalogue alone
    _agreement_row, draft = service.start_agreement(
        mobility, by=sender, memorandum=memorandum, qualification=qualification
    )
    service.update_draft(
        draft,
        data={
            "learner_progress": "Second year of the programme; the salon basics and hygiene units are completed.",
            "enclosures": "Europass Mobility",
        },
        units=_unit_rows(mobility, units, memorandum),
        by=sender,
    )
    if spec.state == DRAFT:
        return
    version = service.send_for_approval(draft, by=sender)
    if spec.state == APPROVED_WITH_PROPOSAL:
        _decide(version, "learner", mobility.learner.user)
        _decide(version, "sending", sender)
        _decide(version, "receiving", coordinators["receiving"])
        version = service.propose_change(
            version.agreement,
            by=sender,
            reason_code="extending-mobility",
            reason_text="The host salon offers one more week so that the learner completes the treatments "
            "of the first unit on regular clients.",
        )
        service.update_draft(
            version,
            data={},
            units=_unit_rows(mobility, units, memorandum, extra_points=Decimal("1")),
            by=sender,
        )
        version = service.send_for_approval(version, by=sender)
    for party in spec.approved_by:
        _decide(version, party, coordinators[party])


# --- Personal Transcripts, validation and recognition (the end of the ECVET chain) ---------------------

VISION_PROJECT_NUMBER = "2019-1-LT01-KA202-060748"
# (learner, recognised): the mobilities the mobility demo calls "recognised", and Sem de Groot's, run the whole
# chain to "recognised" (the recognition recorded on the transcript moves them); Leevi Järvinen's transcript
# is approved by the host and waits for the sending side's recognition.
TRANSCRIPT_LEARNERS = [
    ("Lukas", "Paulauskas", True),
    ("Martina", "Conti", True),
    ("Lorenzo", "Gallo", True),
    ("Daan", "de Boer", True),
    ("Venla", "Heikkinen", True),
    ("Sem", "de Groot", True),
    ("Leevi", "Järvinen", False),
]


def seed_transcript_demo(stdout=None) -> None:
    created = seed_transcripts()
    if stdout is not None:
        stdout.write(f"Personal Transcript demo data: {created} new transcripts.")


def seed_transcripts() -> int:
    """For completed VISION 2021–2022 mobilities with a submitted assessment: an approved Learning
    Agreement (`_agreed_on_paper`, unless it has one), the transcript built by the host (the points of partly
    achieved units decided) and approved by its coordinator, and recognition at home."""
    from ecvet.models import LearningAgreementVersion, Transcript
    from ecvet.services import approvals
    from ecvet.services import transcripts as service
    from mobility.models import MobilityStatusChange

    users = {u.email: u for u in User.objects.filter(email__endswith=".example")}
    created = 0
    for first, last, recognise in TRANSCRIPT_LEARNERS:
        mobility = (
            Mobility.objects.filter(
                partnership__project_number=VISION_PROJECT_NUMBER,
                learner__first_name=first,
                learner__last_name=last,
                status=Mobility.Status.COMPLETED,
            )
            .select_related("sending_organisation", "receiving_organisation", "learner")
            .first()
        )
        if mobility is None or Transcript.objects.filter(mobility=mobility).exists():
            continue
        if service.submitted_assessment(mobility) is None:
            continue
        host = users.get(f"coordinator@{mobility.receiving_organisation.slug}.example")
        home = users.get(f"coordinator@{mobility.sending_organisation.slug}.example")
        if host is None or home is None:
            continue
        if not LearningAgreement.objects.filter(mobility=mobility).exists():
            _agreed_on_paper(mobility, home)
        version = LearningAgreementVersion.objects.filter(
            agreement__mobility=mobility, status=LearningAgreementVersion.Status.APPROVED
        ).first()
        if version is None:
            continue  # a transcript needs a Learning Agreement in force
        unit = version.units.select_related("unit").first()
        transcript = service.build_transcript(mobility, by=host)
        # Units whose outcomes were only partly achieved: the host awards part of the agreed points.
        limits = service.agreement_points(transcript)
        partly = {
            u.unit_id: max(limits[u.unit_id] - Decimal("1"), Decimal("0.5")) for u in service.mixed_units(transcript)
        }
        service.update_transcript(
            transcript,
            points=partly,
            host_remarks="Reliable and careful with clients; ready for the final assessment at home.",
            by=host,
        )
        transcript = service.send_for_approval(transcript, by=host)
        approvals.decide(
            transcript,
            party_key="receiving",
            by=host,
            expected_sha256=approvals.current_sha256(transcript),
            decision=Approval.Decision.APPROVED,
        )
        if recognise:
            transcript.refresh_from_db()
            decided_on = mobility.end_date + timedelta(days=21)
            service.record_recognition(
                transcript,
                by=home,
                decision=transcript.Decision.RECOGNISED if not partly else transcript.Decision.PARTLY,
                decided_on=decided_on,
                how_it_counts=(
                    f"Unit {unit.unit.reference} is recognised as completed; the learner is exempt from its "
                    "assessment at home."
                    if unit
                    else "The learning outcomes achieved are recorded in the learner's study plan."
                ),
                points_recognised=service.total_points(transcript),
            )
            MobilityStatusChange.objects.filter(mobility=mobility, to_status=Mobility.Status.RECOGNISED).update(
                at=timezone.make_aware(dt.datetime.combine(decided_on, dt.time(12)))
            )
        created += 1
    return created
