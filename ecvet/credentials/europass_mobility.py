"""The Europass Mobility document as a Europass digital credential (ELM 3.2, EDC profile, VC Data Model 2.0).

From the content both organisations approved (`EuropassMobility.frozen_content`) and nothing else: the stay
abroad is one LearningActivity (its period, the host that directed it, the programme and the qualification the
learner follows), awarded by both organisations when the last of them approved; section 5a — the skills and
competences acquired — are its notes, each under its Europass heading. The sending organisation, which
starts and sends the document, is the issuer.

Data minimisation as for the transcript's credential (docs/europass-credential.md): the holder's approved name
and date of birth, nothing else personal; the mentor's name stays out (the host organisation directed the
activity).
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from documents.canonical import content_sha256

from ..models import Approval, EuropassMobility
from ..services import approvals
from . import CredentialUnavailable
from .display import Block
from .nodes import (
    awarding_process,
    concept,
    content_evidence,
    envelope,
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

# Section 5a of the Europass Mobility, in the order and with the headings of the Europass document.
SECTION_5A = (
    ("job_related", "Job-related skills and competences"),
    ("linguistic", "Linguistic skills and competences"),
    ("digital", "Digital skills and competences"),
    ("organisational", "Organisational / managerial skills and competences"),
    ("communication", "Communication skills and competences"),
    ("soft_skills", "Other skills and competences"),
)


def unavailable_reason(europass: EuropassMobility) -> str | None:
    """Why the Europass Mobility cannot be a credential (yet), for the page; None when it can."""
    if europass.status != EuropassMobility.Status.APPROVED or europass.frozen_content is None:
        return _("Both organisations have not approved the Europass Mobility yet.")
    return None


def awarded_at(europass: EuropassMobility) -> datetime | None:
    """The Europass document's date: when the last of the two organisations approved its content."""
    last = (
        approvals.approvals_of(europass)
        .filter(decision=Approval.Decision.APPROVED, content_sha256=content_sha256(europass.frozen_content))
        .order_by("-at")
        .first()
    )
    return last.at if last else None


def build(europass: EuropassMobility, *, issued: datetime | None = None) -> dict:
    """The unsigned credential. `issued` is the issuance instant (the JAdES sigT carries the same one)."""
    reason = unavailable_reason(europass)
    if reason is not None:
        raise CredentialUnavailable(reason)
    content = europass.frozen_content
    base = f"europass/{europass.code}/{content_sha256(content)}"
    sending = organisation(content["sending_partner"], base, "sending")
    host = organisation(content["host_partner"], base, "host")
    issued = issued or timezone.now()
    # Approved by both is the award; a document approved outside the approval flow dates from its last change.
    valid_from = instant(awarded_at(europass) or europass.updated_at)
    described = content.get("description") or {}
    start, end = (described.get("duration") or {}).get("start"), (described.get("duration") or {}).get("end")
    programme = described.get("programme") or "Learning mobility"
    host_name = content["host_partner"]["name"]
    title = f"Europass Mobility — {host_name}"

    specification = {
        "id": urn("activity-spec", base),
        "type": "LearningActivitySpecification",
        "title": text(programme),
    }
    if described.get("qualification"):
        specification["influences"] = [
            {"id": urn("qualification", base), "type": "Qualification", "title": text(described["qualification"])}
        ]
    activity = {
        "id": urn("activity", base),
        "type": "LearningActivity",
        "title": text(f"{programme} learning mobility at {host_name}"),
    }
    if described.get("objective"):
        activity["description"] = text(described["objective"])
    if start and end:
        activity["temporal"] = [
            {"id": urn("period", base), "type": "PeriodOfTime", "startDate": stamp(start), "endDate": stamp(end)}
        ]
    if host.get("location"):
        activity["location"] = host["location"]
    activity["directedBy"] = [host]
    activity["awardedBy"] = awarding_process(base, [sending, host], valid_from)
    activity["specifiedBy"] = specification
    skills = content.get("section_5a") or {}
    notes = [
        note(
            urn("section-5a", base, key),
            skills[key],
            subject=concept(urn("section-5a-heading", key), None, None, heading),
        )
        for key, heading in SECTION_5A
        if skills.get(key)
    ]
    if notes:
        activity["additionalNote"] = notes

    holder = content.get("holder") or {}
    name = holder.get("name") or ""
    subject = person(base, name, split_name(europass.mobility.learner, name), holder.get("date_of_birth"), [activity])
    summary = [
        Block("text", f"Holder: {name}"),
        Block("text", f"{programme} learning mobility at {host_name}" + (f", {start} – {end}" if start else "")),
        Block("text", f"Sent by {content['sending_partner']['name']}"),
    ]
    if described.get("qualification"):
        summary.append(Block("text", f"Qualification followed: {described['qualification']}"))
    if described.get("objective"):
        summary += [Block("heading", "Objective of the mobility"), Block("text", described["objective"])]
    for key, heading in SECTION_5A:
        if skills.get(key):
            summary += [Block("heading", heading), Block("text", skills[key])]

    proofs = [content_evidence(base, "Europass Mobility approved by both organisations", content)]
    row = sealed_pdf(europass)
    if row is not None:
        proofs.append(pdf_evidence(base, "europass-pdf", "Sealed PDF of the Europass Mobility", row))
    return envelope(
        base=base,
        issuer=sending,
        subject=subject,
        proofs=proofs,
        title=title,
        description=(
            f"The skills and competences acquired during a learning mobility at {host_name}, "
            f"as recorded in the Europass Mobility approved by both organisations."
        ),
        summary=summary,
        valid_from=valid_from,
        issued=issued,
    )
