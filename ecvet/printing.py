"""Bilingual headings for the printable read views of the ECVET documents.

A printable document carries each section heading in English (the language of the EC templates) and,
where the portal has a translation, in the language of the organisation the reader works for — so a
Lithuanian coordinator and an Italian host read the same page, each with their own headings. The heading
sets of every document type live here; the print views pick one and the reader's language.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.utils.translation import get_language, gettext, gettext_noop, override

from partners.access import get_scope

# The language each partner country reads, where the portal has it.
COUNTRY_LANGUAGE = {"LT": "lt", "IT": "it", "NL": "nl", "FI": "fi"}

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


def headings(messages: dict[str, str], second_language: str | None = None, *, first_language: str | None = None):
    """key → {"text", "first_lang", "second", "lang"}: each heading in the first language (default: the
    current one) and, where a translation exists that differs from it, in the second one."""
    available = {code for code, _name in settings.LANGUAGES}
    first_language = first_language or None
    out = {}
    for key, msgid in messages.items():
        if first_language:
            with override(first_language):
                first = gettext(msgid)
        else:
            first = gettext(msgid)
        second = None
        if second_language and second_language in available and second_language != first_language:
            with override(second_language):
                translated = gettext(msgid)
            if translated != first:
                second = translated
        out[key] = {
            "text": first,
            "first_lang": first_language or get_language(),
            "second": second,
            "lang": second_language,
        }
    return out


def language_of(organisation) -> str | None:
    return COUNTRY_LANGUAGE.get(organisation.country.code) if organisation is not None else None


def reader_language(user, organisations: Iterable, *, learner_organisation=None) -> str | None:
    """The language of the organisation the reader works for among the document's `organisations` (in
    order); a learner reads in their sending organisation's language; anyone else in their own
    organisation's; None (English only) for someone without one."""
    members = get_scope(user).member_org_ids
    for organisation in organisations:
        if organisation.pk in members:
            return language_of(organisation)
    if learner_organisation is not None:
        return language_of(learner_organisation)
    if not members:
        return None
    from partners.models import Organisation

    # Someone who reads the document without being a party (a project coordinator, an admin who is a member
    # somewhere): their own organisation's language.
    return language_of(Organisation.objects.filter(pk__in=members).order_by("pk").first())


def available_languages() -> set[str]:
    return {code for code, _name in settings.LANGUAGES}


# The participant's grant agreement (the EU template for KA1 VET learners: parties, the mobility, the financial
# support, payment arrangements, the EU participant report), headings and labels alike: it is written in
# English and in the languages of the two who sign it (ecvet.services.grants.languages_of), whoever reads it.
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
    from the ones before it; `values` fill %-placeholders."""
    out: dict[str, list[tuple[str, str]]] = {}
    for key, msgid in messages.items():
        texts: list[tuple[str, str]] = []
        for language in languages:
            with override(language):
                text = gettext(msgid)
            if "%(" in msgid:
                text = text % values
            if all(text != seen for _lang, seen in texts):
                texts.append((language, text))
        out[key] = texts
    return out
