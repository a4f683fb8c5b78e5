"""Outgoing, incoming, all and "my learners" lists: scope, filters, search, pagination, CSV/XLSX export."""

import csv
import io
from datetime import date, datetime, timedelta

import openpyxl
import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from mobility.exports import COLUMNS
from mobility.models import Mobility
from partners.models import AuditEntry
from tests.factories_mobility import LearnerFactory, MobilityFactory


def listed(response):
    return {m.pk for m in response.context["page"].object_list}


def pks(*mobilities):
    return {m.pk for m in mobilities}


def get(client, name, **params):
    return client.get(reverse(f"mobility:{name}"), params)


@pytest.mark.parametrize(
    ("actor", "name", "expected"),
    [
        ("partner_b", "outgoing", ["m_b_to_a"]),
        ("partner_b", "incoming", ["m_a_to_b", "m_a_to_b2"]),
        ("pc_a", "outgoing", ["m_a_to_b", "m_a_to_b2"]),
        ("pc_a", "incoming", ["m_b_to_a"]),
        ("pc_a", "all_mobilities", ["m_a_to_b", "m_a_to_b2", "m_b_to_a"]),
        ("partner_c", "outgoing", ["m_c_to_d"]),
        ("partner_c", "incoming", []),
        ("mentor_b", "my_learners", ["m_a_to_b"]),
        ("mentor_b2", "my_learners", ["m_a_to_b2"]),
        ("mentor_a", "my_learners", ["m_b_to_a"]),
        ("partner_b", "my_learners", []),
        ("admin", "all_mobilities", ["m_a_to_b", "m_a_to_b2", "m_b_to_a", "m_c_to_d"]),
    ],
)
def test_each_list_shows_exactly_its_mobilities(world, mob, client_for, actor, name, expected):
    user = getattr(mob, actor, None) or world.actor(actor)
    response = get(client_for(user), name)
    assert listed(response) == {getattr(mob, e).pk for e in expected}


def test_filters_by_status_partnership_dates_host_and_mentor(world, mob, client_for):
    Mobility.objects.filter(pk=mob.m_a_to_b2.pk).update(status=Mobility.Status.PLANNED, host_company="Kapsalon Noord")
    client = client_for(world.pc_a)
    assert listed(get(client, "all_mobilities", status="planned")) == pks(mob.m_a_to_b2)
    assert listed(get(client, "all_mobilities", partnership=world.p1.pk)) == pks(
        mob.m_a_to_b, mob.m_a_to_b2, mob.m_b_to_a
    )
    assert listed(get(client, "all_mobilities", start_from="2021-09-01")) == pks(mob.m_a_to_b2)
    assert listed(get(client, "all_mobilities", start_to="2021-09-01")) == pks(mob.m_a_to_b, mob.m_b_to_a)
    assert listed(get(client, "all_mobilities", host="kapsalon")) == pks(mob.m_a_to_b2)
    assert listed(get(client, "all_mobilities", host="Alpha")) == pks(mob.m_b_to_a)  # receiving organisation
    assert listed(get(client, "all_mobilities", mentor=world.mentor_b.pk)) == pks(mob.m_a_to_b)


def test_search_finds_learners_by_name_and_host_companies(world, mob, client_for):
    Mobility.objects.filter(pk=mob.m_a_to_b2.pk).update(host_company="Kapsalon Noord")
    client = client_for(world.pc_a)
    assert listed(get(client, "all_mobilities", q="austeja kairyte")) == pks(mob.m_a_to_b)
    assert listed(get(client, "all_mobilities", q="Bakker")) == pks(mob.m_b_to_a)
    assert listed(get(client, "all_mobilities", q="noord")) == pks(mob.m_a_to_b2)
    assert listed(get(client, "all_mobilities", q="Laine")) == set()  # learner of P2
    # Each word in the learner's name or in the host company: a name and a host word find the stay that has both.
    learner_a2 = mob.m_a_to_b2.learner
    assert listed(get(client, "all_mobilities", q=f"{learner_a2.last_name[1:-1]} noord")) == pks(mob.m_a_to_b2)
    assert listed(get(client, "all_mobilities", q="kairyte noord")) == set()  # both words, not either
    assert listed(get(client, "all_mobilities", q="kairyte", status="draft")) <= pks(mob.m_a_to_b)


