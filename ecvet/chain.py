"""The ECVET chain's consistency rules: a record's state must never say more than its documents.

Each rule is one function that takes a queryset and yields a `Finding` for every record whose state
claims a step its documents do not support — with the reason in words and the record's URL, so that
`manage.py check_chain` can list them and a person can open them. `RULES` lists them in chain order.

The facts, each one `Exists()` subquery on a mobility (so every rule is one query, whatever the data):

- **Learning Agreement in force** (`agreement_in_force`): a version of the mobility's agreement in the
  status *approved*. `ecvet.services.agreements.LearningAgreementKind.on_fully_approved` is the only place
  that sets it, once every party (learner, sending and receiving organisation) has approved the same
  content (`ecvet.services.approvals.decide`); it then supersedes the version approved before, so at most
  one version is in force.
- **assessment submitted** (`assessment_submitted`): a mentor assessment that has been submitted — the
  current one, or one superseded by a correction (`mobility.services.assessments.has_submitted`).
- **recognition recorded** (`recognition_recorded`): an approved Personal Transcript on which the sending
  organisation recorded its validation and recognition decision (`ecvet.services.transcripts.record_recognition`,
  the step that moves the mobility to *recognised* — whatever the decision, as the status does).

Which mobilities the rules apply to: those that use ECVET (`Mobility.uses_ecvet`, by default the partnership's
setting; `ecvet_mobilities`). A mobility without ECVET has no Learning Agreement, transcript or recognition:
`mobility.guards` states its own rules, and here it is only checked that it never claims a recognition.

`with_reported_status` is the one definition of what the figures count (the reporting dashboard, the
budget and the exports): a mobility counts as *recognised* only when its recognition is recorded on a
transcript; one marked recognised without it counts as *completed* (its stay is over, its recognition
still to be recorded). An ECVET mobility counts as *completed* only with its mentor's assessment submitted
or the reason why there is none recorded (`Mobility.no_assessment_reason`); without either it counts as
*in mobility*. The portal's moves enforce the same facts (`mobility.guards`), so these corrections only ever
apply to data older than those guards, which `check_chain` lists.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, CharField, Exists, F, OuterRef, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from mobility.models import MentorAssessment, Mobility

from .models import LearningAgreementVersion, Transcript

S = Mobility.Status
# The states that claim a Learning Agreement in force, a finished stay, a recorded recognition.
AGREED_OR_LATER = Mobility.AGREED_OR_LATER
FINISHED = (S.COMPLETED, S.RECOGNISED)


@dataclass(frozen=True)
class Finding:
    """One record whose state says more than its documents."""

    model: str  # e.g. "mobility", "transcript"
    code: str
    state: str
    missing: str  # what is missing, in words
    url: str  # the record's page (a path)

    def line(self) -> str:
        return f"{self.model} {self.code} [{self.state}]: {self.missing} — {self.url}"


# --- the facts, as subqueries on a mobility ----------------------------------------------------------------------


def agreement_in_force(mobility_ref: str = "pk") -> Exists:
    return Exists(
        LearningAgreementVersion.objects.filter(
            agreement__mobility=OuterRef(mobility_ref), status=LearningAgreementVersion.Status.APPROVED
        )
    )


def assessment_submitted(mobility_ref: str = "pk") -> Exists:
    return Exists(
        MentorAssessment.objects.filter(
            mobility=OuterRef(mobility_ref),
            status__in=[MentorAssessment.Status.SUBMITTED, MentorAssessment.Status.SUPERSEDED],
        )
    )


def recognition_recorded(mobility_ref: str = "pk") -> Exists:
    return Exists(
        Transcript.objects.filter(mobility=OuterRef(mobility_ref), status=Transcript.Status.APPROVED).exclude(
            decision=""
        )
    )


def ecvet_mobilities(mobilities: QuerySet) -> QuerySet:
    """The mobilities the chain applies to: those that use ECVET."""
    return mobilities.filter(uses_ecvet=True)


def assessment_or_reason() -> Q:
    """The fact a completed ECVET mobility needs: the mentor's assessment submitted, or why there is none."""
    return Q(assessment_submitted()) | ~Q(no_assessment_reason="")


# --- what the figures count ---------------------------------------------------------------------------------------


def with_reported_status(mobilities: QuerySet) -> QuerySet:
    """Annotate `reported_status`: the status the figures count — *recognised* only with the recognition
    recorded on a transcript, else *completed*; every other status as it is."""
    return mobilities.annotate(
        reported_status=Case(
            When(Q(status=S.RECOGNISED) & ~Q(uses_ecvet=True), then=Value(S.COMPLETED)),
            When(Q(status=S.RECOGNISED) & ~recognition_recorded(), then=Value(S.COMPLETED)),
            When(Q(status=S.COMPLETED, uses_ecvet=True) & ~assessment_or_reason(), then=Value(S.IN_MOBILITY)),
            default=F("status"),
            output_field=CharField(),
        )
    )


