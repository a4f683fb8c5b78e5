"""Who may see and do what in the ECVET chain: catalogue, memoranda, Learning Agreements, transcripts, Europass
Mobility, approvals, JSON exports, sealed PDFs and the digital credential.

Built on `partners.access` (scope and named rights) and `mobility.access` (who is the learner, who sees the
learner's personal details). Views, forms, templates, the PDF renderers and the services ask these functions;
nothing else in the app decides access. Scope stays with the querysets' `visible_to(user)` (out of scope →
404); these predicates decide within scope (403). The 1–2 argument ones are published as rules (bottom of the
module): `{% test_rule "ecvet.may_export_json" request.user version as ok %}`.
"""

from __future__ import annotations

from mobility.access import may_read_grant, organisations_with_right, sees_personal_details
from mobility.models import Mobility
from partners.access import get_scope, register
from partners.models import Right

from .models import EuropassMobility, LearningAgreementVersion, Memorandum, Qualification, Transcript

# Recognition decisions that certify an achievement (a digital credential can be issued).
ISSUABLE_DECISIONS = (Transcript.Decision.RECOGNISED, Transcript.Decision.PARTLY)


def document_mobility(document) -> Mobility | None:
    """The mobility an ECVET document belongs to (None for a memorandum)."""
    if isinstance(document, LearningAgreementVersion):
        return document.agreement.mobility
    return getattr(document, "mobility", None)


# --- Catalogue -----------------------------------------------------------------------------------------


def may_use_catalogue(user) -> bool:
    """The catalogue and the memoranda are staff tools: coordinators (and administrators); mentors, learners
    and people without a membership get 403."""
    return get_scope(user).is_staff


def sees_qualification(user, qualification: Qualification) -> bool:
    """The qualification is in the user's scope (`Qualification.objects.visible_to`'s rule for one object):
    links to it are shown only then."""
    scope = get_scope(user)
    return scope.unrestricted or qualification.organisation_id in (scope.network_org_ids | scope.staff_org_ids)


def qualification_owner_choices(user):
    """Organisations (visible to the user) whose catalogue the user maintains (can_manage_organisation)."""
    return organisations_with_right(user, Right.MANAGE_ORGANISATION)


def may_create_qualification(user) -> bool:
    return qualification_owner_choices(user).exists()


def may_edit_qualification(user, qualification: Qualification) -> bool:
    """Edit the qualification and add, edit or delete its units: its owner (can_manage_organisation)."""
    return get_scope(user).has_right(Right.MANAGE_ORGANISATION, organisation=qualification.organisation_id)


# --- Memoranda -----------------------------------------------------------------------------------------


def manages_a_party(user, party_org_ids) -> bool:
    """Staff with can_manage_organisation at one of these (signing) organisations (or an administrator)."""
    scope = get_scope(user)
    return scope.unrestricted or any(
        scope.is_staff_of(oid) and scope.has_right(Right.MANAGE_ORGANISATION, organisation=oid) for oid in party_org_ids
    )


def may_prepare_memoranda_of(user, partnership) -> bool:
    """Prepare a memorandum within this partnership: its project coordinator (can_manage_partnership)."""
    return get_scope(user).has_right(Right.MANAGE_PARTNERSHIP, partnership=partnership)


def may_create_memorandum(user) -> bool:
    """A project coordinator of some partnership, or staff who manage their organisation (a memorandum
    between organisations outside a project)."""
    scope = get_scope(user)
    return (
        scope.unrestricted
        or any(Right.MANAGE_PARTNERSHIP in rights for rights in scope.rights_by_partnership.values())
        or manages_a_party(user, scope.staff_org_ids)
    )


def may_manage_memorandum(user, memorandum: Memorandum, *, party_org_ids=None) -> bool:
    """Who drafts, sends, amends and terminates: the project coordinator (can_manage_partnership) of its
    partnership; without a partnership, staff with can_manage_organisation at a signing organisation."""
    if memorandum.partnership_id:
        return may_prepare_memoranda_of(user, memorandum.partnership_id)
    if party_org_ids is None:
        party_org_ids = [p.organisation_id for p in memorandum.parties.all()]
    return manages_a_party(user, party_org_ids)


# --- Learning Agreement, transcript, Europass Mobility ----------------------------------------------------


def may_edit_agreement(user, mobility: Mobility) -> bool:
    """The sending organisation prepares and changes the Learning Agreement (can_manage_mobilities)."""
    return get_scope(user).has_right(Right.MANAGE_MOBILITIES, organisation=mobility.sending_organisation_id)


def may_edit_agreement_version(user, version: LearningAgreementVersion) -> bool:
    """Send a version for approval or withdraw it (its workflow's permission): as `may_edit_agreement`."""
    return may_edit_agreement(user, version.agreement.mobility)


def may_issue_transcript(user, mobility: Mobility) -> bool:
    """The host builds the transcript and sets its points (can_manage_mobilities at the receiving organisation)."""
    return get_scope(user).has_right(Right.MANAGE_MOBILITIES, organisation=mobility.receiving_organisation_id)


def may_send_transcript(user, transcript: Transcript) -> bool:
    """The workflow rule of `Transcript.send_for_approval`: whoever builds the transcript sends it."""
    return may_issue_transcript(user, transcript.mobility)


def may_recognise_transcript(user, mobility: Mobility) -> bool:
    """The sending organisation validates and recognises the result (can_manage_mobilities there)."""
    return get_scope(user).has_right(Right.MANAGE_MOBILITIES, organisation=mobility.sending_organisation_id)


