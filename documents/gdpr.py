"""Erasure reaches the sealed PDFs (issue 17): when a learner is erased, every PDF of their mobilities is
withdrawn — the file deleted from storage (filesystem or S3), the row kept with its hashes — inside the erasure's
transaction (mobility.services.gdpr.erase_learner). No PDF is rendered again with the erased placeholder: the
schools keep the documents the law binds them to keep (a recognised transcript, a grant agreement) in their own
records, from their own downloads; the portal keeps the anonymised record and the hashes (docs/decisions.md)."""

from __future__ import annotations

from django.dispatch import receiver

from mobility.services.gdpr import erasing_learner

from . import services
from .models import RenderedDocument


@receiver(erasing_learner, dispatch_uid="documents.gdpr.withdraw")
def withdraw_learners_pdfs(sender, learner, **kwargs) -> None:
    services.withdraw(RenderedDocument.objects.filter(mobility__learner=learner))
