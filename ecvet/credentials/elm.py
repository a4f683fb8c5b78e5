"""Build the European Digital Credential (ELM v3, EDC application profile) of a Personal Transcript.

Every fact comes from the content the host approved (the frozen canonical content, the same bytes the sealed
PDF shows), from the approved Learning Agreement's frozen content (the units' ECVET points), and from the
recognition recorded once by the sending organisation. Live, editable rows are never read for the claims, so
the credential says what was signed.

Data minimisation (docs/europass-credential.md): the learner appears with the name on the approved
transcript and, when present there, the date of birth — the only way a verifier can match the credential to
a person, as it carries no holder identifier. No gender, e-mail, address, guardian, nationality, mentor's
name or free-text remarks. The subject's id is derived from the transcript, so two credentials of one
learner cannot be linked through it.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries

from documents.canonical import content_sha256
from mobility.models import Mobility

from ..models import Approval, LearningAgreementVersion, Transcript
from ..services import approvals
from . import CredentialInvalid, CredentialUnavailable

LANG = "en"  # the credential's primary language: VISION's common working language
CONTEXT = ["https://www.w3.org/2018/credentials/v1", "http://data.europa.eu/snb/model/context/edc-ap"]
TYPES = ["VerifiableCredential", "EuropeanDigitalCredential"]
EDC_SHACL = "http://data.europa.eu/snb/model/ap/edc-generic-full"
SCHEMA_PATH = Path(__file__).parent / "schema" / "edc-transcript.schema.json"

# Controlled vocabularies (EU Vocabularies / data.europa.eu/snb).
CREDENTIAL_TYPES = "http://data.europa.eu/snb/credential/25831c2"
GENERIC_PROFILE = "http://data.europa.eu/snb/credential/e34929035b"
EQF_SCHEME = "http://data.europa.eu/snb/eqf/25831c2"
EDUCATION_CREDIT = "http://data.europa.eu/snb/education-credit/25831c2"
# The ECVET concept of the education-credit vocabulary. Its opaque identifier could not be confirmed offline:
# check it against the published vocabulary before uploading to Europass (docs/europass-credential.md).
ECVET = "http://data.europa.eu/snb/education-credit/ECVET"
COUNTRY = "http://publications.europa.eu/resource/authority/country"
LANGUAGE = "http://publications.europa.eu/resource/authority/language"

RESULT_LABELS = {"achieved": "Achieved", "partly": "Partly achieved", "not_achieved": "Not achieved"}
ISSUABLE_DECISIONS = (Transcript.Decision.RECOGNISED, Transcript.Decision.PARTLY)


# --- availability -------------------------------------------------------------------------------------


def unavailable_reason(transcript: Transcript) -> str | None:
    """Why the transcript cannot be a credential (yet), for the page; None when it can."""
    if transcript.status != Transcript.Status.APPROVED or transcript.frozen_content is None:
        return _("The host has not approved the transcript yet.")
    if transcript.mobility.status != Mobility.Status.RECOGNISED or not transcript.decision:
        return _("The sending organisation has not recorded the validation and recognition yet.")
    if transcript.decision not in ISSUABLE_DECISIONS:
        return _("The learning outcomes were not recognised: there is no achievement to certify.")
    return None


def is_available(transcript: Transcript) -> bool:
    return unavailable_reason(transcript) is None


# --- small builders -----------------------------------------------------------------------------------


def _urn(*parts: str) -> str:
    """A stable urn:uuid for one node of one credential (name-based, so rebuilding gives the same ids)."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, '/'.join([settings.VISION_BASE_URL, *parts]))}"


def _text(value: str) -> dict[str, str]:
    return {LANG: value}


def _note(node_id: str, value: str) -> dict:
    return {"id": node_id, "type": "Note", "noteLiteral": _text(value)}


def _concept(uri: str, scheme: str, notation: str, label: str) -> dict:
    return {
        "id": uri,
        "type": "Concept",
        "inScheme": {"id": scheme, "type": "ConceptScheme"},
        "notation": notation,
        "prefLabel": _text(label),
    }


