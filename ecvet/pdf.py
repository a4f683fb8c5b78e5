"""The ECVET documents as sealed PDFs (registered with documents.registry).

A PDF shows exactly the content the parties approved (the frozen canonical content), with a header
naming the partnership and the organisations, the approvals bound to that content (names, positions,
times), its SHA-256 and a QR code to the public verification page.
"""

from __future__ import annotations

import math
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from documents.languages import document_languages
from documents.naming import ascii_slug, initials
from documents.registry import Renderable

from . import printing
from .access import document_mobility, may_download_pdf, may_read_grant_agreement
from .models import Approval, EuropassMobility, GrantAgreement, LearningAgreementVersion, Memorandum, Transcript
from .services import approvals

V = LearningAgreementVersion.Status
M = Memorandum.Status


def _approval_rows(document, sha: str, languages: list[str]) -> list[dict]:
    labels = printing.party_labels(document, languages)
    return [
        {
            "party": labels.get(a.party, [("en", a.party)]),
            "organisation": a.organisation.legal_name if a.organisation else "",
            "name": a.signer_name,
            "position": a.signer_position,
            "email": a.signer_email,
            "at": a.at,
        }
        for a in approvals.approvals_of(document).order_by("at", "pk")
        if a.decision == Approval.Decision.APPROVED and a.content_sha256 == sha
    ]


class EcvetRenderable(Renderable):
    """Shared by the four ECVET documents: content, approvals and the verification link."""

    def content_sha256(self, document):
        return approvals.current_sha256(document)

    def organisations(self, document) -> list:
        mobility = document_mobility(document)
        return [mobility.sending_organisation, mobility.receiving_organisation]

    def languages(self, document) -> list[str]:
        """English, the sending and the receiving organisation's languages and the learner's own."""
        mobility = document_mobility(document)
        learner = mobility.learner if mobility else None
        return document_languages(self.organisations(document), [learner.user] if learner and learner.user else [])

    def partnership(self, document):
        return document_mobility(document).partnership

    def names_erased_person(self, document):
        mobility = document_mobility(document)
        return bool(mobility and mobility.learner.anonymised_at)

    def mobility_id(self, document):
        mobility = document_mobility(document)
        return mobility.pk if mobility else None

    def may_download(self, user, document):
        # The PDF carries the learner's date of birth (and gender, guardian): ecvet.access decides.
        return may_download_pdf(user, document)

    def context(self, document):
        sha = self.content_sha256(document)
        # The pipeline adds "rendered" (the row), "verify_url" and "qr" (a data: URL of its QR code).
        return {
            "document": document,
            "label": self.label(),
            "title": approvals.kind_of(document).title(document),
            "content": approvals.document_content(document),
            "sha256": sha,
            "approvals": _approval_rows(document, sha, self.languages(document)),
            "partnership": self.partnership(document),
            "organisations": self.organisations(document),
            "generated_at": timezone.now(),
        }

    def summary(self, document):
        mobility = document_mobility(document)
        learner = mobility.learner if mobility else None
        partnership = self.partnership(document)
        return {
            "partnership": f"{partnership.acronym or partnership.title} ({partnership.project_number})"
            if partnership
            else "",
            "organisations": [o.legal_name for o in self.organisations(document)],
            "learner_initials": initials(learner.first_name, learner.last_name) if learner else "",
            "date": self.approved_on(document),
        }

    def approved_on(self, document):
        last = approvals.approvals_of(document).filter(decision=Approval.Decision.APPROVED).order_by("-at").first()
        return last.at.date() if last else None


class AgreementPdf(EcvetRenderable):
    slug = "agreement-version"
    model = LearningAgreementVersion
    template = "documents/pdf/agreement.html"

    def label(self):
        return _("ECVET Learning Agreement")

    def content_sha256(self, version):
        return version.content_sha256 or approvals.current_sha256(version)

    def is_final(self, version):
        return version.status in (V.APPROVED, V.SUPERSEDED)

    def is_superseded(self, version):
        return version.status == V.SUPERSEDED

    def is_revoked(self, version):
        # Withdrawn by the sending side: a PDF sealed while it was in force no longer stands.
        return version.status == V.WITHDRAWN

    def filename(self, version):
        # Codes, never names (issue 17): file and ZIP names outlive nothing, but are copied into audit entries.
        return f"learning-agreement-{str(version.agreement.code)[:8]}-v{version.number}"


