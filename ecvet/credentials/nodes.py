"""The ELM 3.2 nodes VISION's credentials are made of, and their VC Data Model 2.0 envelope (Europass EDC).

Both credentials (`elm`: the Personal Transcript, `europass_mobility`: the Europass Mobility) are built from
these pieces, so they share one shape: the W3C VCDM 2.0 `@context` first, the EBSI `VerifiableAttestation` type,
the EDC application profile, language maps keyed by the credential's primary language, and a display image
(`display.individual_display`). Node ids are name-based UUIDs: rebuilding one approved content gives the
same ids.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time
from typing import Any

from django.conf import settings
from django_countries import countries

from documents.canonical import content_sha256

from . import display

LANG = "en"  # the credential's primary language: VISION's common working language
CONTEXT = ["https://www.w3.org/ns/credentials/v2", "http://data.europa.eu/snb/model/context/edc-ap"]
TYPES = ["VerifiableCredential", "VerifiableAttestation", "EuropeanDigitalCredential"]
EDC_SHACL = "http://data.europa.eu/snb/model/ap/edc-generic-full"

# Controlled vocabularies (EU Vocabularies / data.europa.eu/snb, the Publications Office's authority tables).
CREDENTIAL_TYPES = "http://data.europa.eu/snb/credential/25831c2"
GENERIC_PROFILE = "http://data.europa.eu/snb/credential/e34929035b"
COUNTRY = "http://publications.europa.eu/resource/authority/country"
LANGUAGE = "http://publications.europa.eu/resource/authority/language"


def urn(*parts: str) -> str:
    """A stable urn:uuid for one node of one credential (name-based, so rebuilding gives the same ids)."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, '/'.join([settings.VISION_BASE_URL, *parts]))}"


def text(value: str) -> dict[str, str]:
    return {LANG: value}


def note(node_id: str, value: str, *, subject: dict | None = None) -> dict:
    node = {"id": node_id, "type": "Note", "noteLiteral": text(value)}
    if subject is not None:
        node["subject"] = subject
    return node


def concept(uri: str, scheme: str | None, notation: str | None, label: str) -> dict:
    node: dict[str, Any] = {"id": uri, "type": "Concept"}
    if scheme:
        node["inScheme"] = {"id": scheme, "type": "ConceptScheme"}
    if notation:
        node["notation"] = notation
    node["prefLabel"] = text(label)
    return node


def english() -> dict:
    return concept(f"{LANGUAGE}/ENG", LANGUAGE, "ENG", "English")


def instant(value: Any) -> datetime:
    """An aware UTC datetime from a datetime, a date (its midnight UTC) or an ISO date string."""
    if isinstance(value, datetime):
        return value.astimezone(UTC)
    if isinstance(value, date):
        return datetime.combine(value, time(0), tzinfo=UTC)
    return datetime.combine(date.fromisoformat(str(value)[:10]), time(0), tzinfo=UTC)


def stamp(value: Any) -> str:
    """xsd:dateTime in UTC, to the second (the JAdES sigT has the same precision)."""
    return instant(value).strftime("%Y-%m-%dT%H:%M:%SZ")


def country(alpha2: str) -> dict:
    alpha3 = countries.alpha3(alpha2) or alpha2
    return concept(f"{COUNTRY}/{alpha3}", COUNTRY, alpha3, str(countries.name(alpha2) or alpha2))


def organisation(org: dict, base: str, key: str) -> dict:
    """ELM Organisation from a canonical organisation block (name, country; city, oid, pic when present)."""
    node = {"id": urn("organisation", org.get("oid") or org.get("pic") or f"{base}/{key}"), "type": "Organisation"}
    node["legalName"] = text(org["name"])
    identifiers = [
        {"id": urn("organisation", value, scheme), "type": "Identifier", "notation": value, "schemeName": scheme}
        for scheme, value in (("Erasmus+ OID", org.get("oid")), ("Erasmus+ PIC", org.get("pic")))
        if value
    ]
    if identifiers:
        node["identifier"] = identifiers
    if org.get("country"):
        address = {"id": urn("address", base, key), "type": "Address", "countryCode": country(org["country"])}
        if org.get("city"):
            address["fullAddress"] = note(urn("address-note", base, key), org["city"])
        node["location"] = [{"id": urn("location", base, key), "type": "Location", "address": [address]}]
    return node


