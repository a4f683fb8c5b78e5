"""The credential's human-readable face: `displayParameter.individualDisplay`, one PNG image per page.

The Europass EDC profile requires, for each display language, images of the credential as a person reads it
(a wallet shows them; the data stay authoritative). VISION draws them itself with Pillow from the same facts
the credential states — title, holder, issuer, claims — in DejaVu Sans (the font the sealed PDFs use, from
the system's fonts-dejavu-core; Pillow's bundled font otherwise). Nothing time-dependent is drawn: one approved
content gives the same image bytes at every issuance.
"""

from __future__ import annotations

import base64
import io
from functools import cache
from pathlib import Path
from typing import Literal, NamedTuple

from PIL import Image, ImageDraw, ImageFont

# A4 at 100 dpi: legible on a screen, a few tens of kilobytes per page as a grey-scale PNG.
WIDTH, HEIGHT, MARGIN = 827, 1169, 60
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
SIZES = {"title": 26, "heading": 18, "text": 15, "small": 13}
GAP = {"title": 18, "heading": 8, "text": 4, "small": 4}  # below a block
BEFORE = {"title": 0, "heading": 10, "text": 0, "small": 0}  # above a block that does not open a page

PNG = "http://publications.europa.eu/resource/authority/file-type/PNG"
FILE_TYPES = "http://publications.europa.eu/resource/authority/file-type"
BASE64 = "http://data.europa.eu/snb/encoding/6146cde7dd"
ENCODINGS = "http://data.europa.eu/snb/encoding/25831c2"

Style = Literal["title", "heading", "text", "small"]


class Block(NamedTuple):
    style: Style
    text: str


@cache
def _font(style: Style):
    name = "DejaVuSans-Bold.ttf" if style in ("title", "heading") else "DejaVuSans.ttf"
    path = FONT_DIR / name
    if path.is_file():
        return ImageFont.truetype(str(path), SIZES[style])
    return ImageFont.load_default(SIZES[style])


def _wrap(value: str, font, width: int) -> list[str]:
    lines: list[str] = []
    for paragraph in value.splitlines() or [""]:
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}" if line else word
            if line and font.getlength(candidate) > width:
                lines.append(line)
                line = word
            else:
                line = candidate
        lines.append(line)
    return lines


def render_pages(blocks: list[Block]) -> list[bytes]:
    """The blocks laid out top to bottom on as many pages as they need, each page a PNG."""
    pages: list[Image.Image] = []
    page = draw = None
    y = HEIGHT
    for block in blocks:
        font = _font(block.style)
        ascent, descent = font.getmetrics()
        line_height = ascent + descent + 4
        if y > MARGIN:
            y += BEFORE[block.style]
        for line in _wrap(block.text, font, WIDTH - 2 * MARGIN):
            if y + line_height > HEIGHT - MARGIN:
                page = Image.new("L", (WIDTH, HEIGHT), 255)
                draw = ImageDraw.Draw(page)
                pages.append(page)
                y = MARGIN
            draw.text((MARGIN, y), line, font=font, fill=0)
            y += line_height
        y += GAP[block.style]
    out = []
    for image in pages:
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", optimize=True)
        out.append(buffer.getvalue())
    return out


def _concept(uri: str, scheme: str, label: str, language: str) -> dict:
    return {
        "id": uri,
        "type": "Concept",
        "inScheme": {"id": scheme, "type": "ConceptScheme"},
        "prefLabel": {language: label},
    }


def individual_display(base: str, language: dict, title: str, blocks: list[Block]) -> dict:
    """ELM IndividualDisplay: the pages of one language, each a base64 PNG MediaObject."""
    from .nodes import urn

    code = next(iter(language["prefLabel"]))
    pages = render_pages([Block("title", title), *blocks])
    return {
        "id": urn("individual-display", base, code),
        "type": "IndividualDisplay",
        "language": language,
        "displayDetail": [
            {
                "id": urn("display-detail", base, code, str(number)),
                "type": "DisplayDetail",
                "image": {
                    "id": urn("display-image", base, code, str(number)),
                    "type": "MediaObject",
                    "contentType": _concept(PNG, FILE_TYPES, "PNG", code),
                    "contentEncoding": _concept(BASE64, ENCODINGS, "base64", code),
                    "content": base64.b64encode(png).decode("ascii"),
                },
                "page": number,
            }
            for number, png in enumerate(pages, start=1)
        ],
    }
