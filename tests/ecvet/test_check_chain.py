"""`manage.py check_chain` (ecvet/chain.py): the demo data passes it; deliberately broken records are listed
with what they miss, and the command exits 1."""

import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.management import CommandError, call_command

from ecvet import chain
from ecvet.models import LearningAgreement, LearningAgreementVersion, Transcript, TranscriptUnit
from mobility.models import MentorAssessment, Mobility
from tests.factories_ecvet import UnitFactory
from tests.factories_mobility import MentorAssessmentFactory, MobilityFactory

pytestmark = pytest.mark.django_db

S = Mobility.Status


def check_chain(*args) -> tuple[int, str]:
    """Run the command; (exit status, output)."""
    out = io.StringIO()
    try:
        call_command("check_chain", *args, stdout=out)
    except CommandError as error:
        return error.returncode, out.getvalue() + str(error)
    return 0, out.getvalue()


def mobility_in(status, **fields) -> Mobility:
    mobility = MobilityFactory(**fields)
    Mobility.objects.filter(pk=mobility.pk).update(status=status)
    mobility.refresh_from_db()
    return mobility


def agreement_in_force(mobility) -> LearningAgreementVersion:
    agreement = LearningAgreement.objects.create(mobility=mobility)
    return LearningAgreementVersion.objects.create(
        agreement=agreement, number=1, status=LearningAgreementVersion.Status.APPROVED
    )


def submitted_assessment(mobility) -> MentorAssessment:
    return MentorAssessmentFactory(mobility=mobility, status=MentorAssessment.Status.SUBMITTED)


def transcript(mobility, *, points="3", decision="") -> Transcript:
    assessment = mobility.assessments.first() or submitted_assessment(mobility)
    t = Transcript.objects.create(
        mobility=mobility, assessment=assessment, status=Transcript.Status.APPROVED, decision=decision
    )
    TranscriptUnit.objects.create(transcript=t, unit=UnitFactory(), points_awarded=Decimal(points))
    return t


def recognised(**fields) -> Mobility:
    """A recognised mobility with every document the chain asks for."""
    mobility = mobility_in(S.RECOGNISED, **fields)
    agreement_in_force(mobility)
    submitted_assessment(mobility)
    transcript(mobility, decision=Transcript.Decision.RECOGNISED)
    return mobility


# --- the demo data ------------------------------------------------------------------------------------------------


def test_the_demo_data_passes_check_chain(demo):
    status, output = check_chain()
    assert status == 0, output
    assert "consistent" in output
    # The demo keeps a spread of states worth visiting.
    assert set(Mobility.objects.values_list("status", flat=True)) == set(S.values)


# --- broken records -----------------------------------------------------------------------------------------------


def test_a_fully_documented_recognised_mobility_is_consistent():
    recognised()
    assert list(chain.findings()) == []
    assert check_chain()[0] == 0


def test_an_empty_database_is_consistent():
    status, output = check_chain()
    assert status == 0 and "consistent" in output


def test_an_agreed_mobility_without_a_learning_agreement_is_listed_and_exits_1():
    mobility = mobility_in(S.AGREED)
    status, output = check_chain()
    assert status == 1
    assert f"mobility {mobility.code} [agreed]: no Learning Agreement in force" in output
    assert mobility.get_absolute_url() in output
    assert "1 record(s)" in output


def test_an_agreement_awaiting_approval_is_not_in_force():
    mobility = mobility_in(S.IN_MOBILITY)
    agreement = LearningAgreement.objects.create(mobility=mobility)
    LearningAgreementVersion.objects.create(agreement=agreement, status=LearningAgreementVersion.Status.AWAITING)
    assert [f.missing for f in chain.agreed_without_agreement(Mobility.objects.all())] == [
        "no Learning Agreement in force (approved by all parties)"
    ]


def test_a_planned_mobility_needs_no_agreement():
    mobility_in(S.PLANNED)
    mobility_in(S.CANCELLED)
    assert check_chain()[0] == 0


def test_a_recognised_mobility_without_transcript_is_listed_with_what_it_misses():
    mobility = mobility_in(S.RECOGNISED)
    agreement_in_force(mobility)
    submitted_assessment(mobility)
    status, output = check_chain()
    assert status == 1
    assert f"mobility {mobility.code} [recognised]: no approved Personal Transcript with the recognition" in output
    assert "Learning Agreement" not in output


