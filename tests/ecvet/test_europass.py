"""Europass Mobility: the sending side describes, the host fills section 5a, both organisations approve.

m_b_to_a (tests/mobility/conftest.py): B sends learner_b's mobility to A; mentor_a mentors at A.
partner_b (B) is the sending side; pc_a (A) the host, and both sign for their organisation.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse

from demo import ecvet_europass as demo_europass
from documents.canonical import content_sha256
from ecvet.models import Approval, EuropassMobility
from ecvet.services import approvals
from ecvet.services import europass as service
from mobility.models import Mobility
from partners.models import AuditEntry

from .support_memoranda import mark_recently_authenticated

pytestmark = pytest.mark.django_db

E = EuropassMobility.Status
SECTION_5A = {"job_related": "Facial treatments", "linguistic": "English B1", "soft_skills": "Punctual"}


def completed(mobility, **fields):
    Mobility.objects.filter(pk=mobility.pk).update(status=Mobility.Status.COMPLETED, **fields)
    mobility.refresh_from_db()
    return mobility


@pytest.fixture
def europass(world, mob):
    mobility = completed(mob.m_b_to_a, planned_activities="Work in a beauty salon")
    return service.start_europass(mobility, by=world.partner_b)


@pytest.fixture
def sent(world, europass):
    service.update_host(europass, SECTION_5A, by=world.pc_a)
    return service.send_for_approval(europass, by=world.partner_b)


def fresh(europass):
    return EuropassMobility.objects.get(pk=europass.pk)


def decide_url(europass):
    return reverse("ecvet:europass_decide", kwargs={"code": europass.code})


# --- starting --------------------------------------------------------------------------------------------


def test_starting_prefills_the_description_from_the_mobility_and_the_learner(world, mob, europass):
    assert europass.status == E.DRAFT
    assert europass.objective == "Work in a beauty salon"
    assert europass.programme == "Erasmus+"
    assert europass.qualification == mob.m_b_to_a.learner.qualification_title
    assert AuditEntry.objects.filter(object_code=str(europass.code), verb=AuditEntry.Verb.CREATED).exists()


def test_a_second_start_returns_the_same_document(world, europass):
    assert service.start_europass(europass.mobility, by=world.partner_b) == europass


def test_an_open_mobility_gets_no_europass(world, mob):
    with pytest.raises(ValidationError, match="completed or recognised"):
        service.start_europass(mob.m_b_to_a, by=world.partner_b)
    assert not EuropassMobility.objects.exists()


def test_the_start_page_of_an_open_mobility_says_why_and_creates_nothing(world, mob, client_for):
    client = client_for(world.partner_b)
    url = reverse("ecvet:europass_for_mobility", kwargs={"code": mob.m_b_to_a.code})
    assert "completed or recognised" in client.get(url).content.decode()
    response = client.post(url, follow=True)
    assert "completed or recognised" in response.content.decode()
    assert not EuropassMobility.objects.exists()


def test_the_host_cannot_start_it(world, mob):
    # m_a_to_b: A sends, B hosts; partner_b works for the host.
    completed(mob.m_a_to_b)
    with pytest.raises(PermissionDenied):
        service.start_europass(mob.m_a_to_b, by=world.partner_b)
    assert not EuropassMobility.objects.exists()


# --- each side edits only its own fields --------------------------------------------------------------


def test_the_sending_side_edits_its_fields_and_a_forged_5a_changes_nothing(world, europass, client_for):
    client = client_for(world.partner_b)
    url = reverse("ecvet:europass_edit_sending", kwargs={"code": europass.code})
    data = {"objective": "New objective", "qualification": "Cosmetician", "programme": "Erasmus+"}
    response = client.post(url, {**data, "job_related": "forged", "soft_skills": "forged"})
    assert response.status_code == 302
    europass = fresh(europass)
    assert (europass.objective, europass.qualification) == ("New objective", "Cosmetician")
    assert europass.job_related == "" and europass.soft_skills == ""
    entry = AuditEntry.objects.filter(object_code=str(europass.code), verb=AuditEntry.Verb.UPDATED).get()
    assert entry.details == {"side": "sending", "fields": ["objective", "qualification"]}


def test_the_host_fills_5a_and_a_forged_description_changes_nothing(world, europass, client_for):
    client = client_for(world.pc_a)
    url = reverse("ecvet:europass_edit_host", kwargs={"code": europass.code})
    response = client.post(url, {**SECTION_5A, "objective": "forged", "programme": "forged"})
    assert response.status_code == 302
    europass = fresh(europass)
    assert europass.job_related == "Facial treatments" and europass.linguistic == "English B1"
    assert europass.objective == "Work in a beauty salon" and europass.programme == "Erasmus+"


def test_the_mentor_fills_5a_but_not_the_description(world, mob, europass, client_for):
    client = client_for(mob.mentor_a)
    host_url = reverse("ecvet:europass_edit_host", kwargs={"code": europass.code})
    sending_url = reverse("ecvet:europass_edit_sending", kwargs={"code": europass.code})
    assert client.post(host_url, SECTION_5A).status_code == 302
    assert fresh(europass).job_related == "Facial treatments"
    assert client.post(sending_url, {"objective": "x", "qualification": "x", "programme": "x"}).status_code == 403
    assert fresh(europass).objective == "Work in a beauty salon"


def test_the_sending_side_cannot_fill_5a(world, europass, client_for):
    with pytest.raises(PermissionDenied):
        service.update_host(europass, SECTION_5A, by=world.partner_b)
    response = client_for(world.partner_b).post(
        reverse("ecvet:europass_edit_host", kwargs={"code": europass.code}), SECTION_5A
    )
    assert response.status_code == 403
    assert fresh(europass).job_related == ""


def test_a_form_without_job_related_skills_gives_a_field_error(world, europass, client_for):
    client = client_for(world.pc_a)
    url = reverse("ecvet:europass_edit_host", kwargs={"code": europass.code})
    response = client.post(url, {"linguistic": "English"})
    assert response.status_code == 200
    assert response.context["form"].errors["job_related"]
    assert fresh(europass).linguistic == ""


def test_nothing_is_edited_once_sent(world, sent, client_for):
    with pytest.raises(ValidationError):
        service.update_host(sent, {"job_related": "changed"}, by=world.pc_a)
    client = client_for(world.pc_a)
    client.post(reverse("ecvet:europass_edit_host", kwargs={"code": sent.code}), {"job_related": "changed"})
    assert fresh(sent).job_related == "Facial treatments"


# --- sending ---------------------------------------------------------------------------------------------


def test_sending_without_section_5a_is_refused_with_a_message(world, europass, client_for):
    client = client_for(world.partner_b)
    response = client.post(reverse("ecvet:europass_send", kwargs={"code": europass.code}), follow=True)
    assert "section 5a" in response.content.decode()
    assert fresh(europass).status == E.DRAFT


def test_sending_for_a_mobility_that_is_open_again_is_refused(world, europass):
    service.update_host(europass, SECTION_5A, by=world.pc_a)
    Mobility.objects.filter(pk=europass.mobility_id).update(status=Mobility.Status.IN_MOBILITY)
    with pytest.raises(ValidationError, match="completed or recognised"):
        service.send_for_approval(fresh(europass), by=world.partner_b)
    assert fresh(europass).status == E.DRAFT


def test_only_the_sending_side_sends(world, mob, europass, client_for):
    service.update_host(europass, SECTION_5A, by=world.pc_a)
    response = client_for(mob.mentor_a).post(reverse("ecvet:europass_send", kwargs={"code": europass.code}))
    assert response.status_code == 403
    assert fresh(europass).status == E.DRAFT


def test_sending_freezes_the_canonical_content(world, mob, sent):
    content = sent.frozen_content
    assert sent.status == E.AWAITING
    assert content["holder"]["name"] == "Lina Bakker"
    assert content["sending_partner"]["name"] == world.org_b.legal_name
    assert content["host_partner"]["country"] == world.org_a.country.code
    assert content["mentor"]["name"] == (mob.mentor_a.get_full_name() or mob.mentor_a.email)
    assert content["section_5a"]["job_related"] == "Facial treatments"
    assert content["description"]["programme"] == "Erasmus+"
    assert approvals.current_sha256(sent) == content_sha256(content)


# --- approving -------------------------------------------------------------------------------------------


def test_both_organisations_approve_through_the_page_and_it_is_approved(world, sent, client_for):
    for user, party in ((world.partner_b, "sending"), (world.pc_a, "receiving")):
        client = client_for(user)
        mark_recently_authenticated(client, user)
        page = client.get(decide_url(sent))
        assert page.status_code == 200
        sha = page.context["sha256"]
        response = client.post(
            decide_url(sent), {"party": party, "decision": "approved", "comment": "", "expected_sha256": sha}
        )
        assert response.status_code == 302
    europass = fresh(sent)
    assert europass.status == E.APPROVED
    assert sorted(europass.approvals.values_list("party", flat=True)) == ["receiving", "sending"]
    assert AuditEntry.objects.filter(object_code=str(europass.code), details__to=E.APPROVED).exists()


def test_without_a_recent_reauthentication_the_decision_redirects_and_records_nothing(world, sent, client_for):
    client = client_for(world.partner_b)
    sha = approvals.current_sha256(sent)
    response = client.post(
        decide_url(sent), {"party": "sending", "decision": "approved", "comment": "", "expected_sha256": sha}
    )
    assert response.status_code == 302
    assert "reauthenticate" in response["Location"]
    assert not Approval.objects.exists()


def test_a_stale_hash_gives_a_message_and_records_nothing(world, sent, client_for):
    client = client_for(world.partner_b)
    mark_recently_authenticated(client, world.partner_b)
    response = client.post(
        decide_url(sent),
        {"party": "sending", "decision": "approved", "comment": "", "expected_sha256": "0" * 64},
        follow=True,
    )
    assert "has changed since you opened it" in response.content.decode()
    assert not Approval.objects.exists()
    assert fresh(sent).status == E.AWAITING


def test_a_mentor_without_the_signing_right_gets_403(world, mob, sent, client_for):
    client = client_for(mob.mentor_a)
    mark_recently_authenticated(client, mob.mentor_a)
    sha = approvals.current_sha256(sent)
    response = client.post(
        decide_url(sent), {"party": "receiving", "decision": "approved", "comment": "", "expected_sha256": sha}
    )
    assert response.status_code == 403
    assert not Approval.objects.exists()


def test_a_refusal_puts_it_back_in_draft_with_the_reason(world, sent, client_for):
    approvals.decide(
        fresh(sent),
        party_key="receiving",
        by=world.pc_a,
        expected_sha256=approvals.current_sha256(sent),
        decision=Approval.Decision.REFUSED,
        comment="Add the digital skills",
    )
    europass = fresh(sent)
    assert europass.status == E.DRAFT and europass.frozen_content is None
    page = client_for(world.partner_b).get(europass.get_absolute_url()).content.decode()
    assert "Add the digital skills" in page


# --- reading and exporting -------------------------------------------------------------------------------


def test_the_json_export_is_the_exact_canonical_content_and_is_audited(world, sent, client_for):
    response = client_for(world.partner_b).get(reverse("ecvet:europass_json", kwargs={"code": sent.code}))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert content_sha256(json.loads(response.content)) == approvals.current_sha256(sent)
    assert response["X-Content-SHA256"] == approvals.current_sha256(sent)
    assert AuditEntry.objects.filter(object_code=str(sent.code), verb=AuditEntry.Verb.EXPORTED).exists()


def test_the_read_view_shows_every_section_and_is_audited(world, sent, client_for):
    page = client_for(world.learner_b).get(sent.get_absolute_url()).content.decode()
    for text in ("Lina Bakker", world.org_a.legal_name, "Facial treatments", "Erasmus+", "Approvals"):
        assert text in page
    assert AuditEntry.objects.filter(object_code=str(sent.code), verb=AuditEntry.Verb.VIEWED).exists()


def test_the_mentor_reads_without_the_holders_date_of_birth(world, mob, sent, client_for):
    response = client_for(mob.mentor_a).get(sent.get_absolute_url())
    assert response.status_code == 200
    assert response.context["personal"] is False
    assert "Date of birth" not in response.content.decode()


# --- demo ------------------------------------------------------------------------------------------------

TODAY = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


def test_the_demo_has_one_europass_approved_by_both_partners_and_runs_once(demo):
    with time_machine.travel(TODAY, tick=False):
        europass = EuropassMobility.objects.get()
        assert europass.status == E.APPROVED
        assert europass.mobility.partnership.acronym == "VISION"
        assert europass.mobility.start_date.year in (2021, 2022)
        assert europass.mobility.learner.user is None or europass.mobility.learner.user.email not in (
            demo_europass.UNTOUCHED_LEARNERS
        )
        assert set(europass.approvals.values_list("party", flat=True)) == {"sending", "receiving"}
        assert demo_europass.seed() == 0
        call_command("seed_demo", verbosity=0)
        assert EuropassMobility.objects.count() == 1


def test_the_mobility_page_links_to_its_europass(world, mob, client_for):
    page = client_for(world.partner_b).get(mob.m_b_to_a.get_absolute_url()).content.decode()
    assert reverse("ecvet:europass_for_mobility", kwargs={"code": mob.m_b_to_a.code}) in page


def test_the_admin_shows_the_europass_with_its_approvals(world, sent, client_for):
    client = client_for(world.admin)
    assert client.get(reverse("admin:ecvet_europassmobility_changelist")).status_code == 200
    assert client.get(reverse("admin:ecvet_europassmobility_change", args=[sent.pk])).status_code == 200


def test_erasing_the_learner_scrubs_their_europass_mobility(world, mob, sent, django_capture_on_commit_callbacks):
    from django.core import serializers

    from mobility.services.gdpr import erase_learner

    assert "Bakker" in str(fresh(sent).frozen_content)
    with django_capture_on_commit_callbacks(execute=True):
        erase_learner(mob.learner_b1, by=world.partner_b, reason="Asked by the learner")
    dump = serializers.serialize("json", EuropassMobility.objects.all())
    assert "Bakker" not in dump and "Lina" not in dump
    assert fresh(sent).status == E.AWAITING  # the record stays
