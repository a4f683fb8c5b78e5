"""Logging filters wired in settings.LOGGING.

`OneLineClientErrors` (on the `django.request` logger): a refused or unknown address (403, 404 and the
other 4xx answers) is the portal working as intended, not a fault, so it is logged as one WARNING line —
method, path, status and the user's id — without the traceback Django attaches to a PermissionDenied.
Server errors (5xx) pass untouched, traceback included.
"""

from __future__ import annotations

import logging


class OneLineClientErrors(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if status is None or not 400 <= status < 500:
            return True
        request = getattr(record, "request", None)
        user = getattr(request, "user", None)
        user_id = user.pk if user is not None and getattr(user, "is_authenticated", False) else None
        record.msg = "%s %s %s user=%s"
        record.args = (
            getattr(request, "method", "-"),
            getattr(request, "path", "-").encode("unicode_escape").decode("ascii"),
            status,
            user_id if user_id is not None else "-",
        )
        record.exc_info = None
        record.exc_text = None
        record.stack_info = None
        record.levelno, record.levelname = logging.WARNING, logging.getLevelName(logging.WARNING)
        return True
