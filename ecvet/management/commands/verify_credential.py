"""Check a sealed Europass digital credential file: JAdES signature, certificate, VISION's own schema."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ecvet.credentials import CredentialInvalid, elm, jades


class Command(BaseCommand):
    help = (
        "Verify a Europass digital credential downloaded from VISION (JAdES JWS, flattened JSON): the signature, "
        "the seal's certificate (VISION's seal or chained to a trusted root, valid at the signing time, signing "
        "time = the credential's issuance time) and the credential against VISION's bundled schema."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .json file")
        parser.add_argument("--show", action="store_true", help="print the credential (the signed payload)")

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error}") from error
        try:
            credential, cert = jades.verify(data)
        except CredentialInvalid as error:
            raise CommandError(f"NOT valid ({error.reason}): {error}") from error
        problems = elm.errors(credential)
        header = json.loads(jades.base64url_decode(json.loads(data)["protected"]))
        self.stdout.write(f"Signature: valid, sealed by {cert.subject.rfc4514_string()} at {header['sigT']}")
        self.stdout.write(
            f"Certificate: trusted, issued by {cert.issuer.rfc4514_string()}, valid "
            f"{cert.not_valid_before_utc:%Y-%m-%d} – {cert.not_valid_after_utc:%Y-%m-%d}"
        )
        self.stdout.write(f"Credential: {credential.get('id')} (issued {credential.get('issued')})")
        if problems:
            raise CommandError("The signature is valid but the credential fails the schema: " + "; ".join(problems))
        self.stdout.write("Schema: valid")
        if options["show"]:
            self.stdout.write(json.dumps(credential, indent=2, ensure_ascii=False))
