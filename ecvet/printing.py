"""The section headings of the ECVET documents, in the languages of a document.

A printable view or sealed PDF carries each heading (and label) in English and the languages of those who sign
it, whoever reads it (documents.languages: one rule, issue 16 point 2); the page of a document shows them in the
reader's language. The heading sets of every document type live here; `in_languages` writes one set in a
document's languages (or the reader's, `[get_language()]`), `party_labels` the names of its parties.
"""

from __future__ import annotations

from django.utils.translation import get_language, gettext_noop, override

from documents.languages import languages_of, translated

# Section headings of the EC ECVET Learning Agreement (June 2014).
AGREEMENT = {
    "document": gettext_noop("ECVET Learning Agreement"),
    "participants": gettext_noop("Participants"),
    "home": gettext_noop("Home organisation"),
    "host": gettext_noop("Host organisation"),
    "learner": gettext_noop("Learner"),
    "duration": gettext_noop("Duration of the mobility"),
    "qualification": gettext_noop("Qualification being taken"),
    "units": gettext_noop("Learning outcomes to achieve"),
    "assessment": gettext_noop("Assessment and documentation"),
    "validation": gettext_noop("Validation and recognition"),
    "change": gettext_noop("Change to the approved version"),
    "signatures": gettext_noop("Signatures"),
}

# Section headings of the EC ECVET Memorandum of Understanding.
MEMORANDUM = {
    "document": gettext_noop("ECVET Memorandum of Understanding"),
    "objectives": gettext_noop("Objectives"),
    "parties": gettext_noop("Signing organisations"),
    "other_organisations": gettext_noop("Other organisations covered"),
    "qualifications": gettext_noop("Qualifications covered"),
    "units": gettext_noop("Units of learning outcomes relevant to mobility"),
    "assessment": gettext_noop("Assessment at the host"),
    "documentation": gettext_noop("Documentation"),
    "validation": gettext_noop("Validation"),
    "recognition": gettext_noop("Recognition"),
    "terms": gettext_noop("Terms of the partnership"),
    "other_actors": gettext_noop("Roles of other actors"),
    "signatures": gettext_noop("Signatures"),
}

# Sections of the ECVET Personal Transcript.
TRANSCRIPT = {
    "document": gettext_noop("ECVET Personal Transcript"),
    "participants": gettext_noop("Participants"),
    "home": gettext_noop("Home organisation"),
    "host": gettext_noop("Host organisation"),
    "learner": gettext_noop("Learner"),
    "duration": gettext_noop("Duration of the mobility"),
    "qualification": gettext_noop("Qualification"),
    "entries": gettext_noop("Assessed learning outcomes"),
    "units": gettext_noop("ECVET points awarded"),
    "remarks": gettext_noop("Remarks of the host"),
    "recognition": gettext_noop("Validation and recognition"),
    "signatures": gettext_noop("Signatures"),
}

# Sections of the Europass Mobility document (Decision 2241/2004/EC, annex IV).
EUROPASS = {
    "document": gettext_noop("Europass Mobility"),
    "holder": gettext_noop("1. The holder of the Europass Mobility"),
    "partners": gettext_noop("2–3. The partners of the mobility"),
    "description": gettext_noop("4. Description of the mobility"),
    "skills": gettext_noop("5a. Skills and competences acquired during the mobility"),
    "signatures": gettext_noop("Signatures"),
}


