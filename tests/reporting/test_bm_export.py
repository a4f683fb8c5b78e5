"""The Beneficiary Module export of a 2021+ KA1 VET project (issue 14, point 4) and the checks that refuse a file the
BM would reject (point 5): columns, formats, Mobility activity IDs, which projects get which files, audit.

Cast (tests/reporting/bm_support.py): Kaunas (coordinator), Salerno, Haarlem and Kuopio, each with an OID and its
city's coordinates, in a KA122-VET 2025 project (2025-1-LT01-KA122-VET-000777); the project coordinator works at
Kaunas. A default mobility sends a Kaunas learner (born 17-05-2001) to Salerno for 28 days with 2 travel days."""

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from mobility.models import Learner, Mobility
from partners.models import AuditEntry, Organisation
from partners.models.people import Role
from reporting.exports import beneficiary_module as bm
from reporting.exports.checks import check
from reporting.exports.reporting_tool import MOBILITY_COLUMNS, PARTICIPANT_COLUMNS
from reporting.exports.scope import reported_mobilities
from tests.factories import MembershipFactory, OrganisationFactory, PartnershipFactory
from tests.factories_mobility import LearnerFactory, MobilityFactory

from . import bm_support as support

pytestmark = pytest.mark.django_db

DOC = Path(__file__).resolve().parents[2] / "docs" / "eu-reporting-export.md"
DOC_HEADING = "### The file the portal writes"
MAIN_MANDATORY = [column.header for column in bm.COLUMNS if bm.MAIN in column.mandatory_on]
ITINERARY_MANDATORY = [column.header for column in bm.COLUMNS if bm.ITINERARY in column.mandatory_on]
ITINERARY_COLUMNS = [column.header for column in bm.COLUMNS if column.on_itinerary]


@pytest.fixture
def orgs():
    return support.schools()


@pytest.fixture
def ka122(orgs):
    return support.project(orgs)


@pytest.fixture
def ka121(orgs, ka122):
    return support.project(orgs, number=support.KA121_NUMBER, slug="ka121", coordinator=ka122.coordinator)


def exported(client, project, fmt="csv"):
    response = support.export(client, project, fmt)
    assert response.status_code == 200, response.content[:500]
    return support.csv_table(response)


def documented_table() -> list[dict[str, str]]:
    """The rows of the table under "### The file the portal writes" (docs/eu-reporting-export.md), by its headings."""
    text = DOC.read_text(encoding="utf-8")
    if DOC_HEADING not in text:
        pytest.skip(f"{DOC.name} has no section {DOC_HEADING!r} yet: nothing to hold the header against")
    lines = []
    for line in text.split(DOC_HEADING, 1)[1].splitlines()[1:]:
        if line.startswith("#"):
            break
        if line.strip().startswith("|"):
            lines.append(line.strip())
        elif lines:
            break
    assert len(lines) > 2, f"no table under {DOC_HEADING!r}"
    header_line, separator, *rows = lines
    assert set(separator.replace("|", "").strip()) <= set("-: "), "the table's second line is its separator"

    def cells(line):
        return [re.sub(r"^[`*\s]+|[`*\s]+$", "", cell) for cell in line.strip("|").split("|")]

    headings = [heading.casefold() for heading in cells(header_line)]
    return [dict(zip(headings, cells(row), strict=False)) for row in rows]


# --- columns -------------------------------------------------------------------------------------------------


def test_a_ka122_and_a_ka121_project_export_the_beneficiary_module_columns(ka122, ka121, client_for):
    support.send(ka122)
    support.send(ka121)
    client = client_for(ka122.coordinator)
    for project in (ka122, ka121):
        header, *rows = exported(client, project)
        assert header == bm.HEADER
        assert [row[0] for row in rows] == [bm.MAIN, bm.ITINERARY]
        assert {row[1] for row in rows} == {project.partnership.project_number}


def test_the_header_is_the_documented_table_column_for_column():
    assert bm.HEADER == [next(iter(row.values())) for row in documented_table()]


