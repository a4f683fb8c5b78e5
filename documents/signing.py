"""Sealing PDFs (PAdES with pyHanko) and checking sealed files.

The key and certificate come from a PKCS#12 file named by `VISION_SIGNING_P12` (passphrase
`VISION_SIGNING_PASSWORD`); `manage.py create_signing_certificate` makes a self-signed one for development
and the demo. With `VISION_TIMESTAMP_URL` set, each signature carries an RFC 3161 timestamp (PAdES B-T).
Validation trusts exactly the configured certificate (and `VISION_SIGNING_TRUST_ROOTS`, PEM files of the
CA behind a production certificate), never the network.

The rendered PDF is PDF/A-3b, which is based on PDF 1.7 (ISO 32000-1); the seal is an incremental update that
keeps the catalogue's structure tree, language, XMP metadata and output intent, and adds an invisible signature
field (zero-size widget, flags Print + Locked: allowed by PDF/A). It must not move the file past PDF 1.7, see
`ArchivalPdfSigner`.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime as dt
import functools
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from asn1crypto import cms
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.conf import settings
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.signers.constants import ESIC_EXTENSION_1
from pyhanko.sign.timestamps import HTTPTimeStamper
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

FIELD_NAME = "VISION-seal"


def _run(coroutine):
    """pyHanko is asyncio inside (its sync functions call asyncio.run). Run the coroutine in this thread, or
    — when this thread already runs an event loop (ASGI, a test driving a browser) — in a short-lived one."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


class SigningNotConfigured(Exception):
    """No usable PKCS#12 file: the message says what to do."""


class ArchivalPdfSigner(signers.PdfSigner):
    """A PAdES signer that leaves the file a PDF 1.7 one, as PDF/A-3 requires.

    pyHanko declares the developer extensions a signature relies on, raising the catalogue's /Version to reach
    them. For PAdES in PDF 1.7 it declares ETSI's ESIC extension (base version 1.7): kept. For an ECDSA key on
    a P-256/P-384/P-521 curve (our certificates) it also declares ISO/TS 32002, an extension of PDF 2.0, and so
    writes /Version /2.0 into the catalogue of a file that says PDF/A-3b. PAdES has signed with ECDSA in PDF 1.7
    since its first edition, so that declaration is left out. EdDSA keys do need PDF 2.0: refused."""

    def register_extensions(self, pdf_out, *, md_algorithm: str) -> None:
        algorithm = self.signer.get_signature_mechanism_for_digest(md_algorithm).signature_algo
        if algorithm in ("ed25519", "ed448") or md_algorithm.startswith(("sha3", "shake")):
            raise SigningNotConfigured(
                f"The seal certificate's key ({algorithm}, {md_algorithm}) needs PDF 2.0; the sealed PDFs are "
                "PDF/A-3 (PDF 1.7): use an RSA or ECDSA key with SHA-2."
            )
        pdf_out.ensure_output_version(version=(1, 7))
        pdf_out.register_extension(ESIC_EXTENSION_1)


def create_certificate(path: Path, *, password: str, common_name: str, organisation: str, days: int = 3650) -> None:
    """A self-signed EC P-256 seal certificate (document signing) in a PKCS#12 file."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
        ]
    )
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    data = pkcs12.serialize_key_and_certificates(
        common_name.encode(), key, cert, None, serialization.BestAvailableEncryption(password.encode())
    )
    path.write_bytes(data)
    path.chmod(0o600)


@functools.cache
def _signer(path: str, password: str) -> signers.SimpleSigner:
    p = Path(path)
    if not p.is_file():
        raise SigningNotConfigured(
            f"No signing certificate at {p}: run `python manage.py create_signing_certificate` "
            "or set VISION_SIGNING_P12 to a PKCS#12 file."
        )
    signer = signers.SimpleSigner.load_pkcs12(pfx_file=str(p), passphrase=password.encode() or None)
    if signer is None:
        raise SigningNotConfigured(f"The PKCS#12 file {p} could not be opened (wrong VISION_SIGNING_PASSWORD?).")
    return signer


def get_signer() -> signers.SimpleSigner:
    return _signer(str(settings.VISION_SIGNING_P12), settings.VISION_SIGNING_PASSWORD)


def signer_subject() -> str:
    """Whose certificate signs: its subject, as people read it."""
    return get_signer().signing_cert.subject.human_friendly


def seal(pdf: bytes, *, reason: str, location: str = "") -> bytes:
    """The PDF with a PAdES signature over the whole file (and a timestamp when a server is configured)."""
    url = settings.VISION_TIMESTAMP_URL
    timestamper = HTTPTimeStamper(url, timeout=settings.VISION_TIMESTAMP_TIMEOUT) if url else None
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        subfilter=SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason[:200],
        location=location[:200] or None,
        use_pades_lta=False,
    )
    writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    pdf_signer = ArchivalPdfSigner(meta, signer=get_signer(), timestamper=timestamper)
    return _run(pdf_signer.async_sign_pdf(writer)).getvalue()


def _trust_roots() -> list[asn1_x509.Certificate]:
    roots = [get_signer().signing_cert]
    for pem in settings.VISION_SIGNING_TRUST_ROOTS:
        data = Path(pem).read_bytes()
        cert = x509.load_pem_x509_certificate(data)
        roots.append(asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)))
    return roots


def _padding_is_clean(contents: bytes) -> bool:
    """The signature's /Contents is the CMS structure followed by zero padding; the padding lies outside
    the signed byte range, so anything but zeros there is a change to the file."""
    try:
        length = len(cms.ContentInfo.load(contents).dump())  # the parsed bytes, as read
    except Exception:  # noqa: BLE001
        return False
    return not contents[length:].strip(b"\x00")


@dataclass(frozen=True)
class Check:
    ok: bool
    reason: str  # a short code: "valid", "no-signature", "not-pdf", "modified", "invalid-signature", "untrusted"
    signer: str = ""
    signed_at: dt.datetime | None = None


def verify(pdf: bytes) -> Check:
    """Is this a file we sealed, unmodified? Exactly one VISION seal covering the entire file, intact and
    made with a trusted certificate."""
    if not pdf.startswith(b"%PDF-"):
        return Check(False, "not-pdf")
    try:
        reader = PdfFileReader(BytesIO(pdf), strict=False)
        signatures = reader.embedded_signatures
    except Exception:  # noqa: BLE001 — a damaged file is an answer, not an error
        return Check(False, "not-pdf")
    ours = [s for s in signatures if s.field_name == FIELD_NAME]
    if len(signatures) != 1 or len(ours) != 1:
        return Check(False, "no-signature" if not signatures else "modified")
    if not _padding_is_clean(ours[0].pkcs7_content):
        return Check(False, "modified")
    try:
        context = ValidationContext(trust_roots=_trust_roots(), allow_fetching=False)
        status = _run(async_validate_pdf_signature(ours[0], context))
    except Exception:  # noqa: BLE001
        return Check(False, "invalid-signature")
    signer = status.signing_cert.subject.human_friendly if status.signing_cert else ""
    signed_at = status.signer_reported_dt
    if not (status.intact and status.valid):
        return Check(False, "invalid-signature", signer, signed_at)
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        return Check(False, "modified", signer, signed_at)
    if not status.trusted:
        return Check(False, "untrusted", signer, signed_at)
    return Check(True, "valid", signer, signed_at)
