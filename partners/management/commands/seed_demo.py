"""Demo data for every app (the `demo` package). Idempotent; refuses to run with DEBUG off."""

import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction


class Command(BaseCommand):
    help = "Create the VISION demo partnership, organisations, accounts and every app's demo data (DEBUG only)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            default=None,
            help="Password for every demo account (default: $DEMO_PASSWORD or 'vision-demo').",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("seed_demo refuses to run with DEBUG off: demo accounts have a published password.")
        import demo  # only here: production code never imports the demo seeders

        password = options["password"] or os.environ.get("DEMO_PASSWORD") or "vision-demo"
        with transaction.atomic():
            created = demo.seed_all(password, stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS(f"Demo data ready ({created} new rows)."))
