"""Demo data for `manage.py seed_demo`, and nothing else imports it at run time.

Each module seeds one app's part, idempotently, from the data the earlier steps made; the order
below is the order of the apps' dependencies (partners, then mobility, the ECVET chain, training
events, dissemination and reporting, then the host placements). Production never loads this package:
`seed_demo` refuses to run with DEBUG off and is the only importer.
"""

from __future__ import annotations

from collections.abc import Callable


def steps() -> list[Callable]:
    from selection import demo as selection_demo

    from . import (
        dissemination,
        ecvet_agreements,
        ecvet_catalogue,
        ecvet_europass,
        ecvet_grants,
        mobility,
        placements,
        reporting,
        training_events,
    )

    return [
        mobility.seed_mobility_demo,
        ecvet_catalogue.seed_ecvet_demo,
        ecvet_agreements.seed_agreement_demo,
        mobility.finish_walks,
        ecvet_agreements.seed_transcript_demo,
        ecvet_europass.seed_europass_demo,
        ecvet_grants.seed_grant_demo,
        training_events.seed_training_events_demo,
        dissemination.seed_dissemination_demo,
        reporting.seed_reporting_demo,
        placements.seed_placements_demo,
        selection_demo.seed_selection_demo,
    ]


def seed_all(password: str, stdout=None) -> int:
    """Seed every part; returns the number of new partner rows (the other parts report on `stdout`)."""
    from . import partners

    created = partners.seed(password)
    for step in steps():
        step(stdout=stdout)
    return created
