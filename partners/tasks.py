"""The daily e-mail of what waits for each person (celery beat: settings.CELERY_BEAT_SCHEDULE).

`send_daily_digests` (every morning) enqueues one `send_digest(user_id, day)` per active person who has
not opted out and has not had the day's e-mail yet; each of those reloads the person, locks their row,
and sends at most one e-mail for that day: nothing when nothing waits, nothing again when `last_digest_on`
already says the day (a second run, a redelivered task, a retry). The mail is sent inside the transaction
that records it: when sending fails nothing is recorded and the retry sends it; when it succeeds the
record commits with it. One person's failure is logged and retried on its own; the others are unaffected.
"""

from __future__ import annotations

import logging
from datetime import date

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import DatabaseError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import User
from .waiting import group, items_for, summary

log = logging.getLogger(__name__)

# Worth another attempt: the database or the mail server hiccuped (smtplib's errors are OSErrors).
TRANSIENT = (DatabaseError, OSError, ConnectionError, TimeoutError)
# Items listed per kind in the e-mail; the rest are on the "Waiting for you" page it links to.
MAIL_GROUP_LIMIT = 10


def absolute_url(path: str) -> str:
    # The same base as every e-mail link of the portal (ecvet.services.notify.absolute_url).
    return settings.VISION_BASE_URL + path


def digest_subject(count: int, capped: bool = False) -> str:
    """In the active language; `capped`: more than `count` wait (partners.waiting.COUNT_CAP)."""
    if capped:
        return settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + _("More than %(count)s things wait for you") % {"count": count}
    return settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + ngettext(
        "%(count)s thing waits for you", "%(count)s things wait for you", count
    ) % {"count": count}


def build_digest(user, items, day: date) -> EmailMultiAlternatives:
    """The e-mail for `items` (non-empty), in the active language."""
    groups = group(items)
    for g in groups:
        g.items = [
            {"title": item.title, "why": item.why, "due": item.due, "link": absolute_url(item.url)}
            for item in g.items[:MAIL_GROUP_LIMIT]
        ]
        g.more = g.total - len(g.items)
        g.more_link = absolute_url(reverse("partners:waiting") + "?kind=" + g.kind)
    context = {
        "user": user,
        "groups": groups,
        "day": date_format(day, "DATE_FORMAT"),
        "waiting_link": absolute_url(reverse("partners:waiting")),
        "profile_link": absolute_url(reverse("partners:profile")),
    }
    message = EmailMultiAlternatives(
        subject=digest_subject(*summary(groups)),
        body=render_to_string("partners/email/digest.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
    )
    message.attach_alternative(render_to_string("partners/email/digest.html", context), "text/html")
    return message


def deliver_digest(user_id: int, day: date) -> str:
    """Send `user_id` the e-mail of `day` unless it was sent already, nothing waits, or they opted out.

    Not audited: the e-mail changes nothing in the portal; `last_digest_on` is the record of the send."""
    with transaction.atomic():
        # The lock makes a concurrent run for the same person wait, then see the day recorded.
        user = User.objects.select_for_update().filter(pk=user_id, is_active=True, receives_digest=True).first()
        if user is None or not user.email:
            return "skipped"
        if user.last_digest_on is not None and user.last_digest_on >= day:
            return "already sent"
        with translation.override(user.language or settings.LANGUAGE_CODE):
            items = items_for(user)
            if not items:
                return "nothing waits"
            message = build_digest(user, items, day)
        message.send(fail_silently=False)
        User.objects.filter(pk=user.pk).update(last_digest_on=day)
    return "sent"


@shared_task(
    bind=True,
    acks_late=True,
    ignore_result=True,
    autoretry_for=TRANSIENT,
    retry_backoff=60,
    retry_backoff_max=240,  # a retry waits in the worker, unacknowledged: below the broker's visibility timeout
    retry_jitter=True,
    max_retries=5,
)
def send_digest(self, user_id: int, day: str) -> str:
    """One person's e-mail for `day` (ISO date): idempotent, see deliver_digest."""
    return deliver_digest(user_id, date.fromisoformat(day))


@shared_task(
    acks_late=True,
    ignore_result=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=60,
    retry_backoff_max=120,
    retry_jitter=True,
    max_retries=5,
)
def send_daily_digests(day: str | None = None) -> int:
    """Celery beat, every morning: one send_digest per person who may receive one today. Returns how many
    were enqueued. Running it again the same day enqueues only those not yet served, who then get nothing
    twice (send_digest re-checks under a lock)."""
    day = day or timezone.localdate().isoformat()
    user_ids = list(
        User.objects.filter(is_active=True, receives_digest=True)
        .exclude(last_digest_on__gte=date.fromisoformat(day))
        .exclude(email="")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    enqueued = 0
    for user_id in user_ids:
        try:
            send_digest.delay(user_id, day)
        except Exception:  # noqa: BLE001 — one person's failure (run eagerly, or a refused enqueue) stops no one else
            log.exception("Daily digest for user %s failed", user_id)
        else:
            enqueued += 1
    return enqueued
