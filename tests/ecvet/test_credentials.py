"""Europass digital credential: ELM 3.2 content from the approved transcript, the bundled schema, the JAdES seal."""

from __future__ import annotations

import base64
import copy
import hashlib
import json
from datetime import UTC, date, datetime, timedelta

import pytest
from cryptography.hazmat.primitives import serialization
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from ecvet.credentials import CredentialInvalid, CredentialUnavailable, elm, issuance, jades
from ecvet.models import Transcript
from ecvet.services import approvals
from ecvet.services import transcripts as service
from mobility.models import Mobility
from partners.models import AuditEntry

from .test_transcripts import approved_transcript, chain  # noqa: F401 — the fixture

SIGNED_AT = datetime(2021, 7, 2, 9, 30, tzinfo=UTC)


def recognised(world, transcript, decision="partly"):
    service.record_recognition(
        transcript, by=world.partner_b, decision=decision, decided_on=date(2021, 7, 1), how_it_counts="Counts as FAC"
    )
    return Transcript.objects.select_related("mobility__learner").get(pk=transcript.pk)


@pytest.fixture
def transcript(world, chain):  # noqa: F811
    """m_b_to_a: FAC (6 points) both outcomes achieved, MAN (4) one achieved one not; approved and recognised."""
    return recognised(world, approved_transcript(world, chain))


def credential_url(transcript):
    return reverse("ecvet:transcript_credential", kwargs={"code": transcript.code})


def b64url_json(part: str) -> dict:
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def achievements(credential):
    return [c for c in credential["credentialSubject"]["hasClaim"] if c["type"] == "LearningAchievement"]


# --- the content --------------------------------------------------------------------------------------


def test_the_credential_holds_one_achievement_per_unit_with_outcomes_points_and_assessments(world, transcript):
    credential = elm.build(transcript)
    by_unit = {a["specifiedBy"]["title"]["en"].split(" ")[0]: a for a in achievements(credential)}
    assert sorted(by_unit) == ["FAC", "MAN"]
    fac, man = by_unit["FAC"], by_unit["MAN"]
    assert [o["title"]["en"] for o in fac["specifiedBy"]["learningOutcome"]] == ["Outcome 0 of FAC", "Outcome 1 of FAC"]
    # Allocated in the approved Learning Agreement, received per the approved transcript (MAN was mixed → 0).
    assert fac["specifiedBy"]["creditPoint"][0]["point"] == "6"
    assert fac["creditReceived"][0]["point"] == "6"
    assert man["specifiedBy"]["creditPoint"][0]["point"] == "4"
    assert man["creditReceived"][0]["point"] == "0"
    assert fac["creditReceived"][0]["framework"]["notation"] == "ECVET"
    assert [a["grade"]["noteLiteral"]["en"] for a in man["provenBy"]] == ["Achieved", "Not achieved"]
    assert fac["provenBy"][0]["dateIssued"] == "2021-05-20T00:00:00Z"
    assert fac["provenBy"][0]["specifiedBy"][0]["title"]["en"] == "Observation at work"
    host = transcript.mobility.receiving_organisation
    assert fac["provenBy"][0]["assessedBy"][0]["legalName"]["en"] == host.legal_name
    assert fac["awardedBy"]["awardingBody"][0]["legalName"]["en"] == host.legal_name
    # Every assessment is awarded too (ELM 3.2), by the same process as the unit's achievement.
    assert {a["awardedBy"]["id"] for a in fac["provenBy"] + man["provenBy"]} == {fac["awardedBy"]["id"]}
    qualification = fac["specifiedBy"]["isPartOf"][0]
    assert qualification["type"] == "Qualification"
    assert qualification["eqfLevel"]["id"].startswith("http://data.europa.eu/snb/eqf/")
    assert "EQFLevel" not in json.dumps(credential)


