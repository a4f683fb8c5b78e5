"""Personal Transcripts: built from the submitted assessment, approved by the host, then recognised at home."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from ecvet.models import (
    Approval,
    LearningAgreement,
    LearningAgreementUnit,
    LearningAgreementVersion,
    Transcript,
)
from ecvet.services import approvals
from ecvet.services import transcripts as service
from mobility.models import AssessmentItem, AssessmentResult, MentorAssessment, Mobility
from partners.models import AuditEntry
from tests.ecvet.support_memoranda import beauty_qualification, mark_recently_authenticated

T = Transcript.Status
R = AssessmentResult.Result


def make_assessment(mobility, assessor, results, *, status=MentorAssessment.Status.SUBMITTED):
    """results: [(unit_code, result)]"""
    assessment = MentorAssessment.objects.create(mobility=mobility, assessor=assessor, status=status)
    for order, (unit_code, result) in enumerate(results):
        item = AssessmentItem.objects.create(
            mobility=mobility, text=f"Outcome {order} of {unit_code}", unit_code=unit_code, order=order
        )
        AssessmentResult.objects.create(
            assessment=assessment,
            item=item,
            result=result,
            method="Observation at work",
            evidence="Seen in the salon",
            assessed_on=date(2021, 5, 20),
        )
    return assessment


def make_approved_agreement(mobility, qualification):
    agreement = LearningAgreement.objects.create(mobility=mobility)
    version = LearningAgreementVersion.objects.create(
        agreement=agreement, number=1, qualification=qualification, status=LearningAgreementVersion.Status.APPROVED
    )
    for order, unit in enumerate(qualification.units.order_by("reference")):
        LearningAgreementUnit.objects.create(
            version=version, unit=unit, ecvet_points=unit.ecvet_points, learning_outcomes="x", order=order
        )
    return version


@pytest.fixture
def chain(world, mob):
    """m_b_to_a (B sends, A hosts), completed, with an approved LA (FAC 6 points, MAN 4) and a submitted
    assessment: FAC all achieved, MAN partly."""
    mobility = mob.m_b_to_a
    Mobility.objects.filter(pk=mobility.pk).update(status=Mobility.Status.COMPLETED)
    mobility.refresh_from_db()
    make_approved_agreement(mobility, beauty_qualification(world.org_b))
    make_assessment(
        mobility,
        mob.mentor_a,
        [("FAC", R.ACHIEVED), ("FAC", R.ACHIEVED), ("MAN", R.ACHIEVED), ("MAN", R.NOT_ACHIEVED)],
    )
    return mobility


def points_by_unit(transcript):
    return {u.unit.reference: u.points_awarded for u in transcript.units.select_related("unit")}


def sent_transcript(world, chain):
    transcript = service.build_transcript(chain, by=world.pc_a)
    return service.send_for_approval(transcript, by=world.pc_a)


def test_a_transcript_before_the_assessment_is_submitted_is_refused(world, mob):
    make_assessment(mob.m_b_to_a, mob.mentor_a, [("FAC", R.ACHIEVED)], status=MentorAssessment.Status.DRAFT)
    with pytest.raises(ValidationError, match="not submitted the assessment"):
        service.build_transcript(mob.m_b_to_a, by=world.pc_a)
    assert not Transcript.objects.exists()


def test_the_build_page_refuses_before_the_assessment_is_submitted(world, mob, client_for):
    response = client_for(world.pc_a).post(
        reverse("ecvet:transcript_for_mobility", kwargs={"code": mob.m_b_to_a.code}), follow=True
    )
    assert "not submitted the assessment" in response.content.decode()
    assert not Transcript.objects.exists()


def test_building_copies_every_assessed_outcome_and_awards_points_per_unit(world, mob, chain):
    transcript = service.build_transcript(chain, by=world.pc_a)
    entries = list(transcript.entries.all())
    assert [e.unit_reference for e in entries] == ["FAC", "FAC", "MAN", "MAN"]
    assert all(e.unit is not None and e.method == "Observation at work" for e in entries)
    assert entries[0].assessor == (mob.mentor_a.get_full_name() or mob.mentor_a.email)
    assert points_by_unit(transcript) == {"FAC": Decimal("6"), "MAN": Decimal("0")}
    assert [u.unit.reference for u in service.mixed_units(transcript)] == ["MAN"]
    assert AuditEntry.objects.filter(verb=AuditEntry.Verb.CREATED, object_code=str(transcript.code)).exists()


def test_a_unit_with_no_outcome_achieved_gets_no_points(world, mob):
    mobility = mob.m_b_to_a
    make_approved_agreement(mobility, beauty_qualification(world.org_b))
    make_assessment(mobility, mob.mentor_a, [("FAC", R.NOT_ACHIEVED), ("MAN", R.ACHIEVED)])
    transcript = service.build_transcript(mobility, by=world.pc_a)
    assert points_by_unit(transcript) == {"FAC": Decimal("0"), "MAN": Decimal("4")}


def test_without_a_learning_agreement_in_force_no_transcript_is_built(world, mob):
    make_assessment(mob.m_b_to_a, mob.mentor_a, [("", R.ACHIEVED)])
    with pytest.raises(ValidationError, match="No Learning Agreement is in force"):
        service.build_transcript(mob.m_b_to_a, by=world.pc_a)
    assert not Transcript.objects.exists()


def test_the_host_enters_points_for_a_partly_achieved_unit(world, chain, client_for):
    transcript = service.build_transcript(chain, by=world.pc_a)
    man = service.mixed_units(transcript)[0]
    url = reverse("ecvet:transcript_edit", kwargs={"code": transcript.code})
    response = client_for(world.pc_a).post(url, {f"points_{man.unit_id}": "2.5", "host_remarks": "Good work"})
    assert response.status_code == 302
    transcript.refresh_from_db()
    assert points_by_unit(transcript)["MAN"] == Decimal("2.5")
    assert transcript.host_remarks == "Good work"


def test_points_over_the_learning_agreement_points_are_a_field_error(world, chain, client_for):
    transcript = service.build_transcript(chain, by=world.pc_a)
    man = service.mixed_units(transcript)[0]
    url = reverse("ecvet:transcript_edit", kwargs={"code": transcript.code})
    response = client_for(world.pc_a).post(url, {f"points_{man.unit_id}": "5", "host_remarks": ""})
    assert response.status_code == 200
    assert "gives this unit 4 ECVET points" in str(response.context["form"].errors[f"points_{man.unit_id}"])
    assert points_by_unit(transcript)["MAN"] == Decimal("0")


def test_sending_freezes_the_content_and_waits_for_the_host(world, chain):
    transcript = sent_transcript(world, chain)
    assert transcript.status == T.AWAITING
    frozen = {u["reference"]: Decimal(u["ecvet_points_awarded"]) for u in transcript.frozen_content["units"]}
    assert frozen == {"FAC": Decimal("6"), "MAN": Decimal("0")}
    assert [p.key for p in approvals.state(transcript)["waiting_for"]] == ["receiving"]
    with pytest.raises(ValidationError):
        service.build_transcript(chain, by=world.pc_a)


def decide_url(transcript):
    return reverse("ecvet:transcript_decide", kwargs={"code": transcript.code})


def test_the_host_approves_after_re_authenticating(world, chain, client_for):
    transcript = sent_transcript(world, chain)
    client = client_for(world.pc_a)
    mark_recently_authenticated(client, world.pc_a)
    sha = approvals.current_sha256(transcript)
    response = client.post(
        decide_url(transcript), {"party": "receiving", "decision": "approved", "expected_sha256": sha, "comment": ""}
    )
    assert response.status_code == 302
    transcript.refresh_from_db()
    assert transcript.status == T.APPROVED
    approval = Approval.objects.get()
    assert approval.content_sha256 == sha and approval.organisation == world.org_a


def test_without_a_recent_authentication_the_approval_is_refused_and_nothing_is_recorded(world, chain, client_for):
    transcript = sent_transcript(world, chain)
    response = client_for(world.pc_a).post(
        decide_url(transcript),
        {
            "party": "receiving",
            "decision": "approved",
            "expected_sha256": approvals.current_sha256(transcript),
        },
    )
    assert response.status_code == 302
    assert "reauthenticate" in response["Location"]
    assert not Approval.objects.exists()


def test_a_stale_hash_gives_a_message_and_records_nothing(world, chain, client_for):
    transcript = sent_transcript(world, chain)
    client = client_for(world.pc_a)
    mark_recently_authenticated(client, world.pc_a)
    response = client.post(
        decide_url(transcript),
        {"party": "receiving", "decision": "approved", "expected_sha256": "0" * 64},
        follow=True,
    )
    assert "changed since you opened it" in response.content.decode()
    assert not Approval.objects.exists()
    transcript.refresh_from_db()
    assert transcript.status == T.AWAITING


def test_a_refusal_puts_the_transcript_back_in_draft_with_the_reason(world, chain):
    transcript = sent_transcript(world, chain)
    approvals.decide(
        transcript,
        party_key="receiving",
        by=world.pc_a,
        expected_sha256=approvals.current_sha256(transcript),
        decision=Approval.Decision.REFUSED,
        comment="The dates are wrong",
    )
    transcript.refresh_from_db()
    assert transcript.status == T.DRAFT and transcript.frozen_content is None
    assert Approval.objects.get().comment == "The dates are wrong"


def approved_transcript(world, chain):
    transcript = sent_transcript(world, chain)
    approvals.decide(
        transcript,
        party_key="receiving",
        by=world.pc_a,
        expected_sha256=approvals.current_sha256(transcript),
        decision=Approval.Decision.APPROVED,
    )
    transcript.refresh_from_db()
    return transcript


def recognise_url(transcript):
    return reverse("ecvet:transcript_recognise", kwargs={"code": transcript.code})


RECOGNITION = {
    "decision": "partly",  # MAN was only partly achieved: not "recognised in full"
    "decided_on": "2021-07-01",
    "points_recognised": "6",
    "how_it_counts": "Unit FAC counts as completed.",
}


def test_the_sending_side_records_recognition_and_the_mobility_is_recognised(world, chain, client_for):
    transcript = approved_transcript(world, chain)
    response = client_for(world.partner_b).post(recognise_url(transcript), RECOGNITION)
    assert response.status_code == 302
    transcript.refresh_from_db()
    chain.refresh_from_db()
    assert chain.status == Mobility.Status.RECOGNISED
    assert transcript.decision == "partly" and transcript.decided_on == date(2021, 7, 1)
    assert transcript.decided_by == world.partner_b and transcript.points_recognised == Decimal("6")
    assert chain.status_changes.filter(to_status=Mobility.Status.RECOGNISED).exists()


def test_recognising_more_points_than_awarded_is_a_field_error(world, chain, client_for):
    transcript = approved_transcript(world, chain)
    response = client_for(world.partner_b).post(recognise_url(transcript), {**RECOGNITION, "points_recognised": "7"})
    assert response.status_code == 200
    assert "points_recognised" in response.context["form"].errors
    chain.refresh_from_db()
    assert chain.status == Mobility.Status.COMPLETED


def test_recognition_before_the_host_approved_is_refused(world, chain):
    transcript = sent_transcript(world, chain)
    with pytest.raises(ValidationError, match="after the host has approved"):
        service.record_recognition(
            transcript, by=world.partner_b, decision="recognised", decided_on=date(2021, 7, 1), how_it_counts="x"
        )
    chain.refresh_from_db()
    assert chain.status == Mobility.Status.COMPLETED


def test_recognition_of_a_mobility_not_yet_completed_is_refused(world, chain):
    transcript = approved_transcript(world, chain)
    Mobility.objects.filter(pk=chain.pk).update(status=Mobility.Status.IN_MOBILITY)
    with pytest.raises(ValidationError, match="once it is completed"):
        service.record_recognition(
            transcript, by=world.partner_b, decision="recognised", decided_on=date(2021, 7, 1), how_it_counts="x"
        )
    transcript.refresh_from_db()
    assert transcript.decision == ""


def test_the_json_export_is_exactly_the_approved_bytes(world, chain, client_for):
    from documents.canonical import canonical_json

    transcript = approved_transcript(world, chain)
    response = client_for(world.partner_b).get(reverse("ecvet:transcript_json", kwargs={"code": transcript.code}))
    assert response.content == canonical_json(transcript.frozen_content).encode()
    assert "attachment" in response["Content-Disposition"]
    assert AuditEntry.objects.filter(verb=AuditEntry.Verb.EXPORTED).exists()


def test_the_demo_runs_the_chain_to_a_recognised_mobility_and_a_second_run_adds_nothing(demo):
    from demo import ecvet_agreements as demo_agreements

    recognised = Transcript.objects.get(mobility__learner__last_name="de Groot")
    assert recognised.status == T.APPROVED and recognised.decision == Transcript.Decision.RECOGNISED
    assert recognised.mobility.status == Mobility.Status.RECOGNISED
    assert recognised.units.get().points_awarded > 0
    assert recognised.points_recognised == service.total_points(recognised)
    waiting = Transcript.objects.get(mobility__learner__last_name="Järvinen")
    assert waiting.status == T.APPROVED and not waiting.decision
    assert waiting.mobility.status == Mobility.Status.COMPLETED
    assert not Transcript.objects.filter(mobility__learner__last_name__in=["Jansen", "Kazlauskaitė"]).exists()
    assert demo_agreements.seed_transcripts() == 0


def test_the_learners_export_lists_the_transcript_and_erasure_scrubs_it(world, chain):
    from mobility.services import gdpr

    transcript = sent_transcript(world, chain)
    learner = chain.learner
    Transcript.objects.filter(pk=transcript.pk).update(host_remarks=f"{learner.first_name} worked well")
    section = gdpr.collect(learner).extra["personal_transcripts"]
    assert section["data"][0]["transcript"] == str(transcript.code)
    gdpr.erase_learner(learner, by=world.partner_b, reason="Asked by the learner")
    transcript.refresh_from_db()
    assert learner.first_name not in transcript.host_remarks
    assert learner.last_name not in str(transcript.frozen_content)
    assert transcript.frozen_content["learner"]["date_of_birth"] is None


def test_the_read_view_shows_every_part_and_the_mobility_page_links_to_it(world, chain, client_for):
    transcript = approved_transcript(world, chain)
    service.record_recognition(
        transcript, by=world.partner_b, decision="partly", decided_on=date(2021, 7, 1), how_it_counts="Counts as FAC"
    )
    client = client_for(world.partner_b)
    page = client.get(transcript.get_absolute_url()).content.decode()
    for text in (
        "Assessed learning outcomes",
        "Outcome 0 of FAC",
        "ECVET points awarded",
        "Partly recognised",
        "Counts as FAC",
        "Approvals",
    ):
        assert text in page
    assert page.count("<h1") == 1
    mobility_page = client.get(reverse("mobility:mobility_detail", kwargs={"code": chain.code})).content.decode()
    assert reverse("ecvet:transcript_for_mobility", kwargs={"code": chain.code}) in mobility_page
