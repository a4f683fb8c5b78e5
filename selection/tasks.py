"""E-mails to applicants (they have no account): in the applicant's language, sent after the change commits.

`send_applicant_mail(application_id, kind)` reloads the application, sends only while the mail still fits its
state (a confirmation link only while the address is unconfirmed; nothing to an erased application), and
marks the mail sent in the (database) cache for a day, so a redelivered task does not send it twice. Kinds:
"confirm" (the link that confirms the address), "received" (the application is submitted, with the status
link and the result of the eligibility check). The panel's decisions add their own kinds (docs/selection.md).
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives
from django.db import DatabaseError
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from . import links
from .models import Application

log = logging.getLogger(__name__)

TRANSIENT = (DatabaseError, OSError, ConnectionError, TimeoutError)
SENT_MARK_SECONDS = 86400

# kind → (subject, template, the states in which it is still sent)
KINDS = {
    "confirm": (
        "Confirm your application",
        "selection/email/confirm",
        (Application.Status.UNVERIFIED,),
    ),
    "received": (
        "Your application was received",
        "selection/email/received",
        (Application.Status.SUBMITTED, Application.Status.ELIGIBLE, Application.Status.INELIGIBLE),
    ),
}


def build_mail(application: Application, kind: str) -> EmailMultiAlternatives:
    subject, template, _states = KINDS[kind]
    call = application.call
    with translation.override(application.language or settings.LANGUAGE_CODE):
        context = {
            "application": application,
            "call": call,
            "organisation": call.organisation,
            "confirm_link": links.confirm_url(application) if kind == "confirm" else "",
            "status_link": links.status_url(application),
            "confirm_days": links.max_age_days(links.CONFIRM),
        }
        message = EmailMultiAlternatives(
            subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + _(subject),
            body=render_to_string(f"{template}.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[application.email],
        )
    return message


def deliver(application_id: int, kind: str) -> str:
    application = Application.objects.select_related("call__organisation").filter(pk=application_id).first()
    if application is None or application.erased_at is not None or not application.email:
        return "skipped"
    _subject, _template, states = KINDS[kind]
    if application.status not in states:
        return "no longer fits"
    mark = f"selection:mail:{application.pk}:{kind}:{application.status}"
    if cache.get(mark):
        return "already sent"
    build_mail(application, kind).send(fail_silently=False)
    cache.set(mark, True, SENT_MARK_SECONDS)
    return "sent"


@shared_task(
    bind=True,
    acks_late=True,
    ignore_result=True,
    autoretry_for=TRANSIENT,
    retry_backoff=30,
    retry_backoff_max=240,  # below the broker's visibility timeout (tests/test_task_limits.py)
    retry_jitter=True,
    max_retries=5,
)
def send_applicant_mail(self, application_id: int, kind: str) -> str:
    if kind not in KINDS:
        log.warning("unknown applicant mail %s", kind)
        return "unknown"
    return deliver(application_id, kind)
