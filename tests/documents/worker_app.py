"""The Celery app for the fault tests' worker process: the project's app, with every render made slower by
VISION_TEST_RENDER_DELAY seconds so a test can kill the worker while it renders."""

import os
import time

from celery.signals import worker_process_init

from vision.celery import app

__all__ = ["app"]


@worker_process_init.connect
def slow_down_rendering(**kwargs):
    delay = float(os.environ.get("VISION_TEST_RENDER_DELAY", "0"))
    if not delay:
        return
    from documents import rendering

    original = rendering.render

    def render(*args, **kw):
        time.sleep(delay)
        return original(*args, **kw)

    rendering.render = render
