"""Celery tasks of the sealed-PDF pipeline (documents.services does the work).

render_document takes only the row id; it is idempotent (services.produce locks and re-checks), acks
late, is sent again when its pool process dies (task_retry_on_worker_lost, Celery 5.7), retries transient
errors with exponential backoff, and its hard time limit plus its longest retry wait stay below the Redis
visibility timeout (so a job is never delivered twice while it still runs or waits). While it renders it holds
a lease on its row, renewed every 10 s; when the whole worker is killed, the relay finds the lease run out (or
the restarted node takes its rows back at once) and queues the row again within a minute — the message left
unacknowledged is delivered again after the visibility timeout and finds the job done. When it gives up, the row
says why and the user may retry.
"""

from __future__ import annotations

import logging
import os

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
    retry_backoff_max=120,  # a retry waits in the worker, unacknowledged: below the broker's visibility timeout
    retry_jitter=True,
    max_retries=5,
    default_retry_delay=2,  # a job whose worker died is sent again after this (retry_on_worker_lost)
    soft_time_limit=settings.VISION_PDF_RENDER_SECONDS,
    time_limit=settings.VISION_PDF_RENDER_SECONDS + 30,
)
def render_document(self, pk: int) -> str:
    # The run's name on the row's lease: this worker node and process (none when run eagerly, in-process).
    holder = f"{self.request.hostname}:{os.getpid()}" if self.request.hostname else ""
    try:
        return services.produce(pk, holder)
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
    """Periodic (celery beat, every 15 s) and at worker start: send again what the broker never got, and the rows
    whose run lost its lease."""
    return services.relay_queued()


@worker_ready.connect
def relay_on_start(sender=None, **kwargs):
    """A worker that starts sends what waits, and takes back at once the rows its node held when it stopped (a
    killed worker leaves them "rendering"; nothing of this node runs yet)."""
    try:
        sent = services.relay_queued(starting_node=getattr(sender, "hostname", "") or "")
    except Exception:  # noqa: BLE001 — never stop a worker from starting
        log.exception("Relay at worker start failed")
        return
    if sent:
        log.info("Relay at worker start: %s queued PDFs sent again", sent)
