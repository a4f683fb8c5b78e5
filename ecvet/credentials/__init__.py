"""The Personal Transcript of a recognised mobility as a European Digital Credential (ELM v3, EDC profile),
sealed as a JAdES baseline B JWS with the certificate that seals the PDFs.

- `elm.build(transcript)` → the credential (a dict, JSON-LD), from the frozen approved content only;
- `elm.validate(credential)` → checks it against the bundled JSON Schema (raises `CredentialInvalid`);
- `jades.sign(credential)` / `jades.verify(jws)` → the sealed file and its check.

docs/europass-credential.md explains the mapping, the signature and the schema's limits.
"""

from __future__ import annotations


class CredentialUnavailable(Exception):
    """The transcript cannot be issued as a credential (yet): not approved, not recognised."""


class CredentialInvalid(Exception):
    """A credential that fails the schema, or a sealed file that fails verification. `reason` is a short code."""

    def __init__(self, message: str, reason: str = "invalid"):
        super().__init__(message)
        self.reason = reason
