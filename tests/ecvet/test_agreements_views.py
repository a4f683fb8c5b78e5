"""Learning Agreement pages: start, edit a draft, send, approve or refuse (after re-authentication), change
proposals, exports, the dashboard panel and the learner's GDPR rights over their approvals."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import gettext, override

from ecvet.models import (
    Approval,
    LearningAgreement,
    LearningAgreementUnit,
    LearningAgreementVersion,
    Memorandum,
    MemorandumParty,
    MemorandumUnit,
)
from ecvet.services import agreements
from ecvet.services.approvals import current_sha256, decide
from mobility.models import Mobility
from partners.models import AuditEntry
from tests.factories_ecvet import QualificationFactory, UnitFactory

V = LearningAgreementVersion.Status


# --- helpers (also used by test_access_agreements.py) --------------------------------------------------


def mark_reauthenticated(client, user) -> None:
    """What allauth records after a re-authentication (account.internal.flows.login.record_authentication):
    approvals need one within the last five minutes; a force_login session has none."""
    session = client.session
    session["account_authentication_methods"] = [{"method": "password", "at": time.time(), "reauthenticated": True}]
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()


@dataclass
class LA:
    mobility: Mobility
    qualification: object
    unit1: object
    unit2: object
    other_unit: object
    memorandum: Memorandum


def make_memorandum(world, units, points=None) -> Memorandum:
    memorandum = Memorandum.objects.create(
        partnership=world.p1, title="Beauty MoU A–B", valid_from=date(2020, 1, 1), valid_until=date(2030, 12, 31)
    )
    for org in (world.org_a, world.org_b):
        MemorandumParty.objects.create(memorandum=memorandum, organisation=org)
    for unit in units:
        MemorandumUnit.objects.create(memorandum=memorandum, unit=unit, ecvet_points=points or unit.ecvet_points)
    Memorandum.objects.filter(pk=memorandum.pk).update(status=Memorandum.Status.IN_FORCE)
    memorandum.refresh_from_db()
    return memorandum


@pytest.fixture
def la(world, mob) -> LA:
    """m_b_to_a (B sends learner_b1, who has an account; A hosts) is planned; B's catalogue has a
    "Beauty therapist" qualification with two units; an MoU between A and B is in force."""
    Mobility.objects.filter(pk=mob.m_b_to_a.pk).update(status=Mobility.Status.PLANNED)
    mob.m_b_to_a.refresh_from_db()
    qualification = QualificationFactory(organisation=world.org_b, title_en="Beauty therapist")
    unit1 = UnitFactory(qualification=qualification, reference="BT-01", ecvet_points=Decimal("6"))
    unit2 = UnitFactory(qualification=qualification, reference="BT-02", ecvet_points=Decimal("4"))
    other_unit = UnitFactory(qualification__organisation=world.org_b, reference="HD-01")
    memorandum = make_memorandum(world, [unit1], points=Decimal("3"))
    return LA(mob.m_b_to_a, qualification, unit1, unit2, other_unit, memorandum)


def draft_with_units(la, by, *, memorandum=None) -> LearningAgreementVersion:
    _agreement, draft = agreements.start_agreement(
        la.mobility, by=by, qualification=la.qualification, memorandum=memorandum
    )
    LearningAgreementUnit.objects.create(
        version=draft, unit=la.unit1, ecvet_points=Decimal("3"), learning_outcomes="Analyses the skin"
    )
    return draft


def sent_version(la, world, django_capture_on_commit_callbacks) -> LearningAgreementVersion:
    draft = draft_with_units(la, world.partner_b)
    with django_capture_on_commit_callbacks(execute=True):
        agreements.send_for_approval(draft, by=world.partner_b)
    draft.refresh_from_db()
    return draft


def approve_all(version, world):
    for user, party in ((world.learner_b, "learner"), (world.partner_b, "sending"), (world.pc_a, "receiving")):
        decide(
            version,
            party_key=party,
            by=user,
            expected_sha256=current_sha256(version),
            decision=Approval.Decision.APPROVED,
        )
    version.refresh_from_db()
    return version


def unit_post(rows, *, initial=0, extra=2, **fields):
    """POST data of the edit page: version fields + the units formset."""
    data = {
        "units-TOTAL_FORMS": str(len(rows) + extra),
        "units-INITIAL_FORMS": str(initial),
        "units-MIN_NUM_FORMS": "0",
        "units-MAX_NUM_FORMS": "1000",
        **fields,
    }
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"units-{i}-{key}"] = value
    return data


def url(name, obj):
    return reverse(f"ecvet:{name}", kwargs={"code": obj.code})


# --- starting -------------------------------------------------------------------------------------------


def test_sending_side_starts_the_agreement_prefilled_from_the_mou_and_the_learners_qualification(world, la, client_for):
    client = client_for(world.partner_b)
    response = client.get(url("agreement_for_mobility", la.mobility))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["qualification"] == la.qualification
    assert form.initial["memorandum"] == la.memorandum
    response = client.post(
        url("agreement_for_mobility", la.mobility),
        {"qualification": la.qualification.pk, "memorandum": la.memorandum.pk},
    )
    draft = LearningAgreementVersion.objects.get(agreement__mobility=la.mobility)
    assert response.url == url("agreement_edit", draft)
    assert (draft.number, draft.status, draft.qualification, draft.memorandum) == (
        1,
        V.DRAFT,
        la.qualification,
        la.memorandum,
    )
    # Once it exists, the mobility's entry leads to the agreement.
    assert client.get(url("agreement_for_mobility", la.mobility)).url == url("agreement_detail", draft.agreement)


def test_only_memoranda_in_force_between_both_organisations_are_offered(world, la, client_for):
    Memorandum.objects.filter(pk=la.memorandum.pk).update(status=Memorandum.Status.EXPIRED)
    only_a = make_memorandum(world, [])
    MemorandumParty.objects.filter(memorandum=only_a, organisation=world.org_b).delete()
    form = client_for(world.partner_b).get(url("agreement_for_mobility", la.mobility)).context["form"]
    assert list(form.fields["memorandum"].queryset) == []
    assert form.initial["memorandum"] is None


def test_host_and_mentor_see_that_the_agreement_is_not_started_and_cannot_start_it(world, mob, client_for):
    # m_a_to_b: A sends, B hosts; partner_b is host staff, mentor_b the mentor.
    for user in (world.partner_b, world.mentor_b):
        client = client_for(user)
        response = client.get(url("agreement_for_mobility", mob.m_a_to_b))
        assert response.status_code == 200 and response.context["form"] is None
        assert "not started" in response.content.decode()
        assert client.post(url("agreement_for_mobility", mob.m_a_to_b), {}).status_code == 403
    assert not LearningAgreement.objects.exists()


# --- editing a draft ------------------------------------------------------------------------------------


def test_draft_edit_saves_units_and_fills_empty_learning_outcomes_from_the_unit(world, la, client_for):
    _agreement, draft = agreements.start_agreement(la.mobility, by=world.partner_b, qualification=la.qualification)
    client = client_for(world.partner_b)
    page = client.get(url("agreement_edit", draft))
    assert page.status_code == 200
    choices = {u.pk for u in page.context["formset"].forms[0].fields["unit"].queryset}
    assert choices == {la.unit1.pk, la.unit2.pk}  # the qualification's units only
    response = client.post(
        url("agreement_edit", draft),
        unit_post(
            [{"unit": la.unit2.pk, "ecvet_points": "4", "learning_activities": "Facials", "assessor": "Mentor A"}],
            qualification=la.qualification.pk,
            learner_progress="First year done",
        ),
    )
    assert response.status_code == 302, response.context and response.context["formset"].errors
    unit = draft.units.get()
    assert unit.unit == la.unit2 and unit.ecvet_points == Decimal("4")
    assert unit.learning_outcomes.splitlines() == [s for _c, s in la.unit2.outcomes()]
    draft.refresh_from_db()
    assert draft.learner_progress == "First year done"
    assert AuditEntry.objects.filter(verb=AuditEntry.Verb.UPDATED, object_code=str(draft.code)).exists()


def test_points_above_what_the_unit_or_the_mou_carries_are_field_errors_and_nothing_is_saved(world, la, client_for):
    _agreement, draft = agreements.start_agreement(
        la.mobility, by=world.partner_b, qualification=la.qualification, memorandum=la.memorandum
    )
    client = client_for(world.partner_b)
    fields = {"qualification": la.qualification.pk, "memorandum": la.memorandum.pk}
    for points, message in (("0", "more than 0"), ("7", "carries 6"), ("4", "memorandum allows 3")):
        response = client.post(
            url("agreement_edit", draft), unit_post([{"unit": la.unit1.pk, "ecvet_points": points}], **fields)
        )
        assert response.status_code == 200
        errors = response.context["formset"].forms[0].errors
        assert "ecvet_points" in errors and message in " ".join(errors["ecvet_points"]), (points, errors)
    # With a MoU, only its units may be chosen.
    response = client.post(
        url("agreement_edit", draft), unit_post([{"unit": la.unit2.pk, "ecvet_points": "1"}], **fields)
    )
    assert "unit" in response.context["formset"].forms[0].errors
    assert not draft.units.exists()


def test_the_same_unit_twice_is_a_field_error(world, la, client_for):
    _agreement, draft = agreements.start_agreement(la.mobility, by=world.partner_b, qualification=la.qualification)
    row = {"unit": la.unit1.pk, "ecvet_points": "2"}
    response = client_for(world.partner_b).post(
        url("agreement_edit", draft), unit_post([row, row], qualification=la.qualification.pk)
    )
    assert response.status_code == 200
    assert "unit" in response.context["formset"].forms[1].errors
    assert not draft.units.exists()


def test_sending_without_units_shows_why_and_changes_nothing(world, la, client_for):
    _agreement, draft = agreements.start_agreement(la.mobility, by=world.partner_b, qualification=la.qualification)
    response = client_for(world.partner_b).post(url("agreement_send", draft), follow=True)
    assert "at least one unit" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == V.DRAFT


def test_sending_a_draft_asks_the_parties_and_freezes_the_hash(
    world, la, client_for, django_capture_on_commit_callbacks
):
    draft = draft_with_units(la, world.partner_b)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world.partner_b).post(url("agreement_send", draft))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == V.AWAITING and draft.content_sha256 == current_sha256(draft)
    assert any("waits for your approval" in m.body for m in mail.outbox)


def test_an_awaiting_or_approved_version_is_never_edited_in_place(
    world, la, client_for, django_capture_on_commit_callbacks
):
    version = sent_version(la, world, django_capture_on_commit_callbacks)
    client = client_for(world.partner_b)
    response = client.post(url("agreement_edit", version), unit_post([], learner_progress="sneaky"), follow=True)
    assert "propose a change instead" in response.content.decode()
    approve_all(version, world)
    response = client.get(url("agreement_edit", version), follow=True)
    assert "propose a change instead" in response.content.decode()
    version.refresh_from_db()
    assert version.learner_progress == "" and version.status == V.APPROVED


# --- approving ------------------------------------------------------------------------------------------


def test_approving_needs_a_recent_reauthentication_and_records_nothing_without(
    world, la, client_for, django_capture_on_commit_callbacks
):
    version = sent_version(la, world, django_capture_on_commit_callbacks)
    client = client_for(world.partner_b)
    page = client.get(url("agreement_decide", version))
    assert page.status_code == 302 and "reauthenticate" in page.url
    response = client.post(
        url("agreement_decide", version),
        {"party": "sending", "expected_sha256": version.content_sha256, "decision": "approved"},
    )
    assert response.status_code == 302 and "reauthenticate" in response.url
    assert not Approval.objects.exists()


def test_the_three_parties_approve_on_the_page_and_the_mobility_becomes_agreed(
    world, la, client_for, django_capture_on_commit_callbacks
):
    version = sent_version(la, world, django_capture_on_commit_callbacks)
    for user, party in ((world.learner_b, "learner"), (world.partner_b, "sending"), (world.pc_a, "receiving")):
        client = client_for(user)
        mark_reauthenticated(client, user)
        page = client.get(url("agreement_decide", version))
        assert page.status_code == 200
        assert [key for key, _label in page.context["form"].fields["party"].choices] == [party]
        assert version.content_sha256 in page.content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                url("agreement_decide", version),
                {"party": party, "expected_sha256": version.content_sha256, "decision": "approved"},
                REMOTE_ADDR="198.51.100.4",
            )
        assert response.status_code == 302
    version.refresh_from_db()
    la.mobility.refresh_from_db()
    assert version.status == V.APPROVED
    assert la.mobility.status == Mobility.Status.AGREED
    assert [i.text for i in la.mobility.assessment_items.all()] == ["Analyses the skin"]
    approval = Approval.objects.get(party="learner")
    assert (approval.signer_email, approval.ip_address) == (world.learner_b.email, "198.51.100.4")
    page = client.get(url("agreement_detail", version.agreement)).content.decode()
    assert "approved by all parties and in force" in page and "Agreed" in page


def test_a_stale_approval_gives_a_message_and_records_nothing(
    world, la, client_for, django_capture_on_commit_callbacks
):
    version = sent_version(la, world, django_capture_on_commit_callbacks)
    client = client_for(world.partner_b)
    mark_reauthenticated(client, world.partner_b)
    response = client.post(
        url("agreement_decide", version),
        {"party": "sending", "expected_sha256": "0" * 64, "decision": "approved"},
        follow=True,
    )
    assert "changed since you opened it" in response.content.decode()
    assert not Approval.objects.exists()


def test_refusing_needs_a_reason_and_the_sender_sees_it(world, la, client_for, django_capture_on_commit_callbacks):
    version = sent_version(la, world, django_capture_on_commit_callbacks)
    client = client_for(world.pc_a)
    mark_reauthenticated(client, world.pc_a)
    data = {"party": "receiving", "expected_sha256": version.content_sha256, "decision": "refused", "comment": " "}
    response = client.post(url("agreement_decide", version), data)
    assert response.status_code == 200 and "comment" in response.context["form"].errors
    assert not Approval.objects.exists()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("agreement_decide", version), {**data, "comment": "No salon placement in March."})
    assert any("No salon placement in March." in m.body for m in mail.outbox)
    page = client_for(world.partner_b).get(url("agreement_detail", version.agreement))
    assert "No salon placement in March." in page.content.decode()
    assert page.context["can_redraft"]


def test_after_a_refused_first_version_the_sender_prepares_a_new_one(
    world, la, client_for, django_capture_on_commit_callbacks
):
    version = sent_version(la, world, django_capture_on_commit_callbacks)
    decide(
        version,
        party_key="receiving",
        by=world.pc_a,
        expected_sha256=version.content_sha256,
        decision=Approval.Decision.REFUSED,
        comment="Too many points",
    )
    response = client_for(world.partner_b).post(url("agreement_redraft", version.agreement))
    draft = LearningAgreementVersion.objects.get(status=V.DRAFT)
    assert response.url == url("agreement_edit", draft)
    assert draft.number == 2 and not draft.is_change_proposal and draft.units.count() == 1


def test_a_version_not_awaiting_approval_cannot_be_decided(world, la, client_for):
    draft = draft_with_units(la, world.partner_b)
    client = client_for(world.partner_b)
    mark_reauthenticated(client, world.partner_b)
    response = client.get(url("agreement_decide", draft), follow=True)
    assert "not waiting for approval" in response.content.decode()


def test_the_learner_without_a_portal_account_is_shown_as_needing_one(
    world, la, client_for, django_capture_on_commit_callbacks
):
    la.mobility.learner.user = None
    la.mobility.learner.save(update_fields=["user"])
    version = sent_version(la, world, django_capture_on_commit_callbacks)
    page = client_for(world.partner_b).get(url("agreement_detail", version.agreement)).content.decode()
    assert "needs a portal account to approve" in page


# --- change proposals -----------------------------------------------------------------------------------


def test_a_change_proposal_needs_a_reason_code_and_a_text(world, la, client_for, django_capture_on_commit_callbacks):
    approve_all(sent_version(la, world, django_capture_on_commit_callbacks), world)
    agreement = LearningAgreement.objects.get()
    client = client_for(world.partner_b)
    assert "Propose a change" in client.get(url("agreement_detail", agreement)).content.decode()
    response = client.post(url("agreement_propose", agreement), {"reason_code": "", "reason_text": "  "})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"reason_code", "reason_text"}
    assert agreement.versions.count() == 1


def test_a_host_refuses_a_change_proposal_the_sender_sees_why_and_proposes_again(
    world, la, client_for, django_capture_on_commit_callbacks
):
    approved = approve_all(sent_version(la, world, django_capture_on_commit_callbacks), world)
    agreement = approved.agreement
    client = client_for(world.partner_b)
    response = client.post(
        url("agreement_propose", agreement),
        {"reason_code": "timetable-conflict", "reason_text": "The salon closes in week 2."},
    )
    proposal = LearningAgreementVersion.objects.get(number=2)
    assert response.url == url("agreement_edit", proposal)
    response = client.post(
        url("agreement_edit", proposal),
        unit_post(
            [{"id": proposal.units.get().pk, "unit": la.unit1.pk, "ecvet_points": "2"}],
            initial=1,
            qualification=la.qualification.pk,
            reason_code="timetable-conflict",
            reason_text="The salon closes in week 2.",
        ),
    )
    assert response.status_code == 302
    client.post(url("agreement_send", proposal))
    proposal.refresh_from_db()
    assert proposal.status == V.AWAITING

    host = client_for(world.pc_a)
    mark_reauthenticated(host, world.pc_a)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        host.post(
            url("agreement_decide", proposal),
            {
                "party": "receiving",
                "expected_sha256": proposal.content_sha256,
                "decision": "refused",
                "comment": "Week 2 is our inventory week.",
            },
        )
    assert any(world.partner_b.email in m.to and "Week 2 is our inventory week." in m.body for m in mail.outbox)
    approved.refresh_from_db()
    assert approved.status == V.APPROVED  # still in force
    page = client_for(world.partner_b).get(url("agreement_detail", agreement))
    assert "Week 2 is our inventory week." in page.content.decode()
    assert page.context["can_propose"]
    client = client_for(world.partner_b)
    client.post(url("agreement_propose", agreement), {"reason_code": "not-available", "reason_text": "Other salon."})
    assert LearningAgreementVersion.objects.filter(number=3, status=V.DRAFT, based_on=approved).exists()


# --- read views and exports -----------------------------------------------------------------------------


def test_the_agreement_page_shows_every_part_of_the_ec_layout(
    world, la, client_for, django_capture_on_commit_callbacks
):
    version = sent_version(la, world, django_capture_on_commit_callbacks)
    page = client_for(world.partner_b).get(url("agreement_detail", version.agreement)).content.decode()
    for text in (
        "Participants",
        "Home organisation",
        "Host organisation",
        "Date of birth",
        "Duration of the mobility",
        "Weeks abroad",
        "Qualification being taken",
        "EQF level",
        "NQF level",
        "Learner's progress so far",
        "Enclosures",
        "Learning outcomes to achieve",
        "Analyses the skin",
        "Assessment and documentation",
        "Validation and recognition",
        "Version history",
        "Must act next",
        version.content_sha256,
    ):
        assert text in page, text


def test_json_export_is_the_canonical_content_as_an_attachment_and_is_audited(
    world, la, client_for, django_capture_on_commit_callbacks
):
    version = sent_version(la, world, django_capture_on_commit_callbacks)
    response = client_for(world.pc_a).get(url("agreement_json", version))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    content = json.loads(response.content)
    assert content["version"] == 1 and content["units"][0]["reference"] == "BT-01"
    import hashlib

    assert hashlib.sha256(response.content).hexdigest() == version.content_sha256
    assert AuditEntry.objects.filter(verb=AuditEntry.Verb.EXPORTED, object_code=str(version.code)).exists()


def test_the_printable_view_has_one_title_and_the_headings_in_the_agreements_languages(
    world, la, client_for, django_capture_on_commit_callbacks
):
    version = sent_version(la, world, django_capture_on_commit_callbacks)
    response = client_for(world.partner_b).get(url("agreement_print", version))
    page = response.content.decode()
    assert response.status_code == 200 and page.count("<h1") == 1
    assert response.context["document_languages"] == ["en", "nl", "lt"]  # B (NL) sends, A (LT) hosts
    assert '<span lang="en">ECVET Learning Agreement</span> / <span lang="nl"' in page
    assert '<span lang="en">Participants</span> / ' in page and '<span lang="en">Signatures</span> / ' in page


def test_the_agreements_pages_show_its_headings_in_the_readers_language_only(
    world, la, client_for, django_capture_on_commit_callbacks
):
    version = sent_version(la, world, django_capture_on_commit_callbacks)
    client = client_for(world.partner_b)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "lt"
    page = client.get(url("agreement_detail", version.agreement)).content.decode()
    with override("lt"):
        participants = gettext("Participants")
    assert f'<span lang="lt">{participants}</span></h' in page
    assert 'class="other-language"' not in page


def test_a_mentor_reads_the_agreement_without_personal_details_or_actions_and_posts_are_refused(
    world, mob, la, client_for, django_capture_on_commit_callbacks
):
    version = sent_version(la, world, django_capture_on_commit_callbacks)
    client = client_for(mob.mentor_a)
    response = client.get(url("agreement_detail", version.agreement))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Approve or refuse" not in page and "Send for approval" not in page and "Propose a change" not in page
    assert "shown to the two organisations and the learner only" in page
    mark_reauthenticated(client, mob.mentor_a)
    data = {"party": "receiving", "expected_sha256": version.content_sha256, "decision": "approved"}
    assert client.post(url("agreement_decide", version), data).status_code == 403
    assert client.post(url("agreement_send", version)).status_code == 403
    assert client.post(url("agreement_edit", version), unit_post([])).status_code == 403
    assert client.get(url("agreement_json", version)).status_code == 403
    assert not Approval.objects.exists()


def test_the_agreement_page_runs_the_same_number_of_queries_for_a_short_and_a_long_history(
    world, la, client_for, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    version = approve_all(sent_version(la, world, django_capture_on_commit_callbacks), world)
    agreement = version.agreement
    client = client_for(world.partner_b)
    detail = url("agreement_detail", agreement)
    client.get(detail)

    def add_refused_proposals(n):
        for _i in range(n):
            proposal = agreements.propose_change(
                agreement, by=world.partner_b, reason_code="not-available", reason_text="x"
            )
            agreements.send_for_approval(proposal, by=world.partner_b)
            decide(
                proposal,
                party_key="receiving",
                by=world.pc_a,
                expected_sha256=current_sha256(proposal),
                decision=Approval.Decision.REFUSED,
                comment="no",
            )

    add_refused_proposals(1)
    with CaptureQueriesContext(connection) as short:
        client.get(detail)
    add_refused_proposals(6)
    with CaptureQueriesContext(connection) as long:
        client.get(detail)
    assert len(short) == len(long)
    with django_assert_max_num_queries(30):
        client.get(detail)


# --- dashboard ------------------------------------------------------------------------------------------


def test_the_dashboard_lists_agreements_waiting_for_the_users_decision(
    world, la, client_for, django_capture_on_commit_callbacks
):
    version = sent_version(la, world, django_capture_on_commit_callbacks)
    home = client_for(world.pc_a).get(reverse("home")).content.decode()
    assert "Documents waiting for you" in home and url("agreement_detail", version.agreement) in home
    decide(
        version,
        party_key="receiving",
        by=world.pc_a,
        expected_sha256=version.content_sha256,
        decision=Approval.Decision.APPROVED,
    )
    home = client_for(world.pc_a).get(reverse("home")).content.decode()
    assert url("agreement_detail", version.agreement) not in home
    assert (
        url("agreement_detail", version.agreement) in client_for(world.learner_b).get(reverse("home")).content.decode()
    )
    assert "Documents waiting for you" not in client_for(world.mentor_b).get(reverse("home")).content.decode()


def test_the_dashboard_panel_runs_a_fixed_number_of_queries(world, mob, la, django_capture_on_commit_callbacks):
    from django.test import RequestFactory

    from ecvet.dashboard import waiting_panel
    from partners.access import get_scope
    from tests.factories_mobility import LearnerFactory, MobilityFactory

    def add(n):
        for _i in range(n):
            mobility = MobilityFactory(
                learner=LearnerFactory(home_organisation=world.org_b),
                partnership=world.p1,
                receiving_organisation=world.org_a,
            )
            _a, draft = agreements.start_agreement(mobility, by=world.partner_b, qualification=la.qualification)
            LearningAgreementUnit.objects.create(version=draft, unit=la.unit1, ecvet_points=1, learning_outcomes="x")
            agreements.send_for_approval(draft, by=world.partner_b)

    request = RequestFactory().get("/")
    request.user = world.pc_a
    scope = get_scope(world.pc_a)
    add(2)
    with CaptureQueriesContext(connection) as short:
        small = waiting_panel(request, scope)
    add(12)
    with CaptureQueriesContext(connection) as long:
        big = waiting_panel(request, scope)
    assert len(short) == len(long) <= 7
    assert small["count"] == 2 and big["count"] == 14 and len(big["items"]) == 10


# --- GDPR -----------------------------------------------------------------------------------------------


def test_erasing_the_learner_scrubs_their_approvals_and_the_export_lists_them(
    world, mob, la, django_capture_on_commit_callbacks
):
    from mobility.services import gdpr

    version = approve_all(sent_version(la, world, django_capture_on_commit_callbacks), world)
    learner = la.mobility.learner
    version.learner_progress = f"{learner.first_name} finished year one"
    version.save(update_fields=["learner_progress"])
    dossier = gdpr.collect(learner)
    section = dossier.extra["learning_agreements"]
    assert section["data"][0]["versions"][0]["approvals"][0]["signer_email"] == world.learner_b.email
    # The learner's account is a learner-only account in this story.
    gdpr.erase_learner(learner, by=world.partner_b, reason="Asked by the learner")
    mine = Approval.objects.get(party="learner")
    assert world.learner_b.email not in (mine.signer_email, mine.signer_name)
    assert mine.ip_address is None
    staff = Approval.objects.get(party="sending")
    assert staff.signer_email == world.partner_b.email
    version.refresh_from_db()
    assert learner.first_name not in version.learner_progress


# --- links shown only to those they answer --------------------------------------------------------------


def test_the_json_export_link_is_shown_only_to_those_it_answers(
    world, mob, la, client_for, django_capture_on_commit_callbacks
):
    version = sent_version(la, world, django_capture_on_commit_callbacks)
    json_url = url("agreement_json", version)
    mentor = client_for(mob.mentor_a)
    for page in (url("agreement_detail", version.agreement), url("agreement_version", version)):
        response = mentor.get(page)
        assert response.status_code == 200
        assert json_url not in response.content.decode()
    assert mentor.get(json_url).status_code == 403
    for coordinator in (world.partner_b, world.pc_a):  # the sending side, the host's project coordinator
        client = client_for(coordinator)
        for page in (url("agreement_detail", version.agreement), url("agreement_version", version)):
            assert json_url in client.get(page).content.decode()
        assert client.get(json_url).status_code == 200
