"""A sealed PDF changed in any way is not authentic: `signing.verify()` refuses it and the public verification
page (POST of the copy to `documents:verify`) says so; the untouched file is "authentic", a valid seal of
another file is "other".

The variants start from `canned_pdf` (tests/documents/conftest.py: rendered by the portal's renderer and
sealed by `signing.seal`, as the pipeline does) and from a PDF the pipeline itself produced.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.writer import PageObject
from pyhanko.sign import fields, signers

from documents import signing
from documents.models import RenderedDocument

from .support import approve_la, forced_memorandum, make_ready

# --- where things are in a sealed file -------------------------------------------------------------------


@dataclass(frozen=True)
class Layout:
    """Offsets in a sealed file: the signed ranges are [0, contents_start) and [contents_end, end)."""

    contents_start: int  # the "<" of /Contents
    contents_end: int  # just after its ">"
    der_hex_length: int  # hex digits of the CMS signature; the rest of /Contents is zero padding

    @property
    def der_start(self) -> int:
        return self.contents_start + 1


def layout(data: bytes) -> Layout:
    match = re.search(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", data)
    start, length_1, second, _length_2 = map(int, match.groups())
    assert start == 0
    hex_digits = data[length_1 + 1 : second - 1]
    return Layout(length_1, second, len(hex_digits.rstrip(b"0")))


def flip(data: bytes, offset: int, mask: int = 0x01) -> bytes:
    out = bytearray(data)
    out[offset] ^= mask
    return bytes(out)


def other_hex_digit(data: bytes, offset: int) -> bytes:
    """Still valid hex, another value."""
    out = bytearray(data)
    out[offset] = ord("1") if out[offset] != ord("1") else ord("2")
    return bytes(out)


def incremental(data: bytes, change) -> bytes:
    writer = IncrementalPdfFileWriter(BytesIO(data), strict=False)
    change(writer)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def add_root_key(writer):
    writer.root["/VISIONChanged"] = generic.BooleanObject(True)
    writer.update_root()


def add_page(writer):
    content = writer.add_object(generic.StreamObject(stream_data=b"BT /F1 24 Tf 72 720 Td (Approved by all) Tj ET"))
    writer.insert_page(PageObject(contents=content, media_box=generic.ArrayObject([0, 0, 595, 842])))


def add_annotation(writer):
    page_ref, _ = writer.find_page_for_modification(0)
    page = page_ref.get_object()
    note = generic.DictionaryObject(
        {
            generic.NameObject("/Type"): generic.NameObject("/Annot"),
            generic.NameObject("/Subtype"): generic.NameObject("/FreeText"),
            generic.NameObject("/Rect"): generic.ArrayObject([generic.NumberObject(n) for n in (50, 50, 300, 100)]),
            generic.NameObject("/Contents"): generic.TextStringObject("ECVET points: 60"),
        }
    )
    page["/Annots"] = generic.ArrayObject([writer.add_object(note)])
    writer.update_container(page)


def foreign_signer(tmp_path, name="other.p12") -> signers.SimpleSigner:
    """Another self-signed certificate, with the very same subject as the portal's test seal."""
    path = tmp_path / name
    signing.create_certificate(path, password="other", common_name="VISION test seal", organisation="VISION tests")
    return signers.SimpleSigner.load_pkcs12(pfx_file=str(path), passphrase=b"other")


def sign_with(data: bytes, signer, field_name=signing.FIELD_NAME) -> bytes:
    meta = signers.PdfSignatureMetadata(
        field_name=field_name, subfilter=fields.SigSeedSubFilter.PADES, md_algorithm="sha256"
    )
    return (
        signers.PdfSigner(meta, signer=signer)
        .sign_pdf(IncrementalPdfFileWriter(BytesIO(data), strict=False))
        .getvalue()
    )


# --- the variants ----------------------------------------------------------------------------------------
# (id, make(sealed, plain, tmp_path) -> bytes, reasons signing.verify may give)

BROKEN = {"invalid-signature", "not-pdf", "modified"}
NOT_PDF = {"not-pdf"}


def _zeroed_signature(s, p, t):
    lay = layout(s)
    return s[: lay.der_start] + b"0" * (lay.contents_end - 1 - lay.der_start) + s[lay.contents_end - 1 :]


def _byte_range_digit(s, p, t):
    at = re.search(rb"/ByteRange\s*\[\s*0\s+(\d+)", s).start(1)
    return other_hex_digit(s, at + 1)


def _renamed_field(s, p, t):
    def rename(writer):
        field = writer.root["/AcroForm"]["/Fields"][0].get_object()
        field["/T"] = generic.TextStringObject("Other-seal")
        writer.update_container(field)

    return incremental(s, rename)


def _original_xref(s, p, t):
    return flip(s, p.rindex(b"startxref") + len(b"startxref\n"))


