"""Whose personal data a reader may see, and a search of any answer (page, JSON, CSV, XLSX, PDF, ZIP) for the rest.

The people are the portal's data subjects: learners (mobility.Learner) and selection applicants
(selection.Application). Staff accounts are not markers: partner organisations' coordinators and mentors are
named to each other on purpose (contacts on every ECVET document, the partnership's pages; docs/access.md).

Each person gives markers in two tiers:

- **name**: the full name, first and last together (never a name alone: "Lukas" or "Paulauskas" are shared by
  several demo people), matched as a sequence of whole words in either order ("Eglė Kazlauskaitė",
  "Kazlauskaitė, Eglė", "KAZLAUSKAITĖ Eglė", "egle-kazlauskaite.pdf"), case and accents ignored; the guardian's
  full name the same way; the person's e-mail address (and their portal account's). Whoever reads the name may
  read these: the emergency contact (often the guardian) is shown to a mentor, and the Learning Agreement a
  mentor reads names the learner with their address (docs/decisions.md, "A mentor reads their learner's LA
  (without birth date, gender and guardian)");
- **details**: the date of birth as the portal prints it (ISO, and each language's long and short date format)
  and the guardian's e-mail address, matched with boundaries (no digit either side of a date; an address is
  a whole address).

A reader may see a person's names when the person is in their `visible_to` (Learner or Application), and the
details when, on top, `mobility.access.sees_personal_details` says so for the learner or one of their
mobilities the reader sees (a mentor reads a learner's name, never the birth date; applicants: whoever sees the
application reads it whole). A marker string any visible person also owns is never forbidden (two people born
on the same day, a selected applicant who became a learner).

Birth dates are searched on their own: every demo birth date is before 2010, and `check_dates_are_distinct`
asserts no business date of the world (partnership, mobility, call) is that old, so a printed birth date is
a birth date.
"""

from __future__ import annotations

import hashlib
import html
import io
import json
import re
import shutil
import subprocess
import unicodedata
import zipfile
from base64 import urlsafe_b64decode
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.utils import formats, translation

from tests.conftest import skip_or_fail

WORD = re.compile(r"[^\W_]+")  # letters and digits, of any script
EMAIL = re.compile(r"[0-9a-z._%+-]+@[0-9a-z-]+(?:\.[0-9a-z-]+)+")
B64URL = re.compile(r"^[A-Za-z0-9_-]{40,}={0,2}$")


COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
# Letters that are not a base letter with an accent, as ASCII file names write them.
UNDECOMPOSED = str.maketrans({"ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe", "ı": "i"})


def fold(text: str) -> str:
    """Case and accents dropped ("Eglė" -> "egle", "Ødegård" -> "odegard"), so a name printed in capitals or as
    an ASCII file name matches."""
    if text.isascii():
        return text.casefold()
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(UNDECOMPOSED))
    return COMBINING.sub("", decomposed)


def words(text: str) -> str:
    return " ".join(WORD.findall(fold(text)))


def birth_date_forms(day: date) -> set[str]:
    """The date as the portal may print it: ISO, and each language's DATE_FORMAT and SHORT_DATE_FORMAT."""
    forms = {day.isoformat()}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            forms.add(formats.date_format(day, "DATE_FORMAT"))
            forms.add(formats.date_format(day, "SHORT_DATE_FORMAT"))
    return {fold(" ".join(f.split())) for f in forms}


@dataclass(frozen=True)
class Marker:
    tier: str  # "name" or "detail"
    form: str  # how it is matched: "words" (a full name), "email", "date"
    text: str  # folded: a name's words joined by one space, an address, a date as printed
    owner: str  # "learner 12 Eglė Kazlauskaitė", for the report

    @property
    def key(self) -> str:
        """The one token an answer must hold before the exact test: a name's last word, the address, the year."""
        if self.form == "words":
            return self.text.rsplit(" ", 1)[-1]
        if self.form == "date":
            return re.search(r"[0-9]{4}", self.text).group()
        return self.text


def _name_forms(first: str, last: str) -> list[str]:
    first_words, last_words = words(first), words(last)
    if not first_words or not last_words:
        return []
    return [f"{first_words} {last_words}", f"{last_words} {first_words}"]


def _guardian_forms(name: str) -> list[str]:
    parts = name.split()
    return _name_forms(" ".join(parts[:-1]), parts[-1]) if len(parts) >= 2 else []


