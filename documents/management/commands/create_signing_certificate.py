"""Create a self-signed seal certificate (EC P-256, PKCS#12) for development and the demo."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from documents import signing


class Command(BaseCommand):
    help = "Create the self-signed PKCS#12 seal certificate named by VISION_SIGNING_P12 (development and demo)."

    def add_arguments(self, parser):
        parser.add_argument("--path", default=str(settings.VISION_SIGNING_P12))
        parser.add_argument("--common-name", default="VISION portal document seal (self-signed, not for production)")
        parser.add_argument("--organisation", default="VISION portal")
        parser.add_argument("--days", type=int, default=3650)
        parser.add_argument("--force", action="store_true", help="Replace an existing file.")

    def handle(self, *args, **options):
        path = Path(options["path"])
        if path.exists() and not options["force"]:
            self.stdout.write(f"A signing certificate exists at {path}; kept (use --force to replace it).")
            return
        if not settings.VISION_SIGNING_PASSWORD:
            raise CommandError("Set VISION_SIGNING_PASSWORD: the PKCS#12 file is encrypted with it.")
        signing.create_certificate(
            path,
            password=settings.VISION_SIGNING_PASSWORD,
            common_name=options["common_name"],
            organisation=options["organisation"],
            days=options["days"],
        )
        signing._signer.cache_clear()
        self.stdout.write(self.style.SUCCESS(f"Created the signing certificate {path} ({signing.signer_subject()})."))