def test_filter_choices_come_from_what_the_user_can_see(world, mob, client_for):
    # The mentors offered are those of the list's own mobilities: B's incoming ones are mentored by B's mentors;
    # mentor_a mentors B's outgoing mobility, which B sees but this list does not show.
    form = get(client_for(world.partner_b), "incoming").context["filter"].form
    assert list(form.fields["partnership"].queryset) == [world.p1]
    assert set(form.fields["mentor"].queryset) == {world.mentor_b, mob.mentor_b2}
    form = get(client_for(world.partner_b), "outgoing").context["filter"].form
    assert set(form.fields["mentor"].queryset) == {mob.mentor_a}
    form = get(client_for(world.partner_c), "outgoing").context["filter"].form
    assert list(form.fields["partnership"].queryset) == [world.p2]
    assert list(form.fields["mentor"].queryset) == []


def test_a_forged_or_malformed_filter_never_widens_the_list_or_fails(world, mob, client_for):
    client = client_for(world.partner_b)
    response = get(client, "incoming", partnership=world.p2.pk, mentor=world.admin.pk, start_from="yesterday")
    assert response.status_code == 200
    assert listed(response) == pks(mob.m_a_to_b, mob.m_a_to_b2)
    assert set(response.context["filter"].errors) == {"partnership", "mentor", "start_from"}


def test_lists_are_paginated(world, mob, client_for):
    for _ in range(30):
        MobilityFactory(learner=mob.learner_a1, partnership=world.p1, receiving_organisation=world.org_b)
    response = get(client_for(world.pc_a), "outgoing")
    assert len(response.context["page"].object_list) == 25
    assert response.context["page"].paginator.count == 32
    assert len(get(client_for(world.pc_a), "outgoing", page=2).context["page"].object_list) == 7


def read_csv(response):
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


@time_machine.travel(datetime(2021, 6, 1, 12, 0, tzinfo=timezone.get_fixed_timezone(0)), tick=False)
def test_csv_export_holds_every_row_of_the_filtered_list_not_just_the_page(world, mob, client_for):
    for _ in range(30):
        MobilityFactory(learner=mob.learner_a1, partnership=world.p1, receiving_organisation=world.org_b)
    client = client_for(world.pc_a)
    response = get(client, "mobility_export", list="outgoing", format="csv", page="2")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == 'attachment; filename="mobilities-outgoing-2021-06-01.csv"'
    rows = read_csv(response)
    assert rows[0] == [str(column) for column in COLUMNS]
    assert len(rows) == 1 + 32
    entry = AuditEntry.objects.get(verb=AuditEntry.Verb.EXPORTED)
    assert entry.actor == world.pc_a and entry.details["rows"] == 32
    assert entry.organisation == world.org_a
    assert entry.details["list"] == "outgoing" and entry.details["format"] == "csv"


def test_export_columns_serve_the_eu_reporting_tool(world, mob, client_for):
    Mobility.objects.filter(pk=mob.m_b_to_a.pk).update(
        virtual_start=date(2021, 3, 1), virtual_end=date(2021, 3, 20), virtual_hours=10, distance_km=1320
    )
    rows = read_csv(get(client_for(world.partner_b), "mobility_export", list="outgoing", format="csv"))
    record = dict(zip(rows[0], rows[1], strict=True))
    mobility = mob.m_b_to_a
    assert record["Learner first name"] == "Lina" and record["Learner last name"] == "Bakker"
    assert record["Date of birth"] == "2001-05-17" and record["Nationality"] == "LT" and record["Gender"] == "Female"
    assert record["Fewer opportunities"] == "no" and record["Special needs"] == "no"
    assert record["Sending organisation"] == world.org_b.legal_name and record["Sending country"] == "NL"
    assert record["Sending city"] == "Haarlem" and record["Receiving organisation"] == world.org_a.legal_name
    assert record["Project number"] == world.p1.project_number
    assert record["Start"] == "2021-04-12" and record["End"] == "2021-05-09"
    assert record["Duration (days)"] == str(mobility.duration_days) == "28"
    assert record["Travel days"] == "2" and record["Blended"] == "yes" and record["Virtual hours"] == "10"
    assert record["Distance (km)"] == "1320" and record["Status"] == "Draft"


