"""Shared steps of the Beneficiary Module tests (issue 14, points 4 and 5): a KA1 VET project of four schools with
OIDs and coordinates, its mobilities, the exported file read back as the user's spreadsheet sees it, and the file
uploaded again as the browser sends it.

Plain helpers, not fixtures: each test module wraps what it needs in its own fixture."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from partners.models import Partnership
from partners.models.people import Role
from tests.factories import MembershipFactory, OrganisationFactory, PartnershipFactory
from tests.factories_mobility import LearnerFactory, MobilityFactory

PLACES = {
    "kaunas": {
        "city": "Kaunas",
        "country": "LT",
        "latitude": Decimal("54.898521"),
        "longitude": Decimal("23.903597"),
        "oid": "E10012345",
    },
    "salerno": {
        "city": "Salerno",
        "country": "IT",
        "latitude": Decimal("40.682441"),
        "longitude": Decimal("14.768096"),
        "oid": "E10123456",
    },
    "haarlem": {
        "city": "Haarlem",
        "country": "NL",
        "latitude": Decimal("52.387386"),
        "longitude": Decimal("4.646219"),
        "oid": "E10234567",
    },
    "kuopio": {
        "city": "Kuopio",
        "country": "FI",
        "latitude": Decimal("62.892500"),
        "longitude": Decimal("27.677000"),
        "oid": "E10345678",
    },
}
KA122_NUMBER = "2025-1-LT01-KA122-VET-000777"
KA121_NUMBER = "2024-1-LT01-KA121-VET-000123"


@dataclass
class Project:
    partnership: Partnership
    orgs: dict
    coordinator: object  # project coordinator at Kaunas (coordinates every project Kaunas coordinates)

    @property
    def slug(self) -> str:
        return self.partnership.slug


def schools() -> dict:
    """Kaunas, Salerno, Haarlem and Kuopio, each with its OID and its city's coordinates."""
    return {
        name: OrganisationFactory(slug=name, short_name=name.title(), legal_name=f"{name.title()} VET School", **place)
        for name, place in PLACES.items()
    }


def project(orgs: dict, *, number: str = KA122_NUMBER, slug: str = "ka122", coordinator=None) -> Project:
    """A KA1 VET project coordinated by Kaunas with the three others as partners (call year and action from the
    number: a KA122-VET 2025 project runs 2025-06-01 – 2027-08-31, a KA121-VET 2024 one 2024-06-01 – 2026-08-31)."""
    call_year = int(number[:4])
    action = Partnership.Action.KA122_VET if "KA122" in number else Partnership.Action.KA121_VET
    partnership = PartnershipFactory(
        slug=slug,
        acronym=slug.upper(),
        project_number=number,
        call_year=call_year,
        action=action,
        key_action=Partnership.KeyAction.KA1,
        action_type=action.label,
        start_date=date(call_year, 6, 1),
        end_date=date(call_year + 2, 8, 31),
        eu_grant=Decimal("100000"),
        coordinator=orgs["kaunas"],
        partners=[orgs["salerno"], orgs["haarlem"], orgs["kuopio"]],
    )
    if coordinator is None:
        coordinator = MembershipFactory(organisation=orgs["kaunas"], role=Role.PROJECT_COORDINATOR).user
    return Project(partnership, orgs, coordinator)


def send(project: Project, sending: str = "kaunas", receiving: str = "salerno", **kwargs):
    """A 28-day stay (2026-03-02 – 2026-03-29), 2 travel days, no distance typed (computed from the cities)."""
    orgs = project.orgs
    learner = kwargs.pop("learner", None) or LearnerFactory(
        home_organisation=orgs[sending], first_name=kwargs.pop("first_name", "Austeja"), last_name="Kairyte"
    )
    return MobilityFactory(
        partnership=project.partnership,
        learner=learner,
        sending_organisation=orgs[sending],
        receiving_organisation=orgs[receiving],
        start_date=kwargs.pop("start_date", date(2026, 3, 2)),
        end_date=kwargs.pop("end_date", date(2026, 3, 29)),
        **kwargs,
    )


# --- the file ------------------------------------------------------------------------------------------------


def body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def export(client, project: Project, fmt: str = "csv"):
    return client.get(reverse("reporting:export_activities", kwargs={"slug": project.slug, "fmt": fmt}))


def csv_table(response) -> list[list[str]]:
    """The exported CSV as its rows of cells (header first), as a spreadsheet program reads it."""
    text = body(response).decode("utf-8")
    assert text.startswith("\ufeff"), "the CSV starts with a byte-order mark"
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def records(table: list[list[str]]) -> list[dict[str, str]]:
    header, *rows = table
    return [dict(zip(header, row, strict=True)) for row in rows]


def csv_bytes(table: list[list[str]]) -> bytes:
    """The table written back as the export writes it (UTF-8 with BOM, semicolons, CRLF)."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows(table)
    return buffer.getvalue().encode("utf-8")


def xlsx_book(response) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(body(response)))


def xlsx_bytes(book: openpyxl.Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def set_cell(table: list[list[str]], activity_id: str, data_type: str, column: str, value: str) -> int:
    """Write `value` in `column` of the row of `activity_id` of that Data type; returns the row's line in the file
    (the header is line 1)."""
    header = table[0]
    for index, row in enumerate(table[1:], start=2):
        if row[header.index("Mobility activity ID")] == activity_id and row[header.index("Data type")] == data_type:
            row[header.index(column)] = value
            return index
    raise AssertionError(f"no {data_type} row for {activity_id}")


def upload(client, project: Project, name: str, content: bytes, content_type: str = "text/csv"):
    """Post the file on the import page as the browser does."""
    return client.post(
        reverse("reporting:import_activities", kwargs={"slug": project.slug}),
        {"file": SimpleUploadedFile(name, content, content_type=content_type)},
    )
