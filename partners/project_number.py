"""Erasmus+ project numbers, e.g. 2019-1-LT01-KA202-060748 (calls 2014–2020) and
2025-1-LT01-KA122-VET-000123 (calls from 2021, with the field). Plain Python: no Django here.

The number says the call year, the round, the National Agency that manages the grant (LT01 = the
Lithuanian NA) and the action; the portal takes the budget rules and the EU reporting tool from it."""

from __future__ import annotations

import re
from dataclasses import dataclass

PATTERN = re.compile(
    r"^(?P<year>\d{4})-(?P<round>\d)-(?P<agency>[A-Z]{2}\d{2})-(?P<action>KA\d{3})"
    r"(?:-(?P<field>[A-Z]{2,4}))?-(?P<serial>\d{6,9})$"
)


@dataclass(frozen=True)
class ProjectNumber:
    call_year: int
    round: int
    national_agency: str
    action: str  # "KA202" or, from 2021, with the field: "KA122-VET"
    serial: str

    @property
    def reporting_tool(self) -> str:
        """Mobility Tool+ for the 2014–2020 calls, the Beneficiary Module from the 2021 call on."""
        return "mtplus" if self.call_year <= 2020 else "bm"


def parse(number: str) -> ProjectNumber | None:
    """The parts of an Erasmus+ project number, or None when it does not have the official shape."""
    match = PATTERN.match((number or "").strip().upper())
    if not match:
        return None
    action = match["action"] + (f"-{match['field']}" if match["field"] else "")
    return ProjectNumber(
        call_year=int(match["year"]),
        round=int(match["round"]),
        national_agency=match["agency"],
        action=action,
        serial=match["serial"],
    )
