"""The reporting-tool CSV on the demo data (`seed_demo`): the VISION partnership's file for its project
coordinator holds exactly the demo's mobilities that are not cancelled, with the tool's columns and values
computed independently here from the database; a partner's file holds exactly what its school sends."""

import csv
import io
from datetime import UTC, datetime

import pytest
from django.test import Client
from django.urls import reverse

from mobility.models import Mobility
from partners.models import User
from reporting.exports.reporting_tool import MOBILITY_COLUMNS, PARTICIPANT_COLUMNS
from training_events.models import Participant

pytestmark = pytest.mark.django_db

TODAY = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


def rows(email, what):
    client = Client()
    client.force_login(User.objects.get(email=email))
    response = client.get(reverse(f"reporting:export_{what}", kwargs={"slug": "vision", "fmt": "csv"}))
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text), delimiter=";"))
    return table[0], [dict(zip(table[0], row, strict=True)) for row in table[1:]]


def test_the_vision_csv_holds_every_mobility_that_is_not_cancelled(demo):
    header, records = rows("coordinator@kmpmc.example", "mobilities")
    assert header == MOBILITY_COLUMNS
    expected = Mobility.objects.filter(partnership__slug="vision").exclude(status=Mobility.Status.CANCELLED)
    assert expected.exists()
    assert sorted(r["Mobility ID"] for r in records) == sorted(str(m.code) for m in expected)
    by_code = {r["Mobility ID"]: r for r in records}
    for mobility in expected.select_related("learner", "sending_organisation", "receiving_organisation"):
        record = by_code[str(mobility.code)]
        assert record["Project ID"] == "2019-1-LT01-KA202-060748"
        assert record["Participant Last Name(s)"] == mobility.learner.last_name
        assert record["Sending Organisation Legal Name"] == mobility.sending_organisation.legal_name
        assert record["Receiving Country"] == mobility.receiving_organisation.country.code
        assert record["Start Date"] == mobility.start_date.strftime("%d-%m-%Y")
        assert record["Long-term activity"] in {"YES", "NO"}
        assert record["Participant Gender"] in {"Female", "Male", "Undefined"}


def test_a_partners_csv_holds_exactly_what_its_school_sends(demo):
    _, records = rows("coordinator@nova.example", "mobilities")
    expected = Mobility.objects.filter(partnership__slug="vision", sending_organisation__slug="nova").exclude(
        status=Mobility.Status.CANCELLED
    )
    assert sorted(r["Mobility ID"] for r in records) == sorted(str(m.code) for m in expected)


def test_the_participant_csv_adds_the_staff_of_the_training_events(demo):
    header, records = rows("coordinator@kmpmc.example", "participants")
    assert header == PARTICIPANT_COLUMNS
    staff = Participant.objects.filter(event__partnership__slug="vision", status=Participant.Status.REGISTERED)
    learners = Mobility.objects.filter(partnership__slug="vision").exclude(status=Mobility.Status.CANCELLED)
    assert sum(r["Participant Type"] == "Staff" for r in records) == staff.count()
    assert sum(r["Participant Type"] == "Learner" for r in records) == learners.count()
