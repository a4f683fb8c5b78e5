"""Bulk import of learners and planned mobilities: every row checked first, nothing saved if any row fails,
a preview and a confirmation, upload checks, and imports only into one's own organisations."""

import io
import zipfile
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from mobility.models import ChecklistItem, Learner, Mobility, MobilityStatusChange
from mobility.resources import LEARNERS, MAX_UPLOAD_BYTES, MOBILITIES
from mobility.views.imports import SESSION_KEY
from partners.models import AuditEntry
from tests.factories_mobility import LearnerFactory

pytestmark = pytest.mark.django_db

IMPORT = reverse("mobility:import")
CONFIRM = reverse("mobility:import_confirm")

LEARNER_HEADER = (
    "first_name,last_name,date_of_birth,gender,nationality,email,eqf_level,fewer_opportunities,guardian_name"
)
GOOD_LEARNERS = [
    "Ieva,Petrauskaitė,2004-05-17,female,LT,ieva@example.org,4,no,",
    "Tomas,Kairys,2003-01-02,male,lt,tomas@example.org,4,yes,",
]


def csv_file(lines, name="learners.csv", bom=False):
    text = "\n".join(lines) + "\n"
    return SimpleUploadedFile(name, (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"), "text/csv")


def xlsx_file(rows, name="learners.xlsx"):
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile(name, out.getvalue(), "application/octet-stream")


def upload(client, file, organisation, kind="learners"):
    return client.post(IMPORT, {"kind": kind, "organisation": str(organisation.pk), "file": file})


def errors_of(response):
    assert response.status_code == 200
    result = response.context["result"]
    assert result is not None, response.context["form"].errors
    return {(e.row, e.column): e.message for e in result.errors}


def file_errors(response):
    assert response.status_code == 200
    return " ".join(response.context["form"].errors.get("file", []))


# --- Learners --------------------------------------------------------------------------------------


def test_valid_learner_file_is_previewed_then_imported_on_confirmation(world, client_for):
    client = client_for(world.partner_b)

    preview = upload(client, csv_file([LEARNER_HEADER, *GOOD_LEARNERS]), world.org_b)

    assert preview.status_code == 200
    assert preview.templates[0].name == "mobility/money/import_preview.html"
    assert [row[:2] for row in preview.context["result"].preview] == [["Ieva", "Petrauskaitė"], ["Tomas", "Kairys"]]
    assert not Learner.objects.exists()  # the dry run saved nothing

    token = client.session[SESSION_KEY]["token"]
    response = client.post(CONFIRM, {"token": token})

    assert response.status_code == 302
    learners = Learner.objects.order_by("first_name")
    assert [(lr.first_name, lr.home_organisation, lr.nationality.code) for lr in learners] == [
        ("Ieva", world.org_b, "LT"),
        ("Tomas", world.org_b, "LT"),
    ]
    assert learners[1].fewer_opportunities is True
    entry = AuditEntry.objects.get(object_type="partners.organisation", verb=AuditEntry.Verb.CREATED)
    assert (entry.actor, entry.organisation, entry.details["count"], entry.details["import"]) == (
        world.partner_b,
        world.org_b,
        2,
        "learners",
    )
    assert SESSION_KEY not in client.session


def test_confirming_twice_imports_once(world, client_for):
    client = client_for(world.partner_b)
    upload(client, csv_file([LEARNER_HEADER, *GOOD_LEARNERS]), world.org_b)
    token = client.session[SESSION_KEY]["token"]
    client.post(CONFIRM, {"token": token})
    again = client.post(CONFIRM, {"token": token}, follow=True)
    assert Learner.objects.count() == 2
    assert "no longer waiting" in again.content.decode()


def test_a_file_with_one_bad_row_saves_nothing_and_lists_the_error(world, client_for):
    bad = "Rūta,Jonaitė,2031-02-30,female,LT,ruta@example.org,4,no,"
    response = upload(client_for(world.partner_b), csv_file([LEARNER_HEADER, GOOD_LEARNERS[0], bad]), world.org_b)

    errors = errors_of(response)
    assert set(errors) == {(3, "date_of_birth")}
    assert "YYYY-MM-DD" in errors[(3, "date_of_birth")]
    assert not Learner.objects.exists()
    assert not AuditEntry.objects.filter(verb=AuditEntry.Verb.CREATED).exists()
    html = response.content.decode()
    assert "Nothing was saved" in html
    assert "date_of_birth" in html
    assert SESSION_KEY not in response.client.session


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        ("Ona,Minor,{minor},female,LT,ona@example.org,4,no,", "guardian_name", "under 18"),
        (",Nobody,2003-01-02,female,LT,,4,no,", "first_name", "required"),
        ("Nameless,,2003-01-02,female,LT,,4,no,", "last_name", "required"),
        ("Jonas,Country,2003-01-02,male,XX,,4,no,", "nationality", "valid choice"),
        ("Jonas,Eqf,2003-01-02,male,LT,,9,no,", "eqf_level", "less than or equal to 8"),
        ("Jonas,Eqf,2003-01-02,male,LT,,0,no,", "eqf_level", "greater than or equal to 1"),
        ("Jonas,Eqf,2003-01-02,male,LT,,four,no,", "eqf_level", "whole number"),
        ("Jonas,Flag,2003-01-02,male,LT,,4,maybe,", "fewer_opportunities", "yes or no"),
        ("Jonas,Gender,2003-01-02,robot,LT,,4,no,", "gender", "valid choice"),
        ("Jonas,Mail,2003-01-02,male,LT,not-an-email,4,no,", "email", "valid email"),
        ("Jonas,Future,2999-01-01,male,LT,,4,no,", "date_of_birth", "in the past"),
    ],
)
def test_each_kind_of_bad_learner_row_is_reported_on_its_column(world, client_for, row, column, message):
    today = timezone.localdate()
    minor = today.replace(year=today.year - 16, day=min(today.day, 28)).isoformat()
    lines = [LEARNER_HEADER, GOOD_LEARNERS[0], row.format(minor=minor)]
    errors = errors_of(upload(client_for(world.partner_b), csv_file(lines), world.org_b))
    assert (3, column) in errors, errors
    assert message in errors[(3, column)]
    assert not Learner.objects.exists()