def test_an_approved_transcript_without_a_recorded_recognition_does_not_support_recognised():
    mobility = mobility_in(S.RECOGNISED)
    agreement_in_force(mobility)
    transcript(mobility)  # approved by the host, recognition not recorded
    assert [f.code for f in chain.recognised_without_recognition(Mobility.objects.all())] == [str(mobility.code)]


def test_a_completed_mobility_without_a_submitted_assessment_is_listed():
    mobility = mobility_in(S.COMPLETED)
    agreement_in_force(mobility)
    MentorAssessmentFactory(mobility=mobility)  # a draft
    status, output = check_chain()
    assert status == 1
    assert f"mobility {mobility.code} [completed]: no submitted mentor assessment and no reason recorded why" in output


def test_a_correction_in_progress_keeps_the_assessment_submitted():
    mobility = mobility_in(S.COMPLETED)
    agreement_in_force(mobility)
    MentorAssessmentFactory(mobility=mobility, version=1, status=MentorAssessment.Status.SUPERSEDED)
    MentorAssessmentFactory(mobility=mobility, version=2)
    assert check_chain()[0] == 0


@time_machine.travel(datetime(2021, 4, 20, 9, 0, tzinfo=UTC), tick=False)
def test_a_mobility_completed_before_its_end_date_is_listed():
    mobility = mobility_in(S.COMPLETED, start_date=date(2021, 4, 12))
    agreement_in_force(mobility)
    submitted_assessment(mobility)
    status, output = check_chain()
    assert status == 1
    assert "the stay ends on 2021-05-09" in output


def test_a_transcript_without_an_agreement_in_force_or_points_is_listed():
    mobility = mobility_in(S.RECOGNISED)
    submitted_assessment(mobility)
    t = transcript(mobility, points="0", decision=Transcript.Decision.RECOGNISED)
    status, output = check_chain()
    assert status == 1
    assert f"transcript {t.code} [approved/recognised]: no Learning Agreement in force for its mobility" in output
    assert f"transcript {t.code} [approved/recognised]: 0 ECVET points awarded, yet recognised" in output
    assert t.get_absolute_url() in output


def test_an_approved_transcript_without_points_is_fine_until_it_is_recognised():
    mobility = mobility_in(S.COMPLETED)
    agreement_in_force(mobility)
    t = transcript(mobility, points="0")  # approved: the units were not achieved
    assert check_chain()[0] == 0
    Transcript.objects.filter(pk=t.pk).update(decision=Transcript.Decision.NOT_RECOGNISED)
    Mobility.objects.filter(pk=mobility.pk).update(status=S.RECOGNISED)
    assert check_chain()[0] == 0


def test_a_draft_transcript_is_not_checked():
    mobility = mobility_in(S.COMPLETED)
    agreement_in_force(mobility)
    t = transcript(mobility, points="0")
    Transcript.objects.filter(pk=t.pk).update(status=Transcript.Status.DRAFT)
    assert check_chain()[0] == 0


def test_partnership_option_limits_the_check(world):
    broken = mobility_in(S.AGREED, partnership=world.p2)
    assert check_chain("--partnership", world.p1.slug)[0] == 0
    status, output = check_chain("--partnership", world.p2.slug)
    assert status == 1 and str(broken.code) in output


def test_an_unknown_partnership_is_an_error():
    with pytest.raises(CommandError, match="No partnership"):
        call_command("check_chain", "--partnership", "nope", stdout=io.StringIO())


def test_check_chain_queries_are_bounded(django_assert_max_num_queries):
    for _ in range(3):
        mobility_in(S.AGREED)
        mobility = mobility_in(S.RECOGNISED)
        transcript(mobility, points="0", decision=Transcript.Decision.PARTLY)
    with django_assert_max_num_queries(len(chain.RULES)):
        found = list(chain.findings())
    # Each round: the agreed mobility (no agreement); the recognised one (no agreement) and its transcript
    # (no agreement, 0 points).
    assert len(found) == 3 * 4
