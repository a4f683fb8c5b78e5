"""The Learning Agreement demo data: one agreement in each state, made through the services, idempotent,
and leaving the two demo learners' mobilities as the browser tests need them."""

from collections import Counter
from datetime import UTC, datetime

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from demo import ecvet_agreements as demo_agreements
from ecvet.models import Approval, LearningAgreement, LearningAgreementVersion
from ecvet.services.approvals import current_sha256, state
from mobility.models import LearnerReport, MentorAssessment, Mobility
from partners.models import User

pytestmark = pytest.mark.django_db

TODAY = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
V = LearningAgreementVersion.Status
S = Mobility.Status


def agreement_of(last_name):
    return LearningAgreement.objects.get(mobility__learner__last_name=last_name)


def statuses(agreement):
    return [v.status for v in agreement.versions.order_by("number")]


def test_demo_has_agreements_in_each_state(demo):
    assert statuses(agreement_of("Vaitkus")) == [V.DRAFT]
    assert statuses(agreement_of("Ricci")) == [V.AWAITING]
    assert statuses(agreement_of("Nieminen")) == [V.AWAITING]
    assert statuses(agreement_of("Kazlauskaitė")) == [V.APPROVED, V.AWAITING]
    assert all(v.units.exists() for v in LearningAgreementVersion.objects.all())


def test_awaiting_agreements_have_some_parties_approved_and_the_learner_without_account_is_missing(demo):
    ricci = agreement_of("Ricci").versions.get()
    assert state(ricci)["approved"] == {"sending"}
    onni = agreement_of("Nieminen").versions.get()
    waiting = state(onni)["waiting_for"]
    assert [p.key for p in waiting] == ["learner"] and waiting[0].user_id == -1


def test_egle_approved_her_agreement_and_a_change_proposal_waits(demo):
    egle = agreement_of("Kazlauskaitė")
    approved, proposal = egle.versions.order_by("number")
    assert state(approved)["approved"] == {"learner", "sending", "receiving"}
    assert approved.approvals.get(party="learner").signer_email == "learner@kmpmc.example"
    assert proposal.based_on == approved and proposal.reason_code == "extending-mobility"
    assert proposal.content_sha256 == current_sha256(proposal)
    assert state(proposal)["approved"] == {"sending"}
    assert egle.mobility.status == S.IN_MOBILITY
    assert egle.mobility.assessment_items.filter(source="learning_agreement").exists()


def test_the_learner_accounts_mobilities_stay_as_the_browser_tests_need_them(demo):
    lotte = Mobility.objects.get(learner__user__email="learner@nova.example")
    # Her stay is over and her mentor's assessment is a draft, so she is still "in mobility" (state follows
    # documents); her Learning Agreement is in force, as every agreed (or later) mobility's is.
    assert lotte.status == S.IN_MOBILITY
    assert LearningAgreement.objects.get(mobility=lotte).versions.get().status == V.APPROVED
    assert lotte.assessments.get().status == MentorAssessment.Status.DRAFT
    assert not LearnerReport.objects.filter(mobility=lotte).exists()
    assert Mobility.objects.get(learner__user__email="learner@kmpmc.example").status == S.IN_MOBILITY
    counts = Counter(Mobility.objects.values_list("status", flat=True))
    assert counts[S.PLANNED] == 3 and counts[S.AGREED] == 3


def test_a_second_run_creates_nothing(demo):
    before = (LearningAgreementVersion.objects.count(), Approval.objects.count())
    with time_machine.travel(datetime(2027, 1, 15, 9, 0, tzinfo=UTC), tick=False):
        assert demo_agreements.seed() == 0
        call_command("seed_demo", verbosity=0)
    assert (LearningAgreementVersion.objects.count(), Approval.objects.count()) == before


@pytest.mark.parametrize("mentor", ["mentor@essenia.example", "mentor@savo.example"])
def test_a_demo_mentor_gets_no_json_export_link_and_a_coordinator_does(demo, client, mentor):
    agreements = list(LearningAgreement.objects.filter(mobility__mentor__email=mentor))
    assert agreements
    for agreement in agreements:
        version = agreement.versions.order_by("-number").first()
        json_url = reverse("ecvet:agreement_json", kwargs={"code": version.code})
        client.force_login(User.objects.get(email=mentor))
        page = client.get(agreement.get_absolute_url())
        assert page.status_code == 200 and json_url not in page.content.decode()
        client.force_login(User.objects.get(email="coordinator@kmpmc.example"))
        page = client.get(agreement.get_absolute_url())
        assert json_url in page.content.decode()
        assert client.get(json_url).status_code == 200
