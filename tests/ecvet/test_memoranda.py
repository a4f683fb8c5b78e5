"""Memoranda of Understanding: drafting, approval by every party, refusal, amendment, termination, expiry,
the JSON export and the printable view."""

import hashlib
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ecvet.access import may_manage_memorandum
from ecvet.models import Approval, Memorandum
from ecvet.services import approvals
from ecvet.services import memoranda as service
from partners.models import AuditEntry, PartnershipMember
from tests.factories import MembershipFactory, OrganisationFactory
from tests.factories_ecvet import UnitFactory

from .support_memoranda import approve, beauty_qualification, make_memorandum, mark_recently_authenticated

pytestmark = pytest.mark.django_db
S = Memorandum.Status


@pytest.fixture
def cast(world):
    """P1 gets a third member E (with a signer) so memoranda can have parties that exclude B."""
    org_e = OrganisationFactory(slug="org-e", short_name="Epsilon Salon", country="IT")
    PartnershipMember.objects.create(partnership=world.p1, organisation=org_e, role=PartnershipMember.Role.PARTNER)
    signer_e = MembershipFactory(organisation=org_e).user
    qa = beauty_qualification(world.org_a)
    qb = beauty_qualification(world.org_b, title_original="Schoonheidsspecialist")
    return {"org_e": org_e, "signer_e": signer_e, "qa": qa, "qb": qb}


def out_for_approval(world, cast, **kwargs):
    memorandum = make_memorandum(
        partnership=world.p1,
        organisations=[world.org_a, world.org_b],
        qualifications=[cast["qa"], cast["qb"]],
        units=list(cast["qa"].units.all()),
        **kwargs,
    )
    return service.send_for_approval(memorandum, by=world.pc_a)


def in_force(world, cast, **kwargs):
    memorandum = out_for_approval(world, cast, **kwargs)
    approve(memorandum, world.pc_a, world.org_a)
    approve(memorandum, world.partner_b, world.org_b)
    memorandum.refresh_from_db()
    return memorandum


def form_data(world, cast, **overrides):
    fa, fb = cast["qa"].units.get(reference="FAC"), cast["qb"].units.get(reference="FAC")
    data = {
        "title": "Beauty MoU",
        "partnership": world.p1.pk,
        "objectives_standard": "Standard objectives",
        "qualifications": [cast["qa"].pk, cast["qb"].pk],
        "duration_min_weeks": "2",
        "duration_max_weeks": "6",
        "valid_from": "2024-09-01",
        "valid_until": "2027-12-31",
        "parties-TOTAL_FORMS": "2",
        "parties-INITIAL_FORMS": "0",
        "parties-0-organisation": world.org_a.pk,
        "parties-0-contact_name": "Rasa",
        "parties-1-organisation": world.org_b.pk,
        "parties-1-contact_name": "Sanne",
        "units-TOTAL_FORMS": "2",
        "units-INITIAL_FORMS": "0",
        "units-0-unit": fa.pk,
        "units-0-ecvet_points": "5",
        "units-1-unit": fb.pk,
        "units-1-ecvet_points": "6",
    }
    data.update(overrides)
    return data


# --- Drafting ------------------------------------------------------------------------------------


def test_the_project_coordinator_drafts_a_memorandum_with_parties_and_units(world, cast, client_for):
    response = client_for(world.pc_a).post(reverse("ecvet:memorandum_create"), form_data(world, cast))
    memorandum = Memorandum.objects.get()
    assert response.status_code == 302
    assert memorandum.status == S.DRAFT
    assert [p.organisation for p in memorandum.parties.all()] == [world.org_a, world.org_b]
    assert sorted(str(mu.ecvet_points) for mu in memorandum.memorandum_units.all()) == ["5.0", "6.0"]
    assert AuditEntry.objects.filter(verb=AuditEntry.Verb.CREATED, object_code=str(memorandum.code)).exists()


@pytest.mark.parametrize(
    ("overrides", "where", "field"),
    [
        ({"units-0-ecvet_points": "7"}, "units", "ecvet_points"),  # the unit carries 6
        ({"duration_min_weeks": "8"}, "form", "duration_max_weeks"),
        ({"valid_until": "2020-01-01"}, "form", "valid_until"),
        ({"qualifications": []}, "units", "unit"),  # a unit whose qualification is not covered
    ],
)
def test_bad_input_gives_a_field_error_and_saves_nothing(world, cast, client_for, overrides, where, field):
    response = client_for(world.pc_a).post(reverse("ecvet:memorandum_create"), form_data(world, cast, **overrides))
    assert response.status_code == 200
    if where == "form":
        assert field in response.context["form"].errors
    else:
        assert any(field in f.errors for f in response.context[where].forms)
    assert not Memorandum.objects.exists()


