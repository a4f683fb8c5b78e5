"""The "Documents waiting for you" panel on the home page (ecvet.dashboard.waiting_panel).

m_b_to_a (tests/mobility/conftest.py): B sends learner_b's mobility (learner_b1, "Lina Bakker") to A,
mentor_a mentors it. pc_a signs for A, partner_b for B; mentors, outsiders and P2's partner_c never act.
"""

# The fixtures chain, europass, la and cast come from the sibling modules and are redefined as arguments.
# ruff: noqa: F811
from __future__ import annotations

import html
import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ecvet.dashboard import PANEL_LIMIT, waiting_panel
from ecvet.models import Approval, LearningAgreementUnit, LearningAgreementVersion, Transcript
from ecvet.services import agreements, memoranda, transcripts
from ecvet.services import europass as europass_service
from ecvet.services.approvals import current_sha256, decide
from mobility.models import AssessmentResult, Mobility
from partners.access import get_scope
from partners.models.people import Role
from tests.factories import MembershipFactory
from tests.factories_mobility import LearnerFactory, MobilityFactory

from .support_memoranda import approve as approve_memorandum
from .support_memoranda import beauty_qualification, make_memorandum
from .test_agreements_views import la, sent_version  # noqa: F401
from .test_europass import SECTION_5A, europass  # noqa: F401
from .test_memoranda import cast, out_for_approval  # noqa: F401
from .test_transcripts import chain, make_approved_agreement, make_assessment, sent_transcript  # noqa: F401

TESTID = 'data-testid="dashboard-documents-waiting"'
ITEM = re.compile(
    r'<li class="list-group-item">\s*<span class="badge[^"]*">(?P<kind>[^<]*)</span>\s*'
    r'<a href="(?P<url>[^"]*)">(?P<title>[^<]*)</a>'
)
LA_KIND = "Learning Agreement to approve"
MEMO_KIND = "Memorandum to approve"
TRANSCRIPT_KIND = "Personal Transcript to approve"
EUROPASS_KIND = "Europass Mobility to approve"
RECOGNITION_KIND = "Recognition to record"


def panel(client_for, user) -> str | None:
    """The panel's HTML on the user's home page, or None when it is not shown."""
    response = client_for(user).get(reverse("home"))
    assert response.status_code == 200
    page = response.content.decode()
    start = page.find(TESTID)
    if start == -1:
        return None
    return page[start : page.index("</section>", start)]


def items(client_for, user) -> list[tuple[str, str]]:
    """(kind, url) of every listed document; [] when the panel is not shown."""
    return [(html.unescape(m["kind"]).strip(), m["url"]) for m in ITEM.finditer(panel(client_for, user) or "")]


def titles(client_for, user) -> list[str]:
    return [html.unescape(m["title"]).strip() for m in ITEM.finditer(panel(client_for, user) or "")]


def approve(document, user, party):
    return decide(
        document,
        party_key=party,
        by=user,
        expected_sha256=current_sha256(document),
        decision=Approval.Decision.APPROVED,
    )


def no_panel(client_for, *users) -> None:
    for user in users:
        assert panel(client_for, user) is None, user


@pytest.fixture
def signer_b(world):
    """A second signer (and mobility manager) at B."""
    return MembershipFactory(organisation=world.org_b, role=Role.PARTNER_COORDINATOR).user


@pytest.fixture
def non_signer_a(world):
    """A partner coordinator at A who manages mobilities but may not sign."""
    return MembershipFactory(organisation=world.org_a, role=Role.PARTNER_COORDINATOR, can_sign_documents=False).user


# --- Learning Agreement -------------------------------------------------------------------------------


def send_agreement(world, qualification, unit, *, learner=None) -> LearningAgreementVersion:
    """A new mobility B → A (P1) whose first Learning Agreement version partner_b sends for approval."""
    mobility = MobilityFactory(
        learner=learner or LearnerFactory(home_organisation=world.org_b),
        partnership=world.p1,
        receiving_organisation=world.org_a,
    )
    _agreement, draft = agreements.start_agreement(mobility, by=world.partner_b, qualification=qualification)
    LearningAgreementUnit.objects.create(version=draft, unit=unit, ecvet_points=1, learning_outcomes="x")
    return agreements.send_for_approval(draft, by=world.partner_b)


