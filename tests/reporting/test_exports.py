"""The reporting-tool exports of a partnership: columns, code values, scope, formats, streaming, audit.

Cast: tests/conftest.py (`world`), tests/mobility/conftest.py (`mob`: m_b_to_a B→A, m_a_to_b and m_a_to_b2
A→B in P1, m_c_to_d in P2), tests/training_events/conftest.py (`te`: staff of B registered for ev_a, hosted
by A in P1).
"""

import csv
import io
from datetime import date

import openpyxl
import pytest
from django.http import FileResponse, StreamingHttpResponse
from django.urls import reverse

from mobility.models import Mobility
from partners.models import AuditEntry
from reporting.exports.reporting_tool import MOBILITY_COLUMNS, PARTICIPANT_COLUMNS, distance_band
from tests.factories_mobility import LearnerFactory, MobilityFactory
from tests.mobility import conftest as mobility_fixtures
from tests.training_events import conftest as training_fixtures

mob = mobility_fixtures.mob
te = training_fixtures.te


def body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def read_csv(response) -> list[dict]:
    text = body(response).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]], rows[0]


def export(client, what, fmt="csv", slug="p1"):
    return client.get(reverse(f"reporting:export_{what}", kwargs={"slug": slug, "fmt": fmt}))


def test_the_mobility_csv_has_the_reporting_tool_columns_and_every_mobility_of_the_partnership(world, mob, client_for):
    response = export(client_for(world.pc_a), "mobilities")
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="PONE-mobilities-')
    assert "no-store" in response["Cache-Control"]
    records, header = read_csv(response)
    assert header == MOBILITY_COLUMNS
    assert {r["Mobility ID"] for r in records} == {str(m.code) for m in (mob.m_b_to_a, mob.m_a_to_b, mob.m_a_to_b2)}


def test_the_mobility_csv_gives_the_tool_its_code_values(world, mob, client_for):
    Mobility.objects.filter(pk=mob.m_b_to_a.pk).update(
        virtual_start=date(2021, 3, 1), virtual_end=date(2021, 3, 20), virtual_hours=10, distance_km=1320
    )
    records, _ = read_csv(export(client_for(world.partner_b), "mobilities"))
    (record,) = records
    assert record["Project ID"] == world.p1.project_number
    assert record["Participant ID"] == str(mob.learner_b1.code)
    assert record["Participant First Name(s)"] == "Lina" and record["Participant Last Name(s)"] == "Bakker"
    assert record["Participant Gender"] == "Female"
    assert record["Participant Date of Birth"] == "17-05-2001"
    assert record["Participant Nationality"] == "LT"
    assert record["Participant with Special Needs"] == "NO"
    assert record["Participant with Fewer Opportunities"] == "NO"
    assert record["Sending Organisation Legal Name"] == world.org_b.legal_name and record["Sending Country"] == "NL"
    assert record["Receiving Organisation Legal Name"] == world.org_a.legal_name
    assert record["Start Date"] == "12-04-2021" and record["End Date"] == "09-05-2021"
    assert record["Duration (days)"] == "28" and record["Travel Days"] == "2"
    assert record["Long-term activity"] == "NO"
    assert record["Activity Type"] == "Blended mobility of learners"
    assert record["Virtual/Blended Activity"] == "YES" and record["Virtual Component (hours)"] == "10"
    assert record["Distance Band"] == "500-1999 km"
    assert record["Overall Comments"] == "Host company: Salon Bella"


def test_code_values_for_gender_greece_long_term_and_inclusion(world, mob, client_for):
    learner = LearnerFactory(
        home_organisation=world.org_a,
        gender="undisclosed",
        nationality="GR",
        fewer_opportunities=True,
        special_needs=True,
    )
    long_stay = MobilityFactory(
        learner=learner,
        partnership=world.p1,
        receiving_organisation=world.org_b,
        kind=Mobility.Kind.ERASMUS_PRO,
        start_date=date(2021, 1, 4),
        end_date=date(2021, 5, 4),
    )
    records, _ = read_csv(export(client_for(world.pc_a), "mobilities"))
    record = next(r for r in records if r["Mobility ID"] == str(long_stay.code))
    assert record["Participant Gender"] == "Undefined"
    assert record["Participant Nationality"] == "EL"  # the EU's code for Greece
    assert record["Participant with Special Needs"] == "YES"
    assert record["Participant with Fewer Opportunities"] == "YES"
    assert record["Long-term activity"] == "YES"
    assert record["Activity Type"] == "Long-term mobility of learners"


@pytest.mark.parametrize(
    ("km", "band"),
    [
        (None, ""),
        (5, ""),
        (10, "10-99 km"),
        (99, "10-99 km"),
        (100, "100-499 km"),
        (1999, "500-1999 km"),
        (2000, "2000-2999 km"),
        (7999, "4000-7999 km"),
        (8000, "8000 km or more"),
    ],
)
def test_distance_bands_follow_the_erasmus_plus_table(km, band):
    assert distance_band(km) == band


def test_cancelled_mobilities_are_not_reported(world, mob, client_for):
    Mobility.objects.filter(pk=mob.m_a_to_b2.pk).update(status=Mobility.Status.CANCELLED)
    records, _ = read_csv(export(client_for(world.pc_a), "mobilities"))
    assert str(mob.m_a_to_b2.code) not in {r["Mobility ID"] for r in records}


