"""Celery tasks of the sealed-PDF pipeline (documents.services does the work).

render_document takes only the row id; it is idempotent (services.produce locks and re-checks), acks
late, is sent again when its worker dies (task_retry_on_worker_lost, Celery 5.7), retries transient
errors with exponential backoff, and has a hard time limit below the Redis visibility timeout (so a
long job is never delivered twice while it still runs). When it gives up, the row says why and the
user may retry.
"""

from __future__ import annotations

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from celery.signals import worker_ready
from django.conf import settings
from django.db import DatabaseError
from django.utils.translation import gettext as _

from . import services

log = logging.getLogger(__name__)

# Errors worth another attempt: the database or the storage hiccuped, a timestamp server did not answer.
TRANSIENT = (DatabaseError, OSError, ConnectionError, TimeoutError)


@shared_task(
    bind=True,
    acks_late=True,
    retry_on_worker_lost=True,
    reject_on_worker_lost=True,
    autoretry_for=TRANSIENT,
    retry_backoff=5,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=5,
    default_retry_delay=2,  # a job whose worker died is sent again after this (retry_on_worker_lost)
    soft_time_limit=settings.VISION_PDF_RENDER_SECONDS,
    time_limit=settings.VISION_PDF_RENDER_SECONDS + 30,
)
def render_document(self, pk: int) -> str:
    try:
        return services.produce(pk)
    except SoftTimeLimitExceeded:
        services.mark_failed(
            pk, _("Rendering took longer than %(s)s seconds.") % {"s": settings.VISION_PDF_RENDER_SECONDS}
        )
        return "failed"
    except TRANSIENT as error:
        if self.request.retries >= self.max_retries:
            services.mark_failed(pk, _("Rendering failed after several attempts: %(error)s") % {"error": error})
            return "failed"
        raise
    except Exception as error:
        log.exception("Sealed PDF %s failed", pk)
        services.mark_failed(pk, _("Rendering failed: %(error)s") % {"error": type(error).__name__})
        return "failed"


@shared_task(acks_late=True, ignore_result=True)
def relay_queued() -> int:
    """Periodic (celery beat, every minute) and at worker start: send again what the broker never got."""
    return services.relay_queued()


@worker_ready.connect
def relay_on_start(sender=None, **kwargs):
    try:
        sent = services.relay_queued()
    except Exception:  # noqa: BLE001 — never stop a worker from starting
        log.exception("Relay at worker start failed")
        return
    if sent:
        log.info("Relay at worker start: %s queued PDFs sent again", sent)
