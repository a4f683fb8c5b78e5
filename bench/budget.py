"""Latency of the budget pages of a KA122 project at network scale (issue 14; the speed goals: issue 15).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/budget.py [--mobilities 25000]

Builds a throwaway database (test_<name>), one 2025 KA122-VET project of the Lithuanian NA with four schools
(Kaunas, Salerno, Haarlem, Kuopio), the agency's rule set, 500 learners and `--mobilities` mobilities whose
organisations, length, green travel and status vary (the same shape as tests/reporting/test_budget_ka1.py),
then times each budget page with Django's test client (no network) and counts its queries.

Goal (issue 15): p95 under 150 ms at 25,000 mobilities; the query count the same at any size.
Measured 2026-12-06 on the 2-core machine while the test suite ran beside it (noisy), 25,000 mobilities,
PostgreSQL 15 — p50 / p95 ms (queries): budget against the grant 364 / 385 (13), mobility budget of the
project 504 / 601 (13), mobility budget of a school 178 / 191 (13); before issue 14: 1.2–2.4 s.
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
    parser.add_argument("--mobilities", type=int, default=25_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_databases, setup_test_environment, teardown_databases

    setup_test_environment()
    old_config = setup_databases(verbosity=0, interactive=False)
    try:
        from datetime import date, timedelta
        from decimal import Decimal

        from django.test import Client
        from django.urls import reverse

        from funding.models import DailyRate, RuleSet
        from funding.services import copy_rule_set
        from mobility.models import Learner, Mobility
        from partners.models import Partnership
        from partners.models.people import Role
        from tests.factories import MembershipFactory, OrganisationFactory, PartnershipFactory

        places = {
            "kaunas": ("LT", "Kaunas", "54.898521", "23.903597"),
            "salerno": ("IT", "Salerno", "40.682441", "14.768096"),
            "haarlem": ("NL", "Haarlem", "52.387386", "4.646219"),
            "kuopio": ("FI", "Kuopio", "62.892500", "27.677000"),
        }
        orgs = [
            OrganisationFactory(slug=name, short_name=name.title(), country=c, city=city, latitude=Decimal(lat),
                                longitude=Decimal(lon), oid=f"E1000000{n}")
            for n, (name, (c, city, lat, lon)) in enumerate(places.items())
        ]  # fmt: skip
        project = PartnershipFactory(
            slug="bench-ka122",
            project_number="2025-1-LT01-KA122-VET-000999",
            call_year=2025,
            action=Partnership.Action.KA122_VET,
            start_date=date(2025, 6, 1),
            end_date=date(2027, 8, 31),
            eu_grant=Decimal("20000000"),
            coordinator=orgs[0],
            partners=orgs[1:],
        )
        guide = RuleSet.objects.get(scheme="mobility", from_call_year=2024, national_agency="")
        agency = copy_rule_set(guide, by=None, national_agency="LT01", from_call_year=2025, name="LT01 bench")
        for group, full, reduced in ((1, 77, 54), (2, 68, 48), (3, 60, 42)):
            DailyRate.objects.create(rule_set=agency, participant="learner", country_group=group, from_day=1,
                                     to_day=14, amount_per_day=full)  # fmt: skip
            DailyRate.objects.create(rule_set=agency, participant="learner", country_group=group, from_day=15,
                                     amount_per_day=reduced)  # fmt: skip
        coordinator = MembershipFactory(organisation=orgs[0], role=Role.PROJECT_COORDINATOR).user
        learners = Learner.objects.bulk_create(
            Learner(home_organisation=orgs[n % 4], first_name="Learner", last_name=f"No {n}",
                    date_of_birth=date(2005, 1, 1), nationality="LT", email=f"bench{n}@example.org",
                    fewer_opportunities=n % 5 == 0)
            for n in range(500)
        )  # fmt: skip
        statuses = ["draft", "planned", "agreed", "in_mobility", "completed", "cancelled"]
        rows = []
        for i in range(args.mobilities):
            first = date(2026, 1, 5) + timedelta(days=i % 300)
            rows.append(
                Mobility(partnership=project, learner=learners[i % 500], sending_organisation=orgs[i % 4],
                         receiving_organisation=orgs[(i % 4 + 1 + (i // 4) % 3) % 4], start_date=first,
                         end_date=first + timedelta(days=4 + i % 60), green_travel=i % 7 == 0,
                         travel_days=4 if i % 7 == 0 else 2, status=statuses[i % 6], uses_ecvet=False)
            )  # fmt: skip
        Mobility.objects.bulk_create(rows, batch_size=2000)

        client = Client()
        client.force_login(coordinator)
        pages = {
            "budget against the grant": reverse("reporting:budget", kwargs={"slug": project.slug}),
            "mobility budget (project)": reverse("mobility:partnership_budget", kwargs={"slug": project.slug}),
            "mobility budget (school)": reverse("mobility:organisation_budget", kwargs={"slug": orgs[0].slug}),
        }
        print(f"{'page':<28}{'queries':>8}{'p50 ms':>9}{'p95 ms':>9}   ({args.mobilities} mobilities)")
        for name, url in pages.items():
            queries = []

            def count(execute, sql, params, many, context, queries=queries):
                queries.append(sql)
                return execute(sql, params, many, context)

            assert client.get(url).status_code == 200, url  # warm: the rules' rows are cached after this
            with connection.execute_wrapper(count):
                assert client.get(url).status_code == 200, url
            timings = []
            for _ in range(args.repeat):
                start = time.perf_counter()
                client.get(url)
                timings.append((time.perf_counter() - start) * 1000)
            timings.sort()
            p95 = timings[max(int(len(timings) * 0.95) - 1, 0)]
            print(f"{name:<28}{len(queries):>8}{statistics.median(timings):>9.1f}{p95:>9.1f}")
    finally:
        teardown_databases(old_config, verbosity=0)


if __name__ == "__main__":
    main()