def _datetime(value: Any) -> str:
    """ISO dates of the canonical content as xsd:dateTime (midnight UTC)."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, date):
        return f"{value.isoformat()}T00:00:00Z"
    return f"{str(value)[:10]}T00:00:00Z"


def _points(value: Any) -> str:
    try:
        return format(Decimal(str(value)).normalize(), "f")
    except (InvalidOperation, ValueError):
        return "0"


def _country(alpha2: str) -> dict:
    alpha3 = countries.alpha3(alpha2) or alpha2
    return _concept(f"{COUNTRY}/{alpha3}", COUNTRY, alpha3, str(countries.name(alpha2) or alpha2))


def organisation(org: dict, code: str, key: str) -> dict:
    """ELM Organisation from the canonical organisation block (name, country, city, oid, pic)."""
    node = {"id": _urn("organisation", org.get("oid") or org.get("pic") or f"{code}/{key}"), "type": "Organisation"}
    node["legalName"] = _text(org["name"])
    identifiers = [
        {"id": _urn("organisation", value, scheme), "type": "Identifier", "notation": value, "schemeName": scheme}
        for scheme, value in (("Erasmus+ OID", org.get("oid")), ("Erasmus+ PIC", org.get("pic")))
        if value
    ]
    if identifiers:
        node["identifier"] = identifiers
    if org.get("country"):
        address = {
            "id": _urn("address", code, key),
            "type": "Address",
            "countryCode": _country(org["country"]),
        }
        if org.get("city"):
            address["fullAddress"] = _note(_urn("address-note", code, key), org["city"])
        node["location"] = [{"id": _urn("location", code, key), "type": "Location", "address": [address]}]
    return node


# --- the credential -----------------------------------------------------------------------------------


def _agreement_units(transcript: Transcript) -> dict[str, dict]:
    """reference → unit of the approved Learning Agreement (its frozen content: ECVET points, outcomes)."""
    number = (transcript.frozen_content or {}).get("learning_agreement_version")
    if number is None:
        return {}
    version = LearningAgreementVersion.objects.filter(
        agreement__mobility=transcript.mobility, number=number, status=LearningAgreementVersion.Status.APPROVED
    ).first()
    if version is None:
        return {}
    return {u["reference"]: u for u in approvals.document_content(version).get("units") or []}


def _host_approved_on(transcript: Transcript, sha: str):
    last = (
        approvals.approvals_of(transcript)
        .filter(decision=Approval.Decision.APPROVED, content_sha256=sha)
        .order_by("-at")
        .first()
    )
    return last.at if last else None


def _sealed_pdf(document) -> Any:
    """The ready sealed PDF of the document's current content, if one was made (documents registry)."""
    from documents.models import RenderedDocument
    from documents.services import current_row

    row = current_row(document)
    return row if row is not None and row.status == RenderedDocument.Status.READY and row.file_sha256 else None


def _assessment(entry: dict, index: int, code: str, host: dict, unit_ref: str) -> dict:
    result = entry.get("result") or ""
    node = {
        "id": _urn("assessment", code, str(index)),
        "type": "LearningAssessment",
        "title": _text(entry["learning_outcome"]),
        "grade": _note(_urn("grade", code, str(index)), RESULT_LABELS.get(result, result or "—")),
        "assessedBy": [host],
    }
    if entry.get("date"):
        node["dateIssued"] = _datetime(entry["date"])
    if entry.get("method"):
        node["specifiedBy"] = {
            "id": _urn("assessment-spec", code, str(index)),
            "type": "LearningAssessmentSpecification",
            "title": _text(entry["method"]),
        }
    if unit_ref:
        node["additionalNote"] = [_note(_urn("assessment-unit", code, str(index)), f"Unit {unit_ref}")]
    return node


