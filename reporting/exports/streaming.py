"""Writing rows without holding them: CSV as a generator of byte chunks, XLSX through openpyxl's write-only
mode into a temporary file on disk (so a 25,000-row workbook costs disk, not memory).

Every cell goes through `safe` (mobility.exports): a text cell that a spreadsheet would read as a formula
is prefixed with an apostrophe ("CSV injection")."""

from __future__ import annotations

import csv
import hashlib
import io
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from openpyxl import Workbook

from partners.files import spreadsheet_safe as safe

# Rows are written to the stream in batches of this many (fewer, larger chunks for the web server).
ROWS_PER_CHUNK = 200
BOM = "\ufeff"


@dataclass(frozen=True)
class Dialect:
    delimiter: str
    name: str


# The reporting tool's CSV uses the semicolon (its own export does; see docs/eu-reporting-export.md).
REPORTING_TOOL = Dialect(delimiter=";", name="reporting-tool")
# The archive's data files: plain RFC 4180 CSV.
PLAIN = Dialect(delimiter=",", name="plain")


def csv_chunks(header: Sequence[str], rows: Iterable[Sequence], dialect: Dialect = PLAIN) -> Iterator[bytes]:
    """UTF-8 with a byte-order mark (spreadsheet programs then read diacritics right), CRLF line ends."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=dialect.delimiter, lineterminator="\r\n")
    buffer.write(BOM)
    writer.writerow([safe(str(column)) for column in header])
    pending = 1
    for row in rows:
        writer.writerow([safe(cell) for cell in row])
        pending += 1
        if pending >= ROWS_PER_CHUNK:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate(0)
            pending = 0
    if buffer.tell():
        yield buffer.getvalue().encode("utf-8")


def xlsx_file(header: Sequence[str], rows: Iterable[Sequence], title: str):
    """A workbook with one sheet, written row by row to a temporary file; returns the open file at 0.

    openpyxl's write-only mode keeps only the current row in memory and writes the sheet XML to its own
    temporary file; the finished workbook is saved into ours (deleted when the response closes it)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append([str(column) for column in header])
    for row in rows:
        sheet.append([safe(cell) for cell in row])
    spool = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 — FileResponse closes it
    workbook.save(spool)
    spool.seek(0)
    return spool


class Hashed:
    """Wraps an iterable of byte chunks and records its SHA-256 and size once it has been read through."""

    def __init__(self, chunks: Iterable[bytes]):
        self.chunks = chunks
        self.sha256 = hashlib.sha256()
        self.size = 0
        self.done = False

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self.chunks:
            self.sha256.update(chunk)
            self.size += len(chunk)
            yield chunk
        self.done = True