def test_the_documented_rows_mandatory_marks_and_imported_columns_are_the_layouts():
    """The "on rows" cell: where the column is filled ("main", "itinerary"), "(mandatory)" where the BM requires it."""
    documented = {next(iter(row.values())): row for row in documented_table()}
    for column in bm.COLUMNS:
        rows = documented[column.header]["on rows"]
        kinds = {kind for kind, word in ((bm.MAIN, "main"), (bm.ITINERARY, "itinerary")) if word in rows}
        assert column.on_itinerary == (bm.ITINERARY in kinds), column.header
        assert column.mandatory_on == (kinds if "(mandatory)" in rows else frozenset()), column.header
    imported = {header for header, row in documented.items() if row["imported back"].startswith("yes")}
    # The receiving organisation comes back from the itinerary row's OID (the importer's own rule, not a field).
    assert imported == {column.header for column in bm.IMPORTED} | {"Receiving Organisation OID"}


def test_a_complete_mobility_fills_every_mandatory_column_of_its_main_row(ka122, client_for):
    support.send(ka122)
    main, itinerary = support.records(exported(client_for(ka122.coordinator), ka122))
    assert main["Data type"] == bm.MAIN
    assert MAIN_MANDATORY, "the layout marks columns mandatory on main rows"
    assert [column for column in MAIN_MANDATORY if not main[column]] == []
    assert [column for column in ITINERARY_MANDATORY if not itinerary[column]] == []


def test_the_itinerary_row_repeats_the_keys_and_fills_only_the_itinerary_columns(ka122, client_for):
    mobility = support.send(ka122)
    main, itinerary = support.records(exported(client_for(ka122.coordinator), ka122))
    mobility.refresh_from_db()
    assert itinerary["Data type"] == "Itinerary"
    assert itinerary["Grant Agreement No."] == main["Grant Agreement No."] == support.KA122_NUMBER
    assert itinerary["Mobility activity ID"] == main["Mobility activity ID"] == mobility.activity_id
    assert itinerary["Receiving Organisation OID"] == "E10123456"
    assert (itinerary["Receiving country"], itinerary["Receiving city"]) == ("IT", "Salerno")
    assert itinerary["Funded duration including travel days (in days)"] == "30"
    assert {column for column, value in itinerary.items() if value} == set(ITINERARY_COLUMNS)


# --- formats -------------------------------------------------------------------------------------------------


def test_the_main_row_gives_dates_day_month_year_amounts_with_two_decimals_and_yes_or_no(ka122, client_for):
    learner = LearnerFactory(
        home_organisation=ka122.orgs["kaunas"], fewer_opportunities=True, date_of_birth=date(2004, 1, 9)
    )
    mobility = support.send(
        ka122,
        receiving="kuopio",
        learner=learner,
        inclusion_support_costs=Decimal("420"),
        expensive_travel_costs=Decimal("900"),
        green_travel=True,
    )
    (main, _itinerary) = support.records(exported(client_for(ka122.coordinator), ka122))
    assert main["Participant ID"] == str(mobility.learner.code)
    assert main["Participant's date of birth"] == "09-01-2004"
    assert (main["Start date"], main["End date"]) == ("02-03-2026", "29-03-2026")
    assert main["Participant with fewer opportunities"] == "Yes"
    assert main["Sustainable means of transport"] == "Yes"
    assert main["Inclusion support for participants"] == "420.00"
    # Kaunas → Kuopio: the band covers less than 70 % of 900 EUR, so 80 % of the real cost is exceptional costs.
    assert main["Exceptional costs"] == "720.00"
    assert main["Activity type"] == "LM-SHORT-VET"
    assert (main["Sending Organisation OID"], main["Sending country"], main["Sending city"]) == (
        "E10012345",
        "LT",
        "Kaunas",
    )
    assert main["Receiving Organisation OID"] == "E10345678"


def test_no_is_spelt_no_and_an_empty_amount_stays_empty(ka122, client_for):
    support.send(ka122)
    (main, _itinerary) = support.records(exported(client_for(ka122.coordinator), ka122))
    assert main["Participant with fewer opportunities"] == "No"
    assert main["Sustainable means of transport"] == "No"
    assert main["Inclusion support for participants"] == ""
    assert main["Exceptional costs"] == ""