def supported_recognitions(mobilities: QuerySet) -> QuerySet:
    """The mobilities that count as recognised: marked so, with the recognition recorded on a transcript."""
    return with_reported_status(mobilities).filter(reported_status=S.RECOGNISED)


# --- the rules ----------------------------------------------------------------------------------------------------


def _mobility_finding(mobility: Mobility, missing: str) -> Finding:
    return Finding("mobility", str(mobility.code), mobility.status, missing, mobility.get_absolute_url())


def _transcript_finding(transcript: Transcript, missing: str) -> Finding:
    state = transcript.status + (f"/{transcript.decision}" if transcript.decision else "")
    return Finding("transcript", str(transcript.code), state, missing, transcript.get_absolute_url())


def agreed_without_agreement(mobilities: QuerySet) -> Iterator[Finding]:
    """Agreed or later, but no Learning Agreement version is in force."""
    rows = ecvet_mobilities(mobilities).filter(status__in=AGREED_OR_LATER).filter(~agreement_in_force())
    for mobility in rows.only("code", "status").order_by("id"):
        yield _mobility_finding(mobility, _("no Learning Agreement in force (approved by all parties)"))


def finished_before_the_end(mobilities: QuerySet) -> Iterator[Finding]:
    """Completed or recognised while the stay has not ended yet."""
    rows = ecvet_mobilities(mobilities).filter(status__in=FINISHED, end_date__gt=timezone.localdate())
    for mobility in rows.only("code", "status", "end_date").order_by("id"):
        yield _mobility_finding(
            mobility, _("the stay ends on %(date)s: it cannot be completed yet") % {"date": mobility.end_date}
        )


def finished_without_assessment(mobilities: QuerySet) -> Iterator[Finding]:
    """Completed or recognised, but the mentor's assessment was never submitted and no reason is recorded."""
    rows = ecvet_mobilities(mobilities).filter(status__in=FINISHED).filter(~assessment_or_reason())
    for mobility in rows.only("code", "status").order_by("id"):
        yield _mobility_finding(mobility, _("no submitted mentor assessment and no reason recorded why"))


def recognised_without_recognition(mobilities: QuerySet) -> Iterator[Finding]:
    """Recognised, but no approved transcript records the recognition."""
    rows = ecvet_mobilities(mobilities).filter(status=S.RECOGNISED).filter(~recognition_recorded())
    for mobility in rows.only("code", "status").order_by("id"):
        yield _mobility_finding(mobility, _("no approved Personal Transcript with the recognition recorded"))


def recognised_without_ecvet(mobilities: QuerySet) -> Iterator[Finding]:
    """Recognised, though the mobility does not use ECVET (nothing to recognise)."""
    rows = mobilities.filter(status=S.RECOGNISED, uses_ecvet=False)
    for mobility in rows.only("code", "status").order_by("id"):
        yield _mobility_finding(mobility, _("recognised, but the mobility does not use ECVET"))


def _decided_transcripts(mobilities: QuerySet) -> QuerySet:
    """Transcripts the host has approved (recognised or not yet), of the given mobilities."""
    return Transcript.objects.filter(mobility__in=ecvet_mobilities(mobilities), status=Transcript.Status.APPROVED).only(
        "code", "status", "decision"
    )


def transcripts_without_agreement(mobilities: QuerySet) -> Iterator[Finding]:
    """An approved (or recognised) transcript while its mobility has no Learning Agreement in force."""
    rows = _decided_transcripts(mobilities).filter(~agreement_in_force("mobility_id"))
    for transcript in rows.order_by("id"):
        yield _transcript_finding(transcript, _("no Learning Agreement in force for its mobility"))


def transcripts_without_points(mobilities: QuerySet) -> Iterator[Finding]:
    """A transcript recognised in full or in part that awards no ECVET points at all (an approved transcript
    of a stay whose units were not achieved may award none: it can only be "not recognised")."""
    recognising = [Transcript.Decision.RECOGNISED, Transcript.Decision.PARTLY]
    rows = (
        _decided_transcripts(mobilities)
        .filter(decision__in=recognising)
        .annotate(awarded=Coalesce(Sum("units__points_awarded"), Value(Decimal("0"))))
    )
    for transcript in rows.filter(awarded__lte=0).order_by("id"):
        yield _transcript_finding(transcript, _("0 ECVET points awarded, yet recognised"))


RULES: list[Callable[[QuerySet], Iterable[Finding]]] = [
    agreed_without_agreement,
    finished_before_the_end,
    finished_without_assessment,
    recognised_without_recognition,
    recognised_without_ecvet,
    transcripts_without_agreement,
    transcripts_without_points,
]


def findings(mobilities: QuerySet | None = None) -> Iterator[Finding]:
    """Every inconsistency among `mobilities` (default: every mobility) and their documents, rule by rule.
    One query per rule, whatever the amount of data."""
    if mobilities is None:
        mobilities = Mobility.objects.all()
    for rule in RULES:
        yield from rule(mobilities)
