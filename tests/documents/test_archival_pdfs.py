"""Sealed PDFs are tagged (a screen reader can read them: EN 301 549 asks it of downloadable documents) and
stay PDF/A-3b after the seal (issue 16, point 3). Each kind of document is rendered and sealed the way the
worker does it (documents.services.produce), then read back (tests/documents/pdf_structure.py).

veraPDF is not available here: the properties PDF/A-3b and tagged PDF rest on are checked one by one.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from documents import signing
from documents.models import RenderedDocument
from documents.services import produce
from ecvet.models import Transcript
from ecvet.pdf import outcome_columns
from ecvet.services import transcripts as transcript_service
from mobility.models import AssessmentResult, Mobility
from tests.ecvet.test_transcripts import make_approved_agreement, make_assessment
from tests.factories_ecvet import QualificationFactory, UnitFactory
from tests.training_events.conftest import build_te
from training_events import services as training_services

from . import pdf_structure
from .pdf_structure import HIDDEN, INVISIBLE, NO_VIEW, PRINT, TOGGLE_NO_VIEW
from .support import (
    approve_la,
    approved_europass,
    approved_grant,
    approved_transcript,
    decide_all,
    memorandum_in_force,
    pdf_layout,
)

pytestmark = pytest.mark.django_db
R = AssessmentResult.Result


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def issued_certificate(world, mob):
    te = build_te(world)
    training_services.mark_attendance(
        te.ev_a, {(te.p_staff_b.pk, te.s1.pk): True, (te.p_staff_b.pk, te.s2.pk): True}, by=world.pc_a
    )
    (certificate,) = training_services.issue_certificates(te.ev_a, by=world.pc_a)
    return certificate


BUILD = {
    "agreement": approve_la,
    "memorandum": lambda world, mob: memorandum_in_force(world),
    "transcript": approved_transcript,
    "europass": approved_europass,
    "grant": approved_grant,
    "certificate": issued_certificate,
}


def sealed(document) -> bytes:
    """Render and seal the document's queued PDF as the worker does; its bytes."""
    row = RenderedDocument.objects.get()
    assert row.document == document
    assert produce(row.pk) == "ready", RenderedDocument.objects.get(pk=row.pk).error
    row.refresh_from_db()
    with row.file.open("rb") as f:
        return f.read()


@pytest.fixture(params=list(BUILD))
def kind_and_pdf(request, world, mob):
    document = BUILD[request.param](world, mob)
    return request.param, sealed(document)


def test_each_sealed_pdf_is_tagged_in_its_language_with_headings_tables_and_the_qr_codes_alt_text(kind_and_pdf):
    kind, data = kind_and_pdf
    facts = pdf_structure.read(data)
    assert facts.lang == "en"  # the sealed PDFs are written in the portal's default language
    assert facts.marked and facts.display_doc_title  # a tagged PDF; viewers show its title, not its file name
    assert facts.tree is not None and facts.tree.type == "Document", kind

    headings = [int(e.type[1]) for e in facts.tree.walk() if e.type in {"H1", "H2", "H3", "H4", "H5", "H6"}]
    assert headings[0] == 1 and headings.count(1) == 1, headings  # one H1: the document's label
    assert 2 in headings
    assert all(b <= a + 1 for a, b in zip(headings, headings[1:], strict=False)), headings  # no level skipped

    tables = facts.tree.find("Table")
    assert tables and all(table.find("TH") for table in tables), kind
    for table in tables:
        # Each data cell names its header cells (WeasyPrint: the TH's /ID in the TD's /Headers), so a screen
        # reader announces "Name: Lina Bakker", not a bare value.
        for body in table.find("TBody") + table.find("TFoot"):
            for cell in body.find("TD"):
                assert list(cell.attributes.get("/Headers", [])), kind

    (qr,) = facts.tree.find("Figure")
    assert qr.alt == "QR code of the verification page"


def test_each_sealed_pdf_stays_pdf_a_3b_and_pdf_1_7_after_the_seal(kind_and_pdf):
    kind, data = kind_and_pdf
    facts = pdf_structure.read(data)
    # PDF/A-3 is ISO 32000-1 (PDF 1.7): neither the header nor the catalogue (the seal's update) may say more.
    assert facts.header_version == "1.7"
    assert facts.catalog_version is None or facts.catalog_version <= "1.7", facts.catalog_version
    assert all(base <= "1.7" for base in facts.extension_base_versions), facts.extension_base_versions
    # The XMP identification and the output intent survive the incremental update.
    assert (facts.pdfa_part, facts.pdfa_conformance) == ("3", "B")
    assert facts.dc_title
    assert facts.output_intents == ["/GTS_PDFA1"]
    # The seal's widget: invisible by its size (a zero rectangle), printable by its flags, as PDF/A wants.
    assert facts.seal_rect == [0, 0, 0, 0]
    assert facts.seal_flags & PRINT
    assert not facts.seal_flags & (INVISIBLE | HIDDEN | NO_VIEW | TOGGLE_NO_VIEW)
    check = signing.verify(data)
    assert check.ok and check.reason == "valid", (kind, check)


