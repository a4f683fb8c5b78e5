"""Names printed on and given to documents: ASCII file-name slugs and a person's initials.

Plain Python, shared by every document type that registers with the pipeline (the public verification
page shows a learner's or participant's initials, never the full name).
"""

from __future__ import annotations

import re
import unicodedata


def ascii_slug(text: str) -> str:
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()[:60] or "document"


def initials(first: str, last: str) -> str:
    return "".join(f"{part[:1].upper()}." for part in (first, last) if part)
