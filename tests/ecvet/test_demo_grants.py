"""The participant grant agreement demo data (demo/ecvet_grants.py): one signed and partly paid, one waiting for
the learner's own approval, one draft that says what it misses; made through the services, idempotent."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse

from demo import ecvet_grants
from ecvet.models import GrantAgreement, GrantPayment
from ecvet.services import approvals, grants
from partners import workflow
from partners.models import User

pytestmark = pytest.mark.django_db

TODAY = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
G = GrantAgreement.Status


def agreement_of(last_name) -> GrantAgreement:
    return GrantAgreement.objects.select_related("mobility__learner").get(mobility__learner__last_name=last_name)


def test_the_demo_has_one_agreement_in_each_state_as_its_users_need_it(demo, client):
    """Seeding takes a while: one test reads every state (each assertion names what it checks)."""
    lotte, egle, emma = agreement_of("Jansen"), agreement_of("Kazlauskaitė"), agreement_of("Visser")
    assert {a.mobility.partnership.project_number for a in (lotte, egle, emma)} == {ecvet_grants.CURRENT_PROJECT_NUMBER}
    assert (lotte.status, egle.status, emma.status) == (G.APPROVED, G.AWAITING, G.DRAFT)

    # Signed: the pre-financing is paid, the balance is open.
    state = grants.payment_state(lotte)
    assert list(GrantPayment.objects.filter(agreement=lotte).values_list("kind", "amount")) == [
        (GrantPayment.Kind.PREFINANCING, state.prefinancing)
    ]
    assert state.received == state.prefinancing > 0
    assert state.outstanding == state.payable - state.prefinancing > 0

    # Sent: the school has approved; the learner's demo account has it in "Waiting for you".
    assert [p.key for p in approvals.state(egle)["waiting_for"]] == ["learner"]
    client.force_login(User.objects.get(email="learner@kmpmc.example"))
    with time_machine.travel(TODAY, tick=False):
        page = client.get(reverse("partners:waiting"))
    assert egle.get_absolute_url() in page.content.decode()

    # Draft: mixed support, and the page says what is missing before it can be sent.
    assert emma.support == GrantAgreement.Support.MIXED
    missing = [m.message for m in workflow.missing_facts(emma, "send_for_approval")]
    assert any("account" in message for message in missing)


def test_seeding_the_grant_demo_again_creates_nothing(demo):
    before = GrantAgreement.objects.count()
    with time_machine.travel(TODAY, tick=False):
        assert ecvet_grants.seed() == 0
    assert GrantAgreement.objects.count() == before == 3
