"""JAdES baseline B (ETSI TS 119 182-1) signatures over credentials, with the key and certificate that seal the
PDFs (settings.VISION_SIGNING_P12, documents/signing.py).

The signed file is a JWS in the *flattened JSON serialization* (RFC 7515 §7.2.2): unlike the compact form it
has room for an unprotected header, where a later upgrade to JAdES B-T/B-LT puts its timestamp (`etsiU`)
without touching the signature. The protected header carries:

    alg       ES256 for the EC P-256 seal (ES384/ES512, RS256/PS256 for other keys)
    typ       "jose+json"  (JAdES, JSON serialization)
    cty       "vc" (the payload: a W3C VC Data Model 2.0 credential, media type application/vc)
    x5c       the certificate chain, base64 DER, signer first
    x5t#S256  base64url SHA-256 of the signer's DER certificate
    sigT      the claimed signing time, UTC, "YYYY-MM-DDThh:mm:ssZ": the credential's `issued`, to the second
    crit      ["sigT"] — a verifier that does not know sigT must reject the signature

`verify()` checks all of it, that sigT is the credential's `issued`, and that the certificate is the configured
seal or chains to one of VISION_SIGNING_TRUST_ROOTS; it never fetches anything.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import hashlib
import json
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from django.conf import settings
from django.utils import timezone
from jwcrypto import jwk, jws
from jwcrypto.common import JWException, JWSEHeaderParameter, base64url_decode, base64url_encode

from documents.signing import SigningNotConfigured

from . import CredentialInvalid

TYP = "jose+json"
CTY = "vc"
SIGT_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
ALLOWED_ALGS = ["ES256", "ES384", "ES512", "PS256", "RS256"]
# jwcrypto refuses a critical header it does not know: sigT is registered as supported and protected-only.
HEADER_REGISTRY = {"sigT": JWSEHeaderParameter("JAdES claimed signing time", True, True, None)}


# --- the seal's key and certificates -----------------------------------------------------------------


@functools.cache
def _load(path: str, password: str, mtime: float):
    p = Path(path)
    try:
        key, cert, extra = pkcs12.load_key_and_certificates(p.read_bytes(), password.encode() or None)
    except (OSError, ValueError) as error:
        raise SigningNotConfigured(f"The PKCS#12 file {p} could not be opened: {error}") from error
    if key is None or cert is None:
        raise SigningNotConfigured(f"The PKCS#12 file {p} holds no key and certificate.")
    return key, cert, list(extra or [])


def seal_material():
    """(private key, certificate, further chain certificates) of the configured seal."""
    path = Path(settings.VISION_SIGNING_P12)
    if not path.is_file():
        raise SigningNotConfigured(
            f"No signing certificate at {path}: run `python manage.py create_signing_certificate` "
            "or set VISION_SIGNING_P12 to a PKCS#12 file."
        )
    return _load(str(path), settings.VISION_SIGNING_PASSWORD, path.stat().st_mtime)


def _der(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.DER)


def thumbprint(cert: x509.Certificate) -> str:
    return base64url_encode(hashlib.sha256(_der(cert)).digest())


def _alg(key) -> str:
    if isinstance(key, ec.EllipticCurvePrivateKey | ec.EllipticCurvePublicKey):
        return {"secp256r1": "ES256", "secp384r1": "ES384", "secp521r1": "ES512"}[key.curve.name]
    if isinstance(key, rsa.RSAPrivateKey | rsa.RSAPublicKey):
        return "PS256"
    raise SigningNotConfigured(f"Unsupported key type for JAdES: {type(key).__name__}")


def _trust_anchors() -> list[x509.Certificate]:
    _key, cert, _extra = seal_material()
    anchors = [cert]
    for pem in settings.VISION_SIGNING_TRUST_ROOTS:
        anchors.extend(x509.load_pem_x509_certificates(Path(pem).read_bytes()))
    return anchors


# --- signing -------------------------------------------------------------------------------------------


def payload_bytes(credential: dict) -> bytes:
    """The signed bytes: compact JSON, UTF-8, keys sorted (the same credential always gives the same bytes)."""
    return json.dumps(credential, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def sign(credential: dict, *, signing_time: dt.datetime | None = None) -> dict:
    """The credential sealed as a flattened JWS JSON object (JAdES baseline B). The claimed signing time is
    `signing_time`, else the credential's own `issued` (they must be equal: `verify` refuses a difference)."""
    key, cert, extra = seal_material()
    if signing_time is None and isinstance(credential.get("issued"), str):
        signing_time = dt.datetime.strptime(credential["issued"], SIGT_FORMAT).replace(tzinfo=dt.UTC)
    at = (signing_time or timezone.now()).astimezone(dt.UTC)
    protected = {
        "alg": _alg(key),
        "typ": TYP,
        "cty": CTY,
        "x5c": [base64.b64encode(_der(c)).decode("ascii") for c in [cert, *extra]],
        "x5t#S256": thumbprint(cert),
        "sigT": at.strftime(SIGT_FORMAT),
        "crit": ["sigT"],
    }
    token = jws.JWS(payload_bytes(credential), header_registry=HEADER_REGISTRY)
    token.add_signature(jwk.JWK.from_pyca(key), alg=protected["alg"], protected=json.dumps(protected))
    return json.loads(token.serialize(compact=False))


