"""With VISION_TIMESTAMP_URL set, the seal carries an RFC 3161 timestamp from that server (PAdES B-T).

The timestamp authority is a small HTTP server on 127.0.0.1 answering with pyHanko's DummyTimeStamper and a
throwaway TSA certificate."""

from __future__ import annotations

import datetime as dt
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import BytesIO

import pytest
import weasyprint
from asn1crypto import keys, tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from documents import signing


def tsa_identity():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)  # pyHanko's dummy TSA signs with RSA
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "VISION test TSA")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .sign(key, hashes.SHA256())
    )
    der_cert = cert.public_bytes(serialization.Encoding.DER)
    der_key = key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return asn1_x509.Certificate.load(der_cert), keys.PrivateKeyInfo.load(der_key)


@pytest.fixture
def tsa():
    cert, key = tsa_identity()
    stamper = DummyTimeStamper(tsa_cert=cert, tsa_key=key)
    requests = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 — http.server's naming
            body = self.rfile.read(int(self.headers["Content-Length"]))
            requests.append(self.headers.get("Content-Type"))
            reply = stamper.request_tsa_response(tsp.TimeStampReq.load(body)).dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield {"url": f"http://127.0.0.1:{server.server_address[1]}/", "cert": cert, "requests": requests}
    finally:
        server.shutdown()
        server.server_close()


def test_a_configured_timestamp_server_timestamps_the_seal(settings, tsa):
    settings.VISION_TIMESTAMP_URL = tsa["url"]
    sealed = signing.seal(weasyprint.HTML(string="<p>Timestamped</p>").write_pdf(), reason="test")

    # (pyHanko asks once to size the signature, then for the timestamp it embeds.)
    assert tsa["requests"] and set(tsa["requests"]) == {"application/timestamp-query"}
    assert signing.verify(sealed).ok
    embedded = PdfFileReader(BytesIO(sealed)).embedded_signatures[0]
    status = validate_pdf_signature(
        embedded,
        ValidationContext(trust_roots=[signing.get_signer().signing_cert], allow_fetching=False),
        ts_validation_context=ValidationContext(trust_roots=[tsa["cert"]], allow_fetching=False),
    )
    assert status.timestamp_validity is not None
    assert status.timestamp_validity.intact and status.timestamp_validity.valid and status.timestamp_validity.trusted


def test_without_a_timestamp_server_the_seal_has_no_timestamp(settings):
    settings.VISION_TIMESTAMP_URL = ""
    sealed = signing.seal(weasyprint.HTML(string="<p>Plain</p>").write_pdf(), reason="test")
    embedded = PdfFileReader(BytesIO(sealed)).embedded_signatures[0]
    status = validate_pdf_signature(
        embedded, ValidationContext(trust_roots=[signing.get_signer().signing_cert], allow_fetching=False)
    )
    assert status.timestamp_validity is None and status.bottom_line
