"""The panel's background work (docs/selection.md):

- `send_outcome_mail(application_id)`: the decision's outcome (selected / reserve with its place / not
  selected, with the reason) in the applicant's language, with the link to their status page; enqueued after
  the decision commits. Idempotent: a mark in the (database) cache per application and outcome, so a
  redelivered task sends nothing twice; nothing is sent to an erased application or one whose status moved on.
  A selected applicant's e-mail also carries their invitation to the portal (`portal_invitation`): the account
  comes with selection, never before.
- `erase_expired_applications()`: daily (CELERY_BEAT_SCHEDULE): erases the unsuccessful applications whose
  call's retention period is over (`selection.retention`).
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import DatabaseError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
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


def portal_invitation(application: Application) -> str:
    """The selected applicant's invitation to the portal, as a learner of the sending organisation (the link for
    their outcome e-mail): accepting it links the account to the learner record made at selection
    (mobility.receivers), where they follow their mobility. Empty when there is no learner record, it already has
    an account, or the address is already a member of the organisation. Each call makes a new link and revokes
    the previous one (a retried e-mail carries a working link)."""
    from partners.models import Role
    from partners.services import create_invitation

    learner = application.learner
    if learner is None or learner.user_id or learner.anonymised_at or not application.email:
        return ""
    try:
        invitation = create_invitation(
            by=None,
            organisation=application.call.organisation,
            email=application.email,
            role=Role.LEARNER,
            rights={},
            first_name=application.first_name,
            last_name=application.last_name,
            send=False,
        )
    except ValidationError:  # already a member of the school: they sign in as they do
        return ""
    return settings.VISION_BASE_URL + reverse("partners:invitation_accept", kwargs={"token": invitation.token})


def build_outcome_mail(application: Application, invitation_link: str = "") -> EmailMultiAlternatives:
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
            "invitation_link": invitation_link,
            "invitation_days": settings.VISION_INVITATION_DAYS,
        }
        return EmailMultiAlternatives(
            subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subjects[application.status],
            body=render_to_string("selection/email/outcome.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[application.email],
        )


def deliver_outcome(application_id: int) -> str:
    application = Application.objects.select_related("call__organisation", "learner").filter(pk=application_id).first()
    if application is None or application.erased_at is not None or not application.email:
        return "skipped"
    if application.status not in OUTCOMES:
        return "no longer fits"
    mark = f"selection:outcome:{application.pk}:{application.status}:{application.reserve_rank}"
    if cache.get(mark):
        return "already sent"
    invitation_link = ""
    if application.status == Application.Status.SELECTED:
        with transaction.atomic():
            invitation_link = portal_invitation(application)
    build_outcome_mail(application, invitation_link).send(fail_silently=False)
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
