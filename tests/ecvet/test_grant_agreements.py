"""The participant's grant agreement (issue 14, point 3): its content and amounts, sending, approval by the learner
and the sending organisation, amendment, payments, the EU participant report, its pages and its sealed PDF.

m_b_to_a (tests/mobility/conftest.py): B (Haarlem, NL) sends learner_b's mobility (Lina Bakker, 2021-04-12 to
2021-05-09: 28 days of activity + 2 travel days) to A (Kaunas, LT); mentor_a mentors at A. partner_b manages
mobilities and signs for B; pc_a signs for A, the host. With the cities' coordinates (`located`) P1 prices it with
the seeded 2019 KA2 rules: 1295 km → travel EUR 275, individual support 14 × 55 + 16 × 40 = EUR 1410, total 1685.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, override

from documents import signing
from documents.access import filename
from documents.models import RenderedDocument
from documents.services import produce, verification_status
from ecvet.models import Approval, GrantAgreement, GrantPayment
from ecvet.services import approvals
from ecvet.services import grants as service
from funding.models import DailyRate, RuleSet
from mobility.models import ChecklistItem, Mobility
from mobility.models.checklists import ChainEvent
from partners import workflow
from partners.models import AuditEntry, Partnership, StatusChange
from tests.documents.support import pdf_text
from tests.factories import PartnershipFactory
from tests.factories_mobility import ChecklistItemFactory, LearnerFactory, MobilityFactory

from .support_memoranda import mark_recently_authenticated

pytestmark = pytest.mark.django_db

G = GrantAgreement.Status
K = GrantPayment.Kind
D = Decimal
TZ = timezone.get_default_timezone()
START = date(2021, 4, 12)  # m_b_to_a's first day


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=TZ)


def on(day: date):
    """Freeze the clock at 10:00 (Brussels) that day."""
    return time_machine.travel(at(day), tick=False)


SIGNED = date(2021, 3, 1)  # the day both parties approve in the `approved` fixture


def fresh(agreement) -> GrantAgreement:
    return GrantAgreement.objects.get(pk=agreement.pk)


def approve(agreement, user, party: str) -> Approval:
    agreement = fresh(agreement)
    return approvals.decide(
        agreement,
        party_key=party,
        by=user,
        expected_sha256=approvals.current_sha256(agreement),
        decision=Approval.Decision.APPROVED,
    )


def approve_both(world, agreement) -> GrantAgreement:
    approve(agreement, world.learner_b, "learner")
    approve(agreement, world.partner_b, "sending")
    return fresh(agreement)


def url(name: str, agreement) -> str:
    return reverse(f"ecvet:{name}", kwargs={"code": agreement.code})


def field_errors(excinfo) -> dict:
    return excinfo.value.message_dict


@pytest.fixture
def agreement(world, mob, located) -> GrantAgreement:
    """The draft agreement of m_b_to_a, started by the sending side."""
    return service.start_grant_agreement(mob.m_b_to_a, by=world.partner_b)


@pytest.fixture
def sent(world, agreement) -> GrantAgreement:
    with on(SIGNED - timedelta(days=1)):
        return service.send_for_approval(agreement, by=world.partner_b)


@pytest.fixture
def approved(world, sent) -> GrantAgreement:
    with on(SIGNED):
        return approve_both(world, sent)


def pay(world, agreement, kind, amount, paid_on, today):
    with on(today):
        return service.record_payment(
            fresh(agreement), kind=kind, amount=D(amount), paid_on=paid_on, by=world.partner_b
        )


def report(world, agreement, requested_on, submitted_on, today):
    with on(today):
        return service.record_report(
            fresh(agreement), requested_on=requested_on, submitted_on=submitted_on, by=world.partner_b
        )


# --- content and amounts -----------------------------------------------------------------------------------


def test_a_financial_agreement_pays_the_whole_grant_to_the_participant(world, agreement):
    content = service.grant_content(agreement)
    assert [line["category"] for line in content["grant"]["lines"]] == ["travel", "indiv_support"]
    assert [line["amount"] for line in content["grant"]["lines"]] == [D("275.00"), D("1410.00")]
    assert content["participant"]["name"] == "Lina Bakker"
    assert content["organisation"]["name"] == world.org_b.legal_name
    assert service.agreed(agreement) == {
        "total": D("1685.00"),
        "in_kind": D("0.00"),
        "payable": D("1685.00"),
        "prefinancing": D("1348.00"),  # 80 % by default
        "balance": D("337.00"),
    }


@pytest.fixture
def ka1_mobility(world):
    """A KA122-VET project of call 2021 (organisational support and inclusion support for organisations, as KA1
    budgets have them), B sending a learner with fewer opportunities to A, with EUR 120 of real inclusion costs.
    The guide's 2021 rules get a learner rate of EUR 50 a day, as an administrator enters the agency's rate."""
    guide = RuleSet.objects.get(scheme="mobility", from_call_year=2021, national_agency="")
    DailyRate.objects.create(rule_set=guide, participant="learner", country_group=0, from_day=1, amount_per_day=D("50"))
    project = PartnershipFactory(
        slug="ka1",
        acronym="PKA1",
        project_number="2021-1-NL01-KA122-VET-000123",
        call_year=2021,
        key_action=Partnership.KeyAction.KA1,
        action=Partnership.Action.KA122_VET,
        coordinator=world.org_b,
        partners=[world.org_a],
    )
    learner = LearnerFactory(home_organisation=world.org_b, fewer_opportunities=True)
    return MobilityFactory(
        learner=learner,
        partnership=project,
        receiving_organisation=world.org_a,
        inclusion_support_costs=D("120"),
    )


def test_the_agreement_leaves_out_the_organisations_support(world, located, ka1_mobility):
    mobility_grant = service.participant_grant(ka1_mobility)
    assert {line.category for line in mobility_grant.lines} == {
        "org_support",
        "travel",
        "indiv_support",
        "inclusion_org",
        "inclusion_part",
    }
    agreement = service.start_grant_agreement(ka1_mobility, by=world.partner_b)
    lines = service.grant_content(agreement)["grant"]["lines"]
    assert [(line["category"], line["amount"]) for line in lines] == [
        ("travel", D("275.00")),
        ("indiv_support", D("1500.00")),  # 28 + 2 days × EUR 50
        ("inclusion_part", D("120.00")),
    ]
    assert service.agreed(agreement)["total"] == D("1895.00")


@pytest.mark.parametrize(
    ("support", "in_kind_value", "expected"),
    [
        # Part of it in kind: the rest is paid, 80 % of it up front.
        ("mixed", "500.00", ("500.00", "1185.00", "948.00", "237.00")),
        # More in kind than the grant: the value is capped at the total and nothing is paid.
        ("mixed", "5000.00", ("1685.00", "0.00", "0.00", "0.00")),
        # All in kind, whatever value was entered.
        ("in_kind", "0.00", ("1685.00", "0.00", "0.00", "0.00")),
    ],
    ids=["mixed", "mixed-above-the-total", "in-kind"],
)
def test_support_in_kind_is_taken_off_what_is_paid(world, agreement, support, in_kind_value, expected):
    terms = {"support": support, "in_kind_description": "The return flight", "in_kind_value": D(in_kind_value)}
    agreement = service.update_terms(agreement, terms, by=world.partner_b)
    in_kind, payable, prefinancing, balance = (D(v) for v in expected)
    assert service.agreed(agreement) == {
        "total": D("1685.00"),
        "in_kind": in_kind,
        "payable": payable,
        "prefinancing": prefinancing,
        "balance": balance,
    }


@pytest.mark.parametrize(
    ("in_kind_value", "percent", "prefinancing", "balance"),
    [
        ("0.05", 70, "1179.47", "505.48"),  # 1684.95 × 70 % = 1179.465: half up
        ("0.01", 80, "1347.99", "337.00"),  # 1684.99 × 80 % = 1347.992
        ("0.00", 73, "1230.05", "454.95"),
    ],
)
def test_the_prefinancing_is_rounded_to_the_cent_and_the_balance_takes_the_rest(
    world, agreement, in_kind_value, percent, prefinancing, balance
):
    terms = {
        "support": "mixed",
        "in_kind_description": "A bus ticket",
        "in_kind_value": D(in_kind_value),
        "prefinancing_percent": percent,
    }
    money = service.agreed(service.update_terms(agreement, terms, by=world.partner_b))
    assert (money["prefinancing"], money["balance"]) == (D(prefinancing), D(balance))
    assert money["prefinancing"] + money["balance"] == money["payable"] == D("1685.00") - D(in_kind_value)


@pytest.mark.parametrize(
    ("learner_language", "expected"),
    [("en", ["en", "nl"]), ("nl", ["en", "nl"]), ("lt", ["en", "nl", "lt"])],
)
def test_the_agreement_is_in_english_the_senders_language_and_the_learners_own(world, mob, learner_language, expected):
    world.learner_b.language = learner_language
    world.learner_b.save(update_fields=["language"])
    assert service.languages_of(Mobility.objects.get(pk=mob.m_b_to_a.pk)) == expected


def test_a_learners_language_the_portal_does_not_offer_is_left_out(world, mob):
    type(world.learner_b).objects.filter(pk=world.learner_b.pk).update(language="de")
    assert service.languages_of(Mobility.objects.get(pk=mob.m_b_to_a.pk)) == ["en", "nl"]


def test_a_learner_without_an_account_reads_english_and_the_senders_language(mob):
    # m_a_to_b: A (Lithuanian) sends learner_a1, who has no account.
    assert service.languages_of(mob.m_a_to_b) == ["en", "lt"]


def test_each_line_is_worked_out_in_each_language_of_the_agreement(world, agreement):
    world.learner_b.language = "lt"
    world.learner_b.save(update_fields=["language"])
    travel, support = service.grant_content(fresh(agreement))["grant"]["lines"]
    with override("nl"):
        dutch = gettext("%(band)s, standard travel: %(amount)s")
    assert dutch != "%(band)s, standard travel: %(amount)s"  # the catalogue has it
    assert travel["working"] == {
        "en": "500–1999 km, standard travel: EUR 275.00",
        "nl": dutch % {"band": "500–1999 km", "amount": "EUR 275.00"},
        "lt": travel["working"]["lt"],
    }
    assert len(set(travel["working"].values())) == 3
    assert set(support["working"]) == {"en", "nl", "lt"}


def test_a_language_without_its_own_wording_repeats_nothing(world, agreement, settings):
    # A language the portal offers but has no catalogue for reads English: its working is not written twice.
    settings.LANGUAGES = [*settings.LANGUAGES, ("de", "German")]
    type(world.learner_b).objects.filter(pk=world.learner_b.pk).update(language="de")
    content = service.grant_content(fresh(agreement))
    assert content["languages"] == ["en", "nl", "de"]
    for line in content["grant"]["lines"]:
        assert set(line["working"]) == {"en", "nl"}


# --- sending -----------------------------------------------------------------------------------------------


def test_an_agreement_whose_grant_cannot_be_computed_is_not_sent(world, mob, client_for):
    # No `located`: the cities have no coordinates, so the distance (and travel) is unknown.
    agreement = service.start_grant_agreement(mob.m_b_to_a, by=world.partner_b)
    with pytest.raises(workflow.Refused, match="The distance is unknown") as excinfo:
        service.send_for_approval(agreement, by=world.partner_b)
    assert [m.url for m in excinfo.value.missing] == [mob.m_b_to_a.get_absolute_url()]
    assert (fresh(agreement).status, fresh(agreement).frozen_content) == (G.DRAFT, None)
    page = client_for(world.partner_b).get(agreement.get_absolute_url())
    assert "The distance is unknown" in page.content.decode()
    assert url("grant_send", agreement) not in page.content.decode()  # no button to send it


def test_an_agreement_for_a_learner_without_an_account_is_not_sent(world, mob, located):
    agreement = service.start_grant_agreement(mob.m_a_to_b, by=world.pc_a)
    with pytest.raises(ValidationError, match="The learner has no account"):
        service.send_for_approval(agreement, by=world.pc_a)
    assert fresh(agreement).status == G.DRAFT


def test_support_in_kind_without_a_description_is_not_sent(world, agreement):
    service.update_terms(agreement, {"support": "in_kind", "in_kind_description": "  "}, by=world.partner_b)
    with pytest.raises(ValidationError, match="Say what the organisation provides in kind"):
        service.send_for_approval(fresh(agreement), by=world.partner_b)
    assert fresh(agreement).status == G.DRAFT


def test_the_agreement_of_a_cancelled_mobility_is_not_sent(world, mob, agreement):
    Mobility.objects.filter(pk=mob.m_b_to_a.pk).update(status=Mobility.Status.CANCELLED)
    with pytest.raises(ValidationError, match="The mobility is cancelled"):
        service.send_for_approval(fresh(agreement), by=world.partner_b)
    assert fresh(agreement).status == G.DRAFT


def test_a_cancelled_mobility_gets_no_agreement(world, mob, located):
    Mobility.objects.filter(pk=mob.m_b_to_a.pk).update(status=Mobility.Status.CANCELLED)
    with pytest.raises(ValidationError, match="cancelled"):
        service.start_grant_agreement(Mobility.objects.get(pk=mob.m_b_to_a.pk), by=world.partner_b)
    assert not GrantAgreement.objects.exists()


def test_sending_freezes_the_content_and_a_later_change_of_the_mobility_is_reported(world, mob, sent, client_for):
    assert sent.status == G.AWAITING
    frozen = fresh(sent).frozen_content
    assert D(frozen["grant"]["total"]) == D("1685.00")
    assert approvals.current_sha256(fresh(sent)) == approvals.state(fresh(sent))["sha256"]
    assert service.live_total_differs(fresh(sent)) is None
    # A week longer: 35 days of activity + 2 of travel = 14 × 55 + 23 × 40 + 275 = 1965.
    Mobility.objects.filter(pk=mob.m_b_to_a.pk).update(end_date=date(2021, 5, 16))
    agreement = fresh(sent)
    assert approvals.document_content(agreement) == frozen
    assert service.agreed(agreement)["total"] == D("1685.00")
    assert service.live_total_differs(agreement) == (D("1685.00"), D("1965.00"))
    page = client_for(world.partner_b).get(agreement.get_absolute_url()).content.decode()
    assert "EUR 1685.00 agreed, EUR 1965.00 now" in page


def test_a_draft_follows_the_mobility(world, mob, agreement):
    Mobility.objects.filter(pk=mob.m_b_to_a.pk).update(end_date=date(2021, 5, 16))
    agreement = fresh(agreement)
    assert service.agreed(agreement)["total"] == D("1965.00")
    assert service.live_total_differs(agreement) is None


def test_only_a_draft_is_edited(world, sent, client_for):
    with pytest.raises(ValidationError, match="cannot be edited"):
        service.update_terms(fresh(sent), {"prefinancing_percent": 100}, by=world.partner_b)
    response = client_for(world.partner_b).post(
        url("grant_edit", sent), {"support": "financial", "prefinancing_percent": 100}, follow=True
    )
    assert "Only a draft can be edited" in response.content.decode()
    assert fresh(sent).prefinancing_percent == 80


def test_editing_changes_the_terms_and_nothing_else(world, agreement, client_for):
    response = client_for(world.partner_b).post(
        url("grant_edit", agreement),
        {
            "support": "mixed",
            "in_kind_description": "The return flight",
            "in_kind_value": "300.00",
            "prefinancing_percent": "90",
            # Not terms: ignored.
            "status": "approved",
            "version": "7",
            "report_submitted_on": "2021-05-20",
        },
    )
    assert response.status_code == 302
    stored = fresh(agreement)
    assert (stored.support, stored.in_kind_value, stored.prefinancing_percent) == ("mixed", D("300.00"), 90)
    assert (stored.status, stored.version, stored.report_submitted_on) == (G.DRAFT, 1, None)
    entry = AuditEntry.objects.get(object_code=str(agreement.code), verb=AuditEntry.Verb.UPDATED)
    assert sorted(entry.details["fields"]) == sorted(
        ["support", "in_kind_description", "in_kind_value", "prefinancing_percent"]
    )


def test_the_service_ignores_anything_but_the_terms(world, agreement):
    service.update_terms(
        agreement,
        {"prefinancing_percent": 70, "status": G.APPROVED, "version": 5, "frozen_content": {"forged": True}},
        by=world.partner_b,
    )
    stored = fresh(agreement)
    assert (stored.prefinancing_percent, stored.status, stored.version, stored.frozen_content) == (70, G.DRAFT, 1, None)


def test_a_pre_financing_share_outside_70_to_100_percent_is_refused(world, agreement):
    with pytest.raises(ValidationError) as excinfo:
        service.update_terms(agreement, {"prefinancing_percent": 60}, by=world.partner_b)
    assert "prefinancing_percent" in field_errors(excinfo)
    assert fresh(agreement).prefinancing_percent == 80


# --- approval ----------------------------------------------------------------------------------------------


@pytest.fixture
def grant_item(mob) -> ChecklistItem:
    """A checklist item that the partnership ties to the signed grant agreement."""
    return ChecklistItemFactory(
        mobility=mob.m_b_to_a, title="Grant agreement signed", chain_event=ChainEvent.GRANT_AGREEMENT_SIGNED
    )


def test_the_learner_and_the_sending_organisation_approve_it(world, sent, grant_item, settings):
    settings.VISION_PDF_ON_APPROVAL = True
    approve(sent, world.learner_b, "learner")
    assert fresh(sent).status == G.AWAITING
    assert [p.key for p in approvals.state(fresh(sent))["waiting_for"]] == ["sending"]
    assert not RenderedDocument.objects.exists()

    approve(sent, world.partner_b, "sending")
    agreement = fresh(sent)
    assert agreement.status == G.APPROVED
    assert [(c.transition, c.from_state, c.to_state) for c in agreement.state_history()] == [
        ("send_for_approval", G.DRAFT, G.AWAITING),
        ("approve", G.AWAITING, G.APPROVED),
    ]
    assert StatusChange.objects.filter(object_id=agreement.pk, to_state=G.APPROVED).count() == 1
    # The checklist follows the chain: the item is ticked with the agreement as its evidence.
    grant_item.refresh_from_db()
    assert grant_item.is_done and grant_item.done_automatically
    assert grant_item.evidence_url == agreement.get_absolute_url()
    assert grant_item.done_by == world.partner_b
    assert AuditEntry.objects.filter(object_code=str(grant_item.code), details__chain_event="grant_signed").exists()
    # The portal seals it: one PDF row for this content, waiting for the worker.
    row = RenderedDocument.objects.get()
    assert row.document == agreement and row.status == RenderedDocument.Status.QUEUED
    assert row.content_sha256 == approvals.current_sha256(agreement)
    assert row.mobility == agreement.mobility


def test_without_pdf_on_approval_no_pdf_is_requested(world, sent, settings):
    settings.VISION_PDF_ON_APPROVAL = False
    assert approve_both(world, sent).status == G.APPROVED
    assert not RenderedDocument.objects.exists()


def test_a_refusal_with_a_reason_puts_it_back_in_draft(world, sent, client_for):
    approvals.decide(
        fresh(sent),
        party_key="learner",
        by=world.learner_b,
        expected_sha256=approvals.current_sha256(fresh(sent)),
        decision=Approval.Decision.REFUSED,
        comment="My stay is one week longer",
    )
    agreement = fresh(sent)
    assert (agreement.status, agreement.frozen_content) == (G.DRAFT, None)
    last = list(agreement.state_history())[-1]
    assert (last.transition, last.to_state, last.reason) == ("refuse", G.DRAFT, "My stay is one week longer")
    page = client_for(world.partner_b).get(agreement.get_absolute_url()).content.decode()
    assert "My stay is one week longer" in page


@pytest.mark.parametrize("party", ["sending", "learner"])
def test_the_hosts_signer_cannot_decide(world, sent, party):
    with pytest.raises(PermissionDenied):
        approve(sent, world.pc_a, party)  # pc_a signs for A, the host
    assert not Approval.objects.exists()
    assert fresh(sent).status == G.AWAITING


@pytest.mark.parametrize("party", ["sending", "learner"])
def test_the_mentor_cannot_decide(world, mob, sent, party):
    with pytest.raises(PermissionDenied):
        approve(sent, mob.mentor_a, party)
    assert not Approval.objects.exists()


def test_the_sending_organisations_signer_cannot_approve_for_the_learner(world, sent):
    with pytest.raises(PermissionDenied):
        approve(sent, world.partner_b, "learner")
    assert not Approval.objects.exists()


# --- amendment ---------------------------------------------------------------------------------------------


def test_an_amendment_reopens_it_as_version_2_and_needs_new_approvals(world, mob, approved, settings):
    settings.VISION_PDF_ON_APPROVAL = True
    row = RenderedDocument.objects.get()
    assert verification_status(row) == "valid"

    agreement = service.amend(approved, by=world.partner_b, reason="The stay is a week longer")
    agreement = fresh(agreement)
    assert (agreement.status, agreement.version, agreement.frozen_content) == (G.DRAFT, 2, None)
    last = list(agreement.state_history())[-1]
    assert (last.transition, last.from_state, last.to_state) == ("amend", G.APPROVED, G.DRAFT)
    assert (last.by, last.reason) == (world.partner_b, "The stay is a week longer")
    # The approvals of version 1 stay on record; they do not approve version 2.
    assert Approval.objects.filter(decision=Approval.Decision.APPROVED).count() == 2
    assert approvals.state(agreement)["approved"] == set()
    assert verification_status(RenderedDocument.objects.get(pk=row.pk)) == "superseded"

    Mobility.objects.filter(pk=mob.m_b_to_a.pk).update(end_date=date(2021, 5, 16))
    agreement = service.send_for_approval(fresh(agreement), by=world.partner_b)
    agreement = fresh(agreement)
    assert agreement.frozen_content["version"] == 2
    assert D(agreement.frozen_content["grant"]["total"]) == D("1965.00")
    assert {p.key for p in approvals.state(agreement)["waiting_for"]} == {"learner", "sending"}
    assert approve_both(world, agreement).status == G.APPROVED
    assert RenderedDocument.objects.count() == 2
    assert verification_status(RenderedDocument.objects.get(pk=row.pk)) == "superseded"


def test_an_amendment_needs_a_reason(world, approved):
    with pytest.raises(ValidationError, match="reason"):
        service.amend(approved, by=world.partner_b, reason="  ")
    assert fresh(approved).status == G.APPROVED


def test_the_amend_page_reopens_it_with_the_reason_in_its_history(world, approved, client_for):
    client = client_for(world.partner_b)
    response = client.post(url("grant_amend", approved), {"reason": "New dates"})
    assert response.status_code == 302
    page = client.get(approved.get_absolute_url()).content.decode()
    assert "Version 2" in page and "New dates" in page
    assert fresh(approved).status == G.DRAFT


def test_a_draft_is_not_amended(world, agreement):
    with pytest.raises(ValidationError):
        service.amend(agreement, by=world.partner_b, reason="Why not")
    assert (fresh(agreement).status, fresh(agreement).version) == (G.DRAFT, 1)


# --- payments ----------------------------------------------------------------------------------------------


def test_no_payment_is_recorded_before_the_agreement_is_approved(world, sent):
    with pytest.raises(ValidationError, match="approved agreement"):
        pay(world, sent, K.PREFINANCING, "100.00", SIGNED, today=SIGNED)
    assert not GrantPayment.objects.exists()


def test_the_prefinancing_is_recorded_after_approval(world, approved):
    payment = pay(world, approved, K.PREFINANCING, "1348.00", date(2021, 3, 5), today=date(2021, 3, 10))
    assert (payment.kind, payment.amount, payment.recorded_by) == (K.PREFINANCING, D("1348.00"), world.partner_b)
    state = service.payment_state(fresh(approved))
    assert (state.received, state.outstanding) == (D("1348.00"), D("337.00"))
    assert state.signed_on == SIGNED
    entry = AuditEntry.objects.get(object_code=str(approved.code), details__payment=str(payment.code))
    assert entry.details["amount"] == "1348.00" and entry.actor == world.partner_b


@pytest.mark.parametrize(
    ("kind", "amount", "paid_on", "field"),
    [
        (K.PREFINANCING, "100.00", date(2021, 3, 11), "paid_on"),  # tomorrow
        (K.PREFINANCING, "100.00", date(2021, 2, 28), "paid_on"),  # before both signed
        (K.PREFINANCING, "1685.01", date(2021, 3, 5), "amount"),  # more than is payable
        (K.BALANCE, "337.00", date(2021, 3, 5), "kind"),  # no participant report submitted
        (K.REPAYMENT, "0.01", date(2021, 3, 5), "amount"),  # nothing was received
    ],
    ids=["future", "before-signing", "above-what-is-left", "balance-without-report", "repayment-above-received"],
)
def test_a_wrong_payment_is_refused_naming_the_field(world, approved, kind, amount, paid_on, field):
    with pytest.raises(ValidationError) as excinfo:
        pay(world, approved, kind, amount, paid_on, today=date(2021, 3, 10))
    assert field in field_errors(excinfo)
    assert not GrantPayment.objects.exists()


def test_a_payment_above_what_is_left_after_the_prefinancing_is_refused(world, approved):
    pay(world, approved, K.PREFINANCING, "1348.00", date(2021, 3, 5), today=date(2021, 3, 10))
    report(world, approved, date(2021, 5, 10), date(2021, 5, 12), today=date(2021, 5, 20))
    with pytest.raises(ValidationError) as excinfo:
        pay(world, approved, K.BALANCE, "337.01", date(2021, 5, 20), today=date(2021, 5, 20))
    assert "Only EUR 337.00 of the EUR 1685.00" in " ".join(field_errors(excinfo)["amount"])
    balance = pay(world, approved, K.BALANCE, "337.00", date(2021, 5, 20), today=date(2021, 5, 20))
    assert balance.kind == K.BALANCE
    state = service.payment_state(fresh(approved))
    assert (state.received, state.outstanding) == (D("1685.00"), D("0.00"))


def test_a_repayment_lowers_what_the_participant_received(world, approved):
    pay(world, approved, K.PREFINANCING, "1348.00", date(2021, 3, 5), today=date(2021, 3, 10))
    with pytest.raises(ValidationError) as excinfo:
        pay(world, approved, K.REPAYMENT, "1348.01", date(2021, 3, 6), today=date(2021, 3, 10))
    assert "amount" in field_errors(excinfo)
    pay(world, approved, K.REPAYMENT, "48.00", date(2021, 3, 6), today=date(2021, 3, 10))
    state = service.payment_state(fresh(approved))
    assert (state.paid_prefinancing, state.repaid, state.received, state.outstanding) == (
        D("1348.00"),
        D("48.00"),
        D("1300.00"),
        D("385.00"),
    )


@pytest.mark.parametrize(
    ("signed", "due"),
    [
        (date(2021, 3, 1), date(2021, 3, 31)),  # 30 days after signing
        (date(2021, 4, 1), START),  # no later than the start
        (date(2021, 4, 20), date(2021, 4, 20)),  # signed after the start: due the day it is signed
    ],
    ids=["30-days", "by-the-start", "not-before-signing"],
)
def test_the_prefinancing_is_due_30_days_after_signing_and_no_later_than_the_start(world, sent, signed, due):
    with on(signed):
        agreement = approve_both(world, sent)
    state = service.payment_state(agreement)
    assert (state.signed_on, state.prefinancing_due_by, state.balance_due_by) == (signed, due, None)


def test_the_balance_is_due_45_days_after_the_report_is_submitted(world, approved):
    report(world, approved, date(2021, 5, 10), date(2021, 5, 20), today=date(2021, 5, 25))
    assert service.payment_state(fresh(approved)).balance_due_by == date(2021, 7, 4)


def test_late_payments_are_reported_as_overdue(world, approved, client_for):
    state = service.payment_state(fresh(approved))
    assert state.overdue(date(2021, 3, 31)) == []
    assert state.overdue(date(2021, 4, 1)) == ["The pre-financing was due by 2021-03-31."]
    with on(date(2021, 4, 1)):
        assert service.payment_state(fresh(approved)).overdue() == ["The pre-financing was due by 2021-03-31."]
        page = client_for(world.partner_b).get(approved.get_absolute_url()).content.decode()
        assert "The pre-financing was due by 2021-03-31." in page
    # Part of the pre-financing is still overdue.
    pay(world, approved, K.PREFINANCING, "1000.00", date(2021, 4, 1), today=date(2021, 4, 1))
    assert service.payment_state(fresh(approved)).overdue(date(2021, 4, 2)) == [
        "The pre-financing was due by 2021-03-31."
    ]
    pay(world, approved, K.PREFINANCING, "348.00", date(2021, 4, 2), today=date(2021, 4, 2))
    report(world, approved, date(2021, 5, 10), date(2021, 5, 20), today=date(2021, 5, 25))
    state = service.payment_state(fresh(approved))
    assert state.overdue(date(2021, 7, 4)) == []
    assert state.overdue(date(2021, 7, 5)) == ["The balance was due by 2021-07-04."]
    pay(world, approved, K.BALANCE, "337.00", date(2021, 7, 5), today=date(2021, 7, 5))
    assert service.payment_state(fresh(approved)).overdue(date(2021, 8, 1)) == []


# --- the EU participant report ---------------------------------------------------------------------------


def test_the_report_follows_an_approved_agreement(world, agreement):
    with pytest.raises(ValidationError, match="approved grant agreement"):
        report(world, agreement, date(2021, 5, 10), None, today=date(2021, 5, 25))
    assert fresh(agreement).report_requested_on is None


@pytest.mark.parametrize(
    ("requested", "submitted", "field"),
    [
        (None, date(2021, 5, 20), "report_requested_on"),  # submitted, never requested
        (date(2021, 5, 20), date(2021, 5, 19), "report_submitted_on"),  # submitted before it was requested
        (date(2021, 5, 26), None, "report_requested_on"),  # tomorrow
        (date(2021, 5, 10), date(2021, 5, 26), "report_submitted_on"),  # tomorrow
        (date(2021, 4, 11), None, "report_requested_on"),  # before the mobility started
    ],
    ids=["not-requested", "before-request", "requested-in-future", "submitted-in-future", "before-start"],
)
def test_wrong_report_dates_are_refused_naming_the_field(world, approved, requested, submitted, field):
    with pytest.raises(ValidationError) as excinfo:
        report(world, approved, requested, submitted, today=date(2021, 5, 25))
    assert field in field_errors(excinfo)
    stored = fresh(approved)
    assert (stored.report_requested_on, stored.report_submitted_on) == (None, None)


def test_recording_the_report_is_audited_once_per_change(world, approved):
    report(world, approved, date(2021, 5, 10), date(2021, 5, 20), today=date(2021, 5, 25))
    stored = fresh(approved)
    assert (stored.report_requested_on, stored.report_submitted_on) == (date(2021, 5, 10), date(2021, 5, 20))
    entries = AuditEntry.objects.filter(object_code=str(approved.code), details__has_key="report")
    assert [e.details["report"] for e in entries] == [{"requested_on": "2021-05-10", "submitted_on": "2021-05-20"}]
    report(world, approved, date(2021, 5, 10), date(2021, 5, 20), today=date(2021, 5, 26))  # no change
    assert entries.count() == 1


def test_the_submitted_date_stays_once_the_balance_is_paid(world, approved):
    pay(world, approved, K.PREFINANCING, "1348.00", date(2021, 3, 5), today=date(2021, 3, 10))
    report(world, approved, date(2021, 5, 10), date(2021, 5, 20), today=date(2021, 5, 25))
    pay(world, approved, K.BALANCE, "337.00", date(2021, 5, 25), today=date(2021, 5, 25))
    with pytest.raises(ValidationError) as excinfo:
        report(world, approved, date(2021, 5, 10), None, today=date(2021, 5, 26))
    assert "report_submitted_on" in field_errors(excinfo)
    assert fresh(approved).report_submitted_on == date(2021, 5, 20)


def test_the_report_page_shows_the_error_beside_its_field(world, approved, client_for):
    with on(date(2021, 5, 25)):
        response = client_for(world.partner_b).post(
            url("grant_report", approved), {"report_requested_on": "", "report_submitted_on": "2021-05-20"}
        )
    assert response.status_code == 200
    assert response.context["form"].errors["report_requested_on"]
    assert fresh(approved).report_submitted_on is None


# --- the pages -----------------------------------------------------------------------------------------------


def test_the_sending_side_is_offered_to_record_a_payment_and_the_learner_is_not(world, approved, client_for):
    payment_url = url("grant_payment", approved)
    page = client_for(world.partner_b).get(approved.get_absolute_url()).content.decode()
    assert "Record a payment" in page and payment_url in page
    learner = client_for(world.learner_b).get(approved.get_absolute_url())
    assert learner.status_code == 200
    assert "Record a payment" not in learner.content.decode() and payment_url not in learner.content.decode()
    assert "EUR 1685.00" in learner.content.decode()  # the frozen total, to the cent


def test_the_payment_page_answers_an_amount_above_what_is_left_with_a_field_error(world, approved, client_for):
    client = client_for(world.partner_b)
    with on(date(2021, 3, 10)):
        form = client.get(url("grant_payment", approved))
        assert form.status_code == 200
        assert form.context["form"].initial["amount"] == D("1348.00")  # the agreed pre-financing
        response = client.post(
            url("grant_payment", approved),
            {"kind": K.PREFINANCING, "amount": "1685.01", "paid_on": "2021-03-05", "reference": "PO-1"},
        )
    assert response.status_code == 200
    assert "Only EUR 1685.00 of the EUR 1685.00" in " ".join(response.context["form"].errors["amount"])
    assert not GrantPayment.objects.exists()
    with on(date(2021, 3, 10)):
        response = client.post(
            url("grant_payment", approved),
            {"kind": K.PREFINANCING, "amount": "1348.00", "paid_on": "2021-03-05", "reference": "PO-1"},
        )
    assert response.status_code == 302
    assert GrantPayment.objects.get().reference == "PO-1"


def translated(language: str, text: str) -> str:
    with override(language):
        return gettext(text)


@pytest.mark.parametrize(
    ("mobility", "sending_language", "others"),
    [("m_b_to_a", "nl", ["lt", "it", "fi"]), ("m_a_to_b", "lt", ["nl", "it", "fi"])],
    ids=["NL-to-LT", "LT-to-NL"],
)
def test_the_printable_view_is_in_english_and_the_sending_organisations_language(
    world, mob, located, client_for, mobility, sending_language, others
):
    mobility = getattr(mob, mobility)
    manager = world.partner_b if mobility.sending_organisation == world.org_b else world.pc_a
    agreement = service.start_grant_agreement(mobility, by=manager)
    response = client_for(manager).get(url("grant_print", agreement))
    assert response.status_code == 200
    page = response.content.decode()
    for label in ("Erasmus+ participant grant agreement", "Financial support", "Sending organisation", "Travel"):
        assert label in page, label
    for label in ("Sending organisation", "Host organisation", "Travel", "Financial support", "Payment arrangements"):
        translation = translated(sending_language, label)
        assert translation != label
        assert translation in page, translation
        for language in others:
            assert translated(language, label) not in page, (language, label)


def test_the_decide_page_approves_for_a_reauthenticated_party(world, sent, client_for):
    for user, party in ((world.learner_b, "learner"), (world.partner_b, "sending")):
        client = client_for(user)
        mark_recently_authenticated(client, user)
        page = client.get(url("grant_decide", sent))
        assert page.status_code == 200
        assert "Lina Bakker" in page.content.decode()
        response = client.post(
            url("grant_decide", sent),
            {"party": party, "decision": "approved", "comment": "", "expected_sha256": page.context["sha256"]},
        )
        assert response.status_code == 302
    assert fresh(sent).status == G.APPROVED
    page = client.get(sent.get_absolute_url()).content.decode()
    assert ">Approved</span>" in page


def test_the_decide_page_asks_for_a_reauthentication_first(world, sent, client_for):
    client = client_for(world.learner_b)
    response = client.post(
        url("grant_decide", sent),
        {"party": "learner", "decision": "approved", "comment": "", "expected_sha256": approvals.current_sha256(sent)},
    )
    assert response.status_code == 302 and "reauthenticate" in response["Location"]
    assert not Approval.objects.exists()


# --- the sealed PDF --------------------------------------------------------------------------------------------


def test_the_sealed_pdf_says_what_was_agreed_and_its_seal_validates(world, sent, settings):
    settings.VISION_PDF_ON_APPROVAL = True
    agreement = approve_both(world, sent)
    row = RenderedDocument.objects.get()
    assert produce(row.pk) == "ready"
    row.refresh_from_db()
    assert row.status == RenderedDocument.Status.READY, row.error
    with row.file.open("rb") as f:
        data = f.read()
    assert data.startswith(b"%PDF-")
    check = signing.verify(data)
    assert check.ok and check.reason == "valid", check
    assert row.signer == signing.signer_subject()
    text = pdf_text(data)
    for expected in ("Lina Bakker", "Erasmus+ participant grant agreement", "EUR 1685.00", world.org_b.legal_name):
        assert expected in text, expected
    # Worked out in English and in Dutch, the sending organisation's language.
    travel = agreement.frozen_content["grant"]["lines"][0]["working"]
    assert set(travel) == {"en", "nl"}
    assert travel["en"] in text and travel["nl"] in text
    assert row.content_sha256 == approvals.current_sha256(agreement)
    name = filename(row)
    assert name.endswith(".pdf") and "bakker" not in name.lower() and "lina" not in name.lower()
    assert row.file.name.endswith(name)


def test_the_waiting_list_names_and_links_the_agreement_as_its_page_does(world, sent):
    """The waiting list rebuilds each document from its one query: the title and the link must be the real ones."""
    from ecvet.dashboard import waiting_documents
    from ecvet.services.approvals import kind_of

    for user, party in ((world.learner_b, "learner"), (world.partner_b, "sending")):
        approvals, _recognise = waiting_documents(user, 10)
        (item,) = [w for w in approvals if isinstance(w.document, GrantAgreement)]
        real = GrantAgreement.objects.get(pk=item.document.pk)
        assert kind_of(item.document).title(item.document) == kind_of(real).title(real)
        assert item.url == real.get_absolute_url()
        assert [key for key, _sha in item.parties] == [party]
