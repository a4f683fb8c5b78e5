"""The Personal Transcript of a recognised mobility as a Europass digital credential (ELM 3.2, EDC profile,
W3C VC Data Model 2.0), and the validation of VISION's credentials against the bundled schema.

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
from datetime import datetime
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from documents.canonical import content_sha256
from mobility.models import Mobility

from ..models import Approval, LearningAgreementVersion, Transcript
from ..services import approvals
from . import CredentialInvalid, CredentialUnavailable
from .display import Block
from .nodes import (
    LANG,
    awarding_process,
    concept,
    content_evidence,
    envelope,
    evidence,
    instant,
    note,
    organisation,
    pdf_evidence,
    person,
    sealed_pdf,
    split_name,
    stamp,
    text,
    urn,
)

SCHEMA_PATH = Path(__file__).parent / "schema" / "europass-edc-credential.schema.json"

EQF_SCHEME = "http://data.europa.eu/snb/eqf/25831c2"
EDUCATION_CREDIT = "http://data.europa.eu/snb/education-credit/25831c2"
# The ECVET concept of the education-credit vocabulary. Its opaque identifier could not be confirmed offline:
# check it against the published vocabulary before uploading to Europass (docs/europass-credential.md).
ECVET = "http://data.europa.eu/snb/education-credit/ECVET"

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


# --- the credential -----------------------------------------------------------------------------------


def _points(value: Any) -> str:
    try:
        return format(Decimal(str(value)).normalize(), "f")
    except (InvalidOperation, ValueError):
        return "0"


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


def _host_approved_on(transcript: Transcript, sha: str) -> datetime | None:
    last = (
        approvals.approvals_of(transcript)
        .filter(decision=Approval.Decision.APPROVED, content_sha256=sha)
        .order_by("-at")
        .first()
    )
    return last.at if last else None


def awarded_at(transcript: Transcript) -> datetime:
    """The award: the later of the host's approval of this content and the sending organisation's recognition
    (its date, from midnight UTC). The credential is valid from then, never earlier."""
    moments = [instant(transcript.decided_on)]
    approved = _host_approved_on(transcript, content_sha256(transcript.frozen_content))
    if approved is not None:
        moments.append(instant(approved))
    return max(moments)


def _assessment(entry: dict, index: int, base: str, host: dict, awarding: dict, unit_ref: str) -> dict:
    result = entry.get("result") or ""
    node = {
        "id": urn("assessment", base, str(index)),
        "type": "LearningAssessment",
        "title": text(entry["learning_outcome"]),
        "grade": note(urn("grade", base, str(index)), RESULT_LABELS.get(result, result or "—")),
        "awardedBy": awarding,
        "assessedBy": [host],
    }
    if entry.get("date"):
        node["dateIssued"] = stamp(entry["date"])
    if entry.get("method"):
        node["specifiedBy"] = [
            {
                "id": urn("assessment-spec", base, str(index)),
                "type": "LearningAssessmentSpecification",
                "title": text(entry["method"]),
            }
        ]
    if unit_ref:
        node["additionalNote"] = [note(urn("assessment-unit", base, str(index)), f"Unit {unit_ref}")]
    return node


def _qualification(qualification: dict | None, base: str) -> dict | None:
    if not qualification:
        return None
    node = {
        "id": urn("qualification", base),
        "type": "Qualification",
        "title": text(qualification.get("title_en") or qualification["title"]),
    }
    level = qualification.get("eqf_level")
    if level:
        node["eqfLevel"] = concept(
            f"http://data.europa.eu/snb/eqf/{level}", EQF_SCHEME, str(level), f"EQF level {level}"
        )
    return node


def build(transcript: Transcript, *, issued: datetime | None = None) -> dict:
    """The unsigned credential. `issued` is the issuance instant (`issuance.issue` passes the one the JAdES sigT
    carries); without it, now."""
    reason = unavailable_reason(transcript)
    if reason is not None:
        raise CredentialUnavailable(reason)
    content = transcript.frozen_content
    sha = content_sha256(content)
    base = f"{transcript.code}/{sha}"
    home = organisation(content["home_organisation"], base, "home")
    host = organisation(content["host_organisation"], base, "host")
    approved_at = _host_approved_on(transcript, sha)
    qualification = _qualification(content.get("qualification") or None, base)
    agreement_units = _agreement_units(transcript)
    # The host assessed and awarded the credit (as ECVET has it), when it approved this content.
    awarding = awarding_process(base, [host], approved_at)

    entries = list(enumerate(content.get("entries") or []))
    claims: list[dict] = []
    lines: list[Block] = []
    for unit in content.get("units") or []:
        ref = unit["reference"]
        unit_entries = [(i, e) for i, e in entries if e.get("unit") == ref]
        assessments = [_assessment(e, i, base, host, awarding, "") for i, e in unit_entries]
        achieved_any = any(e.get("result") in ("achieved", "partly") for _i, e in unit_entries)
        title = f"{ref} — {unit['title']}" if unit.get("title") else ref
        received = _points(unit.get("ecvet_points_awarded"))
        lines.append(Block("heading", f"{title}: {received} ECVET points"))
        lines.extend(_result_line(e) for _i, e in unit_entries)
        if not achieved_any:
            # Nothing of this unit was achieved: no achievement is claimed, the assessments stand on their own.
            claims.extend(assessments)
            continue
        spec = {
            "id": urn("unit", base, ref),
            "type": "LearningAchievementSpecification",
            "title": text(title),
            "learningOutcome": [
                {"id": urn("outcome", base, str(i)), "type": "LearningOutcome", "title": text(e["learning_outcome"])}
                for i, e in unit_entries
            ],
        }
        allocated = agreement_units.get(ref, {}).get("ecvet_points")
        if allocated is not None:
            spec["creditPoint"] = [_credit(base, f"unit-{ref}", allocated)]
        if qualification:
            spec["isPartOf"] = [qualification]
        claims.append(
            {
                "id": urn("achievement", base, ref),
                "type": "LearningAchievement",
                "title": text(title),
                "awardedBy": awarding,
                "creditReceived": [_credit(base, f"received-{ref}", received)],
                "specifiedBy": spec,
                "provenBy": assessments,
            }
        )
    # Outcomes assessed outside any unit of the agreement: their assessments, as they are.
    outside = [(i, e) for i, e in entries if not _in_units(e, content)]
    claims.extend(_assessment(e, i, base, host, awarding, e.get("unit") or "") for i, e in outside)
    lines.extend(_result_line(e) for _i, e in outside)

    learner = content.get("learner") or {}
    name = learner.get("name") or ""
    subject = person(base, name, split_name(transcript.mobility.learner, name), learner.get("date_of_birth"), claims)
    host_name, home_name = content["host_organisation"]["name"], content["home_organisation"]["name"]
    period = f"{content['mobility']['start']} – {content['mobility']['end']}"
    title = f"ECVET Personal Transcript — {host_name}"
    valid_from = awarded_at(transcript)
    summary = [
        Block("text", f"Learner: {name}"),
        Block("text", f"Learning mobility at {host_name}, {period}"),
    ]
    if qualification:
        summary.append(Block("text", f"Qualification: {qualification['title'][LANG]}"))
    summary += [
        Block("text", f"Validated and recognised by {home_name} (valid from {valid_from.date().isoformat()})"),
        *lines,
    ]
    return envelope(
        base=base,
        issuer=home,
        subject=subject,
        proofs=_evidence(transcript, base, content),
        title=title,
        description=(
            f"Learning outcomes assessed and ECVET points awarded during a learning mobility ({period}), "
            f"validated and recognised by {home_name}."
        ),
        summary=summary,
        valid_from=valid_from,
        issued=issued or timezone.now(),
    )


def _result_line(entry: dict) -> Block:
    result = entry.get("result") or ""
    return Block("small", f"• {entry['learning_outcome']} — {RESULT_LABELS.get(result, result or '—')}")


def _in_units(entry: dict, content: dict) -> bool:
    return entry.get("unit") in {u["reference"] for u in content.get("units") or []}


def _credit(base: str, key: str, points: Any) -> dict:
    return {
        "id": urn("credit", base, key),
        "type": "CreditPoint",
        "framework": concept(ECVET, EDUCATION_CREDIT, "ECVET", "European Credit system for VET (ECVET)"),
        "point": _points(points),
    }


def _evidence(transcript: Transcript, base: str, content: dict) -> list[dict]:
    proofs = [content_evidence(base, "Personal Transcript approved by the host organisation", content)]
    row = sealed_pdf(transcript)
    if row is not None:
        proofs.append(pdf_evidence(base, "transcript-pdf", "Sealed PDF of the Personal Transcript", row))
    europass = _approved_europass(transcript)
    if europass is not None:
        row = sealed_pdf(europass)
        if row is not None:
            proofs.append(pdf_evidence(base, "europass-pdf", "Sealed PDF of the Europass Mobility", row))
        else:
            proofs.append(
                evidence(
                    base,
                    "europass",
                    "Europass Mobility approved by both organisations; SHA-256 of its approved content: "
                    f"{content_sha256(approvals.document_content(europass))}.",
                )
            )
    return proofs


def _approved_europass(transcript: Transcript):
    from ..models import EuropassMobility

    return EuropassMobility.objects.filter(
        mobility_id=transcript.mobility_id, status=EuropassMobility.Status.APPROVED
    ).first()


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
