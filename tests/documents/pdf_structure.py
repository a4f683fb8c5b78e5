"""What a sealed PDF says about itself, read with pyHanko's reader (the one the portal verifies with): its
version, language, structure tree, PDF/A identification and output intent, and the seal's widget.

No veraPDF here (not packaged for the machines this project runs on): the tests check the properties that
PDF/A-3b and tagged PDF hang on, one by one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from io import BytesIO

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.metadata import model as xmp
from pyhanko.pdf_utils.metadata.xmp_xml import parse_xmp
from pyhanko.pdf_utils.reader import PdfFileReader

from documents.signing import FIELD_NAME

# Annotation flags (ISO 32000-1, 12.5.3): PDF/A wants Print set and these four clear.
INVISIBLE, HIDDEN, PRINT, NO_VIEW, TOGGLE_NO_VIEW = 1, 2, 4, 32, 256


@dataclass
class Element:
    """One structure element: its type (without the slash), its /Alt, its /A attributes and its children."""

    type: str
    alt: str | None = None
    attributes: dict = field(default_factory=dict)
    children: list[Element] = field(default_factory=list)

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()

    def find(self, type_: str) -> list[Element]:
        return [e for e in self.walk() if e.type == type_]


@dataclass
class PdfFacts:
    header_version: str
    catalog_version: str | None
    extension_base_versions: list[str]
    lang: str | None
    marked: bool
    display_doc_title: bool
    tree: Element | None  # the /Document element under /StructTreeRoot
    pdfa_part: str | None
    pdfa_conformance: str | None
    dc_title: str | None
    output_intents: list[str]  # their /S
    seal_flags: int | None
    seal_rect: list[float] | None


def _resolve(obj):
    return obj.get_object() if isinstance(obj, generic.IndirectObject) else obj


def _kids(value) -> list:
    value = _resolve(value)
    if value is None:
        return []
    return [_resolve(v) for v in value] if isinstance(value, generic.ArrayObject) else [value]


def _element(obj) -> Element | None:
    if not isinstance(obj, generic.DictionaryObject) or obj.get("/Type", "/StructElem") != "/StructElem":
        return None  # a marked-content id (an integer) or an object reference (an annotation)
    if "/S" not in obj:
        return None
    attributes = _resolve(obj.get("/A"))
    element = Element(
        type=str(obj["/S"]).lstrip("/"),
        alt=str(obj["/Alt"]) if "/Alt" in obj else None,
        attributes={str(k): v for k, v in attributes.items()} if isinstance(attributes, dict) else {},
    )
    for kid in _kids(obj.get("/K")):
        child = _element(kid)
        if child is not None:
            element.children.append(child)
    return element


def _xmp_value(roots, ns: str, name: str) -> str | None:
    key = xmp.ExpandedName(ns=xmp.NS[ns], local_name=name)
    for root in roots:
        for k, value in root:
            if k == key:
                inner = value.value
                if isinstance(inner, xmp.XmpArray):  # dc:title is a language alternative
                    inner = inner.entries[0].value if inner.entries else None
                return str(inner) if inner is not None else None
    return None


def read(data: bytes) -> PdfFacts:
    header = re.match(rb"%PDF-(\d\.\d)", data)
    assert header, "not a PDF"
    reader = PdfFileReader(BytesIO(data), strict=False)
    root = reader.root
    extensions = _resolve(root.get("/Extensions")) or {}
    bases = []
    for value in extensions.values():
        for extension in _kids(value):
            bases.append(str(extension.get("/BaseVersion", "")).lstrip("/"))
    tree_root = _resolve(root.get("/StructTreeRoot"))
    tree = None
    if tree_root is not None:
        documents = [e for e in (_element(k) for k in _kids(tree_root.get("/K"))) if e is not None]
        tree = documents[0] if len(documents) == 1 else Element("(root)", children=documents)
    metadata = _resolve(root.get("/Metadata"))
    roots = parse_xmp(BytesIO(metadata.data)) if metadata is not None else []
    seal = next(
        (_resolve(f) for f in _kids(_resolve(root.get("/AcroForm", {})).get("/Fields")) if f.get("/T") == FIELD_NAME),
        None,
    )
    mark_info = _resolve(root.get("/MarkInfo")) or {}
    preferences = _resolve(root.get("/ViewerPreferences")) or {}
    return PdfFacts(
        header_version=header.group(1).decode(),
        catalog_version=str(root["/Version"]).lstrip("/") if "/Version" in root else None,
        extension_base_versions=bases,
        lang=str(root["/Lang"]) if "/Lang" in root else None,
        marked=bool(mark_info.get("/Marked", False)),
        display_doc_title=bool(preferences.get("/DisplayDocTitle", False)),
        tree=tree,
        pdfa_part=_xmp_value(roots, "pdfaid", "part"),
        pdfa_conformance=_xmp_value(roots, "pdfaid", "conformance"),
        dc_title=_xmp_value(roots, "dc", "title"),
        output_intents=[str(_resolve(i).get("/S")) for i in _kids(root.get("/OutputIntents"))],
        seal_flags=int(seal["/F"]) if seal is not None and "/F" in seal else None,
        seal_rect=[float(x) for x in seal["/Rect"]] if seal is not None else None,
    )