def test_the_issuer_is_the_sending_organisation_and_the_subject_carries_only_the_approved_identity(world, transcript):
    credential = elm.build(transcript)
    home = transcript.mobility.sending_organisation
    assert credential["type"] == ["VerifiableCredential", "VerifiableAttestation", "EuropeanDigitalCredential"]
    assert credential["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "http://data.europa.eu/snb/model/context/edc-ap",
    ]
    assert credential["id"].startswith("urn:uuid:")
    assert credential["issuer"]["legalName"]["en"] == home.legal_name
    country = credential["issuer"]["location"][0]["address"][0]["countryCode"]["id"]
    assert country.startswith("http://publications.europa.eu/resource/authority/country/")
    # Valid from the award: the host approved this content after the recognition date (2021-07-01), so from then.
    approval = approvals.approvals_of(transcript).filter(party="receiving").latest("at")
    awarded = approval.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert credential["validFrom"] == awarded > "2021-07-01T00:00:00Z"
    assert achievements(credential)[0]["awardedBy"]["awardingDate"] == awarded
    subject = credential["credentialSubject"]
    learner = transcript.mobility.learner
    assert subject["fullName"]["en"] == f"{learner.first_name} {learner.last_name}"
    assert set(subject) <= {"id", "type", "fullName", "givenName", "familyName", "dateOfBirth", "hasClaim"}
    text = json.dumps(credential)
    assert learner.email not in text
    assert "Seen in the salon" not in text  # the mentor's free-text evidence stays out


def test_the_credential_uses_the_approved_content_not_later_edits_of_live_rows(world, transcript):
    transcript.entries.filter(outcome="Outcome 0 of FAC").update(outcome="Edited after the approval")
    credential = elm.build(transcript)
    assert "Edited after the approval" not in json.dumps(credential)
    assert "Outcome 0 of FAC" in json.dumps(credential)


def test_the_date_of_birth_is_left_out_when_the_approved_content_has_none(world, transcript):
    Transcript.objects.filter(pk=transcript.pk).update(
        frozen_content={**transcript.frozen_content, "learner": {"name": "X Y", "date_of_birth": None}}
    )
    transcript.refresh_from_db()
    subject = elm.build(transcript)["credentialSubject"]
    assert "dateOfBirth" not in subject
    assert "givenName" not in subject  # "X Y" is not the learner's record: the name is not split


def test_the_sealed_pdf_is_cited_as_evidence_with_its_verification_url_and_hash(world, transcript):
    from documents.models import RenderedDocument
    from documents.services import request_pdf

    row = request_pdf(transcript)
    RenderedDocument.objects.filter(pk=row.pk).update(status=RenderedDocument.Status.READY, file_sha256="ab" * 32)
    evidence = elm.build(transcript)["evidence"]
    pdf = [e for e in evidence if "Sealed PDF" in e["evidenceStatement"]]
    assert len(pdf) == 1
    assert "https://vision.test" + row.get_verify_url() in pdf[0]["evidenceStatement"]
    assert "ab" * 32 in pdf[0]["evidenceStatement"]


# --- when there is no credential ----------------------------------------------------------------------


def test_an_approved_transcript_not_yet_recognised_has_no_credential(world, chain, client_for):  # noqa: F811
    transcript = approved_transcript(world, chain)
    with pytest.raises(CredentialUnavailable):
        elm.build(transcript)
    response = client_for(world.learner_b).get(credential_url(transcript))
    assert response.status_code == 409
    assert "validation and recognition" in response.content.decode()


def test_a_transcript_not_recognised_at_home_gives_no_credential(world, chain, client_for):  # noqa: F811
    transcript = recognised(world, approved_transcript(world, chain), decision="not_recognised")
    assert client_for(world.partner_b).get(credential_url(transcript)).status_code == 409


# --- the schema ---------------------------------------------------------------------------------------


def test_the_built_credential_validates_against_the_bundled_schema(world, transcript):
    credential = elm.build(transcript)
    assert elm.errors(credential) == []
    assert elm.validate(credential) is credential


@pytest.mark.parametrize(
    "path",
    [
        ("issuer",),
        ("credentialSubject", "hasClaim"),
        ("validFrom",),
    ],
)
def test_a_credential_missing_a_required_property_fails_the_schema(world, transcript, path):
    credential = elm.build(transcript)
    node = credential
    for key in path[:-1]:
        node = node[key]
    del node[path[-1]]
    with pytest.raises(CredentialInvalid):
        elm.validate(credential)


def test_an_achievement_without_credit_points_fails_the_schema(world, transcript):
    credential = elm.build(transcript)
    del achievements(credential)[0]["creditReceived"]
    assert any("creditReceived" in e or "oneOf" in e or "valid under" in e for e in elm.errors(credential))


def test_a_credential_that_fails_the_schema_is_never_served(world, transcript, client_for, monkeypatch):
    original = elm.build

    def broken(t, **kwargs):
        credential = original(t, **kwargs)
        del credential["issuer"]
        return credential

    monkeypatch.setattr(elm, "build", broken)
    response = client_for(world.learner_b).get(credential_url(transcript))
    assert response.status_code == 422
    assert "attachment" not in response.get("Content-Disposition", "")
    assert not AuditEntry.objects.filter(verb=AuditEntry.Verb.EXPORTED, object_code=str(transcript.code)).exists()


