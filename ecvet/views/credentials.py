"""Europass digital credentials (EDC on VC Data Model 2.0, sealed as JAdES): the recognised mobility's Personal
Transcript, and its Europass Mobility once both organisations approved it.

Scope first: the document comes from `visible_to(request.user)` (out of scope → 404). The file carries the
learner's personal details, so the same readers as the sealed PDF take it away (`access.may_download_credential`
/ `may_download_europass_credential`, both `sees_personal_details`: the learner, staff of both organisations,
the project coordinator; a mentor → 403). A document that cannot be a credential yet answers 409 with a page
saying why; a credential that fails the bundled schema is never served (422 page, logged); a missing seal
answers 503 — never a 500.
"""

from __future__ import annotations

import logging

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from documents.signing import SigningNotConfigured
from mobility.access import sees_personal_details
from mobility.models import Mobility
from partners import audit
from partners.files import no_store
from partners.models import AuditEntry

from ..credentials import CredentialInvalid, CredentialUnavailable, elm, europass_mobility, issuance, jades
from ..models import EuropassMobility, Transcript
from .europass import scoped_europass
from .transcripts import scoped_transcript

log = logging.getLogger(__name__)


def _problem(request, template: str, context: dict, message: str, status: int):
    response = render(request, template, {**context, "message": message}, status=status)
    return no_store(response)


def _sealed_download(request, *, build, document, mobility, template, context, file_stem, audit_format, invalid):
    """Issue, seal and serve one credential (or the page saying why not)."""
    try:
        credential, signed = issuance.issue(build, document)
    except CredentialUnavailable as error:
        return _problem(request, template, context, str(error), 409)
    except CredentialInvalid as error:
        log.error("Credential of %s %s fails the schema: %s", type(document).__name__, document.code, error)
        return _problem(request, template, context, invalid, 422)
    except SigningNotConfigured:
        log.exception("No seal to sign the credential of %s %s", type(document).__name__, document.code)
        message = _("The portal's seal is not available right now. Try again later.")
        return _problem(request, template, context, message, 503)
    audit.record(
        actor=request.user,
        verb=AuditEntry.Verb.EXPORTED,
        obj=document,
        request=request,
        partnership=mobility.partnership,
        organisation=mobility.sending_organisation,
        details={"format": audit_format, "credential": credential["id"], "sigT": credential["issued"]},
    )
    # Codes, never names (issue 17): the file name is copied into downloads folders and mail.
    name = get_valid_filename(f"{file_stem}-{str(document.code)[:8]}.json")
    response = HttpResponse(jades.serialize(signed), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return no_store(response)


@login_required
def transcript_credential(request, code):
    transcript = scoped_transcript(request, code)
    mobility = transcript.mobility
    if not sees_personal_details(request.user, mobility):
        raise PermissionDenied
    return _sealed_download(
        request,
        build=elm.build,
        document=transcript,
        mobility=mobility,
        template="ecvet/credentials/unavailable.html",
        context={"transcript": transcript, "mobility": mobility},
        file_stem="europass-credential",
        audit_format="europass-credential",
        invalid=_("The credential could not be produced from this transcript. The administrators have been told."),
    )


@login_required
def mobility_credential(request, code):
    """From the learner's mobility page: the credential of the mobility's transcript."""
    mobility = get_object_or_404(Mobility.objects.visible_to(request.user), code=code)
    transcript = Transcript.objects.filter(mobility=mobility).only("code").first()
    if transcript is None:
        raise Http404
    return redirect("ecvet:transcript_credential", code=transcript.code)


@login_required
def europass_credential(request, code):
    """The Europass Mobility as a Europass digital credential, once both organisations approved it."""
    europass = scoped_europass(request, code)
    mobility = europass.mobility
    if not sees_personal_details(request.user, mobility):
        raise PermissionDenied
    return _sealed_download(
        request,
        build=europass_mobility.build,
        document=europass,
        mobility=mobility,
        template="ecvet/credentials/europass_unavailable.html",
        context={"europass": europass, "mobility": mobility},
        file_stem="europass-mobility-credential",
        audit_format="europass-mobility-credential",
        invalid=_(
            "The credential could not be produced from this Europass Mobility. The administrators have been told."
        ),
    )


@login_required
def mobility_europass_credential(request, code):
    """From the mobility page: the credential of the mobility's Europass Mobility."""
    mobility = get_object_or_404(Mobility.objects.visible_to(request.user), code=code)
    europass = EuropassMobility.objects.filter(mobility=mobility).only("code").first()
    if europass is None:
        raise Http404
    return redirect("ecvet:europass_credential", code=europass.code)