# The participant's grant agreement (the EU template for KA1 VET learners: parties, the mobility, the financial
# support, payment arrangements, the EU participant report), headings and labels alike: it is written in
# English and in the languages of the two who sign it (documents.languages), whoever reads it.
GRANT_AGREEMENT = {
    "document": gettext_noop("Erasmus+ participant grant agreement"),
    "parties": gettext_noop("The parties"),
    "organisation": gettext_noop("Sending organisation"),
    "participant": gettext_noop("Participant"),
    "name": gettext_noop("Name"),
    "date_of_birth": gettext_noop("Date of birth"),
    "guardian": gettext_noop("Parent or guardian"),
    "address": gettext_noop("Address"),
    "identifiers": gettext_noop("Organisation ID (OID) / PIC"),
    "project": gettext_noop("Project"),
    "activity_id": gettext_noop("Mobility activity ID"),
    "mobility": gettext_noop("The mobility"),
    "host": gettext_noop("Host organisation"),
    "period": gettext_noop("Period of the mobility"),
    "days": gettext_noop("Days of activity / travel days / funded days"),
    "distance": gettext_noop("Distance (one way)"),
    "green": gettext_noop("Green travel"),
    "ols": gettext_noop("Online Language Support licence"),
    "support": gettext_noop("Financial support"),
    "category": gettext_noop("Category"),
    "working": gettext_noop("How it is computed"),
    "amount": gettext_noop("Amount"),
    "total": gettext_noop("Total grant"),
    "in_kind": gettext_noop("Provided in kind by the organisation"),
    "payable": gettext_noop("Paid to the participant"),
    "payments": gettext_noop("Payment arrangements"),
    "prefinancing": gettext_noop("Pre-financing"),
    "balance": gettext_noop("Balance"),
    "prefinancing_terms": gettext_noop(
        "The organisation pays the pre-financing within %(prefinancing_days)s days after both parties have "
        "signed, and no later than the start of the mobility."
    ),
    "balance_terms": gettext_noop(
        "Submitting the EU participant report is the participant's request for the balance, which the "
        "organisation pays within %(balance_days)s days."
    ),
    "report": gettext_noop("EU participant report"),
    "report_terms": gettext_noop(
        "The participant completes and submits the EU participant report (online survey) after the mobility. "
        "A participant who does not submit it may be asked to repay part or all of the grant."
    ),
    "bank": gettext_noop(
        "The participant gives their bank details to the organisation directly; the portal does not store them."
    ),
    "yes": gettext_noop("Yes"),
    "no": gettext_noop("No"),
    "signatures": gettext_noop("Signatures"),
    "party": gettext_noop("Party"),
    "date": gettext_noop("Date"),
    "not_approved": gettext_noop("Not approved"),
    "version": gettext_noop("Version"),
    "sha": gettext_noop("SHA-256 of the approved content"),
    "provisional": gettext_noop("Some rates are still to be confirmed by the National Agency."),
    "no_lines": gettext_noop("The mobility's grant has no line for the participant yet."),
    # The categories of the participant's grant (funding.pricing.Category).
    "travel": gettext_noop("Travel"),
    "indiv_support": gettext_noop("Individual support"),
    "inclusion_part": gettext_noop("Inclusion support for participants"),
    "exceptional": gettext_noop("Exceptional costs"),
    "course_fees": gettext_noop("Course and training fees"),
}


def in_languages(messages: dict[str, str], languages: list[str], **values) -> dict[str, list[tuple[str, str]]]:
    """key → [(language, text), …] in each of `languages` (in order), a translation only where it differs
    from the ones before it; `values` fill %-placeholders (`{% say L.key %}` writes one)."""
    return {key: translated(msgid, languages, values if "%(" in msgid else None) for key, msgid in messages.items()}


def party_labels(document, languages: list[str]) -> dict[str, list[tuple[str, str]]]:
    """The parties of a document (approvals.kind_of(document).parties): party key → its name in each language."""
    from .services import approvals

    kind = approvals.kind_of(document)
    names: dict[str, list[tuple[str, str]]] = {}
    for language in languages:
        with override(language):
            for party in kind.parties(document):
                texts = names.setdefault(party.key, [])
                label = str(party.label)
                if all(label != seen for _lang, seen in texts):
                    texts.append((language, label))
    return names


def print_context(document, messages: dict[str, str]) -> dict:
    """What a printable view needs to write `document` in its languages (documents.languages), whoever reads
    it: the languages (`{% say %}` reads them), the headings `h` and the parties' names."""
    languages = languages_of(document)
    return {
        "document_languages": languages,
        "h": in_languages(messages, languages),
        "parties": party_labels(document, languages),
    }


def reader_headings(messages: dict[str, str]) -> dict[str, list[tuple[str, str]]]:
    """The headings of a document's page: in the reader's language."""
    return in_languages(messages, [get_language() or "en"])