# --- the seal -----------------------------------------------------------------------------------------


def test_the_signature_verifies_with_the_seal_certificate(world, transcript):
    credential = elm.build(transcript)
    signed = jades.sign(credential)
    verified, cert = jades.verify(jades.serialize(signed))
    assert verified == credential
    _key, seal_cert, _extra = jades.seal_material()
    assert cert == seal_cert


def test_the_protected_header_is_jades_baseline_b(world, transcript):
    signed = jades.sign(elm.build(transcript, issued=SIGNED_AT))
    header = b64url_json(signed["protected"])
    assert header["alg"] == "ES256"
    assert header["typ"] == "jose+json"
    assert header["cty"] == "vc"  # a VC Data Model 2.0 credential (VC-JOSE-COSE's content type)
    assert header["crit"] == ["sigT"]
    assert header["sigT"] == "2021-07-02T09:30:00Z"
    der = base64.b64decode(header["x5c"][0])
    assert header["x5t#S256"] == b64url(hashlib.sha256(der).digest())
    _key, cert, _extra = jades.seal_material()
    assert der == cert.public_bytes(serialization.Encoding.DER)


def test_changing_one_byte_of_the_payload_breaks_the_signature(world, transcript):
    signed = jades.sign(elm.build(transcript))
    payload = base64.urlsafe_b64decode(signed["payload"] + "=" * (-len(signed["payload"]) % 4))
    tampered = payload.replace(b'"6"', b'"9"', 1)
    assert tampered != payload
    with pytest.raises(CredentialInvalid) as error:
        jades.verify({**signed, "payload": b64url(tampered)})
    assert error.value.reason == "signature"


def test_changing_the_protected_header_breaks_the_signature(world, transcript):
    signed = jades.sign(elm.build(transcript, issued=SIGNED_AT))
    header = b64url_json(signed["protected"])
    header["sigT"] = "2020-01-01T00:00:00Z"
    with pytest.raises(CredentialInvalid) as error:
        jades.verify({**signed, "protected": b64url(json.dumps(header).encode())})
    assert error.value.reason == "signature"


def test_a_thumbprint_of_another_certificate_is_refused(world, transcript):
    signed = jades.sign(elm.build(transcript))
    header = b64url_json(signed["protected"])
    header["x5t#S256"] = b64url(hashlib.sha256(b"another certificate").digest())
    with pytest.raises(CredentialInvalid) as error:
        jades.verify({**signed, "protected": b64url(json.dumps(header).encode())})
    assert error.value.reason == "thumbprint"


def test_a_signature_without_the_critical_signing_time_is_refused(world, transcript):
    signed = jades.sign(elm.build(transcript))
    header = b64url_json(signed["protected"])
    header["crit"] = []
    with pytest.raises(CredentialInvalid) as error:
        jades.verify({**signed, "protected": b64url(json.dumps(header).encode())})
    assert error.value.reason == "header"


def test_a_credential_sealed_with_another_key_is_untrusted(world, transcript, tmp_path, settings):
    from documents import signing

    seal, password = settings.VISION_SIGNING_P12, settings.VISION_SIGNING_PASSWORD
    other = tmp_path / "other.p12"
    signing.create_certificate(other, password="x", common_name="Someone else", organisation="Elsewhere")
    credential = elm.build(transcript)
    settings.VISION_SIGNING_P12, settings.VISION_SIGNING_PASSWORD = other, "x"
    foreign = jades.sign(credential)
    jades.verify(foreign)  # it trusts itself while it is the configured seal
    settings.VISION_SIGNING_P12, settings.VISION_SIGNING_PASSWORD = seal, password
    with pytest.raises(CredentialInvalid) as error:
        jades.verify(foreign)
    assert error.value.reason == "untrusted"


def test_a_signing_time_outside_the_certificates_validity_is_refused(world, transcript):
    signed = jades.sign(elm.build(transcript, issued=SIGNED_AT))  # 2021: before the test seal existed
    with pytest.raises(CredentialInvalid) as error:
        jades.verify(signed)
    assert error.value.reason == "expired"


def test_a_signing_time_other_than_the_issuance_time_is_refused(world, transcript):
    issued = datetime.now(UTC).replace(microsecond=0)
    signed = jades.sign(elm.build(transcript, issued=issued), signing_time=issued + timedelta(seconds=1))
    with pytest.raises(CredentialInvalid) as error:
        jades.verify(signed)
    assert error.value.reason == "issued"


