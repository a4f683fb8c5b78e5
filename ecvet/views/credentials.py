"""The Europass digital credential (ELM v3 / EDC, sealed as JAdES) of a recognised mobility's transcript.

Scope first: the transcript comes from `visible_to(request.user)` (out of scope → 404). The file carries the
learner's personal details, so the same readers as the sealed PDF take it away (`sees_personal_details`: the
learner, staff of both organisations, the project coordinator; a mentor → 403). A transcript that cannot be
a credential yet answers 409 with a page saying why; a credential that fails the bundled schema is never
served (422 page, logged); a missing seal answers 503 — never a 500.
"""

from __future__ import annotations

import logging

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from documents.naming import ascii_slug
from documents.signing import SigningNotConfigured
from mobility.access import sees_personal_details
from mobility.models import Mobility
from partners import audit
from partners.files import no_store
from partners.models import AuditEntry

from ..credentials import CredentialInvalid, CredentialUnavailable, elm, jades
from ..models import Transcript
from .transcripts import scoped_transcript

log = logging.getLogger(__name__)


def _problem(request, transcript, message: str, status: int):
    response = render(
        request,
        "ecvet/credentials/unavailable.html",
        {"transcript": transcript, "mobility": transcript.mobility, "message": message},
        status=status,
    )
    return no_store(response)


@login_required
def transcript_credential(request, code):
    transcript = scoped_transcript(request, code)
    mobility = transcript.mobility
    if not sees_personal_details(request.user, mobility):
        raise PermissionDenied
    reason = elm.unavailable_reason(transcript)
    if reason is not None:
        return _problem(request, transcript, reason, 409)
    try:
        credential = elm.validate(elm.build(transcript))
        signed = jades.sign(credential)
    except CredentialUnavailable as error:
        return _problem(request, transcript, str(error), 409)
    except CredentialInvalid as error:
        log.error("Credential of transcript %s fails the schema: %s", transcript.code, error)
        return _problem(
            request,
            transcript,
            _("The credential could not be produced from this transcript. The administrators have been told."),
            422,
        )
    except SigningNotConfigured:
        log.exception("No seal to sign the credential of transcript %s", transcript.code)
        return _problem(request, transcript, _("The portal's seal is not available right now. Try again later."), 503)
    body = jades.serialize(signed)
    audit.record(
        actor=request.user,
        verb=AuditEntry.Verb.EXPORTED,
        obj=transcript,
        request=request,
        partnership=mobility.partnership,
        organisation=mobility.sending_organisation,
        details={"format": "europass-credential", "credential": credential["id"], "sigT": credential["issued"]},
    )
    name = get_valid_filename(f"europass-credential-{ascii_slug(mobility.learner.last_name)}.json")
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return no_store(response)


@login_required
def mobility_credential(request, code):
    """From the learner's mobility page: the credential of the mobility's transcript."""
    mobility = get_object_or_404(Mobility.objects.visible_to(request.user), code=code)
    transcript = Transcript.objects.filter(mobility=mobility).only("code").first()
    if transcript is None:
        raise Http404
    return redirect("ecvet:transcript_credential", code=transcript.code)