def test_a_learner_already_at_the_organisation_or_twice_in_the_file_is_refused(world, client_for):
    LearnerFactory(
        home_organisation=world.org_b, first_name="Ieva", last_name="Petrauskaitė", date_of_birth=date(2004, 5, 17)
    )
    lines = [LEARNER_HEADER, *GOOD_LEARNERS, GOOD_LEARNERS[1]]
    errors = errors_of(upload(client_for(world.partner_b), csv_file(lines), world.org_b))
    assert set(errors) == {(2, "last_name"), (4, "last_name")}
    assert Learner.objects.count() == 1


def test_csv_with_a_byte_order_mark_and_semicolons_is_read(world, client_for):
    lines = [LEARNER_HEADER.replace(",", ";"), *(line.replace(",", ";") for line in GOOD_LEARNERS)]
    response = upload(client_for(world.partner_b), csv_file(lines, bom=True), world.org_b)
    assert len(response.context["result"].preview) == 2


def test_column_names_may_be_written_as_words(world, client_for):
    lines = ["First name,Last Name,Date of birth", "Ieva,Petrauskaitė,2004-05-17"]
    response = upload(client_for(world.partner_b), csv_file(lines), world.org_b)
    assert response.context["result"].preview[0][:3] == ["Ieva", "Petrauskaitė", "2004-05-17"]