def test_export_follows_the_filters_and_the_scope(world, mob, client_for):
    Mobility.objects.filter(pk=mob.m_a_to_b2.pk).update(status=Mobility.Status.PLANNED)
    rows = read_csv(get(client_for(world.pc_a), "mobility_export", list="all", format="csv", status="planned"))
    assert [row[0] for row in rows[1:]] == [str(mob.m_a_to_b2.code)]
    rows = read_csv(get(client_for(world.partner_c), "mobility_export", list="outgoing", format="csv"))
    assert [row[0] for row in rows[1:]] == [str(mob.m_c_to_d.code)]
    rows = read_csv(get(client_for(world.mentor_b), "mobility_export", list="mine", format="csv"))
    assert [row[0] for row in rows[1:]] == [str(mob.m_a_to_b.code)]


PERSONAL_COLUMNS = ["Gender", "Nationality", "Date of birth", "Fewer opportunities", "Special needs"]


def test_a_mentors_export_names_the_learners_without_their_personal_details(world, mob, client_for):
    # mobility.access.sees_personal_details: a mentor reads the learner's name, never the birth date or the
    # inclusion needs (found by the security replay, tests/security).
    rows = read_csv(get(client_for(world.mentor_b), "mobility_export", list="mine", format="csv"))
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["Mobility code"] == str(mob.m_a_to_b.code) and record["Learner last name"]
    assert [record[column] for column in PERSONAL_COLUMNS] == [""] * 5
    # The host's staff read them, as on the mobility's documents.
    rows = read_csv(get(client_for(world.partner_b), "mobility_export", list="incoming", format="csv"))
    assert all(dict(zip(rows[0], row, strict=True))["Date of birth"] == "2001-05-17" for row in rows[1:])


def test_xlsx_export_is_a_workbook_with_the_same_rows(world, mob, client_for):
    response = get(client_for(world.pc_a), "mobility_export", list="all", format="xlsx")
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].startswith('attachment; filename="mobilities-all-')
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == [str(column) for column in COLUMNS]
    assert {row[0] for row in values[1:]} == {str(m.code) for m in (mob.m_a_to_b, mob.m_a_to_b2, mob.m_b_to_a)}


def test_a_name_that_looks_like_a_formula_is_exported_as_text(world, mob, client_for):
    learner = LearnerFactory(home_organisation=world.org_b, first_name="=HYPERLINK(1)", last_name="@sum")
    MobilityFactory(learner=learner, partnership=world.p1, receiving_organisation=world.org_a)
    rows = read_csv(get(client_for(world.partner_b), "mobility_export", list="outgoing", format="csv", q="HYPERLINK"))
    assert rows[1][1:3] == ["'=HYPERLINK(1)", "'@sum"]


def test_the_export_audit_keeps_no_search_text(world, mob, client_for):
    get(client_for(world.pc_a), "mobility_export", list="all", format="csv", q="Bakker", status="draft")
    entry = AuditEntry.objects.get(verb=AuditEntry.Verb.EXPORTED)
    assert "Bakker" not in str(entry.details)
    assert entry.details["search"] is True and entry.details["filters"] == {"status": "draft"}


def test_an_unknown_export_format_is_not_found(world, mob, client_for):
    assert get(client_for(world.pc_a), "mobility_export", list="all", format="pdf").status_code == 404


def test_the_list_links_to_exports_of_what_it_shows(world, mob, client_for):
    response = get(client_for(world.pc_a), "outgoing", status="draft", page="1")
    assert response.context["export_csv"] == (
        reverse("mobility:mobility_export") + "?status=draft&list=outgoing&format=csv"
    )


def test_a_learner_with_two_mobilities_gets_a_list_of_them(world, mob, client_for):
    MobilityFactory(
        learner=mob.learner_b1,
        partnership=world.p1,
        receiving_organisation=world.org_a,
        start_date=mob.m_b_to_a.start_date + timedelta(days=120),
    )
    response = get(client_for(world.learner_b), "my_mobility")
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 2


def test_navigation_offers_each_role_its_lists(world, mob, client_for):
    nav = get(client_for(world.pc_a), "outgoing").context["mobility_nav"]
    assert nav["outgoing"] and nav["incoming"] and nav["learners"] and nav["all"]
    assert not nav["my_mobility"]
    nav = get(client_for(world.mentor_b), "my_learners").context["mobility_nav"]
    assert nav["my_learners"] and not nav["outgoing"] and not nav["learners"]
    page = client_for(world.learner_b).get(reverse("home")).content.decode()
    assert reverse("mobility:my_mobility") in page and reverse("mobility:outgoing") not in page