def test_a_party_must_be_a_member_of_the_partnership(world, cast, client_for):
    response = client_for(world.pc_a).post(
        reverse("ecvet:memorandum_create"), form_data(world, cast, **{"parties-1-organisation": world.org_c.pk})
    )
    # C is outside the coordinator's network: not even a valid choice.
    assert "organisation" in response.context["parties"].forms[1].errors
    response = client_for(world.admin).post(
        reverse("ecvet:memorandum_create"), form_data(world, cast, **{"parties-1-organisation": world.org_c.pk})
    )
    assert "not a member" in response.context["parties"].forms[1].errors["organisation"][0]
    assert not Memorandum.objects.exists()


def test_a_partner_cannot_prepare_a_memorandum_of_a_partnership_it_does_not_coordinate(world, cast, client_for):
    response = client_for(world.partner_b).post(reverse("ecvet:memorandum_create"), form_data(world, cast))
    assert "partnership" in response.context["form"].errors
    assert not Memorandum.objects.exists()


def test_without_a_partnership_the_editor_must_manage_a_signing_organisation(world, cast, client_for):
    data = form_data(world, cast, partnership="", **{"parties-0-organisation": cast["org_e"].pk})
    response = client_for(world.partner_b).post(reverse("ecvet:memorandum_create"), data)
    assert response.status_code == 302  # B is a party and partner_b manages B
    memorandum = Memorandum.objects.get()
    assert may_manage_memorandum(world.partner_b, memorandum)
    assert not may_manage_memorandum(world.pc_a, memorandum)


def test_only_a_draft_is_edited_in_place(world, cast, client_for):
    memorandum = out_for_approval(world, cast)
    response = client_for(world.pc_a).get(reverse("ecvet:memorandum_edit", kwargs={"code": memorandum.code}))
    assert response.status_code == 302
    with pytest.raises(ValidationError):
        service.ensure_editable(memorandum)


# --- Approval ------------------------------------------------------------------------------------


def test_sending_needs_two_parties_and_a_qualification(world, cast):
    lonely = make_memorandum(partnership=world.p1, organisations=[world.org_a], qualifications=[cast["qa"]])
    with pytest.raises(ValidationError, match="two signing organisations"):
        service.send_for_approval(lonely, by=world.pc_a)
    bare = make_memorandum(partnership=world.p1, organisations=[world.org_a, world.org_b], title="Bare")
    with pytest.raises(ValidationError, match="qualification"):
        service.send_for_approval(bare, by=world.pc_a)
    with pytest.raises(PermissionDenied):
        service.send_for_approval(bare, by=world.partner_b)


