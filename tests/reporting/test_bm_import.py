"""Importing a Beneficiary Module export back into the project's mobilities (issue 14, point 4): the round trip
through CSV and XLSX, the preview before anything is saved, all or nothing, refused files, the receiving
organisation by OID, and the one-use confirmation.

Every step goes through the pages as the project coordinator (at Kaunas) uses them: export, edit the file,
upload it with the form, read the preview, press the confirmation button. Cast: tests/reporting/bm_support.py;
m1 Kaunas → Salerno (02-03-2026 – 29-03-2026), m2 Kaunas → Haarlem (April), m3 Haarlem → Kuopio (May); the
export lists them by start date, so m1's rows are lines 2–3, m2's 4–5, m3's 6–7."""

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils.html import escape

from mobility.models import Mobility
from mobility.services.mobilities import update_mobility
from partners.models import AuditEntry
from tests.factories import OrganisationFactory

from . import bm_support as support

pytestmark = pytest.mark.django_db

IMPORT = "beneficiary-module"


@dataclass
class Imports:
    project: support.Project
    m1: Mobility
    m2: Mobility
    m3: Mobility
    client: object

    def table(self) -> list[list[str]]:
        """The project's BM file as the portal exports it now."""
        response = support.export(self.client, self.project)
        assert response.status_code == 200
        return support.csv_table(response)

    def upload(self, content: bytes, name: str = "activities.csv", content_type: str = "text/csv"):
        return support.upload(self.client, self.project, name, content, content_type)

    def preview(self, table):
        response = self.upload(support.csv_bytes(table))
        assert response.status_code == 200
        return response

    def confirm(self, preview, **kwargs):
        """Press the preview's confirmation button (its form as the page renders it)."""
        html = preview.content.decode()
        action = reverse("reporting:confirm_activities", kwargs={"slug": self.project.slug})
        assert f'action="{action}"' in html, "the preview offers the confirmation"
        token = re.search(r'name="token" value="([^"]+)"', html).group(1)
        return self.client.post(action, {"token": token}, **kwargs)

    def fresh(self):
        for mobility in (self.m1, self.m2, self.m3):
            mobility.refresh_from_db()


@pytest.fixture
def bm(client_for):
    project = support.project(support.schools())
    m1 = support.send(project)
    m2 = support.send(
        project, receiving="haarlem", start_date=date(2026, 4, 6), end_date=date(2026, 5, 3), first_name="Jonas"
    )
    m3 = support.send(
        project,
        sending="haarlem",
        receiving="kuopio",
        start_date=date(2026, 5, 4),
        end_date=date(2026, 5, 31),
        first_name="Sanne",
    )
    setup = Imports(project, m1, m2, m3, client_for(project.coordinator))
    setup.table()  # the first export gives the Mobility activity IDs
    setup.fresh()
    return setup


def imported_audit():
    return AuditEntry.objects.filter(details__import=IMPORT)


def previewed(response) -> dict:
    """activity ID → [(field, old, new)] as the preview lists them."""
    plan = response.context["plan"]
    return {
        mobility.activity_id: [(change.field, change.old, change.new) for change in changes]
        for mobility, changes in plan.changes.items()
    }


def has_confirmation(response, bm) -> bool:
    return reverse("reporting:confirm_activities", kwargs={"slug": bm.project.slug}) in response.content.decode()


def message_texts(response) -> str:
    return " ".join(str(message) for message in response.context["messages"])


# --- the round trip ------------------------------------------------------------------------------------------