def may_edit_europass_sending(user, mobility: Mobility) -> bool:
    """Start the Europass Mobility, describe the mobility (sections 1–4) and send it: the sending side."""
    return get_scope(user).has_right(Right.MANAGE_MOBILITIES, organisation=mobility.sending_organisation_id)


def may_send_europass(user, europass: EuropassMobility) -> bool:
    """The workflow rule of `EuropassMobility.send_for_approval`: the sending side sends it."""
    return may_edit_europass_sending(user, europass.mobility)


def may_edit_europass_host(user, mobility: Mobility) -> bool:
    """Section 5a (skills acquired): the host (can_manage_mobilities) or the mobility's mentor."""
    if mobility.mentor_id is not None and mobility.mentor_id == getattr(user, "pk", None):
        return True
    return get_scope(user).has_right(Right.MANAGE_MOBILITIES, organisation=mobility.receiving_organisation_id)


# --- Approvals -----------------------------------------------------------------------------------------


def may_act_for(user, party) -> bool:
    """Approve or refuse for a party of a document (`ecvet.services.approvals.Party`): the learner as
    themself; for an organisation, only its own signers (can_sign_documents as a member: signing is never
    delegated, and administrators are no exception, since an approval is a signature of a real member)."""
    if party.user_id is not None:
        return getattr(user, "pk", None) == party.user_id
    if party.organisation is None:
        return False
    scope = get_scope(user)
    return party.organisation.pk in scope.member_org_ids and Right.SIGN_DOCUMENTS in scope.rights_by_org.get(
        party.organisation.pk, frozenset()
    )


def own_organisation_ids_with(user, right: str) -> set[int]:
    """Organisations where the user is a member holding `right` themself (not by delegation): where they sign
    (can_sign_documents) or record recognition (can_manage_mobilities), for the "waiting for you" panel."""
    scope = get_scope(user)
    return {org for org in scope.member_org_ids if right in scope.rights_by_org.get(org, ())}


# --- Taking the content away: JSON, sealed PDF, digital credential -------------------------------------------


def _full_content(user, document) -> bool:
    # The learner's date of birth (and gender, guardian) are in a mobility document's full content: for the
    # parties only (a mentor reads the pages, which hide them). A memorandum holds no personal data.
    mobility = document_mobility(document)
    return mobility is None or sees_personal_details(user, mobility)


def may_export_json(user, document) -> bool:
    """Download a document's canonical JSON (exactly the bytes its approvals bind to)."""
    return _full_content(user, document)


def may_download_pdf(user, document) -> bool:
    """Download a document's sealed PDF (documents.registry asks through `EcvetRenderable.may_download`)."""
    return _full_content(user, document)


def may_download_credential(user, subject: Transcript | Mobility) -> bool:
    """The Europass digital credential of a transcript (or of a mobility's transcript): the readers of the
    learner's personal details, once the sending organisation has recognised the outcomes (before that, the
    credential page explains why there is none yet)."""
    if isinstance(subject, Transcript):
        transcript = subject
    else:
        transcript = Transcript.objects.filter(mobility=subject).select_related("mobility__learner").first()
    if transcript is None:
        return False
    mobility = transcript.mobility
    return (
        transcript.decision in ISSUABLE_DECISIONS
        and mobility.status == Mobility.Status.RECOGNISED
        and sees_personal_details(user, mobility)
    )


def may_download_europass_credential(user, subject: EuropassMobility | Mobility) -> bool:
    """The Europass Mobility as a digital credential (of a Europass document, or of a mobility's): the readers of
    the learner's personal details, as for the transcript's credential, once both organisations approved it."""
    if isinstance(subject, EuropassMobility):
        europass = subject
    else:
        europass = EuropassMobility.objects.filter(mobility=subject).select_related("mobility__learner").first()
    return (
        europass is not None
        and europass.status == EuropassMobility.Status.APPROVED
        and sees_personal_details(user, europass.mobility)
    )


# --- The participant's grant agreement and payments ------------------------------------------------------


def may_read_grant_agreement(user, mobility: Mobility) -> bool:
    """The participant's grant agreement, payments and report: who reads the mobility's grant (the learner,
    the sending organisation's staff, the project coordinators; not the host or the mentor)."""
    return may_read_grant(user, mobility)


def may_manage_grant_agreement(user, mobility: Mobility) -> bool:
    """Start, edit, send and amend the agreement, record payments and the EU participant report: the sending
    organisation (can_manage_mobilities there), which pays the participant, or the project's coordinator with
    that right (the beneficiary of the grant)."""
    scope = get_scope(user)
    return scope.has_right(Right.MANAGE_MOBILITIES, organisation=mobility.sending_organisation_id) or (
        scope.coordinates(mobility.partnership_id)
        and scope.has_right(Right.MANAGE_MOBILITIES, partnership=mobility.partnership_id)
    )


register(
    "ecvet",
    may_use_catalogue,
    sees_qualification,
    may_create_qualification,
    may_edit_qualification,
    may_create_memorandum,
    may_prepare_memoranda_of,
    may_manage_memorandum,
    may_edit_agreement,
    may_issue_transcript,
    may_recognise_transcript,
    may_edit_europass_sending,
    may_edit_europass_host,
    may_act_for,
    may_export_json,
    may_download_pdf,
    may_download_credential,
    may_download_europass_credential,
    may_read_grant_agreement,
    may_manage_grant_agreement,
)