def person_markers(person, emails: list[str], label: str) -> set[Marker]:
    """A learner's or an applicant's markers (module docstring: what each tier holds and why)."""
    found = {Marker("name", "words", text, label) for text in _name_forms(person.first_name, person.last_name)}
    found |= {Marker("name", "words", text, label) for text in _guardian_forms(person.guardian_name)}
    found |= {Marker("name", "email", fold(e), label) for e in emails if e}
    if person.guardian_email:
        found.add(Marker("detail", "email", fold(person.guardian_email), label))
    if person.date_of_birth:
        found |= {Marker("detail", "date", text, label) for text in birth_date_forms(person.date_of_birth)}
    return found


def learner_markers(learner) -> set[Marker]:
    emails = [learner.email, learner.user.email if learner.user_id else ""]
    return person_markers(learner, emails, f"learner {learner.pk} {learner.first_name} {learner.last_name}")


def applicant_markers(application) -> set[Marker]:
    label = f"applicant {application.pk} {application.first_name} {application.last_name}"
    return person_markers(application, [application.email], label)


@dataclass
class Oracle:
    """What one reader must not read (`forbidden`) and may read (`allowed`)."""

    reader: str
    forbidden: set[Marker] = field(default_factory=set)
    allowed: set[Marker] = field(default_factory=set)

    def __post_init__(self):
        self._forbidden_index = _index(self.forbidden)
        self._allowed_index = _index(self.allowed)

    def leaks(self, text: Text) -> set[Marker]:
        return text.find(self._forbidden_index)

    def reads(self, text: Text) -> set[Marker]:
        return text.find(self._allowed_index)


def _index(markers: set[Marker]) -> dict[str, list[Marker]]:
    by_key: dict[str, list[Marker]] = {}
    for marker in markers:
        by_key.setdefault(marker.key, []).append(marker)
    return by_key


def oracle_for(user) -> Oracle:
    """The markers `user` (None: anonymous) must not and may read, from the people in the database now."""
    from mobility.access import sees_personal_details
    from mobility.models import Learner, Mobility
    from selection.models import Application

    learners = list(Learner.objects.filter(anonymised_at__isnull=True).select_related("user", "home_organisation"))
    applications = list(Application.objects.filter(erased_at__isnull=True))
    seen_learners = set(Learner.objects.visible_to(user).values_list("pk", flat=True)) if user else set()
    seen_applications = set(Application.objects.visible_to(user).values_list("pk", flat=True)) if user else set()
    mobilities: dict[int, list] = {}
    if user:
        for mobility in Mobility.objects.visible_to(user).filter(learner_id__in=seen_learners):
            mobilities.setdefault(mobility.learner_id, []).append(mobility)

    allowed: set[Marker] = set()
    every: set[Marker] = set()
    for learner in learners:
        markers = learner_markers(learner)
        every |= markers
        if learner.pk in seen_learners:
            details = sees_personal_details(user, learner) or any(
                sees_personal_details(user, m) for m in mobilities.get(learner.pk, [])
            )
            allowed |= {m for m in markers if details or m.tier == "name"}
    for application in applications:
        markers = applicant_markers(application)
        every |= markers
        if application.pk in seen_applications:
            allowed |= markers
    allowed_texts = {m.text for m in allowed} | printed_examples()
    forbidden = {m for m in every if m.text not in allowed_texts}
    return Oracle(reader=user.email if user else "anonymous", forbidden=forbidden, allowed=allowed)


def printed_examples() -> set[str]:
    """What the portal prints as an example whatever the data (the import templates' example values): a person who
    shares one (an applicant born on the example date 2007-03-14) is not read there."""
    from mobility.resources import KINDS

    return {fold(column.example) for kind in KINDS.values() for column in kind.columns if column.example}


def check_dates_are_distinct():
    """Birth dates are markers on their own only while no business date of the world is as old (module doc)."""
    from mobility.models import Learner, Mobility
    from partners.models import Partnership
    from selection.models import Application

    births = [d for d in Learner.objects.values_list("date_of_birth", flat=True) if d]
    births += [d for d in Application.objects.values_list("date_of_birth", flat=True) if d]
    business = list(Partnership.objects.values_list("start_date", flat=True))
    business += list(Mobility.objects.values_list("start_date", flat=True))
    assert births and max(births) < min(business), (max(births), min(business))


# -- reading an answer ------------------------------------------------------------------------------------------