def test_a_csv_round_trip_previews_exactly_the_changes_then_applies_them_on_confirmation(bm):
    table = bm.table()
    support.set_cell(table, bm.m1.activity_id, "Mobility activity", "End date", "27-03-2026")
    support.set_cell(table, bm.m1.activity_id, "Mobility activity", "Sustainable means of transport", "Yes")
    support.set_cell(table, bm.m2.activity_id, "Mobility activity", "Inclusion support for participants", "420.00")

    preview = bm.preview(table)
    assert previewed(preview) == {
        bm.m1.activity_id: [("end_date", date(2026, 3, 29), date(2026, 3, 27)), ("green_travel", False, True)],
        bm.m2.activity_id: [("inclusion_support_costs", Decimal("0"), Decimal("420.00"))],
    }
    assert preview.context["plan"].unchanged == 1 and preview.context["plan"].rejected == []
    html = preview.content.decode()
    for label in ("End date", "Sustainable means of transport", "Inclusion support for participants"):
        assert label in html
    assert f'href="{bm.m1.get_absolute_url()}"' in html and bm.m3.activity_id not in html
    bm.fresh()
    assert (bm.m1.end_date, bm.m1.green_travel, bm.m2.inclusion_support_costs) == (
        date(2026, 3, 29),
        False,
        Decimal("0"),
    ), "nothing is saved before the confirmation"
    assert not imported_audit().exists()

    response = bm.confirm(preview)
    assert response.status_code == 302
    assert response["Location"] == reverse("reporting:exports", kwargs={"slug": bm.project.slug})
    bm.fresh()
    assert (bm.m1.end_date, bm.m1.green_travel) == (date(2026, 3, 27), True)
    assert bm.m2.inclusion_support_costs == Decimal("420.00")
    assert (bm.m3.end_date, bm.m3.green_travel, bm.m3.inclusion_support_costs) == (date(2026, 5, 31), False, 0)
    [entry] = imported_audit()
    assert (entry.actor, entry.partnership) == (bm.project.coordinator, bm.project.partnership)
    assert (entry.details["mobilities"], entry.details["file"]) == (2, "activities.csv")
    [m1_update] = AuditEntry.objects.filter(verb=AuditEntry.Verb.UPDATED, object_code=str(bm.m1.code))
    assert {"end_date", "green_travel"} <= set(m1_update.details["fields"])
    [m2_update] = AuditEntry.objects.filter(verb=AuditEntry.Verb.UPDATED, object_code=str(bm.m2.code))
    assert "inclusion_support_costs" in m2_update.details["fields"]
    assert not AuditEntry.objects.filter(verb=AuditEntry.Verb.UPDATED, object_code=str(bm.m3.code)).exists()