def test_a_partner_coordinator_exports_only_what_their_organisation_sends(world, mob, te, client_for):
    """B hosts A's learners and sees them, but A reports them: B's files hold only B's learners and staff."""
    client = client_for(world.partner_b)
    records, _ = read_csv(export(client, "mobilities"))
    assert [r["Mobility ID"] for r in records] == [str(mob.m_b_to_a.code)]
    records, _ = read_csv(export(client, "participants"))
    assert {r["Participant Last Name(s)"] for r in records} == {"Bakker", te.p_staff_b.last_name}
    names = {r["Participant Last Name(s)"] for r in records}
    assert mob.learner_a1.last_name not in names and mob.learner_a2.last_name not in names
    assert "Laine" not in names  # P2


def test_the_participant_csv_lists_learners_and_staff_at_training_events(world, mob, te, client_for):
    records, header = read_csv(export(client_for(world.pc_a), "participants"))
    assert header == PARTICIPANT_COLUMNS
    learners = [r for r in records if r["Participant Type"] == "Learner"]
    staff = [r for r in records if r["Participant Type"] == "Staff"]
    assert {r["Activity No."] for r in learners} == {str(m.code) for m in (mob.m_b_to_a, mob.m_a_to_b, mob.m_a_to_b2)}
    (member,) = staff
    assert member["Activity Type"] == "Short-term joint staff training events"
    assert member["Activity No."] == str(te.ev_a.code)
    assert member["Participant Email"] == te.p_staff_b.email
    assert member["Sending Organisation Legal Name"] == world.org_b.legal_name
    assert member["Receiving Organisation Legal Name"] == world.org_a.legal_name
    assert member["Venue City"] == "Vilnius"
    assert member["Start Date"] == "10-03-2025" and member["End Date"] == "12-03-2025"
    assert member["Duration (days)"] == "3"


def test_a_name_that_looks_like_a_formula_is_exported_as_text(world, mob, client_for):
    learner = LearnerFactory(home_organisation=world.org_b, first_name="=HYPERLINK(1)", last_name="+sum")
    MobilityFactory(learner=learner, partnership=world.p1, receiving_organisation=world.org_a)
    records, _ = read_csv(export(client_for(world.partner_b), "mobilities"))
    record = next(r for r in records if r["Participant Last Name(s)"] == "'+sum")
    assert record["Participant First Name(s)"] == "'=HYPERLINK(1)"
    sheet = openpyxl.load_workbook(io.BytesIO(body(export(client_for(world.partner_b), "mobilities", "xlsx")))).active
    assert "'=HYPERLINK(1)" in {row[5] for row in sheet.iter_rows(values_only=True)}


def test_the_xlsx_holds_the_same_rows_as_the_csv(world, mob, te, client_for):
    client = client_for(world.pc_a)
    for what in ("mobilities", "participants"):
        response = export(client, what, "xlsx")
        assert response.status_code == 200
        assert isinstance(response, FileResponse)
        assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        assert response["Content-Disposition"].endswith('.xlsx"')
        values = list(openpyxl.load_workbook(io.BytesIO(body(response))).active.iter_rows(values_only=True))
        text = body(export(client, what)).decode("utf-8")[1:]
        csv_rows = list(csv.reader(io.StringIO(text), delimiter=";"))
        as_text = [["" if cell is None else str(cell) for cell in row] for row in values]
        assert as_text == csv_rows


def test_an_unknown_format_is_not_found(world, mob, client_for):
    assert export(client_for(world.pc_a), "mobilities", "pdf").status_code == 404
    assert export(client_for(world.pc_a), "participants", "json").status_code == 404


def test_each_export_writes_an_audit_row(world, mob, client_for):
    export(client_for(world.partner_b), "mobilities", "xlsx")
    entry = AuditEntry.objects.get(verb=AuditEntry.Verb.EXPORTED)
    assert entry.actor == world.partner_b and entry.partnership == world.p1 and entry.organisation == world.org_b
    assert entry.details == {"export": "mobilities", "format": "xlsx", "everything": False, "rows": 1}


def test_the_exports_page_shows_each_file_with_its_row_count(world, mob, te, client_for):
    response = client_for(world.pc_a).get(reverse("reporting:exports", kwargs={"slug": "p1"}))
    assert response.status_code == 200
    rows = {e["name"]: e["rows"] for e in response.context["exports"]}
    assert rows == {"mobilities": 3, "participants": 4}
    page = response.content.decode()
    assert reverse("reporting:export_mobilities", kwargs={"slug": "p1", "fmt": "xlsx"}) in page
    assert reverse("reporting:archive", kwargs={"slug": "p1"}) in page
    assert "<h1" in page and "<caption" in page


def _many(world, count):
    learner = LearnerFactory(home_organisation=world.org_a)
    MobilityFactory.create_batch(count, learner=learner, partnership=world.p1, receiving_organisation=world.org_b)


@pytest.mark.parametrize("count", [5, 60])
def test_the_exports_page_and_the_csv_run_a_fixed_number_of_queries(
    world, client_for, django_assert_max_num_queries, count
):
    _many(world, count)
    client = client_for(world.pc_a)
    client.get(reverse("reporting:exports", kwargs={"slug": "p1"}))  # session, scope warm-up
    with django_assert_max_num_queries(12):
        assert client.get(reverse("reporting:exports", kwargs={"slug": "p1"})).status_code == 200
    with django_assert_max_num_queries(14):
        response = export(client, "mobilities")
        assert len(read_csv(response)[0]) == count
