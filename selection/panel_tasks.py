"""The panel's background work (docs/selection.md):

- `send_outcome_mail(application_id)`: the decision's outcome (selected / reserve with its place / not
  selected, with the reason) in the applicant's language, with the link to their status page; enqueued after
  the decision commits. Idempotent: a mark in the (database) cache per application and outcome, so a
  redelivered task sends nothing twice; nothing is sent to an erased application or one whose status moved on.
- `erase_expired_applications()`: daily (CELERY_BEAT_SCHEDULE): erases the unsuccessful applications whose
  call's retention period is over (`selection.retention`).
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

from .models import Application

log = logging.getLogger(__name__)

TRANSIENT = (DatabaseError, OSError, ConnectionError, TimeoutError)
SENT_MARK_SECONDS = 7 * 86400
OUTCOMES = (Application.Status.SELECTED, Application.Status.RESERVE, Application.Status.NOT_SELECTED)


def status_link(application: Application) -> str:
    from . import links

    return links.status_url(application)


def build_outcome_mail(application: Application) -> EmailMultiAlternatives:
    call = application.call
    with translation.override(application.language or settings.LANGUAGE_CODE):
        subjects = {
            Application.Status.SELECTED: _("You were selected"),
            Application.Status.RESERVE: _("You are on the reserve list"),
            Application.Status.NOT_SELECTED: _("The outcome of your application"),
        }
        context = {
            "application": application,
            "call": call,
            "title": call.title_local
            if application.language == call.local_language and call.title_local
            else call.title,
            "organisation": call.organisation,
            "status_link": status_link(application),
        }
        return EmailMultiAlternatives(
            subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subjects[application.status],
            body=render_to_string("selection/email/outcome.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[application.email],
        )


def deliver_outcome(application_id: int) -> str:
    application = Application.objects.select_related("call__organisation").filter(pk=application_id).first()
    if application is None or application.erased_at is not None or not application.email:
        return "skipped"
    if application.status not in OUTCOMES:
        return "no longer fits"
    mark = f"selection:outcome:{application.pk}:{application.status}:{application.reserve_rank}"
    if cache.get(mark):
        return "already sent"
    build_outcome_mail(application).send(fail_silently=False)
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
def send_outcome_mail(self, application_id: int) -> str:
    return deliver_outcome(application_id)


@shared_task(
    bind=True,
    acks_late=True,
    ignore_result=True,
    autoretry_for=TRANSIENT,
    retry_backoff=60,
    retry_backoff_max=240,
    retry_jitter=True,
    max_retries=5,
)
def erase_expired_applications(self) -> int:
    from .retention import erase_expired

    erased = erase_expired()
    if erased:
        log.info("erased %s unsuccessful applications past their retention period", erased)
    return erased