def test_an_agreement_waits_for_each_party_until_that_party_has_approved(
    world, mob, la, client_for, django_capture_on_commit_callbacks
):
    version = sent_version(la, world, django_capture_on_commit_callbacks)
    entry = (LA_KIND, version.agreement.get_absolute_url())
    for user in (world.learner_b, world.partner_b, world.pc_a):
        assert items(client_for, user) == [entry], user
    assert titles(client_for, world.pc_a) == ["Learning Agreement of Lina Bakker (Beta College → Alpha VET), version 1"]
    no_panel(client_for, world.mentor_b, mob.mentor_a, world.outsider, world.partner_c, world.admin)

    approve(version, world.learner_b, "learner")
    no_panel(client_for, world.learner_b)
    assert items(client_for, world.partner_b) == [entry]
    approve(version, world.partner_b, "sending")
    no_panel(client_for, world.learner_b, world.partner_b)
    assert items(client_for, world.pc_a) == [entry]
    approve(version, world.pc_a, "receiving")
    no_panel(client_for, world.learner_b, world.partner_b, world.pc_a)


def test_a_learner_sees_only_their_own_agreement(world, mob, la, client_for, django_capture_on_commit_callbacks):
    own = sent_version(la, world, django_capture_on_commit_callbacks)
    other_account = MembershipFactory(organisation=world.org_b, role=Role.LEARNER).user
    other = send_agreement(
        world, la.qualification, la.unit1, learner=LearnerFactory(home_organisation=world.org_b, user=other_account)
    )
    assert items(client_for, world.learner_b) == [(LA_KIND, own.agreement.get_absolute_url())]
    assert items(client_for, other_account) == [(LA_KIND, other.agreement.get_absolute_url())]
    assert {url for _kind, url in items(client_for, world.partner_b)} == {
        own.agreement.get_absolute_url(),
        other.agreement.get_absolute_url(),
    }


def test_a_change_proposal_is_named_as_such(world, mob, la, client_for, django_capture_on_commit_callbacks):
    from .test_agreements_views import approve_all

    approved = approve_all(sent_version(la, world, django_capture_on_commit_callbacks), world)
    proposal = agreements.propose_change(
        approved.agreement, by=world.partner_b, reason_code="timetable-conflict", reason_text="The salon closes."
    )
    agreements.send_for_approval(proposal, by=world.partner_b)
    assert items(client_for, world.pc_a) == [("Change proposal to approve", approved.agreement.get_absolute_url())]


# --- Memorandum ---------------------------------------------------------------------------------------


def test_a_memorandum_waits_for_the_signers_of_each_party_until_they_approve(world, cast, client_for, signer_b):
    memorandum = out_for_approval(world, cast)  # A and B
    entry = (MEMO_KIND, memorandum.get_absolute_url())
    for user in (world.pc_a, world.partner_b, signer_b):
        assert items(client_for, user) == [entry], user
    assert titles(client_for, world.pc_a) == ["Memorandum of Understanding “Beauty MoU”, version 1"]
    # E is in P1 but not a party; mentors, learners and other networks have nothing to sign.
    no_panel(client_for, cast["signer_e"], world.mentor_b, world.learner_b, world.outsider, world.partner_c)

    approve_memorandum(memorandum, world.partner_b, world.org_b)
    no_panel(client_for, world.partner_b, signer_b)  # B has approved: done for every signer of B
    assert items(client_for, world.pc_a) == [entry]


# --- Personal Transcript ------------------------------------------------------------------------------


def test_a_transcript_waits_for_the_hosts_signers_then_for_the_senders_recognition(
    world, mob, chain, client_for, non_signer_a
):
    transcript = sent_transcript(world, chain)
    url = transcript.get_absolute_url()
    assert items(client_for, world.pc_a) == [(TRANSCRIPT_KIND, url)]
    assert titles(client_for, world.pc_a) == ["Personal Transcript of Lina Bakker (Alpha VET)"]
    # The sending side, the mentor, the learner and a manager of the host without the signing right: nothing yet.
    no_panel(client_for, world.partner_b, mob.mentor_a, world.learner_b, non_signer_a, world.outsider)

    approve(transcript, world.pc_a, "receiving")
    no_panel(client_for, world.pc_a, non_signer_a)  # A is the host: recognition is B's task
    assert items(client_for, world.partner_b) == [(RECOGNITION_KIND, url)]
    no_panel(client_for, world.learner_b, world.mentor_b, mob.mentor_a)

    transcripts.record_recognition(
        Transcript.objects.get(pk=transcript.pk),
        by=world.partner_b,
        decision=Transcript.Decision.PARTLY,
        decided_on=date(2021, 7, 1),
        how_it_counts="Counts as FAC",
    )
    no_panel(client_for, world.partner_b)


