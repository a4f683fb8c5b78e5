"""E-mails about ECVET documents: one notifier for every document kind.

`notify(document, message, to=…)` writes to the people who act for the given parties (by default every
party of the document): for an organisation, its active members holding `right` (signers, unless said
otherwise); for a person (the learner), that person. Each recipient gets their own message, in their
preferred language, with a link to the document; nothing is sent unless the transaction commits.
"""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import override

from partners.models import Membership, Right

from .approvals import Party, kind_of


def absolute_url(path: str) -> str:
    return settings.VISION_BASE_URL + path


def recipients(parties: list[Party], *, right: str = Right.SIGN_DOCUMENTS, exclude=None) -> dict[str, str]:
    """email → preferred language of everyone who acts for `parties`, minus `exclude` (a user)."""
    org_ids = {p.organisation.pk for p in parties if p.organisation is not None}
    user_ids = {p.user_id for p in parties if p.user_id and p.user_id > 0}
    found: dict[str, str] = {}
    if org_ids:
        rows = Membership.objects.filter(
            organisation_id__in=org_ids, is_active=True, user__is_active=True, **{right: True}
        ).values_list("user__email", "user__language")
        found.update(rows)
    if user_ids:
        found.update(get_user_model().objects.filter(pk__in=user_ids, is_active=True).values_list("email", "language"))
    found.pop("", None)
    if exclude is not None:
        found.pop(exclude.email, None)
    return found


def notify(
    document, message: str, *, to: list[Party] | None = None, right: str = Right.SIGN_DOCUMENTS, exclude=None, **values
):
    """`message` is an untranslated message id (mark it with gettext_noop) that may use %(document)s (the
    document's title) and the keyword `values`; it is translated for each recipient."""
    kind = kind_of(document)
    people = recipients(kind.parties(document) if to is None else to, right=right, exclude=exclude)
    if not people:
        return
    by_language: dict[str, list[str]] = defaultdict(list)
    for email, language in sorted(people.items()):
        by_language[language or settings.LANGUAGE_CODE].append(email)
    link = absolute_url(document.get_absolute_url())
    messages = []
    for language, emails in by_language.items():
        with override(language):
            title = kind.title(document)
            subject = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + title
            body = "\n\n".join(
                [
                    _(message) % {"document": title, **values},
                    _("Open it in the VISION portal: %(link)s") % {"link": link},
                ]
            )
        messages.extend((subject, body, None, [email]) for email in emails)
    transaction.on_commit(lambda: send_mass_mail(messages, fail_silently=False))
