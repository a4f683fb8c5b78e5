"""Checking uploaded files: type by extension AND by the file's leading bytes, and size.

Reusable: `UploadValidator()` goes into a form field's `validators`, `validate_upload(file)` can be
called directly. The browser's content type is never trusted (the client sets it); the bytes are.
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _

DEFAULT_MAX_UPLOAD_MB = 10
HEAD_BYTES = 2048

ZIP_MAGIC = (b"PK\x03\x04",)


@dataclass(frozen=True)
class FileType:
    extensions: tuple[str, ...]
    magic: tuple[bytes, ...] = ()
    # For zip-based office formats: a member every genuine file of the type contains.
    zip_member: str = ""
    # ODF files start with an uncompressed "mimetype" member naming the exact format.
    head_contains: bytes = b""
    text: bool = False


FILE_TYPES: dict[str, FileType] = {
    "pdf": FileType(("pdf",), magic=(b"%PDF-",)),
    "png": FileType(("png",), magic=(b"\x89PNG\r\n\x1a\n",)),
    "jpg": FileType(("jpg", "jpeg"), magic=(b"\xff\xd8\xff",)),
    "docx": FileType(("docx",), magic=ZIP_MAGIC, zip_member="word/document.xml"),
    "xlsx": FileType(("xlsx",), magic=ZIP_MAGIC, zip_member="xl/workbook.xml"),
    "pptx": FileType(("pptx",), magic=ZIP_MAGIC, zip_member="ppt/presentation.xml"),
    "odt": FileType(
        ("odt",),
        magic=ZIP_MAGIC,
        zip_member="content.xml",
        head_contains=b"application/vnd.oasis.opendocument.text",
    ),
    "txt": FileType(("txt",), text=True),
    "csv": FileType(("csv",), text=True),
}

# Evidence and other documents: what the issue allows. Spreadsheet imports pass their own list.
DOCUMENT_TYPES = ("pdf", "png", "jpg", "docx", "xlsx", "odt", "txt")


def max_upload_bytes() -> int:
    return int(getattr(settings, "VISION_MAX_UPLOAD_MB", DEFAULT_MAX_UPLOAD_MB)) * 1024 * 1024


def _read_head(file, size: int = HEAD_BYTES) -> bytes:
    position = file.tell() if hasattr(file, "tell") else 0
    try:
        file.seek(0)
        return file.read(size) or b""
    finally:
        file.seek(position)


def _zip_has_member(file, member: str) -> bool:
    position = file.tell()
    try:
        file.seek(0)
        with zipfile.ZipFile(file) as archive:
            return member in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        file.seek(position)


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut off at the end of the sample is still text.
        if error.start < len(head) - 4:
            return False
    return True


def extension_of(name: str) -> str:
    return os.path.splitext(name or "")[1].lower().lstrip(".")


def validate_upload(file, allowed: Iterable[str] = DOCUMENT_TYPES, max_bytes: int | None = None) -> None:
    """Raise ValidationError with a plain message unless `file` is one of the allowed types and small enough."""
    allowed = tuple(allowed)
    types = [FILE_TYPES[key] for key in allowed]
    extensions = sorted({ext for t in types for ext in t.extensions})
    limit = max_bytes if max_bytes is not None else max_upload_bytes()

    size = getattr(file, "size", None)
    if size is not None and size > limit:
        raise ValidationError(
            _("The file is too large (%(size)s MB); the limit is %(limit)s MB.")
            % {"size": f"{size / 1024 / 1024:.1f}", "limit": f"{limit / 1024 / 1024:g}"},
            code="file_too_large",
        )
    if not size:
        raise ValidationError(_("The file is empty."), code="file_empty")

    extension = extension_of(getattr(file, "name", ""))
    file_type = next((t for t in types if extension in t.extensions), None)
    if file_type is None:
        raise ValidationError(
            _("Files of this type are not accepted. Allowed types: %(types)s.") % {"types": ", ".join(extensions)},
            code="file_type",
        )

    head = _read_head(file)
    if file_type.text:
        matches = _looks_like_text(head)
    else:
        matches = any(head.startswith(magic) for magic in file_type.magic)
        if matches and file_type.head_contains:
            matches = file_type.head_contains in head
        if matches and file_type.zip_member:
            matches = _zip_has_member(file, file_type.zip_member)
    if not matches:
        raise ValidationError(
            _("The file’s content does not match its name (.%(extension)s): it may be damaged or of another type.")
            % {"extension": extension},
            code="file_content",
        )


@deconstructible
class UploadValidator:
    """Field validator: `forms.FileField(validators=[UploadValidator()])`."""

    def __init__(self, allowed: Iterable[str] = DOCUMENT_TYPES, max_bytes: int | None = None):
        self.allowed = tuple(allowed)
        self.max_bytes = max_bytes

    def __call__(self, file) -> None:
        validate_upload(file, self.allowed, self.max_bytes)

    def __eq__(self, other) -> bool:
        return (
            isinstance(other, UploadValidator) and self.allowed == other.allowed and self.max_bytes == other.max_bytes
        )

    def accept_attribute(self) -> str:
        """For the <input accept="…"> hint (the server still checks)."""
        return ",".join(f".{ext}" for key in self.allowed for ext in FILE_TYPES[key].extensions)