def test_an_erasmus_pro_stay_of_ninety_days_or_more_is_lm_long_vet(ka122, client_for):
    support.send(ka122, kind=Mobility.Kind.ERASMUS_PRO, start_date=date(2026, 1, 5), end_date=date(2026, 4, 30))
    (main, _itinerary) = support.records(exported(client_for(ka122.coordinator), ka122))
    assert main["Activity type"] == "LM-LONG-VET"


@pytest.mark.parametrize(
    ("travel_days", "green", "funded_travel", "funded_duration"),
    [(2, False, "2", "30"), (4, False, "2", "30"), (4, True, "4", "32")],
    ids=["28+2", "4-travel-days-standard-still-30", "4-travel-days-green-32"],
)
def test_the_funded_duration_is_the_activity_days_plus_the_funded_travel_days(
    ka122, client_for, travel_days, green, funded_travel, funded_duration
):
    support.send(ka122, travel_days=travel_days, green_travel=green)
    main, itinerary = support.records(exported(client_for(ka122.coordinator), ka122))
    assert main["Funded travel days"] == funded_travel
    assert main["Funded duration including travel days (in days)"] == funded_duration
    assert itinerary["Funded duration including travel days (in days)"] == funded_duration


def test_kaunas_to_salerno_is_in_the_500_to_1999_km_band(ka122, client_for):
    support.send(ka122)
    (main, _itinerary) = support.records(exported(client_for(ka122.coordinator), ka122))
    assert main["Distance band"] == "500-1999 km"


