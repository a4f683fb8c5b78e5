"""List every record whose state says more than its documents (ecvet/chain.py); exit 1 if there is any."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from ecvet import chain
from mobility.models import Mobility
from partners.models import Partnership


class Command(BaseCommand):
    help = (
        "Check the ECVET chain: list every mobility or transcript whose state says more than its documents "
        "(one line each: model, code, state, what is missing, URL). Exits with status 1 if any is found."
    )

    def add_arguments(self, parser):
        parser.add_argument("--partnership", metavar="SLUG", help="only this partnership's mobilities")

    def handle(self, *args, **options):
        mobilities = Mobility.objects.all()
        slug = options.get("partnership")
        if slug:
            partnership = Partnership.objects.filter(slug=slug).first()
            if partnership is None:
                raise CommandError(f"No partnership with the slug {slug!r}.")
            mobilities = mobilities.filter(partnership=partnership)
        found = 0
        for finding in chain.findings(mobilities):
            self.stdout.write(finding.line())
            found += 1
        if found:
            raise CommandError(f"{found} record(s) say more than their documents.", returncode=1)
        self.stdout.write(self.style.SUCCESS("The ECVET chain is consistent: every state follows its documents."))