def build(transcript: Transcript, *, issued: datetime | None = None) -> dict:
    """The unsigned credential. `issued` is the signing time (the JAdES sigT carries the same instant)."""
    reason = unavailable_reason(transcript)
    if reason is not None:
        raise CredentialUnavailable(reason)
    content = transcript.frozen_content
    sha = content_sha256(content)
    code = str(transcript.code)
    base = f"{code}/{sha}"
    home = organisation(content["home_organisation"], base, "home")
    host = organisation(content["host_organisation"], base, "host")
    approved_at = _host_approved_on(transcript, sha)
    qualification = content.get("qualification") or None
    agreement_units = _agreement_units(transcript)

    qualification_node = None
    eqf = None
    if qualification:
        level = qualification.get("eqf_level")
        if level:
            eqf = _concept(f"http://data.europa.eu/snb/eqf/{level}", EQF_SCHEME, str(level), f"EQF level {level}")
        qualification_node = {
            "id": _urn("qualification", base),
            "type": "Qualification",
            "title": _text(qualification.get("title_en") or qualification["title"]),
        }
        if eqf:
            qualification_node["EQFLevel"] = eqf

    entries = list(enumerate(content.get("entries") or []))
    awarding = {
        "id": _urn("awarding", base),
        "type": "AwardingProcess",
        "awardingBody": [host],
    }
    if approved_at is not None:
        awarding["awardingDate"] = _datetime(approved_at)

    claims: list[dict] = []
    for unit in content.get("units") or []:
        ref = unit["reference"]
        unit_entries = [(i, e) for i, e in entries if e.get("unit") == ref]
        assessments = [_assessment(e, i, base, host, "") for i, e in unit_entries]
        achieved_any = any(e.get("result") in ("achieved", "partly") for _i, e in unit_entries)
        if not achieved_any:
            # Nothing of this unit was achieved: no achievement is claimed, the assessments stand on their own.
            claims.extend(assessments)
            continue
        outcomes = [
            {"id": _urn("outcome", base, str(i)), "type": "LearningOutcome", "title": _text(e["learning_outcome"])}
            for i, e in unit_entries
        ]
        spec = {
            "id": _urn("unit", base, ref),
            "type": "LearningAchievementSpecification",
            "title": _text(f"{ref} — {unit['title']}" if unit.get("title") else ref),
            "learningOutcome": outcomes,
        }
        allocated = agreement_units.get(ref, {}).get("ecvet_points")
        if allocated is not None:
            spec["creditPoint"] = [_credit(base, f"unit-{ref}", allocated)]
        if eqf:
            spec["EQFLevel"] = eqf
        if qualification_node:
            spec["isPartOf"] = [qualification_node]
        claims.append(
            {
                "id": _urn("achievement", base, ref),
                "type": "LearningAchievement",
                "title": spec["title"],
                "awardedBy": awarding,
                "creditReceived": [_credit(base, f"received-{ref}", unit.get("ecvet_points_awarded"))],
                "specifiedBy": spec,
                "provenBy": assessments,
            }
        )
    # Outcomes assessed outside any unit of the agreement: their assessments, as they are.
    claims.extend(_assessment(e, i, base, host, e.get("unit") or "") for i, e in entries if not _in_units(e, content))

    learner = content.get("learner") or {}
    subject = {"id": _urn("subject", base), "type": "Person", "fullName": _text(learner.get("name") or "")}
    names = _split_name(transcript, learner.get("name") or "")
    if names:
        subject["givenName"], subject["familyName"] = _text(names[0]), _text(names[1])
    if learner.get("date_of_birth"):
        subject["dateOfBirth"] = _datetime(learner["date_of_birth"])
    subject["hasClaim"] = claims

    valid_from = _datetime(transcript.decided_on)
    issued_at = _datetime(issued or timezone.now())
    title = f"ECVET Personal Transcript — {content['host_organisation']['name']}"
    return {
        "@context": list(CONTEXT),
        "id": _urn("credential", base),
        "type": list(TYPES),
        "credentialProfiles": [
            _concept(GENERIC_PROFILE, CREDENTIAL_TYPES, "generic", "Generic"),
        ],
        "issuer": home,
        "issuanceDate": valid_from,
        "issued": issued_at,
        "validFrom": valid_from,
        "credentialSubject": subject,
        "credentialSchema": [{"id": EDC_SHACL, "type": "ShaclValidator2017"}],
        "evidence": _evidence(transcript, base, sha),
        "displayParameter": {
            "id": _urn("display", base),
            "type": "DisplayParameter",
            "title": _text(title),
            "description": _text(
                f"Learning outcomes assessed and ECVET points awarded during a learning mobility "
                f"({content['mobility']['start']} – {content['mobility']['end']}), "
                f"validated and recognised by {content['home_organisation']['name']}."
            ),
            "language": [_concept(f"{LANGUAGE}/ENG", LANGUAGE, "ENG", "English")],
            "primaryLanguage": _concept(f"{LANGUAGE}/ENG", LANGUAGE, "ENG", "English"),
        },
    }