def test_sealing_a_rendered_pdf_keeps_its_tags_and_metadata(plain_pdf, canned_pdf):
    before, after = pdf_structure.read(plain_pdf), pdf_structure.read(canned_pdf)
    assert before.catalog_version is None and before.seal_flags is None
    assert (after.header_version, after.catalog_version) == ("1.7", None)
    assert after.extension_base_versions == ["1.7"]  # ETSI's ESIC (PAdES in PDF 1.7), nothing of PDF 2.0
    for name in ("lang", "marked", "pdfa_part", "pdfa_conformance", "dc_title", "output_intents"):
        assert getattr(after, name) == getattr(before, name), name
    assert [e.type for e in after.tree.walk()] == [e.type for e in before.tree.walk()]


def test_a_seal_key_that_needs_pdf_2_is_refused_with_what_to_do(plain_pdf, settings, tmp_path):
    """EdDSA signatures exist only in PDF 2.0 (ISO/TS 32002): such a key cannot seal a PDF/A-3 file."""
    key = ed25519.Ed25519PrivateKey.generate()
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Ed25519 test seal")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(key, None)
    )
    password = settings.VISION_SIGNING_PASSWORD.encode()
    path = tmp_path / "ed25519.p12"
    path.write_bytes(
        pkcs12.serialize_key_and_certificates(b"ed", key, cert, None, serialization.BestAvailableEncryption(password))
    )
    settings.VISION_SIGNING_P12 = path
    with pytest.raises(signing.SigningNotConfigured, match="RSA or ECDSA"):
        signing.seal(plain_pdf, reason="test")


# --- the transcript's outcomes table ------------------------------------------------------------------------

LONG_CODE = "ECVET-BT-U03-A01"  # 16 characters: the unit column grows to hold it


def test_the_unit_column_is_as_wide_as_the_longest_code_and_the_columns_fill_the_table():
    short, long_, longest = outcome_columns(["FAC", "MAN"]), outcome_columns([LONG_CODE]), outcome_columns(["X" * 40])
    for columns in (short, long_, longest):
        assert sum(columns[k] for k in ("unit", "outcome", "method", "date", "assessor", "result", "evidence")) == 100
        assert columns["unit"] + columns["points_title"] == 80
        assert (columns["date"], columns["method"]) == (12, 15)  # an ISO date; "Demonstration"
    assert short["unit"] == 11 and short["codes_fit"]  # room for the heading
    # 16 characters of DejaVu Sans Mono 8.5 pt (1.81 mm each) and the cell's padding, on 178 mm.
    assert long_["unit"] * 178 / 100 >= 16 * 1.81 + 2.5 and long_["codes_fit"]
    # A 40-character code would leave too little for the rest: the column stops at 20 % and such codes wrap.
    assert (longest["unit"], longest["codes_fit"]) == (20, False)
    assert outcome_columns([]) == short


def approved_transcript_with_long_tokens(world, mob) -> Transcript:
    """A transcript whose unit has a 16-character code and whose assessment method is a long word."""
    mobility = mob.m_b_to_a
    Mobility.objects.filter(pk=mobility.pk).update(status=Mobility.Status.COMPLETED)
    qualification = QualificationFactory(organisation=world.org_b, total_ecvet_points=Decimal("60"))
    UnitFactory(qualification=qualification, reference=LONG_CODE, ecvet_points=Decimal("6"))
    make_approved_agreement(mobility, qualification)
    assessment = make_assessment(mobility, mob.mentor_a, [(LONG_CODE, R.ACHIEVED), (LONG_CODE, R.PARTLY)])
    AssessmentResult.objects.filter(assessment=assessment).update(method="Demonstration", evidence="Photographs")
    transcript = transcript_service.build_transcript(Mobility.objects.get(pk=mobility.pk), by=world.pc_a)
    transcript = transcript_service.send_for_approval(transcript, by=world.pc_a)
    return decide_all(transcript, [(world.pc_a, "receiving")])


def test_the_transcript_never_breaks_a_unit_code_or_a_word_inside_it(world, mob):
    data = sealed(approved_transcript_with_long_tokens(world, mob))
    # pdftotext lays the text out as on the page: a wrapped code or word would be split across two lines.
    lines = [line.split() for line in pdf_layout(data).splitlines()]
    row_starts = [line for line in lines if line and line[0] == LONG_CODE]
    assert len(row_starts) == 3  # two assessed outcomes and the unit's row of points, each code whole
    words = [word for line in lines for word in line]
    assert words.count("Demonstration") == 2
    for heading in ("Unit", "Method", "Assessor", "Result", "Evidence"):
        assert heading in words, heading
    assert words.count("Photographs") == 2
