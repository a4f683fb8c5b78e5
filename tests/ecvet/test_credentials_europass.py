"""The Europass Mobility as a Europass digital credential: its content, when it exists, the download, the links.

m_b_to_a (tests/mobility/conftest.py): B sends learner_b to A; partner_b signs for B, pc_a for A; mentor_a mentors.
"""

from __future__ import annotations

import json
from datetime import UTC
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from ecvet.credentials import CredentialUnavailable, elm, europass_mobility, issuance, jades
from ecvet.services import approvals
from ecvet.services import europass as service
from mobility.models import Mobility
from partners.models import AuditEntry

from .support_credentials import SECTION_5A, approve_europass


def completed(mobility):
    Mobility.objects.filter(pk=mobility.pk).update(status=Mobility.Status.COMPLETED)
    mobility.refresh_from_db()
    return mobility


@pytest.fixture
def europass(world, mob):
    return approve_europass(completed(mob.m_b_to_a), sending=world.partner_b, host=world.pc_a)


def credential_url(europass):
    return reverse("ecvet:europass_credential", kwargs={"code": europass.code})


def activity(credential):
    (claim,) = credential["credentialSubject"]["hasClaim"]
    assert claim["type"] == "LearningActivity"
    return claim


# --- the content --------------------------------------------------------------------------------------


def test_the_stay_is_one_learning_activity_directed_by_the_host_with_section_5a_as_its_notes(world, mob, europass):
    credential = europass_mobility.build(europass)
    mobility = europass.mobility
    claim = activity(credential)
    assert claim["temporal"][0]["startDate"] == f"{mobility.start_date.isoformat()}T00:00:00Z"
    assert claim["temporal"][0]["endDate"] == f"{mobility.end_date.isoformat()}T00:00:00Z"
    assert claim["directedBy"][0]["legalName"]["en"] == mobility.receiving_organisation.legal_name
    assert claim["description"]["en"] == "Facial care in a beauty salon"
    assert claim["specifiedBy"]["title"]["en"] == "Erasmus+"
    notes = {n["subject"]["prefLabel"]["en"]: n["noteLiteral"]["en"] for n in claim["additionalNote"]}
    assert notes == {
        "Job-related skills and competences": SECTION_5A["job_related"],
        "Linguistic skills and competences": SECTION_5A["linguistic"],
        "Other skills and competences": SECTION_5A["soft_skills"],
    }
    bodies = [o["legalName"]["en"] for o in claim["awardedBy"]["awardingBody"]]
    assert bodies == [mobility.sending_organisation.legal_name, mobility.receiving_organisation.legal_name]
    assert credential["issuer"]["legalName"]["en"] == mobility.sending_organisation.legal_name


def test_it_is_valid_from_the_last_approval_and_carries_only_the_approved_identity(world, mob, europass):
    credential = europass_mobility.build(europass)
    last = approvals.approvals_of(europass).latest("at").at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert credential["validFrom"] == last == activity(credential)["awardedBy"]["awardingDate"]
    learner = europass.mobility.learner
    subject = credential["credentialSubject"]
    assert subject["fullName"]["en"] == f"{learner.first_name} {learner.last_name}"
    assert set(subject) <= {"id", "type", "fullName", "givenName", "familyName", "dateOfBirth", "hasClaim"}
    text = json.dumps(credential)
    assert learner.email not in text
    assert mob.mentor_a.last_name not in text  # the mentor's name is in the document, not in the credential


def test_the_credential_passes_our_schema_and_the_official_edc_schema(world, europass, official_edc):
    credential = europass_mobility.build(europass)
    assert elm.errors(credential) == []
    assert official_edc.errors(credential) == []


def test_a_europass_mobility_not_approved_by_both_has_no_credential(world, mob, client_for):
    europass = service.start_europass(completed(mob.m_b_to_a), by=world.partner_b)
    with pytest.raises(CredentialUnavailable):
        europass_mobility.build(europass)
    response = client_for(world.partner_b).get(credential_url(europass))
    assert response.status_code == 409
    assert "Both organisations have not approved" in response.content.decode()
    assert "attachment" not in response.get("Content-Disposition", "")


# --- the download -------------------------------------------------------------------------------------


def test_the_learner_downloads_it_sealed_as_an_audited_no_store_attachment(world, europass, client_for):
    response = client_for(world.learner_b).get(credential_url(europass))
    assert response.status_code == 200
    code = str(europass.code)[:8]  # codes, never names
    assert response["Content-Disposition"] == f'attachment; filename="europass-mobility-credential-{code}.json"'
    assert "no-store" in response["Cache-Control"]
    credential, _cert = jades.verify(response.content)
    assert activity(credential)["type"] == "LearningActivity"
    entry = AuditEntry.objects.get(verb=AuditEntry.Verb.EXPORTED, object_code=str(europass.code))
    assert entry.actor == world.learner_b
    assert entry.details["format"] == "europass-mobility-credential"
    assert entry.details["sigT"] == credential["issued"]


def test_the_europass_page_offers_the_credential_to_the_parties_not_to_the_mentor(world, mob, europass, client_for):
    assert credential_url(europass) in client_for(world.partner_b).get(europass.get_absolute_url()).content.decode()
    page = client_for(mob.mentor_a).get(europass.get_absolute_url())
    assert page.status_code == 200
    assert credential_url(europass) not in page.content.decode()


def test_the_learners_mobility_page_links_to_it(world, europass, client_for):
    mobility = europass.mobility
    url = reverse("ecvet:mobility_europass_credential", kwargs={"code": mobility.code})
    client = client_for(world.learner_b)
    assert url in client.get(mobility.get_absolute_url()).content.decode()
    assert client.get(url)["Location"] == credential_url(europass)


def test_the_verify_command_accepts_a_sealed_europass_mobility_credential(world, europass, tmp_path):
    _credential, signed = issuance.issue(europass_mobility.build, europass)
    path = tmp_path / "europass.json"
    path.write_bytes(jades.serialize(signed))
    out = StringIO()
    call_command("verify_credential", str(path), stdout=out)
    assert "Signature: valid" in out.getvalue()
    assert "Certificate: trusted" in out.getvalue()
    assert "Schema: valid" in out.getvalue()
