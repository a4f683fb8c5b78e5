"""Latency of the list pages at a realistic network size.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/list_pages.py [--rows 500]

Builds a throwaway database (pytest-django style: test_<name>), fills one partnership with
`--rows` organisations, people, invitations and audit entries, then times each page with
Django's test client (no network).

Goals on the 2-core machine: every paginated page p95 under 150 ms at 500 rows, and the
query count the same at 5 and at 500 rows. "Strategies side by side" shows every partner of
a partnership on one page (networks have 4-30 partners); at 500 partners it is a stress figure.

Measured 2026-11-28, PostgreSQL 15, 500 rows of each (organisations, invitations, audit entries,
mobilities with checklists) — p50 / p95 ms (queries; the same counts at 5 rows):
dashboard 136 / 206 (16), organisations 46 / 56 (8), partnerships 41 / 46 (9), invitations 34 / 54 (7),
partnership audit 42 / 48 (8), strategies side by side 154 / 207 (10), outgoing mobilities 62 / 73 (10),
all mobilities 61 / 68 (9), learners 47 / 60 (9), partnership budget 190 / 394 (10).
Over the goal: the dashboard (its mobility panel counts overdue checklist items over every mobility) and
the partnership budget (it prices every mobility in Python for the totals) — both candidates for SQL
aggregation when networks reach that size.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vision.settings.test")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_databases, setup_test_environment, teardown_databases

    setup_test_environment()
    old_config = setup_databases(verbosity=0, interactive=False)
    try:
        from django.test import Client
        from django.urls import reverse

        from partners.models import AuditEntry
        from partners.models.people import Role
        from tests.factories import (
            AuditEntryFactory,
            IndicatorFactory,
            InvitationFactory,
            MembershipFactory,
            OrganisationFactory,
            PartnershipFactory,
        )

        coordinator_org = OrganisationFactory(slug="bench-coordinator")
        partnership = PartnershipFactory(slug="bench", coordinator=coordinator_org)
        pc = MembershipFactory(organisation=coordinator_org, role=Role.PROJECT_COORDINATOR).user
        for _ in range(args.rows):
            org = OrganisationFactory()
            partnership.members.create(organisation=org, role="partner")
            MembershipFactory(organisation=org, role=Role.MENTOR)
            InvitationFactory(organisation=org, invited_by=pc)
            AuditEntryFactory(partnership=partnership, organisation=org, verb=AuditEntry.Verb.UPDATED)
        for org in list(partnership.organisations.all()[:50]):
            IndicatorFactory(goal__strategy__partnership=partnership, goal__strategy__organisation=org)
        # Mobilities: `rows` outgoing from the coordinator's organisation to the partners, with checklists.
        from mobility.services.checklists import generate_checklist
        from tests.factories_mobility import LearnerFactory, MobilityFactory

        partners = list(partnership.organisations.exclude(pk=coordinator_org.pk)[:20])
        for i in range(args.rows):
            mobility = MobilityFactory(
                learner=LearnerFactory(home_organisation=coordinator_org),
                partnership=partnership,
                receiving_organisation=partners[i % len(partners)],
            )
            generate_checklist(mobility)

        client = Client()
        client.force_login(pc)
        pages = {
            "dashboard": reverse("home"),
            "organisations": reverse("partners:organisation_list"),
            "partnerships": reverse("partners:partnership_list"),
            "invitations": reverse("partners:invitation_list"),
            "partnership audit": reverse("partners:partnership_audit", kwargs={"slug": "bench"}),
            "strategies side by side": reverse("partners:partnership_strategies", kwargs={"slug": "bench"}),
            "outgoing mobilities": reverse("mobility:outgoing"),
            "all mobilities": reverse("mobility:all_mobilities"),
            "learners": reverse("mobility:learner_list"),
            "partnership budget": reverse("mobility:partnership_budget", kwargs={"slug": "bench"}),
        }
        print(f"{'page':<26}{'queries':>8}{'p50 ms':>9}{'p95 ms':>9}   ({args.rows} rows, {connection.vendor})")
        for name, url in pages.items():
            queries = []

            def count(execute, sql, params, many, context, queries=queries):
                queries.append(sql)
                return execute(sql, params, many, context)

            with connection.execute_wrapper(count):
                assert client.get(url).status_code == 200, url
            timings = []
            for _ in range(args.repeat):
                start = time.perf_counter()
                client.get(url)
                timings.append((time.perf_counter() - start) * 1000)
            timings.sort()
            p95 = timings[int(len(timings) * 0.95) - 1]
            print(f"{name:<26}{len(queries):>8}{statistics.median(timings):>9.1f}{p95:>9.1f}")
    finally:
        teardown_databases(old_config, verbosity=0)


if __name__ == "__main__":
    main()
