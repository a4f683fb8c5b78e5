"""Serving a stored file as a download: through a view that has already checked scope, never from /media/.

`attachment(field_file, title, fallback)` opens the file (404 if it is gone), names the download after its
title with the stored extension, and forbids sniffing; `no_store` marks a private response uncacheable.
`spreadsheet_safe(value)` neutralises a text cell a spreadsheet would read as a formula ("CSV injection");
`csv_attachment(filename, header, rows)` writes a small CSV download with every cell through it.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable, Sequence

from django.core.exceptions import SuspiciousFileOperation
from django.http import FileResponse, Http404, HttpResponse
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


# A cell starting with one of these is a formula to a spreadsheet program.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """Text that a spreadsheet would evaluate gets a leading apostrophe; other values pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_attachment(filename: str, header: Sequence, rows: Iterable[Sequence]) -> HttpResponse:
    """A CSV download built in memory (for page-sized tables; long exports stream instead): UTF-8 with a
    byte-order mark so that spreadsheet programs read diacritics right, every cell made spreadsheet-safe."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([spreadsheet_safe(str(cell)) for cell in header])
    for row in rows:
        writer.writerow([spreadsheet_safe(cell) for cell in row])
    return response