def serialize(signed: dict) -> bytes:
    return json.dumps(signed, indent=2, ensure_ascii=False).encode("utf-8")


# --- verification --------------------------------------------------------------------------------------


def _fail(message: str, reason: str):
    raise CredentialInvalid(message, reason=reason)


def _parse(data) -> dict:
    if isinstance(data, bytes | bytearray):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError:
            _fail("The file is not UTF-8 text.", "format")
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except json.JSONDecodeError:
            _fail("The file is not JSON.", "format")
    if not isinstance(data, dict) or not {"protected", "payload", "signature"} <= data.keys():
        _fail("Not a JWS in the flattened JSON serialization (protected, payload, signature).", "format")
    return data


def _chain_ok(chain: list[x509.Certificate], anchors: list[x509.Certificate]) -> bool:
    """The signer is an anchor itself, or each certificate is issued by the next and the last by an anchor."""
    anchor_ders = {_der(a) for a in anchors}
    for index, cert in enumerate(chain):
        if _der(cert) in anchor_ders:
            return True
        issuers = [chain[index + 1]] if index + 1 < len(chain) else []
        issuers += [a for a in anchors if a.subject == cert.issuer]
        issued = False
        for issuer in issuers:
            try:
                cert.verify_directly_issued_by(issuer)
            except (ValueError, TypeError, InvalidSignature):
                continue
            if _der(issuer) in anchor_ders:
                return True
            issued = True
            break
        if not issued:
            return False
    return False


def verify(data) -> tuple[dict, x509.Certificate]:
    """(credential, signer's certificate) of a sealed credential, or CredentialInvalid with a reason:
    format, header, thumbprint, signature, untrusted, expired, issued (sigT is not the credential's `issued`)."""
    obj = _parse(data)
    try:
        header = json.loads(base64url_decode(obj["protected"]))
    except (ValueError, TypeError):
        _fail("The protected header is not readable.", "format")
    if not isinstance(header, dict):
        _fail("The protected header is not a JSON object.", "format")
    if header.get("alg") not in ALLOWED_ALGS:
        _fail(f"Signature algorithm not accepted: {header.get('alg')!r}.", "header")
    if "sigT" not in (header.get("crit") or []) or not isinstance(header.get("sigT"), str):
        _fail("JAdES requires the signing time (sigT) as a critical protected header.", "header")
    try:
        signed_at = dt.datetime.strptime(header["sigT"], SIGT_FORMAT).replace(tzinfo=dt.UTC)
    except ValueError:
        _fail("The signing time (sigT) is not a UTC date and time.", "header")
    x5c = header.get("x5c")
    if not isinstance(x5c, list) or not x5c:
        _fail("The certificate chain (x5c) is missing.", "header")
    try:
        chain = [x509.load_der_x509_certificate(base64.b64decode(c, validate=True)) for c in x5c]
    except (ValueError, TypeError):
        _fail("The certificate chain (x5c) is not readable.", "header")
    signer = chain[0]
    if header.get("x5t#S256") != thumbprint(signer):
        _fail("The certificate thumbprint (x5t#S256) does not match the signer's certificate.", "thumbprint")
    if header["alg"] != _alg(signer.public_key()) and not header["alg"].startswith(("RS", "PS")):
        _fail("The algorithm does not fit the certificate's key.", "header")
    token = jws.JWS(header_registry=HEADER_REGISTRY)
    try:
        token.deserialize(json.dumps(obj))
        token.verify(jwk.JWK.from_pyca(signer.public_key()), alg=header["alg"])
    except (JWException, ValueError, TypeError):
        _fail("The signature does not match the content.", "signature")
    if not _chain_ok(chain, _trust_anchors()):
        _fail("The certificate is not VISION's seal and does not chain to a trusted root.", "untrusted")
    if not (signer.not_valid_before_utc <= signed_at <= signer.not_valid_after_utc):
        _fail("The certificate was not valid at the signing time.", "expired")
    try:
        credential = json.loads(token.payload)
    except (ValueError, TypeError):
        _fail("The payload is not JSON.", "format")
    if not isinstance(credential, dict):
        _fail("The payload is not a JSON object.", "format")
    if "issued" in credential and credential["issued"] != header["sigT"]:
        _fail("The signing time (sigT) is not the credential's issuance time (issued).", "issued")
    return credential, signer