class MemorandumPdf(EcvetRenderable):
    slug = "memorandum"
    model = Memorandum
    template = "documents/pdf/memorandum.html"

    def label(self):
        return _("ECVET Memorandum of Understanding")

    def is_final(self, memorandum):
        return memorandum.frozen_content is not None and memorandum.status in (
            M.IN_FORCE,
            M.SUPERSEDED,
            M.EXPIRED,
            M.TERMINATED,
        )

    def is_superseded(self, memorandum):
        return memorandum.status == M.SUPERSEDED

    def is_revoked(self, memorandum):
        return memorandum.status == M.TERMINATED

    def organisations(self, memorandum):
        return [p.organisation for p in memorandum.parties.select_related("organisation").order_by("order", "id")]

    def partnership(self, memorandum):
        return memorandum.partnership

    def mobility_id(self, memorandum):
        return None

    def summary(self, memorandum):
        return {**super().summary(memorandum), "learner_initials": ""}

    def filename(self, memorandum):
        return f"memorandum-{ascii_slug(memorandum.title)}-v{memorandum.version}"


# The transcript's table of assessed learning outcomes: seven columns on A4 portrait (178 mm between the
# margins of static/css/pdf.css; 1 mm of padding each side of a cell here). A unit code is not wrapped
# (DejaVu Sans Mono 8.5 pt: 1.81 mm a character, plus 2.5 mm of padding and rules): its column is as wide as
# the longest code, from 11 % (its heading) up to 20 %, which holds 17 characters. A longer code (a unit's may
# have 40) wraps, at its own hyphens or slashes first: the alternatives are a page too narrow for the other
# six columns, or a code running over its neighbour. The other columns are sized for their longest usual
# content ("Demonstration", an ISO date, "Not achieved", a surname); the learning outcome, sentences, takes
# what is left.
_PAGE_MM = 178
_CODE_CHAR_MM = 1.81
_CELL_MM = 2.5
_UNIT_MIN, _UNIT_MAX = 11, 20
_FIXED = {"method": 15, "date": 12, "assessor": 13, "result": 13, "evidence": 13}


def outcome_columns(codes) -> dict:
    """Widths (percent of the table) of the transcript's columns for these unit codes, and whether every code
    fits its column unwrapped. The table of ECVET points awarded uses the same unit column."""
    longest = max((len(code or "") for code in codes), default=0)
    needed = math.ceil((longest * _CODE_CHAR_MM + _CELL_MM) * 100 / _PAGE_MM)
    unit = min(max(needed, _UNIT_MIN), _UNIT_MAX)
    return {
        "unit": unit,
        "outcome": 100 - unit - sum(_FIXED.values()),
        **_FIXED,
        "points_title": 80 - unit,  # the points column keeps 20 %
        "codes_fit": needed <= _UNIT_MAX,
    }


class TranscriptPdf(EcvetRenderable):
    slug = "transcript"
    model = Transcript
    template = "documents/pdf/transcript.html"

    def context(self, transcript):
        context = super().context(transcript)
        units = context["content"].get("units") or []
        context["total_points"] = sum((Decimal(str(u.get("ecvet_points_awarded") or 0)) for u in units), Decimal(0))
        entries = context["content"].get("entries") or []
        codes = [entry.get("unit") for entry in entries] + [unit.get("reference") for unit in units]
        context["columns"] = outcome_columns(codes)
        return context

    def label(self):
        return _("ECVET Personal Transcript")

    def is_final(self, transcript):
        return transcript.status == Transcript.Status.APPROVED

    def filename(self, transcript):
        return f"personal-transcript-{str(transcript.code)[:8]}"


class EuropassPdf(EcvetRenderable):
    slug = "europass"
    model = EuropassMobility
    template = "documents/pdf/europass.html"

    def label(self):
        return _("Europass Mobility")

    def is_final(self, europass):
        return europass.status == EuropassMobility.Status.APPROVED

    def filename(self, europass):
        return f"europass-mobility-{str(europass.code)[:8]}"


class GrantAgreementPdf(EcvetRenderable):
    """The participant's grant agreement, in English and the languages of the two who sign it."""

    slug = "grant-agreement"
    model = GrantAgreement
    template = "documents/pdf/grant_agreement.html"

    def label(self):
        return _("Erasmus+ participant grant agreement")

    def is_final(self, agreement):
        return agreement.status == GrantAgreement.Status.APPROVED

    def organisations(self, agreement):
        return [agreement.mobility.sending_organisation]

    def languages(self, agreement) -> list[str]:
        # Fixed in the content the two parties approved (ecvet.services.grants.languages_of: the same rule).
        return approvals.document_content(agreement)["languages"]

    def may_download(self, user, agreement):
        # The readers of the agreement (not the host's staff or the mentor) who may see the date of birth.
        return may_read_grant_agreement(user, agreement.mobility) and may_download_pdf(user, agreement)

    def context(self, agreement):
        context = super().context(agreement)
        content = context["content"]
        grant = content["grant"]
        context["L"] = printing.in_languages(
            printing.GRANT_AGREEMENT,
            content["languages"],
            prefinancing_days=grant["prefinancing_days"],
            balance_days=grant["balance_days"],
        )
        return context

    def filename(self, agreement):
        # Codes, never names: the file may outlive the participant's erasure.
        return f"grant-agreement-{str(agreement.code)[:8]}-v{agreement.version}"