def test_xlsx_with_real_dates_is_imported(world, client_for):
    client = client_for(world.partner_b)
    rows = [["first_name", "last_name", "date_of_birth", "eqf_level"], ["Ieva", "Petrauskaitė", date(2004, 5, 17), 4]]
    preview = upload(client, xlsx_file(rows), world.org_b)
    assert preview.context["result"].preview[0][2] == "2004-05-17"
    client.post(CONFIRM, {"token": client.session[SESSION_KEY]["token"]})
    assert Learner.objects.get().date_of_birth == date(2004, 5, 17)


def test_xlsx_formula_is_reported_on_its_cell_and_nothing_is_saved(world, client_for):
    rows = [["first_name", "last_name", "date_of_birth"], ["Ieva", '=CONCAT("Pe","tra")', "2004-05-17"]]
    errors = errors_of(upload(client_for(world.partner_b), xlsx_file(rows), world.org_b))
    assert "Formulas are not accepted" in errors[(2, "last_name")]
    assert not Learner.objects.exists()


def test_csv_cell_that_looks_like_a_formula_is_refused(world, client_for):
    lines = ["first_name,last_name,date_of_birth", "=cmd|' /C calc'!A0,Petrauskaitė,2004-05-17"]
    errors = errors_of(upload(client_for(world.partner_b), csv_file(lines), world.org_b))
    assert (2, "first_name") in errors


def test_values_in_a_column_without_a_name_are_reported_not_dropped(world, client_for):
    lines = ["first_name,last_name,date_of_birth", "Ieva,Petrauskaitė,2004-05-17,forgotten"]
    errors = errors_of(upload(client_for(world.partner_b), csv_file(lines), world.org_b))
    assert "without a name" in errors[(2, "")]
    assert not Learner.objects.exists()


# --- Upload checks ---------------------------------------------------------------------------------


def test_oversized_file_gets_a_field_error(world, client_for):
    big = LEARNER_HEADER + "\n" + ("x" * 100 + "\n") * (MAX_UPLOAD_BYTES // 100)
    response = upload(client_for(world.partner_b), SimpleUploadedFile("big.csv", big.encode()), world.org_b)
    assert "larger than" in file_errors(response)
    assert not Learner.objects.exists()


def test_png_renamed_xlsx_gets_a_field_error(world, client_for):
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    response = upload(client_for(world.partner_b), SimpleUploadedFile("learners.xlsx", png), world.org_b)
    assert "not an XLSX workbook" in file_errors(response)


def test_zip_that_is_not_a_workbook_gets_a_field_error(world, client_for):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "not a spreadsheet")
    response = upload(client_for(world.partner_b), SimpleUploadedFile("learners.xlsx", out.getvalue()), world.org_b)
    assert "not an XLSX workbook" in file_errors(response)


def test_damaged_workbook_gets_a_field_error(world, client_for):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<garbage")
        archive.writestr("xl/workbook.xml", "<<<")
    response = upload(client_for(world.partner_b), SimpleUploadedFile("learners.xlsx", out.getvalue()), world.org_b)
    assert "not an XLSX workbook" in file_errors(response)


def test_csv_that_is_not_utf8_gets_a_field_error(world, client_for):
    data = (LEARNER_HEADER + "\nRūta,Jonaitė,2004-01-01\n").encode("utf-16")
    response = upload(client_for(world.partner_b), SimpleUploadedFile("learners.csv", data), world.org_b)
    assert "UTF-8" in file_errors(response)


def test_other_file_types_get_a_field_error(world, client_for):
    response = upload(client_for(world.partner_b), SimpleUploadedFile("learners.pdf", b"%PDF-1.7"), world.org_b)
    assert ".csv or .xlsx" in file_errors(response)


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (["first_name,date_of_birth", "Ieva,2004-05-17"], "Columns missing: last_name"),
        ([LEARNER_HEADER + ",shoe_size", GOOD_LEARNERS[0] + ",42"], "Unknown columns: shoe_size"),
        ([LEARNER_HEADER], "no rows below the column names"),
        (["", ""], "The file is empty"),
        (["first_name,first_name,last_name", "a,b,c"], "more than once"),
    ],
)
def test_files_with_wrong_columns_or_no_rows_get_a_field_error(world, client_for, lines, message):
    response = upload(client_for(world.partner_b), csv_file(lines), world.org_b)
    assert message in file_errors(response)