def test_the_memorandum_is_in_force_once_every_party_has_approved(world, cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        memorandum = out_for_approval(world, cast)
    assert world.partner_b.email in mail.outbox[-1].to  # the signers are told
    approve(memorandum, world.pc_a, world.org_a)
    memorandum.refresh_from_db()
    assert memorandum.status == S.OUT_FOR_APPROVAL
    assert [p.label for p in approvals.state(memorandum)["waiting_for"]] == [world.org_b.legal_name]
    approve(memorandum, world.partner_b, world.org_b)
    memorandum.refresh_from_db()
    assert memorandum.status == S.IN_FORCE
    assert approvals.state(memorandum)["waiting_for"] == []


def test_only_a_signer_of_a_party_organisation_decides(world, cast):
    memorandum = out_for_approval(world, cast)
    for user, org in ((world.partner_c, world.org_b), (world.partner_b, world.org_a), (world.admin, world.org_a)):
        with pytest.raises(PermissionDenied):
            approve(memorandum, user, org)
    assert not Approval.objects.exists()


def test_a_refusal_sends_the_memorandum_back_to_draft_and_tells_the_others(
    world, cast, client_for, django_capture_on_commit_callbacks
):
    memorandum = out_for_approval(world, cast)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        approvals.decide(
            memorandum,
            party_key=f"org:{world.org_b.pk}",
            by=world.partner_b,
            expected_sha256=approvals.current_sha256(memorandum),
            decision=Approval.Decision.REFUSED,
            comment="Our unit FAC has 5 points, not 6.",
        )
    memorandum.refresh_from_db()
    assert memorandum.status == S.DRAFT
    assert any("Our unit FAC has 5 points" in m.body for m in mail.outbox)
    assert world.partner_b.email not in {r for m in mail.outbox for r in m.to}
    page = client_for(world.pc_a).get(memorandum.get_absolute_url())
    assert "Our unit FAC has 5 points" in page.content.decode()
    assert page.context["refusal"].comment == "Our unit FAC has 5 points, not 6."


def test_the_decision_page_records_an_approval_after_re_authentication(world, cast, client):
    memorandum = out_for_approval(world, cast)
    url = reverse("ecvet:memorandum_decide", kwargs={"code": memorandum.code})
    client.force_login(world.partner_b)
    mark_recently_authenticated(client, world.partner_b)
    page = client.get(url)
    sha = approvals.current_sha256(memorandum)
    assert page.status_code == 200
    assert sha in page.content.decode()
    assert page.context["form"]["expected_sha256"].value() == sha
    response = client.post(
        url, {"party": f"org:{world.org_b.pk}", "decision": "approved", "comment": "", "expected_sha256": sha}
    )
    assert response.status_code == 302
    approval = Approval.objects.get()
    assert (approval.signer, approval.content_sha256, approval.organisation) == (world.partner_b, sha, world.org_b)
    assert approval.ip_address == "127.0.0.1"


def test_without_a_recent_login_the_decision_page_asks_to_re_authenticate_and_records_nothing(world, cast, client):
    memorandum = out_for_approval(world, cast)
    url = reverse("ecvet:memorandum_decide", kwargs={"code": memorandum.code})
    client.force_login(world.partner_b)
    sha = approvals.current_sha256(memorandum)
    response = client.post(
        url, {"party": f"org:{world.org_b.pk}", "decision": "approved", "comment": "", "expected_sha256": sha}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert client.get(url).status_code == 302
    assert not Approval.objects.exists()


def test_a_decision_on_a_stale_version_is_refused_and_records_nothing(world, cast, client):
    memorandum = out_for_approval(world, cast)
    url = reverse("ecvet:memorandum_decide", kwargs={"code": memorandum.code})
    client.force_login(world.partner_b)
    mark_recently_authenticated(client, world.partner_b)
    response = client.post(
        url,
        {"party": f"org:{world.org_b.pk}", "decision": "approved", "comment": "", "expected_sha256": "0" * 64},
        follow=True,
    )
    assert "changed since you opened it" in response.content.decode()
    assert not Approval.objects.exists()


def test_a_refusal_on_the_page_needs_a_reason(world, cast, client):
    memorandum = out_for_approval(world, cast)
    url = reverse("ecvet:memorandum_decide", kwargs={"code": memorandum.code})
    client.force_login(world.partner_b)
    mark_recently_authenticated(client, world.partner_b)
    sha = approvals.current_sha256(memorandum)
    response = client.post(
        url, {"party": f"org:{world.org_b.pk}", "decision": "refused", "comment": " ", "expected_sha256": sha}
    )
    assert "comment" in response.context["form"].errors
    assert not Approval.objects.exists()


# --- Amendment, termination, expiry --------------------------------------------------------------


def test_an_amendment_copies_everything_and_the_version_in_force_stays_until_it_is_approved(world, cast):
    current = in_force(world, cast, objectives_other="Other goals")
    with pytest.raises(ValidationError):
        service.start_amendment(current, by=world.pc_a, reason="  ")
    amendment = service.start_amendment(current, by=world.pc_a, reason="Add the make-up unit")
    assert (amendment.version, amendment.previous, amendment.status) == (2, current, S.DRAFT)
    assert amendment.objectives_other == "Other goals"
    assert set(amendment.qualifications.all()) == {cast["qa"], cast["qb"]}
    assert [p.organisation for p in amendment.parties.all()] == [world.org_a, world.org_b]
    assert amendment.memorandum_units.count() == current.memorandum_units.count()
    with pytest.raises(ValidationError, match="already"):
        service.start_amendment(current, by=world.pc_a, reason="Again")

    amendment = service.send_for_approval(amendment, by=world.pc_a)
    approve(amendment, world.pc_a, world.org_a)
    current.refresh_from_db()
    assert current.status == S.IN_FORCE
    approve(amendment, world.partner_b, world.org_b)
    current.refresh_from_db()
    amendment.refresh_from_db()
    assert (current.status, amendment.status) == (S.SUPERSEDED, S.IN_FORCE)
    assert approvals.content_sha256(approvals.kind_of(current).content(current)) != approvals.current_sha256(amendment)


def test_the_amendment_page_creates_the_new_version(world, cast, client_for):
    current = in_force(world, cast)
    client = client_for(world.pc_a)
    url = reverse("ecvet:memorandum_amend", kwargs={"code": current.code})
    assert "reason" in client.post(url, {"reason": ""}).context["form"].errors
    response = client.post(url, {"reason": "New unit"})
    amendment = Memorandum.objects.get(previous=current)
    assert response["Location"] == amendment.get_absolute_url()
    page = client.get(amendment.get_absolute_url()).content.decode()
    assert "New unit" in page and "Version 1" in page


def test_termination_needs_a_reason_and_ends_an_amendment_in_preparation(world, cast, client_for):
    current = in_force(world, cast)
    amendment = service.start_amendment(current, by=world.pc_a, reason="Change")
    with pytest.raises(ValidationError):
        service.terminate(current, by=world.pc_a, reason="")
    with pytest.raises(PermissionDenied):
        service.terminate(current, by=world.partner_b, reason="We leave")
    response = client_for(world.pc_a).post(
        reverse("ecvet:memorandum_terminate", kwargs={"code": current.code}), {"reason": "Project ended"}
    )
    assert response.status_code == 302
    current.refresh_from_db()
    amendment.refresh_from_db()
    assert (current.status, current.terminated_reason) == (S.TERMINATED, "Project ended")
    assert amendment.status == S.TERMINATED
    with pytest.raises(ValidationError):
        service.terminate(current, by=world.pc_a, reason="Again")


def test_a_memorandum_past_its_validity_reads_and_behaves_as_expired(world, cast, client_for):
    memorandum = in_force(world, cast, valid_until=date(2027, 12, 31))
    with time_machine.travel(datetime(2028, 1, 2, 12, tzinfo=UTC), tick=False):
        assert service.effective_status(memorandum)[0] == S.EXPIRED
        page = client_for(world.pc_a).get(memorandum.get_absolute_url())
        assert page.context["memorandum"].shown_status == S.EXPIRED
        assert "Expired" in page.content.decode()
        assert not page.context["can_amend"] and not page.context["can_terminate"]
        with pytest.raises(ValidationError):
            service.start_amendment(memorandum, by=world.pc_a, reason="Too late")
    with time_machine.travel(datetime(2027, 12, 31, 12, tzinfo=UTC), tick=False):
        assert service.effective_status(memorandum)[0] == S.IN_FORCE


# --- Read views ----------------------------------------------------------------------------------


def test_the_json_export_is_exactly_the_content_that_is_approved(world, cast, client_for):
    memorandum = out_for_approval(world, cast)
    response = client_for(world.partner_b).get(reverse("ecvet:memorandum_json", kwargs={"code": memorandum.code}))
    assert response["Content-Type"].startswith("application/json")
    assert hashlib.sha256(response.content).hexdigest() == approvals.current_sha256(memorandum)
    assert response.json()["parties"][1]["organisation"]["name"] == world.org_b.legal_name
    assert AuditEntry.objects.filter(verb=AuditEntry.Verb.EXPORTED, object_code=str(memorandum.code)).exists()


def test_the_content_is_stable_and_ignores_status(world, cast):
    memorandum = out_for_approval(world, cast)
    before = approvals.current_sha256(memorandum)
    Memorandum.objects.filter(pk=memorandum.pk).update(status=S.IN_FORCE)
    assert approvals.current_sha256(Memorandum.objects.get(pk=memorandum.pk)) == before
    # Once sent, the content is frozen: a change behind the service's back does not move what is approved.
    Memorandum.objects.filter(pk=memorandum.pk).update(recognition="Changed")
    assert approvals.current_sha256(Memorandum.objects.get(pk=memorandum.pk)) == before
    # Unfrozen (a draft), the hash follows the live content.
    Memorandum.objects.filter(pk=memorandum.pk).update(frozen_content=None)
    assert approvals.current_sha256(Memorandum.objects.get(pk=memorandum.pk)) != before


def test_the_detail_shows_every_part_and_the_approvals_block(world, cast, client_for):
    memorandum = in_force(world, cast, assessment="Portfolio and observation")
    page = client_for(world.partner_b).get(memorandum.get_absolute_url()).content.decode()
    for text in ("Portfolio and observation", "Contact 0", world.org_b.legal_name, "FAC", "In force"):
        assert text in page
    assert approvals.current_sha256(memorandum) in page
    assert "Every party has approved the current content." in page
    assert AuditEntry.objects.filter(verb=AuditEntry.Verb.VIEWED, object_code=str(memorandum.code)).exists()


def test_the_printable_view_has_one_title_and_each_heading_once(world, cast, client_for):
    memorandum = in_force(world, cast)
    content = client_for(world.partner_b).get(reverse("ecvet:memorandum_print", kwargs={"code": memorandum.code}))
    page = content.content.decode()
    assert page.count("Signing organisations</span> / ") == 1
    assert "<h1>" in page and page.count("<h1") == 1


def test_the_printable_view_is_in_english_and_the_language_of_each_signing_organisation_for_every_reader(
    world, cast, client_for
):
    from django.utils.translation import gettext, override

    memorandum = in_force(world, cast)
    expected = [
        "en",
        *(("lt", "nl") if memorandum.parties.order_by("order", "id")[0].organisation == world.org_a else ("nl", "lt")),
    ]
    texts = {}
    for language in ("en", "lt", "nl"):
        with override(language):
            texts[language] = gettext("Signing organisations")
    for user in (world.partner_b, world.pc_a):
        page = client_for(user).get(reverse("ecvet:memorandum_print", kwargs={"code": memorandum.code}))
        assert page.context["document_languages"] == expected
        (first, *others) = expected
        heading = f'<span lang="{first}">{texts[first]}</span>' + "".join(
            f' / <span lang="{lang}" class="other-language">{texts[lang]}</span>' for lang in others
        )
        assert heading in page.content.decode()


def test_the_list_runs_the_same_number_of_queries_for_5_and_60_memoranda(
    world, cast, client_for, django_assert_max_num_queries
):
    client = client_for(world.partner_b)
    url = reverse("ecvet:memorandum_list")

    def count(n):
        for i in range(n - Memorandum.objects.count()):
            make_memorandum(partnership=world.p1, organisations=[world.org_a, world.org_b], title=f"MoU {i}")
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    assert count(5) == count(60)
    with django_assert_max_num_queries(15):
        client.get(url, {"page": 2, "partnership": world.p1.slug})


def test_the_partnership_page_links_to_its_memoranda(world, client_for):
    page = client_for(world.pc_a).get(reverse("partners:partnership_detail", kwargs={"slug": world.p1.slug}))
    assert f"{reverse('ecvet:memorandum_list')}?partnership={world.p1.slug}" in page.content.decode()


def test_a_unit_of_a_memorandum_stays_out_of_the_units_of_other_networks(world, cast, client_for):
    foreign = UnitFactory(qualification__organisation=world.org_c)
    response = client_for(world.pc_a).post(
        reverse("ecvet:memorandum_create"), form_data(world, cast, **{"units-1-unit": foreign.pk})
    )
    assert "unit" in response.context["units"].forms[1].errors
    assert not Memorandum.objects.exists()


def test_the_detail_page_stays_within_its_query_budget_whatever_the_number_of_units(
    world, cast, client_for, django_assert_max_num_queries
):
    memorandum = in_force(world, cast)
    client = client_for(world.partner_b)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(memorandum.get_absolute_url()).status_code == 200
        return len(ctx.captured_queries)

    before = count()
    for unit in UnitFactory.create_batch(8, qualification=cast["qb"], ecvet_points=1):
        memorandum.memorandum_units.create(unit=unit, ecvet_points=1)
    assert count() == before
    with django_assert_max_num_queries(30):
        client.get(memorandum.get_absolute_url())


def test_the_signer_picker_offers_only_the_parties_the_user_signs_for_and_refuses_a_forged_one(world, cast, client):
    memorandum = out_for_approval(world, cast)
    url = reverse("ecvet:memorandum_decide", kwargs={"code": memorandum.code})
    client.force_login(world.partner_b)
    mark_recently_authenticated(client, world.partner_b)
    page = client.get(url)
    # partner_b signs for B (can_sign_documents there), not for A, although A is a party too.
    assert [key for key, _label in page.context["form"].fields["party"].choices] == [f"org:{world.org_b.pk}"]
    assert f'value="org:{world.org_a.pk}"' not in page.content.decode()
    sha = approvals.current_sha256(memorandum)
    forged = client.post(
        url, {"party": f"org:{world.org_a.pk}", "decision": "approved", "comment": "", "expected_sha256": sha}
    )
    assert forged.status_code == 200
    assert "party" in forged.context["form"].errors
    assert not Approval.objects.exists()
