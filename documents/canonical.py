"""Canonical content: one stable JSON serialisation per document version, and its SHA-256.

Plain Python (no Django): the same bytes for the same content on every machine and every run, so an
approval binds to exactly what the signer saw. Keys are sorted, separators fixed, text is UTF-8 and
numbers that are money or points are written as strings (Decimal) so no float rounding enters.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        # Normalise 5.0 and 5.00 to the same text.
        normalised = value.normalize()
        return format(normalised, "f")
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    raise TypeError(f"not canonicalisable: {type(value).__name__}")


def canonical_json(content: dict) -> str:
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_default)


def content_sha256(content: dict) -> str:
    return hashlib.sha256(canonical_json(content).encode("utf-8")).hexdigest()