def _in_units(entry: dict, content: dict) -> bool:
    return entry.get("unit") in {u["reference"] for u in content.get("units") or []}


def _credit(base: str, key: str, points: Any) -> dict:
    return {
        "id": _urn("credit", base, key),
        "type": "CreditPoint",
        "framework": _concept(ECVET, EDUCATION_CREDIT, "ECVET", "European Credit system for VET (ECVET)"),
        "point": _points(points),
    }


def _split_name(transcript: Transcript, full: str) -> tuple[str, str] | None:
    """Given and family name, only when the learner's record still reads exactly as the approved name
    (so nothing enters the credential that the approved content does not say)."""
    learner = transcript.mobility.learner
    if learner.first_name and learner.last_name and f"{learner.first_name} {learner.last_name}" == full:
        return learner.first_name, learner.last_name
    return None


def _evidence(transcript: Transcript, base: str, sha: str) -> list[dict]:
    evidence = [
        {
            "id": _urn("evidence", base, "content"),
            "type": "Evidence",
            "evidenceStatement": _text(
                f"Personal Transcript approved by the host organisation; SHA-256 of the approved canonical content: "
                f"{sha}."
            ),
        }
    ]
    row = _sealed_pdf(transcript)
    if row is not None:
        evidence.append(_pdf_evidence(base, "transcript-pdf", "Sealed PDF of the Personal Transcript", row))
    europass = getattr(transcript.mobility, "europass", None) if _has_europass(transcript) else None
    if europass is not None and europass.status == europass.Status.APPROVED:
        row = _sealed_pdf(europass)
        if row is not None:
            evidence.append(_pdf_evidence(base, "europass-pdf", "Sealed PDF of the Europass Mobility", row))
        else:
            evidence.append(
                {
                    "id": _urn("evidence", base, "europass"),
                    "type": "Evidence",
                    "evidenceStatement": _text(
                        "Europass Mobility approved by both organisations; SHA-256 of its approved content: "
                        f"{content_sha256(approvals.document_content(europass))}."
                    ),
                }
            )
    return evidence


def _has_europass(transcript: Transcript) -> bool:
    from ..models import EuropassMobility

    return EuropassMobility.objects.filter(mobility_id=transcript.mobility_id).exists()


def _pdf_evidence(base: str, key: str, label: str, row) -> dict:
    url = settings.VISION_BASE_URL + row.get_verify_url()
    return {
        "id": _urn("evidence", base, key),
        "type": "Evidence",
        "evidenceStatement": _text(f"{label}; SHA-256 of the file: {row.file_sha256}. Verify it at {url}."),
        "supportingDocument": [
            {"id": url, "type": "WebResource", "contentURL": url, "title": _text(label)},
        ],
    }


# --- validation ---------------------------------------------------------------------------------------


@cache
def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@cache
def _validator():
    from jsonschema import Draft202012Validator

    Draft202012Validator.check_schema(schema())
    return Draft202012Validator(schema())


def errors(credential: dict) -> list[str]:
    """Every schema violation, as "path: message" (empty when valid)."""
    return [
        f"{'/'.join(str(p) for p in error.absolute_path) or '(root)'}: {error.message}"
        for error in sorted(_validator().iter_errors(credential), key=lambda e: list(map(str, e.absolute_path)))
    ]


def validate(credential: dict) -> dict:
    problems = errors(credential)
    if problems:
        raise CredentialInvalid("; ".join(problems[:5]), reason="schema")
    return credential