def test_recognition_is_asked_of_mobility_managers_of_a_completed_mobility_only(world, mob, chain, client_for):
    signer_only_b = MembershipFactory(
        organisation=world.org_b, role=Role.PARTNER_COORDINATOR, can_manage_mobilities=False
    ).user
    manager_b = MembershipFactory(
        organisation=world.org_b, role=Role.PARTNER_COORDINATOR, can_sign_documents=False
    ).user
    transcript = sent_transcript(world, chain)
    approve(transcript, world.pc_a, "receiving")
    entry = (RECOGNITION_KIND, transcript.get_absolute_url())
    assert items(client_for, manager_b) == [entry]
    no_panel(client_for, signer_only_b)
    Mobility.objects.filter(pk=chain.pk).update(status=Mobility.Status.IN_MOBILITY)
    no_panel(client_for, world.partner_b, manager_b)
    Mobility.objects.filter(pk=chain.pk).update(status=Mobility.Status.COMPLETED)
    assert items(client_for, world.partner_b) == [entry]


# --- Europass Mobility --------------------------------------------------------------------------------


def test_a_europass_waits_for_both_organisations_until_each_has_approved(world, mob, europass, client_for, signer_b):
    europass_service.update_host(europass, SECTION_5A, by=world.pc_a)
    sent = europass_service.send_for_approval(europass, by=world.partner_b)
    entry = (EUROPASS_KIND, sent.get_absolute_url())
    for user in (world.pc_a, world.partner_b, signer_b):
        assert items(client_for, user) == [entry], user
    assert titles(client_for, world.pc_a) == ["Europass Mobility of Lina Bakker (Alpha VET)"]
    no_panel(client_for, mob.mentor_a, world.mentor_b, world.learner_b, world.outsider, world.partner_c)

    approve(sent, world.partner_b, "sending")
    no_panel(client_for, world.partner_b, signer_b)
    assert items(client_for, world.pc_a) == [entry]
    approve(sent, world.pc_a, "receiving")
    no_panel(client_for, world.pc_a)


# --- every kind at once, the cap and the query count ---------------------------------------------------


def add_documents(world, qualification, n: int) -> None:
    """n times: one document of each kind waiting for pc_a (signer and mobility manager at A), and a
    memorandum pc_a has already approved."""
    unit = qualification.units.order_by("reference").first()
    achieved = [("", AssessmentResult.Result.ACHIEVED)]
    for i in range(n):
        # B sends, A hosts, completed: an agreement, a transcript and a Europass Mobility await A.
        version = send_agreement(world, qualification, unit)
        incoming = version.agreement.mobility
        Mobility.objects.filter(pk=incoming.pk).update(status=Mobility.Status.COMPLETED)
        incoming.refresh_from_db()
        # Its transcript needs a Learning Agreement in force: another version, approved directly (the one sent
        # above still waits for A).
        LearningAgreementVersion.objects.create(
            agreement=version.agreement, number=version.number + 1, status=LearningAgreementVersion.Status.APPROVED
        )
        make_assessment(incoming, world.pc_a, achieved)
        transcripts.send_for_approval(transcripts.build_transcript(incoming, by=world.pc_a), by=world.pc_a)
        ep = europass_service.start_europass(incoming, by=world.partner_b)
        europass_service.update_host(ep, SECTION_5A, by=world.pc_a)
        europass_service.send_for_approval(ep, by=world.partner_b)
        # A sends, B hosts and has approved the transcript: A records the recognition.
        outgoing = MobilityFactory(
            learner=LearnerFactory(home_organisation=world.org_a),
            partnership=world.p1,
            receiving_organisation=world.org_b,
        )
        Mobility.objects.filter(pk=outgoing.pk).update(status=Mobility.Status.COMPLETED)
        outgoing.refresh_from_db()
        make_approved_agreement(outgoing, qualification)
        make_assessment(outgoing, world.mentor_b, achieved)
        built = transcripts.build_transcript(outgoing, by=world.partner_b)
        approve(transcripts.send_for_approval(built, by=world.partner_b), world.partner_b, "receiving")
        # Two memoranda between A and B: one waits, A has approved the other.
        _waiting, approved_by_a = (
            memoranda.send_for_approval(
                make_memorandum(
                    partnership=world.p1,
                    organisations=[world.org_a, world.org_b],
                    qualifications=[qualification],
                    title=title,
                ),
                by=world.pc_a,
            )
            for title in (f"MoU {i}", f"MoU {i} approved by A")
        )
        approve_memorandum(approved_by_a, world.pc_a, world.org_a)


ALL_KINDS = {LA_KIND, MEMO_KIND, TRANSCRIPT_KIND, EUROPASS_KIND, RECOGNITION_KIND}