def test_the_xlsx_file_has_the_same_header_and_cells(ka122, client_for):
    support.send(ka122)
    client = client_for(ka122.coordinator)
    table = exported(client, ka122)
    response = support.export(client, ka122, "xlsx")
    assert response.status_code == 200
    sheet = support.xlsx_book(response).worksheets[0]
    cells = [["" if value is None else str(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    assert cells == table


# --- Mobility activity IDs -----------------------------------------------------------------------------------


def test_the_first_export_numbers_every_mobility_of_the_project_in_creation_order(ka122, client_for):
    # Created in this order, exported by start date (the reverse): the IDs follow creation.
    first = support.send(ka122, start_date=date(2026, 5, 4), end_date=date(2026, 5, 31))
    second = support.send(ka122, start_date=date(2026, 4, 6), end_date=date(2026, 5, 3))
    third = support.send(ka122, receiving="haarlem")
    assert {m.activity_id for m in (first, second, third)} == {""}
    rows = support.records(exported(client_for(ka122.coordinator), ka122))
    for mobility in (first, second, third):
        mobility.refresh_from_db()
    assert (first.activity_id, second.activity_id, third.activity_id) == (
        "000777-MOB-00001",
        "000777-MOB-00002",
        "000777-MOB-00003",
    )
    assert [row["Mobility activity ID"] for row in rows if row["Data type"] == bm.MAIN] == [
        third.activity_id,
        second.activity_id,
        first.activity_id,
    ]


def test_a_second_export_keeps_the_ids_and_a_new_mobility_gets_the_next_number(ka122, client_for):
    support.send(ka122)
    support.send(ka122, receiving="haarlem")
    client = client_for(ka122.coordinator)
    before = {row["Mobility activity ID"] for row in support.records(exported(client, ka122))}
    assert before == {"000777-MOB-00001", "000777-MOB-00002"}
    assert {row["Mobility activity ID"] for row in support.records(exported(client, ka122))} == before
    late = support.send(ka122, receiving="kuopio")
    after = {row["Mobility activity ID"] for row in support.records(exported(client, ka122))}
    late.refresh_from_db()
    assert late.activity_id == "000777-MOB-00003"
    assert after == before | {late.activity_id}


def test_a_cancelled_mobility_keeps_its_id_but_is_not_exported_and_its_number_is_not_reused(ka122, client_for):
    kept = support.send(ka122)
    cancelled = support.send(ka122, receiving="haarlem")
    client = client_for(ka122.coordinator)
    exported(client, ka122)
    Mobility.objects.filter(pk=cancelled.pk).update(status=Mobility.Status.CANCELLED)
    late = support.send(ka122, receiving="kuopio")
    ids = {row["Mobility activity ID"] for row in support.records(exported(client, ka122))}
    for mobility in (kept, cancelled, late):
        mobility.refresh_from_db()
    assert cancelled.activity_id == "000777-MOB-00002"
    assert ids == {kept.activity_id, late.activity_id}
    assert late.activity_id == "000777-MOB-00003"


def test_the_ids_of_another_project_are_numbered_on_their_own(ka122, ka121, client_for):
    support.send(ka122)
    support.send(ka122, receiving="haarlem")
    other = support.send(ka121)
    client = client_for(ka122.coordinator)
    exported(client, ka122)
    other.refresh_from_db()
    assert other.activity_id == "", "exporting one project gives no ID to another's mobilities"
    (main, _itinerary) = support.records(exported(client, ka121))
    other.refresh_from_db()
    assert main["Mobility activity ID"] == other.activity_id == "000123-MOB-00001"


# --- which projects get which files -------------------------------------------------------------------------


def test_a_2019_project_has_no_bm_file_and_its_mtplus_files_compute_the_band_from_the_cities(orgs, client_for):
    ka202 = PartnershipFactory(slug="ka202", coordinator=orgs["kaunas"], partners=[orgs["salerno"]])
    coordinator = MembershipFactory(organisation=orgs["kaunas"], role=Role.PROJECT_COORDINATOR).user
    mobility = MobilityFactory(
        partnership=ka202,
        learner=LearnerFactory(home_organisation=orgs["kaunas"]),
        receiving_organisation=orgs["salerno"],
    )
    assert mobility.distance_km is None
    client = client_for(coordinator)
    assert client.get(reverse("reporting:export_activities", kwargs={"slug": "ka202", "fmt": "csv"})).status_code == 404
    page = client.get(reverse("reporting:exports", kwargs={"slug": "ka202"})).content.decode()
    assert "Mobility Tool+" in page and "Beneficiary Module" not in page

    response = client.get(reverse("reporting:export_mobilities", kwargs={"slug": "ka202", "fmt": "csv"}))
    assert response.status_code == 200
    header, row = support.csv_table(response)
    assert header == MOBILITY_COLUMNS
    assert dict(zip(header, row, strict=True))["Distance Band"] == "500-1999 km"

    response = client.get(reverse("reporting:export_participants", kwargs={"slug": "ka202", "fmt": "csv"}))
    assert response.status_code == 200
    header, row = support.csv_table(response)
    assert header == PARTICIPANT_COLUMNS
    assert dict(zip(header, row, strict=True))["Distance Band"] == "500-1999 km"


@pytest.mark.parametrize("name", ["reporting:export_mobilities", "reporting:export_participants"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_2025_project_has_no_mobility_tool_files(ka122, client_for, name, fmt):
    support.send(ka122)
    response = client_for(ka122.coordinator).get(reverse(name, kwargs={"slug": ka122.slug, "fmt": fmt}))
    assert response.status_code == 404


def test_the_exports_page_of_a_2025_project_offers_the_bm_file_in_both_formats(ka122, client_for):
    support.send(ka122)
    html = client_for(ka122.coordinator).get(reverse("reporting:exports", kwargs={"slug": ka122.slug})).content.decode()
    for fmt in ("csv", "xlsx"):
        assert reverse("reporting:export_activities", kwargs={"slug": ka122.slug, "fmt": fmt}) in html
    assert reverse("reporting:export_mobilities", kwargs={"slug": ka122.slug, "fmt": "csv"}) not in html
    assert 'data-testid="export-problems"' not in html


# --- point 5: what stops an export ---------------------------------------------------------------------------


@pytest.fixture
def kaunas_without_oid(ka122):
    """Kaunas has no OID; Kaunas sends a learner to Salerno and Haarlem sends one to Kaunas. Haarlem's partner
    coordinator exports Haarlem's mobility and may not edit Kaunas."""
    Organisation.objects.filter(slug="kaunas").update(oid="")
    outgoing = support.send(ka122)
    incoming = support.send(ka122, sending="haarlem", receiving="kaunas")
    haarlem = MembershipFactory(organisation=ka122.orgs["haarlem"], role=Role.PARTNER_COORDINATOR).user
    return outgoing, incoming, haarlem


def edit_link(slug):
    return f'href="{reverse("partners:organisation_edit", kwargs={"slug": slug})}"'


def download_links(slug):
    return [reverse("reporting:export_activities", kwargs={"slug": slug, "fmt": fmt}) for fmt in ("csv", "xlsx")]


def test_an_organisation_without_oid_is_listed_with_a_link_for_who_may_edit_it_and_no_download(
    ka122, kaunas_without_oid, client_for
):
    _outgoing, _incoming, haarlem = kaunas_without_oid
    url = reverse("reporting:exports", kwargs={"slug": ka122.slug})
    html = client_for(ka122.coordinator).get(url).content.decode()
    assert 'data-testid="export-problems"' in html
    assert "Kaunas" in html and "has no OID" in html
    assert edit_link("kaunas") in html
    assert not any(link in html for link in download_links(ka122.slug))

    html = client_for(haarlem).get(url).content.decode()
    assert "Kaunas" in html and "has no OID" in html
    assert edit_link("kaunas") not in html, "Haarlem's coordinator may not edit Kaunas: no link that answers 403"
    assert "its own staff can add it" in html
    assert not any(link in html for link in download_links(ka122.slug))


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_download_answers_409_with_the_same_list_and_writes_nothing(ka122, kaunas_without_oid, client_for, fmt):
    client = client_for(ka122.coordinator)
    page = client.get(reverse("reporting:exports", kwargs={"slug": ka122.slug}))
    response = support.export(client, ka122, fmt)
    assert response.status_code == 409
    html = response.content.decode()
    assert "The file cannot be exported yet" in html
    problems = re.search(r'<div [^>]*data-testid="export-problems".*?</div>', html, re.S).group(0)
    assert problems in page.content.decode()
    assert edit_link("kaunas") in problems
    assert not AuditEntry.objects.filter(verb=AuditEntry.Verb.EXPORTED).exists()
    assert set(Mobility.objects.filter(partnership=ka122.partnership).values_list("activity_id", flat=True)) == {""}


def test_a_learner_without_date_of_birth_and_a_mobility_without_distance_are_listed_with_links(ka122, client_for):
    undated = support.send(ka122, learner=LearnerFactory(home_organisation=ka122.orgs["kaunas"], date_of_birth=None))
    Organisation.objects.filter(slug="haarlem").update(latitude=None, longitude=None)
    unplaced = support.send(ka122, receiving="haarlem", first_name="Jonas")
    fine = support.send(ka122, receiving="kuopio", first_name="Rasa")
    response = support.export(client_for(ka122.coordinator), ka122)
    assert response.status_code == 409
    html = response.content.decode()
    assert f'href="{undated.get_absolute_url()}"' in html
    assert "date of birth is missing" in html
    assert f'href="{unplaced.get_absolute_url()}"' in html
    assert "the distance is unknown" in html
    assert fine.get_absolute_url() not in html


def test_once_the_problems_are_fixed_the_export_works(ka122, kaunas_without_oid, client_for):
    outgoing, _incoming, _haarlem = kaunas_without_oid
    Learner.objects.filter(pk=outgoing.learner_id).update(date_of_birth=None)
    Organisation.objects.filter(slug="salerno").update(latitude=None)
    client = client_for(ka122.coordinator)
    assert support.export(client, ka122).status_code == 409

    Organisation.objects.filter(slug="kaunas").update(oid="E10012345")
    Learner.objects.filter(pk=outgoing.learner_id).update(date_of_birth=date(2001, 5, 17))
    assert support.export(client, ka122).status_code == 409, "the distance is still unknown"
    Mobility.objects.filter(pk=outgoing.pk).update(distance_km=1718)  # typed on the mobility
    rows = support.records(exported(client, ka122))
    assert len(rows) == 4
    html = client.get(reverse("reporting:exports", kwargs={"slug": ka122.slug})).content.decode()
    assert 'data-testid="export-problems"' not in html
    assert all(link in html for link in download_links(ka122.slug))


@pytest.mark.parametrize(("field", "value"), [("oid", "E123"), ("pic", "12345")])
def test_an_organisation_refuses_a_malformed_oid_or_pic(field, value):
    organisation = OrganisationFactory.build(**{field: value})
    with pytest.raises(ValidationError) as error:
        organisation.full_clean()
    assert set(error.value.message_dict) == {field}


@pytest.mark.parametrize(
    ("defect", "column"),
    [
        ("no date of birth", "Participant's date of birth"),
        ("no sending OID", "Sending Organisation OID"),
        ("no receiving OID", "Receiving Organisation OID"),
        ("no coordinates", "Distance band"),
        ("under 10 km", "Distance band"),
        ("no city", "Receiving city"),
    ],
)
def test_the_checks_refuse_exactly_what_the_layout_would_leave_empty(ka122, defect, column):
    """checks.check (SQL) and beneficiary_module.missing (the columns) agree on each kind of problem."""
    mobility = support.send(ka122)
    bm.ensure_activity_ids(ka122.partnership)  # as the export does once the checks pass
    complete = list(bm.priced(reported_mobilities(ka122.coordinator, ka122.partnership)))
    assert [bm.missing(row) for row in complete] == [[]]
    assert check(ka122.coordinator, ka122.partnership, reported_mobilities(ka122.coordinator, ka122.partnership)).ok

    if defect == "no date of birth":
        Learner.objects.filter(pk=mobility.learner_id).update(date_of_birth=None)
    elif defect == "no sending OID":
        Organisation.objects.filter(slug="kaunas").update(oid="")
    elif defect == "no receiving OID":
        Organisation.objects.filter(slug="salerno").update(oid="")
    elif defect == "no coordinates":
        Organisation.objects.filter(slug="salerno").update(longitude=None)
    elif defect == "under 10 km":
        Mobility.objects.filter(pk=mobility.pk).update(distance_km=5)
    elif defect == "no city":
        Organisation.objects.filter(slug="salerno").update(city="")

    mobilities = reported_mobilities(ka122.coordinator, ka122.partnership)
    assert not check(ka122.coordinator, ka122.partnership, mobilities).ok
    [row] = bm.priced(mobilities)
    assert column in bm.missing(row)


# --- audit and cost ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_export_writes_one_audit_entry_saying_it_was_the_bm_file(ka122, client_for, fmt):
    support.send(ka122)
    support.send(ka122, receiving="haarlem")
    response = support.export(client_for(ka122.coordinator), ka122, fmt)
    assert response.status_code == 200
    support.body(response)
    [entry] = AuditEntry.objects.filter(verb=AuditEntry.Verb.EXPORTED)
    assert entry.actor == ka122.coordinator
    assert entry.partnership == ka122.partnership
    assert entry.details["tool"] == "bm"
    assert (entry.details["export"], entry.details["format"], entry.details["rows"]) == ("activities", fmt, 2)


def test_the_export_and_the_page_run_no_more_queries_for_30_mobilities_than_for_3(
    ka122, client_for, django_assert_max_num_queries
):
    client = client_for(ka122.coordinator)
    page = reverse("reporting:exports", kwargs={"slug": ka122.slug})
    counts = []
    for size in (3, 30):
        for index in range(size - Mobility.objects.count()):
            support.send(ka122, receiving=("salerno", "haarlem", "kuopio")[index % 3])
        Mobility.objects.update(activity_id="")  # every export numbers them again
        with django_assert_max_num_queries(40) as captured:
            support.body(support.export(client, ka122))
            client.get(page)
        counts.append(len(captured))
    assert counts[1] <= counts[0], counts  # the first run also loads the funding rules into the process cache