def awarding_process(base: str, bodies: list[dict], at: datetime | None) -> dict:
    node = {"id": urn("awarding", base), "type": "AwardingProcess", "awardingBody": bodies}
    if at is not None:
        node["awardingDate"] = stamp(at)
    return node


def person(base: str, name: str, names: tuple[str, str] | None, date_of_birth: Any, claims: list[dict]) -> dict:
    """The credential subject: the approved name, the record's given / family name when they read exactly as it,
    the date of birth when the approved content has one. Its id is derived from the document, so two credentials
    of one learner cannot be linked through it."""
    subject = {"id": urn("subject", base), "type": "Person", "fullName": text(name)}
    if names:
        subject["givenName"], subject["familyName"] = text(names[0]), text(names[1])
    if date_of_birth:
        subject["dateOfBirth"] = stamp(date_of_birth)
    subject["hasClaim"] = claims
    return subject


def split_name(learner, full: str) -> tuple[str, str] | None:
    """Given and family name, only when the learner's record still reads exactly as the approved name
    (so nothing enters the credential that the approved content does not say)."""
    if learner.first_name and learner.last_name and f"{learner.first_name} {learner.last_name}" == full:
        return learner.first_name, learner.last_name
    return None


# --- evidence -------------------------------------------------------------------------------------------


def evidence(base: str, key: str, statement: str) -> dict:
    return {"id": urn("evidence", base, key), "type": "Evidence", "evidenceStatement": statement}


def sealed_pdf(document) -> Any:
    """The ready sealed PDF of the document's current content, if one was made (documents registry)."""
    from documents.models import RenderedDocument
    from documents.services import current_row

    row = current_row(document)
    return row if row is not None and row.status == RenderedDocument.Status.READY and row.file_sha256 else None


def pdf_evidence(base: str, key: str, label: str, row) -> dict:
    """The sealed PDF as evidence: its SHA-256 and the public page that verifies it (ELM 3.2 Evidence carries a
    statement, not a link node, so the address is in the statement)."""
    url = settings.VISION_BASE_URL + row.get_verify_url()
    return evidence(base, key, f"{label}; SHA-256 of the file: {row.file_sha256}. Verify it at {url}")


def content_evidence(base: str, label: str, content: dict) -> dict:
    return evidence(base, "content", f"{label}; SHA-256 of the approved canonical content: {content_sha256(content)}.")


# --- the envelope ---------------------------------------------------------------------------------------


def envelope(
    *,
    base: str,
    issuer: dict,
    subject: dict,
    proofs: list[dict],
    title: str,
    description: str,
    summary: list[display.Block],
    valid_from: datetime,
    issued: datetime,
) -> dict:
    """The Europass digital credential (VCDM 2.0, EDC profile) around a subject. `issued` is the issuance instant
    (the JAdES sigT carries the same one); `valid_from` the award, never earlier."""
    return {
        "@context": list(CONTEXT),
        "id": urn("credential", base),
        "type": list(TYPES),
        "credentialProfiles": [concept(GENERIC_PROFILE, CREDENTIAL_TYPES, "generic", "Generic")],
        "issuer": issuer,
        # The official EDC example repeats the issuance instant here; VCDM 2.0 itself reads `validFrom`.
        "issuanceDate": stamp(issued),
        "issued": stamp(issued),
        "validFrom": stamp(valid_from),
        "credentialSubject": subject,
        "credentialSchema": [{"id": EDC_SHACL, "type": "ShaclValidator2017"}],
        "evidence": proofs,
        "displayParameter": {
            "id": urn("display", base),
            "type": "DisplayParameter",
            "title": text(title),
            "description": text(description),
            "language": [english()],
            "primaryLanguage": english(),
            "individualDisplay": [display.individual_display(base, english(), title, summary)],
        },
    }