def test_every_kind_appears_for_the_right_people(world, mob, client_for, signer_b, non_signer_a):
    add_documents(world, beauty_qualification(world.org_b), 1)
    assert {kind for kind, _url in items(client_for, world.pc_a)} == ALL_KINDS
    assert len(items(client_for, world.pc_a)) == 5  # the memorandum A approved is not listed
    # B signs the agreement, both memoranda and the Europass; A hosts the awaiting transcript, A records.
    assert sorted(kind for kind, _url in items(client_for, world.partner_b)) == sorted(
        [LA_KIND, MEMO_KIND, MEMO_KIND, EUROPASS_KIND]
    )
    # Managing mobilities without the signing right: only the recognition task, never an approval.
    assert [kind for kind, _url in items(client_for, non_signer_a)] == [RECOGNITION_KIND]
    no_panel(client_for, world.mentor_b, world.learner_b, world.outsider, world.partner_c, world.admin)


def test_the_panel_lists_the_ten_oldest_and_gives_the_total(world, mob, la, client_for):
    start = timezone.now() - timedelta(days=30)
    versions = []
    for i in range(PANEL_LIMIT + 2):
        version = send_agreement(world, la.qualification, la.unit1)
        LearningAgreementVersion.objects.filter(pk=version.pk).update(sent_at=start + timedelta(hours=i))
        versions.append(version)
    section = panel(client_for, world.pc_a)
    assert "12 documents wait for you." in section
    assert "The 10 oldest are listed." in section
    assert [url for _kind, url in items(client_for, world.pc_a)] == [
        v.agreement.get_absolute_url() for v in versions[:PANEL_LIMIT]
    ]


def test_a_single_document_is_counted_without_the_oldest_note(world, mob, la, client_for):
    send_agreement(world, la.qualification, la.unit1)
    section = panel(client_for, world.pc_a)
    assert "1 document waits for you." in section
    assert "oldest are listed" not in section


def test_the_panel_runs_a_fixed_number_of_queries_for_few_and_many_documents_of_every_kind(world, mob):
    qualification = beauty_qualification(world.org_b)
    request = RequestFactory().get("/")
    request.user = world.pc_a
    scope = get_scope(world.pc_a)
    add_documents(world, qualification, 1)
    waiting_panel(request, scope)  # content types are cached from here on
    with CaptureQueriesContext(connection) as few:
        small = waiting_panel(request, scope)
    add_documents(world, qualification, 3)
    with CaptureQueriesContext(connection) as many:
        big = waiting_panel(request, scope)
    assert len(few) == len(many) <= 7
    assert small["count"] == 5 and {item["kind"] for item in small["items"]} == ALL_KINDS
    assert big["count"] == 20 and len(big["items"]) == PANEL_LIMIT
    assert all(item["title"] for item in big["items"])


def test_every_document_sent_for_approval_keeps_the_hash_of_its_frozen_content(world, mob):
    """The "waiting" list compares approvals with the stored hash in SQL: it must be the frozen content's."""
    from documents.canonical import content_sha256
    from ecvet.models import EuropassMobility, Memorandum

    add_documents(world, beauty_qualification(world.org_b), 1)
    documents = [
        *LearningAgreementVersion.objects.exclude(frozen_content=None),
        *Memorandum.objects.exclude(frozen_content=None),
        *Transcript.objects.exclude(frozen_content=None),
        *EuropassMobility.objects.exclude(frozen_content=None),
    ]
    assert {type(d).__name__ for d in documents} == {
        "LearningAgreementVersion",
        "Memorandum",
        "Transcript",
        "EuropassMobility",
    }
    for document in documents:
        assert document.content_sha256 == content_sha256(document.frozen_content), document


def test_the_waiting_documents_carry_their_real_titles_and_links(world, mob):
    """Each document is rebuilt from the candidates' query, not read again: its title and link must be those of
    the document itself, for every kind."""
    from ecvet.dashboard import waiting_documents
    from ecvet.services.approvals import kind_of

    add_documents(world, beauty_qualification(world.org_b), 1)
    approvals, to_recognise = waiting_documents(world.pc_a, 100)
    kinds = set()
    for item in approvals + to_recognise:
        real = type(item.document).objects.get(pk=item.document.pk)
        kinds.add(type(real).__name__)
        assert kind_of(item.document).title(item.document) == kind_of(real).title(real)
        page = real.agreement if isinstance(real, LearningAgreementVersion) else real
        assert item.url == page.get_absolute_url()
    assert kinds == {"LearningAgreementVersion", "Memorandum", "Transcript", "EuropassMobility"}