def _last_xref_dict(s, p, t):
    return flip(s, s.rindex(b"/XRef") + 3)


def _startxref(s, p, t):
    return flip(s, s.rindex(b"startxref") + len(b"startxref\n") + 2)


PDF_VARIANTS = [
    ("flip-in-page-content", lambda s, p, t: flip(s, 200), BROKEN),
    ("flip-at-a-third-of-the-signed-range", lambda s, p, t: flip(s, layout(s).contents_start // 3), BROKEN),
    ("flip-two-bits-in-the-signed-range", lambda s, p, t: flip(s, layout(s).contents_start // 2, 0x22), BROKEN),
    ("flip-just-before-the-signature", lambda s, p, t: flip(s, layout(s).contents_start - 3), BROKEN),
    ("flip-the-signature-delimiter", lambda s, p, t: flip(s, layout(s).contents_start), BROKEN),
    ("signature-first-hex-digit", lambda s, p, t: other_hex_digit(s, layout(s).der_start), BROKEN),
    (
        "signature-middle-hex-digit",
        lambda s, p, t: other_hex_digit(s, layout(s).der_start + layout(s).der_hex_length // 2),
        BROKEN,
    ),
    (
        "signature-last-hex-digit",
        lambda s, p, t: other_hex_digit(s, layout(s).der_start + layout(s).der_hex_length - 1),
        BROKEN,
    ),
    ("signature-zeroed", _zeroed_signature, BROKEN),
    ("flip-just-after-the-signature", lambda s, p, t: flip(s, layout(s).contents_end + 2), BROKEN),
    ("byte-range-changed", _byte_range_digit, BROKEN),
    ("flip-in-the-original-xref", _original_xref, BROKEN),
    ("flip-in-the-last-xref", _last_xref_dict, BROKEN),
    ("flip-in-startxref", _startxref, BROKEN),
    ("flip-in-the-final-eof", lambda s, p, t: flip(s, len(s) - 3), BROKEN),
    ("truncated-by-one-byte", lambda s, p, t: s[:-1], BROKEN),
    ("truncated-by-ten-bytes", lambda s, p, t: s[:-10], BROKEN),
    ("truncated-after-the-signature", lambda s, p, t: s[: layout(s).contents_end], BROKEN),
    ("truncated-in-half", lambda s, p, t: s[: len(s) // 2], BROKEN),
    ("truncated-to-1000-bytes", lambda s, p, t: s[:1000], BROKEN),
    ("appended-newline", lambda s, p, t: s + b"\n", BROKEN),
    ("appended-text", lambda s, p, t: s + b"% approved by everybody\n", BROKEN),
    ("appended-random-bytes", lambda s, p, t: s + random.Random(7).randbytes(1024), BROKEN),
    ("appended-copy-of-itself", lambda s, p, t: s + s, BROKEN),
    ("update-adds-a-key-to-the-root", lambda s, p, t: incremental(s, add_root_key), {"modified"}),
    ("update-adds-an-annotation", lambda s, p, t: incremental(s, add_annotation), {"modified"}),
    ("update-adds-a-page", lambda s, p, t: incremental(s, add_page), {"modified"}),
    ("update-renames-the-seal-field", _renamed_field, {"modified", "no-signature"}),
    (
        "second-update-adds-a-page",
        lambda s, p, t: incremental(incremental(s, add_root_key), add_page),
        {"modified"},
    ),
    ("countersigned-with-another-key", lambda s, p, t: sign_with(s, foreign_signer(t), "Second"), {"modified"}),
    ("sealed-twice-with-our-key", lambda s, p, t: sign_with(s, signing.get_signer(), "Second"), {"modified"}),
    ("re-signed-with-another-key", lambda s, p, t: sign_with(p, foreign_signer(t)), {"untrusted"}),
    ("plain-unsigned-pdf", lambda s, p, t: p, {"no-signature"}),
]
# Not even starting like a PDF: the upload form refuses them (a field error), verify() says "not-pdf".
NON_PDF_VARIANTS = [
    ("header-flipped", lambda s, p, t: flip(s, 2), NOT_PDF),
    ("not-a-pdf", lambda s, p, t: b"\x89PNG\r\n\x1a\n" + random.Random(3).randbytes(500), NOT_PDF),
    ("text-file", lambda s, p, t: b"This is the Learning Agreement, honestly.\n", NOT_PDF),
    ("leading-garbage", lambda s, p, t: b"garbage" + s, NOT_PDF),
]
VARIANTS = PDF_VARIANTS + NON_PDF_VARIANTS
NEEDS_THE_UNSIGNED_ORIGINAL = {"flip-in-the-original-xref", "re-signed-with-another-key", "plain-unsigned-pdf"}


def ids(variants):
    return [v[0] for v in variants]


# --- signing.verify --------------------------------------------------------------------------------------


def test_the_untouched_file_is_valid(canned_pdf):
    check = signing.verify(canned_pdf)
    assert (check.ok, check.reason) == (True, "valid")
    assert "VISION test seal" in check.signer and check.signed_at is not None


@pytest.mark.parametrize(("name", "make", "reasons"), VARIANTS, ids=ids(VARIANTS))
def test_verify_refuses_every_tampered_variant(canned_pdf, plain_pdf, tmp_path, name, make, reasons):
    data = make(canned_pdf, plain_pdf, tmp_path)
    assert data != canned_pdf
    check = signing.verify(data)
    assert not check.ok, name
    assert check.reason in reasons, (name, check)


def test_verify_refuses_an_empty_file():
    assert signing.verify(b"") == signing.Check(False, "not-pdf")


# --- the public verification page ------------------------------------------------------------------------


@pytest.fixture
def registered(world, canned_pdf):
    """A memorandum in force whose registered sealed PDF is `canned_pdf`; returns the verification URL."""
    row = make_ready(forced_memorandum(world.p1, [world.org_a, world.org_b]), canned_pdf)
    return reverse("documents:verify", kwargs={"token": row.verify_token})


def check_copy(client, url, data: bytes, name="copy.pdf"):
    response = client.post(url, {"file": SimpleUploadedFile(name, data, content_type="application/pdf")})
    assert response.status_code == 200
    page = response.content.decode()
    found = re.findall(r'data-result="([a-z]+)"', page)
    assert len(found) <= 1
    return (found[0] if found else None), response


@pytest.mark.django_db
def test_the_page_says_authentic_for_the_untouched_file(client, registered, canned_pdf):
    result, _ = check_copy(client, registered, canned_pdf)
    assert result == "authentic"


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "make", "reasons"), PDF_VARIANTS, ids=ids(PDF_VARIANTS))
def test_the_page_says_not_authentic_for_every_tampered_pdf(
    client, registered, canned_pdf, plain_pdf, tmp_path, name, make, reasons
):
    result, response = check_copy(client, registered, make(canned_pdf, plain_pdf, tmp_path))
    assert result == "tampered", name
    assert "Not authentic." in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "make", "reasons"), NON_PDF_VARIANTS, ids=ids(NON_PDF_VARIANTS))
def test_the_page_refuses_a_file_that_is_not_a_pdf_with_a_field_error(
    client, registered, canned_pdf, plain_pdf, tmp_path, name, make, reasons
):
    result, response = check_copy(client, registered, make(canned_pdf, plain_pdf, tmp_path))
    assert result is None
    assert response.context["form"].errors["file"] == ["This is not a PDF file."]


@pytest.mark.django_db
def test_a_valid_seal_of_another_file_is_not_this_document(client, registered, plain_pdf):
    other = signing.seal(plain_pdf + b"\n", reason="Sealed by the VISION portal: another document")
    assert signing.verify(other).ok
    result, response = check_copy(client, registered, other)
    assert result == "other"
    assert "Not this document." in response.content.decode()


# --- the unused space of the signature -------------------------------------------------------------------


def padding_changed(sealed: bytes) -> bytes:
    """One zero of the padding after the CMS signature in /Contents turned into a "1" (still valid hex)."""
    lay = layout(sealed)
    return other_hex_digit(sealed, lay.der_start + lay.der_hex_length + 20)


@pytest.mark.django_db
def test_a_changed_byte_in_the_signature_padding_is_never_called_authentic(client, registered, canned_pdf):
    result, _ = check_copy(client, registered, padding_changed(canned_pdf))
    assert result in ("tampered", "other")


@pytest.mark.django_db
def test_a_changed_byte_in_the_signature_padding_is_reported_as_modified(client, registered, canned_pdf):
    changed = padding_changed(canned_pdf)
    assert not signing.verify(changed).ok
    result, _ = check_copy(client, registered, changed)
    assert result == "tampered"


# --- a PDF the pipeline produced -------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_pipeline_pdf_is_authentic_untouched_and_tampered_once_changed(
    world, mob, client, tmp_path, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        approve_la(world, mob)
    row = RenderedDocument.objects.get(status=RenderedDocument.Status.READY)
    with row.file.open("rb") as f:
        sealed = f.read()
    url = reverse("documents:verify", kwargs={"token": row.verify_token})
    assert check_copy(client, url, sealed)[0] == "authentic"
    for name, make, _reasons in PDF_VARIANTS:
        if name in NEEDS_THE_UNSIGNED_ORIGINAL:
            continue
        changed = make(sealed, sealed, tmp_path / name)
        assert not signing.verify(changed).ok, name
        assert check_copy(client, url, changed)[0] == "tampered", name