def test_empty_upload_gets_a_field_error(world, client_for):
    response = upload(client_for(world.partner_b), SimpleUploadedFile("learners.csv", b""), world.org_b)
    assert file_errors(response)


# --- Scope -----------------------------------------------------------------------------------------


def test_partner_coordinator_is_offered_only_their_own_organisation(world, client_for):
    response = client_for(world.partner_b).get(IMPORT)
    assert list(response.context["form"].fields["organisation"].queryset) == [world.org_b]


def test_project_coordinator_is_offered_the_organisations_of_their_partnership(world, client_for):
    response = client_for(world.pc_a).get(IMPORT)
    assert set(response.context["form"].fields["organisation"].queryset) == {world.org_a, world.org_b}


def test_forged_post_into_another_organisation_gets_a_field_error_and_saves_nothing(world, client_for):
    response = upload(client_for(world.partner_b), csv_file([LEARNER_HEADER, *GOOD_LEARNERS]), world.org_a)
    assert response.status_code == 200
    assert "organisation" in response.context["form"].errors
    assert response.context.get("result") is None
    assert not Learner.objects.exists()


def test_confirmation_with_a_wrong_token_imports_nothing(world, client_for):
    client = client_for(world.partner_b)
    upload(client, csv_file([LEARNER_HEADER, *GOOD_LEARNERS]), world.org_b)
    response = client.post(CONFIRM, {"token": "guessed"})
    assert response.status_code == 302
    assert not Learner.objects.exists()


def test_losing_the_right_before_confirming_imports_nothing(world, client_for):
    client = client_for(world.partner_b)
    upload(client, csv_file([LEARNER_HEADER, *GOOD_LEARNERS]), world.org_b)
    token = client.session[SESSION_KEY]["token"]
    world.partner_b.memberships.update(can_manage_mobilities=False)
    assert client.post(CONFIRM, {"token": token}).status_code == 403
    assert not Learner.objects.exists()


# --- Mobilities ------------------------------------------------------------------------------------

MOBILITY_HEADER = ",".join(
    [
        "learner_email",
        "partnership",
        "receiving_organisation",
        "start_date",
        "end_date",
        "status",
        "virtual_start",
        "virtual_end",
        "virtual_hours",
    ]
)


@pytest.fixture
def learner_a(world):
    return LearnerFactory(home_organisation=world.org_a, email="austeja@example.org")


def mobility_row(**changes):
    values = {
        "learner_email": "austeja@example.org",
        "partnership": "p1",
        "receiving_organisation": "org-b",
        "start_date": "2021-05-03",
        "end_date": "2021-05-28",
        "status": "planned",
        "virtual_start": "",
        "virtual_end": "",
        "virtual_hours": "",
    }
    values.update(changes)
    return ",".join(values.values())


def test_planned_mobilities_are_imported_with_history_and_checklist(world, learner_a, client_for):
    client = client_for(world.pc_a)
    lines = [
        MOBILITY_HEADER,
        mobility_row(),
        mobility_row(
            partnership=world.p1.project_number,
            start_date="2021-09-06",
            end_date="2021-10-01",
            status="draft",
            virtual_start="2021-08-16",
            virtual_end="2021-09-03",
            virtual_hours="12",
        ),
    ]
    preview = upload(client, csv_file(lines, name="plan.csv"), world.org_a, kind="mobilities")
    assert preview.context["result"].preview[1][-1] == "yes"  # blended
    assert not Mobility.objects.exists()

    client.post(CONFIRM, {"token": client.session[SESSION_KEY]["token"]})

    planned, draft = Mobility.objects.order_by("start_date")
    assert (planned.status, draft.status) == (Mobility.Status.PLANNED, Mobility.Status.DRAFT)
    assert (planned.learner, planned.sending_organisation, planned.receiving_organisation) == (
        learner_a,
        world.org_a,
        world.org_b,
    )
    assert draft.is_blended and draft.virtual_hours == 12
    change = MobilityStatusChange.objects.get(mobility=planned)
    assert (change.from_status, change.to_status, change.by) == ("draft", "planned", world.pc_a)
    assert ChecklistItem.objects.filter(mobility=planned).exists()
    assert ChecklistItem.objects.filter(mobility=draft).exists()
    assert AuditEntry.objects.filter(verb=AuditEntry.Verb.CREATED, details__import="mobilities").count() == 1
    for mobility in (planned, draft):
        mobility.full_clean()