def test_one_instant_gives_issued_and_the_signing_time_even_when_the_clock_moves(world, transcript, monkeypatch):
    real_now = timezone.now
    calls = []

    def ticking():
        calls.append(1)
        return real_now() + timedelta(seconds=len(calls))  # every call a second later than the one before

    monkeypatch.setattr(timezone, "now", ticking)
    credential, signed = issuance.issue(elm.build, transcript)
    assert len(calls) == 1
    assert b64url_json(signed["protected"])["sigT"] == credential["issued"] == credential["issuanceDate"]
    assert jades.verify(signed)[0] == credential


def test_garbage_is_refused_with_a_reason_not_an_exception():
    for data in (b"\xff\xfe", b"not json", b"[]", b'{"protected": "x", "payload": "y", "signature": "z"}'):
        with pytest.raises(CredentialInvalid):
            jades.verify(data)


# --- the download -------------------------------------------------------------------------------------


def test_the_learner_downloads_a_sealed_credential_as_an_audited_no_store_attachment(world, transcript, client_for):
    response = client_for(world.learner_b).get(credential_url(transcript))
    assert response.status_code == 200
    code = str(transcript.code)[:8]  # codes, never names
    assert response["Content-Disposition"] == f'attachment; filename="europass-credential-{code}.json"'
    assert "no-store" in response["Cache-Control"]
    credential, _cert = jades.verify(response.content)
    assert len(achievements(credential)) == 2
    entry = AuditEntry.objects.get(verb=AuditEntry.Verb.EXPORTED, object_code=str(transcript.code))
    assert entry.actor == world.learner_b
    assert entry.details["credential"] == credential["id"]


def test_the_transcript_page_offers_the_credential_once_recognised(world, chain, client_for):  # noqa: F811
    transcript = approved_transcript(world, chain)
    client = client_for(world.partner_b)
    assert credential_url(transcript) not in client.get(transcript.get_absolute_url()).content.decode()
    recognised(world, transcript)
    assert credential_url(transcript) in client.get(transcript.get_absolute_url()).content.decode()


def test_the_learners_mobility_page_links_to_the_credential(world, transcript, client_for):
    mobility = transcript.mobility
    url = reverse("ecvet:mobility_credential", kwargs={"code": mobility.code})
    client = client_for(world.learner_b)
    assert url in client.get(mobility.get_absolute_url()).content.decode()
    assert client.get(url)["Location"] == credential_url(transcript)


def test_the_mentors_mobility_page_offers_no_credential_they_could_not_download(world, mob, transcript, client_for):
    mobility = transcript.mobility
    assert mobility.mentor_id == mob.mentor_a.pk
    url = reverse("ecvet:mobility_credential", kwargs={"code": mobility.code})
    page = client_for(mob.mentor_a).get(mobility.get_absolute_url())
    assert page.status_code == 200
    assert url not in page.content.decode()
    assert client_for(mob.mentor_a).get(credential_url(transcript)).status_code == 403


# --- the command --------------------------------------------------------------------------------------


def test_the_verify_command_reports_a_valid_credential_and_refuses_a_tampered_one(world, transcript, tmp_path):
    from io import StringIO

    signed = jades.sign(elm.build(transcript))
    good = tmp_path / "good.json"
    good.write_bytes(jades.serialize(signed))
    out = StringIO()
    call_command("verify_credential", str(good), stdout=out)
    assert "valid" in out.getvalue().lower()
    assert "VISION test seal" in out.getvalue()
    bad = tmp_path / "bad.json"
    broken = copy.deepcopy(signed)
    broken["signature"] = broken["signature"][:-4] + ("AAAA" if not broken["signature"].endswith("AAAA") else "BBBB")
    bad.write_text(json.dumps(broken))
    with pytest.raises(CommandError, match="signature"):
        call_command("verify_credential", str(bad), stdout=StringIO())


def test_a_mobility_recognised_without_a_transcript_offers_no_credential_link(world, mob, client_for):
    Mobility.objects.filter(pk=mob.m_b_to_a.pk).update(status=Mobility.Status.RECOGNISED)
    url = reverse("ecvet:mobility_credential", kwargs={"code": mob.m_b_to_a.code})
    client = client_for(world.learner_b)
    page = client.get(mob.m_b_to_a.get_absolute_url())
    assert page.status_code == 200 and url not in page.content.decode()
    assert client.get(url).status_code == 404  # what the link would have answered
