"""Certificates of attendance as sealed PDFs (registered with documents.registry)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from documents.canonical import content_sha256
from documents.languages import document_languages
from documents.naming import ascii_slug, initials
from documents.registry import Renderable

from . import access
from .models import Certificate


class CertificatePdf(Renderable):
    slug = "certificate"
    model = Certificate
    template = "documents/pdf/certificate.html"

    def label(self):
        return _("Certificate of attendance")

    def organisations(self, certificate) -> list:
        """The host, then the participant's organisation: once, when the host's own staff attended."""
        participant = certificate.participant
        return list(dict.fromkeys([participant.event.host_organisation, participant.organisation]))

    def languages(self, certificate) -> list[str]:
        """English, the host's language (the host issues and signs it) and the participant's own
        (documents.languages)."""
        participant = certificate.participant
        people = [participant.user] if participant.user else []
        return document_languages([participant.event.host_organisation], people)

    def content_sha256(self, certificate):
        return content_sha256(certificate.content)

    def is_final(self, certificate):
        return True  # issued = final; its content was fixed when it was issued

    def may_download(self, user, certificate):
        return access.may_download_certificate(user, certificate)

    def partnership(self, certificate):
        return certificate.participant.event.partnership

    def context(self, certificate):
        from django.utils import timezone

        participant = certificate.participant
        event = participant.event
        return {
            "document": certificate,
            "label": self.label(),
            # From the content fixed at issue, so a later rename does not change a re-render.
            "title": _("%(name)s — %(event)s")
            % {"name": certificate.content["participant"]["name"], "event": certificate.content["event"]["title"]},
            "content": certificate.content,
            "sha256": self.content_sha256(certificate),
            "approvals": [],
            "partnership": event.partnership,
            "organisations": self.organisations(certificate),
            "generated_at": timezone.now(),
        }

    def filename(self, certificate):
        # Codes, never names (issue 17): the event's title, the certificate's code.
        return f"certificate-{ascii_slug(certificate.participant.event.title)[:30]}-{str(certificate.code)[:8]}"

    def summary(self, certificate):
        participant = certificate.participant
        event = participant.event
        return {
            "partnership": f"{event.partnership.acronym} ({event.partnership.project_number})",
            "organisations": [organisation.legal_name for organisation in self.organisations(certificate)],
            # A certificate names its holder: the public page shows only the initials.
            "learner_initials": initials(participant.first_name, participant.last_name),
            "date": certificate.created_at.date(),
        }