@pytest.mark.parametrize(
    ("changes", "column", "message"),
    [
        ({"receiving_organisation": "org-c"}, "receiving_organisation", "among the partners"),
        ({"receiving_organisation": "org-a"}, "receiving_organisation", "differ from the sending"),
        ({"partnership": "p2"}, "partnership", "No partnership"),
        ({"partnership": "nonexistent"}, "partnership", "No partnership"),
        ({"start_date": "2023-01-09", "end_date": "2023-02-03"}, "start_date", "within the project period"),
        ({"end_date": "2021-04-01"}, "end_date", "not be before the start"),
        ({"learner_email": "nobody@example.org"}, "learner_email", "import the learners first"),
        ({"learner_email": ""}, "learner_email", "learner code"),
        ({"status": "recognised"}, "status", "valid choice"),
        ({"virtual_start": "2021-04-01", "virtual_end": "2021-04-20"}, "virtual_hours", "hours"),
    ],
)
def test_each_kind_of_bad_mobility_row_is_reported_and_nothing_is_saved(
    world, learner_a, client_for, changes, column, message
):
    lines = [MOBILITY_HEADER, mobility_row(start_date="2021-09-06", end_date="2021-10-01"), mobility_row(**changes)]
    response = upload(client_for(world.pc_a), csv_file(lines), world.org_a, kind="mobilities")
    errors = errors_of(response)
    assert (3, column) in errors, errors
    assert message in errors[(3, column)]
    assert not Mobility.objects.exists()


def test_partner_cannot_plan_a_mobility_for_another_organisations_learner(world, learner_a, client_for):
    # partner_b imports for B: A's learner is not B's, so the row fails.
    lines = [MOBILITY_HEADER, mobility_row(receiving_organisation="org-a")]
    errors = errors_of(upload(client_for(world.partner_b), csv_file(lines), world.org_b, kind="mobilities"))
    assert (2, "learner_email") in errors
    assert not Mobility.objects.exists()


# --- Templates -------------------------------------------------------------------------------------


def test_csv_template_has_the_learner_columns(world, client_for):
    response = client_for(world.partner_b).get(
        reverse("mobility:import_template", kwargs={"kind": "learners", "fmt": "csv"})
    )
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert response.content.decode("utf-8-sig").strip().split(",") == LEARNERS.column_names


def test_xlsx_template_has_the_mobility_columns_and_a_help_sheet(world, client_for):
    response = client_for(world.partner_b).get(
        reverse("mobility:import_template", kwargs={"kind": "mobilities", "fmt": "xlsx"})
    )
    workbook = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in workbook.worksheets[0][1]] == MOBILITIES.column_names
    assert workbook.worksheets[1].max_row == len(MOBILITIES.columns) + 1


def test_a_filled_in_template_imports(world, client_for):
    client = client_for(world.partner_b)
    template = client.get(reverse("mobility:import_template", kwargs={"kind": "learners", "fmt": "xlsx"})).content
    workbook = load_workbook(io.BytesIO(template))
    workbook.worksheets[0].append(["Ieva", "Petrauskaitė", date(2004, 5, 17)])
    out = io.BytesIO()
    workbook.save(out)
    preview = upload(client, SimpleUploadedFile("filled.xlsx", out.getvalue()), world.org_b)
    assert preview.context["result"].created == 1
