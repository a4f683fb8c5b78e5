"""ECVET items for the "Waiting for you" list and the daily digest (registered with partners.waiting).

The same documents as the dashboard's "Documents waiting for you" panel (ecvet/dashboard.py), which lists ten
of them: Learning Agreement versions, memoranda, Personal Transcripts, Europass Mobility documents and grant
agreements that wait for an approval the user owes (as the learner or as a signer of a party), and approved
transcripts whose recognition the user's organisation must record; at most `limit` of each, the oldest first.
Two queries.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partners.waiting import WaitingItem, register_kind, register_provider

from .dashboard import waiting_documents
from .services.approvals import kind_of

APPROVAL = "approval"
RECOGNITION = "recognition"

register_kind(APPROVAL, gettext_lazy("Documents to approve"), 10)
register_kind(RECOGNITION, gettext_lazy("Recognition to record"), 60)


@register_provider
def ecvet_waiting(user, limit) -> list[WaitingItem]:
    approvals, to_recognise = waiting_documents(user, limit)
    out = [
        WaitingItem(
            kind=APPROVAL,
            title=kind_of(w.document).title(w.document),
            url=w.url,
            due=None,
            why=_("%(what)s: read it, then approve it or ask for changes.") % {"what": w.kind},
        )
        for w in approvals
    ]
    out += [
        WaitingItem(
            kind=RECOGNITION,
            title=kind_of(w.document).title(w.document),
            url=w.url,
            due=None,
            why=_("The transcript is approved: record its validation and recognition."),
        )
        for w in to_recognise
    ]
    return out