@dataclass
class Text:
    """An answer's readable text, folded, with its words and its e-mail addresses for the search."""

    plain: str
    spaced: str = ""
    tokens: set[str] = field(default_factory=set)

    def __post_init__(self):
        self.spaced = " " + " ".join(WORD.findall(self.plain)) + " "
        self.tokens = set(self.spaced.split()) | set(EMAIL.findall(self.plain))

    def find(self, index: dict[str, list[Marker]]) -> set[Marker]:
        return {m for key in self.tokens & index.keys() for m in index[key] if self._has(m)}

    def _has(self, marker: Marker) -> bool:
        if marker.form == "words":
            return f" {marker.text} " in self.spaced
        if marker.form == "email":
            return True  # the token is the address
        return bool(re.search(rf"(?<![0-9]){re.escape(marker.text)}(?![0-9])", self.plain))


_PDF_TEXT: dict[str, str] = {}


def pdf_text(data: bytes) -> str:
    digest = hashlib.sha256(data).hexdigest()
    if digest not in _PDF_TEXT:
        pdftotext = shutil.which("pdftotext")
        if pdftotext is None:
            skip_or_fail("pdftotext (poppler-utils) is not installed")
        done = subprocess.run([pdftotext, "-q", "-", "-"], input=data, capture_output=True, check=False)  # noqa: S603
        _PDF_TEXT[digest] = done.stdout.decode("utf-8", "replace")
    return _PDF_TEXT[digest]


def _json_strings(value, out: list[str]):
    """The values in document order (a record's first and last name stay side by side: keys are left out)."""
    if isinstance(value, dict):
        for item in value.values():
            _json_strings(item, out)
    elif isinstance(value, list):
        for item in value:
            _json_strings(item, out)
    elif isinstance(value, str):
        out.append(value)
        # A signed credential (JAdES, JWS) carries its document base64url-encoded: read it too.
        for part in value.split("."):
            if B64URL.match(part):
                try:
                    decoded = urlsafe_b64decode(part + "=" * (-len(part) % 4)).decode("utf-8")
                except (ValueError, UnicodeDecodeError):
                    continue
                out.append(readable(decoded.encode(), "application/json"))
    elif value is not None:
        out.append(str(value))


def readable(body: bytes, content_type: str, name: str = "") -> str:
    """The text a person reads in an answer of this type (or a file of this name inside a ZIP)."""
    kind = content_type.split(";")[0].strip().lower()
    lower = name.lower()
    if kind == "application/pdf" or lower.endswith(".pdf") or body.startswith(b"%PDF-"):
        return pdf_text(body)
    if kind == "application/zip" or lower.endswith(".zip") or body.startswith(b"PK\x03\x04"):
        if "spreadsheetml" in kind or lower.endswith(".xlsx"):
            return _xlsx_text(body)
        return _zip_text(body)
    text = (
        body.decode("utf-8-sig", "replace")
        if not body.startswith((b"\xff\xfe", b"\xfe\xff"))
        else body.decode("utf-16")
    )
    if "json" in kind or lower.endswith(".json"):
        try:
            strings: list[str] = []
            _json_strings(json.loads(text), strings)
            return "\n".join(strings)
        except ValueError:
            return text
    if "html" in kind:
        return html_text(text)
    return text


TAG = re.compile(r"<[^>]*>")
ATTRIBUTE = re.compile(
    r"""\b(?:value|title|alt|aria-label|placeholder|content|data-[\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')"""
)


def html_text(page: str) -> str:
    """The text of a page as read (tags out, so a table's first-name and last-name cells are side by side), then
    what its attributes hold (a form's values, titles)."""
    shown = html.unescape(TAG.sub(" ", page))
    held = "\n".join(html.unescape(a or b) for a, b in ATTRIBUTE.findall(page))
    return f"{shown}\n{held}"


def _xlsx_text(body: bytes) -> str:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(body), read_only=True)
    cells = [
        str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for v in row if v is not None
    ]
    return "\n".join([*book.sheetnames, *cells])


def _zip_text(body: bytes) -> str:
    parts = []
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        for info in archive.infolist():
            parts.append(info.filename)
            if not info.is_dir():
                parts.append(readable(archive.read(info), "", info.filename))
    return "\n".join(parts)


def answer_text(response, body: bytes) -> Text:
    """Everything a reader gets from an answer: its body as read, and its headers (a download's file name)."""
    headers = " ".join(f"{k}: {v}" for k, v in response.items() if k.lower() in ("content-disposition", "location"))
    return Text(fold(headers + "\n" + readable(body, response.get("Content-Type", ""))))
