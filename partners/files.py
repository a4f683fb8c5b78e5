"""Serving a stored file as a download: through a view that has already checked scope, never from /media/.

`attachment(field_file, title, fallback)` opens the file (404 if it is gone), names the download after its
title with the stored extension, and forbids sniffing; `no_store` marks a private response uncacheable.
"""

from __future__ import annotations

import os

from django.core.exceptions import SuspiciousFileOperation
from django.http import FileResponse, Http404
from django.utils.text import get_valid_filename


def no_store(response):
    response["Cache-Control"] = "no-store, private"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def download_name(field_file, title: str, fallback: str) -> str:
    stored = os.path.basename(field_file.name or "")
    extension = os.path.splitext(stored)[1].lower()
    try:
        return get_valid_filename(f"{title}{extension}") or stored or fallback
    except SuspiciousFileOperation:  # a title of punctuation only, and no extension
        return stored or fallback


def attachment(field_file, title: str, fallback: str) -> FileResponse:
    if not field_file:
        raise Http404
    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, OSError) as error:
        raise Http404 from error
    response = FileResponse(handle, as_attachment=True, filename=download_name(field_file, title, fallback))
    response["X-Content-Type-Options"] = "nosniff"
    return response