def test_an_xlsx_round_trip_edited_in_a_spreadsheet_applies_the_same_way(bm):
    response = support.export(bm.client, bm.project, "xlsx")
    assert response.status_code == 200
    book = support.xlsx_book(response)
    sheet = book.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if row[header.index("Data type")].value != "Mobility activity":
            continue
        if row[header.index("Mobility activity ID")].value == bm.m1.activity_id:
            row[header.index("End date")].value = "27-03-2026"
            row[header.index("Sustainable means of transport")].value = "Yes"
        if row[header.index("Mobility activity ID")].value == bm.m2.activity_id:
            row[header.index("Inclusion support for participants")].value = "420.00"

    preview = bm.upload(
        support.xlsx_bytes(book),
        name="activities.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    assert preview.status_code == 200
    assert previewed(preview) == {
        bm.m1.activity_id: [("end_date", date(2026, 3, 29), date(2026, 3, 27)), ("green_travel", False, True)],
        bm.m2.activity_id: [("inclusion_support_costs", Decimal("0"), Decimal("420.00"))],
    }
    assert bm.confirm(preview).status_code == 302
    bm.fresh()
    assert (bm.m1.end_date, bm.m1.green_travel, bm.m2.inclusion_support_costs) == (
        date(2026, 3, 27),
        True,
        Decimal("420.00"),
    )
    assert imported_audit().count() == 1


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_uploading_the_unchanged_export_changes_nothing_and_offers_no_confirmation(bm, fmt):
    response = support.export(bm.client, bm.project, fmt)
    preview = bm.upload(support.body(response), name=f"activities.{fmt}")
    assert preview.status_code == 200
    assert previewed(preview) == {}
    assert preview.context["plan"].unchanged == 3 and preview.context["plan"].rejected == []
    assert "changes nothing" in preview.content.decode()
    assert not has_confirmation(preview, bm)


# --- all or nothing ------------------------------------------------------------------------------------------

BAD_ROWS = {
    # case: (Data types of m2's rows to change, column, value, reason shown, rejected lines)
    "end before start": (["Mobility activity"], "End date", "01-04-2026", "The end must not be before the start", [4]),
    "no such day": (["Mobility activity"], "End date", "31-02-2026", "“31-02-2026” is not a valid End date", [4]),
    "unknown activity id": (
        ["Mobility activity", "Itinerary"],
        "Mobility activity ID",
        "000777-MOB-09999",
        "No mobility of this project has the Mobility activity ID “000777-MOB-09999”",
        [4, 5],
    ),
    "another project's number": (
        ["Mobility activity", "Itinerary"],
        "Grant Agreement No.",
        support.KA121_NUMBER,
        f"The Grant Agreement No. “{support.KA121_NUMBER}” is not this project's",
        [4, 5],
    ),
}


@pytest.mark.parametrize("case", BAD_ROWS)
def test_one_bad_row_rejects_the_whole_file_showing_every_rejected_row_and_saving_nothing(bm, case):
    data_types, column, value, reason, lines = BAD_ROWS[case]
    table = bm.table()
    support.set_cell(table, bm.m1.activity_id, "Mobility activity", "End date", "27-03-2026")  # a good change
    for data_type in data_types:
        support.set_cell(table, bm.m2.activity_id, data_type, column, value)

    preview = bm.preview(table)
    rejected = preview.context["plan"].rejected
    assert [row.line for row in rejected] == lines
    assert all(reason in row.reason for row in rejected), [row.reason for row in rejected]
    html = preview.content.decode()
    assert "nothing will be imported" in html
    for row in rejected:
        assert f"<td>{row.line}</td>" in html and escape(row.reason) in html
    assert not has_confirmation(preview, bm)
    bm.fresh()
    assert bm.m1.end_date == date(2026, 3, 29)
    assert not imported_audit().exists()


def test_the_same_activity_id_on_two_main_rows_refuses_the_whole_file(bm):
    table = bm.table()
    support.set_cell(table, bm.m1.activity_id, "Mobility activity", "End date", "27-03-2026")
    support.set_cell(table, bm.m2.activity_id, "Mobility activity", "Mobility activity ID", bm.m1.activity_id)
    response = bm.preview(table)
    assert "plan" not in response.context
    errors = " ".join(response.context["form"].errors["file"])
    assert "same Mobility activity ID twice" in errors
    assert f"Mobility activity ID {bm.m1.activity_id} is on lines 2 and 4." in errors
    assert escape("same Mobility activity ID twice") in response.content.decode()
    assert not has_confirmation(response, bm)
    bm.fresh()
    assert bm.m1.end_date == date(2026, 3, 29)


def _without_the_id_column(bm):
    table = bm.table()
    index = table[0].index("Mobility activity ID")
    return support.csv_bytes([row[:index] + row[index + 1 :] for row in table]), "activities.csv"


def test_a_csv_with_old_mac_line_ends_reads_as_any_csv(bm):
    # Lines ended by CR alone made the csv module raise: a 500 (found by tests/security).
    table = bm.table()
    support.set_cell(table, bm.m1.activity_id, "Mobility activity", "End date", "27-03-2026")
    content = support.csv_bytes(table).replace(b"\r\n", b"\r")
    preview = bm.upload(content)
    assert preview.status_code == 200
    assert previewed(preview) == {bm.m1.activity_id: [("end_date", date(2026, 3, 29), date(2026, 3, 27))]}


def _as_text(bm):
    return support.csv_bytes(bm.table()), "activities.txt"


def _too_big(bm):
    content = support.csv_bytes(bm.table())
    return content + b"\r\n" * (5 * 1024 * 1024 + 1 - len(content)), "activities.csv"


@pytest.mark.parametrize(
    ("make", "error"),
    [
        (_without_the_id_column, "The file lacks the column “Mobility activity ID”"),
        (_as_text, "Upload the Beneficiary Module export as a CSV or XLSX file."),
        (_too_big, "The file is larger than 5 MB."),
    ],
    ids=["no key column", "txt file", "over 5 MB"],
)
def test_a_file_that_is_not_a_bm_export_is_a_form_error_and_saves_nothing(bm, make, error):
    content, name = make(bm)
    response = bm.upload(content, name=name)
    assert response.status_code == 200
    assert "plan" not in response.context
    assert error in " ".join(response.context["form"].errors["file"])
    assert escape(error) in response.content.decode()
    assert not has_confirmation(response, bm)
    assert not imported_audit().exists()
    assert not AuditEntry.objects.filter(verb=AuditEntry.Verb.UPDATED, object_type="mobility.mobility").exists()


# --- the receiving organisation ------------------------------------------------------------------------------


def test_another_members_oid_on_both_rows_changes_the_receiving_organisation(bm):
    haarlem = bm.project.orgs["haarlem"]
    table = bm.table()
    support.set_cell(table, bm.m1.activity_id, "Mobility activity", "Receiving Organisation OID", haarlem.oid)
    support.set_cell(table, bm.m1.activity_id, "Itinerary", "Receiving Organisation OID", haarlem.oid)
    preview = bm.preview(table)
    assert previewed(preview) == {
        bm.m1.activity_id: [("receiving_organisation", bm.project.orgs["salerno"], haarlem)],
    }
    assert bm.confirm(preview).status_code == 302
    bm.fresh()
    assert bm.m1.receiving_organisation == haarlem


def test_main_and_itinerary_rows_naming_different_receiving_organisations_are_rejected(bm):
    table = bm.table()
    support.set_cell(
        table, bm.m1.activity_id, "Itinerary", "Receiving Organisation OID", bm.project.orgs["haarlem"].oid
    )
    preview = bm.preview(table)
    [rejected] = preview.context["plan"].rejected
    assert rejected.activity_id == bm.m1.activity_id
    assert "name different receiving organisations" in rejected.reason
    assert not has_confirmation(preview, bm)


def test_a_row_of_a_mobility_cancelled_in_the_portal_is_rejected(bm):
    table = bm.table()
    support.set_cell(table, bm.m1.activity_id, "Mobility activity", "End date", "27-03-2026")
    Mobility.objects.filter(pk=bm.m1.pk).update(status=Mobility.Status.CANCELLED)
    preview = bm.preview(table)
    assert [r.reason for r in preview.context["plan"].rejected] == ["The mobility is cancelled in the portal."]
    assert not has_confirmation(preview, bm)


def test_an_oid_of_no_member_is_a_rejected_row(bm):
    outsider = OrganisationFactory(slug="elsewhere", oid="E19999999")
    table = bm.table()
    line = support.set_cell(table, bm.m1.activity_id, "Mobility activity", "Receiving Organisation OID", outsider.oid)
    support.set_cell(table, bm.m1.activity_id, "Itinerary", "Receiving Organisation OID", outsider.oid)
    preview = bm.preview(table)
    [rejected] = preview.context["plan"].rejected
    assert (rejected.line, rejected.activity_id) == (line, bm.m1.activity_id) == (2, bm.m1.activity_id)
    assert "No organisation of the project has the OID “E19999999”" in rejected.reason
    assert not has_confirmation(preview, bm)
    bm.fresh()
    assert bm.m1.receiving_organisation == bm.project.orgs["salerno"]


# --- the confirmation ----------------------------------------------------------------------------------------


def test_the_confirmation_applies_once_and_a_second_post_says_the_import_is_no_longer_waiting(bm):
    table = bm.table()
    support.set_cell(table, bm.m1.activity_id, "Mobility activity", "End date", "27-03-2026")
    preview = bm.preview(table)
    assert bm.confirm(preview).status_code == 302
    again = bm.confirm(preview, follow=True)
    assert again.redirect_chain[0][0] == reverse("reporting:import_activities", kwargs={"slug": bm.project.slug})
    assert "no longer waiting for confirmation" in message_texts(again)
    assert imported_audit().count() == 1
    assert AuditEntry.objects.filter(verb=AuditEntry.Verb.UPDATED, object_code=str(bm.m1.code)).count() == 1


def _portal_moves_the_same_end_date(mobility):
    mobility.end_date = date(2026, 3, 28)
    return ["end_date"]


def _portal_sets_green_travel(mobility):
    mobility.green_travel = True
    return ["green_travel"]


def _portal_moves_the_start_past_the_files_end(mobility):
    mobility.start_date = date(2026, 3, 28)
    return ["start_date"]


@pytest.mark.parametrize(
    "portal_change",
    [_portal_moves_the_same_end_date, _portal_sets_green_travel, _portal_moves_the_start_past_the_files_end],
    ids=["same column changed", "another imported column changed", "change makes the file's value invalid"],
)
def test_a_change_made_in_the_portal_between_preview_and_confirmation_refuses_the_import(bm, portal_change):
    table = bm.table()
    support.set_cell(table, bm.m1.activity_id, "Mobility activity", "End date", "27-03-2026")
    support.set_cell(table, bm.m2.activity_id, "Mobility activity", "Inclusion support for participants", "420.00")
    preview = bm.preview(table)
    assert set(previewed(preview)) == {bm.m1.activity_id, bm.m2.activity_id}

    # Someone edits m1 in the portal (the mobility form's service) while the preview is open.
    mobility = Mobility.objects.get(pk=bm.m1.pk)
    changed = portal_change(mobility)
    update_mobility(mobility=mobility, changed=changed, by=bm.project.coordinator)
    portal = {field: getattr(mobility, field) for field in ("start_date", "end_date", "green_travel")}

    response = bm.confirm(preview, follow=True)
    assert "Nothing was imported" in message_texts(response)
    bm.fresh()
    assert {field: getattr(bm.m1, field) for field in portal} == portal, "the portal's values stay"
    assert bm.m2.inclusion_support_costs == Decimal("0"), "all or nothing"
    assert not imported_audit().exists()
