"""POST learners and mobilities: the portal's rules decide, bad input gets 400 with field errors (never
500), the created records match and carry the same audit rows as from the pages."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine

from mobility.models import Learner, Mobility
from partners.models import AuditEntry

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def good_learner(**over):
    data = {
        "home_organisation": "org-b",
        "first_name": "Eva",
        "last_name": "de Vries",
        "date_of_birth": "2005-04-02",
        "gender": "female",
        "nationality": "NL",
        "email": "eva@example.org",
        "qualification_title": "Hairdresser",
        "eqf_level": 4,
        "fewer_opportunities": True,
        "consent_given_on": "2026-09-01",
    }
    data.update(over)
    return data


def test_partner_creates_a_learner_with_an_audit_row(world, api_for):
    response = api_for(world.partner_b).post("/api/v1/learners/", good_learner(), format="json")
    assert response.status_code == 201, response.content
    learner = Learner.objects.get(code=response.json()["code"])
    assert (learner.home_organisation, learner.last_name, learner.date_of_birth) == (
        world.org_b,
        "de Vries",
        date(2005, 4, 2),
    )
    assert learner.fewer_opportunities and learner.eqf_level == 4 and learner.nationality.code == "NL"
    assert response.json()["personal"]["email"] == "eva@example.org"
    entry = AuditEntry.objects.get(object_code=str(learner.code), verb=AuditEntry.Verb.CREATED)
    assert entry.actor == world.partner_b and entry.organisation == world.org_b


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"home_organisation": "org-c"}, "home_organisation"),  # another network's school
        ({"home_organisation": "no-such-org"}, "home_organisation"),
        ({"first_name": ""}, "first_name"),
        ({"first_name": None}, "first_name"),
        ({"last_name": "x" * 101}, "last_name"),
        ({"date_of_birth": "2030-01-01"}, "date_of_birth"),  # in the future
        ({"date_of_birth": "yesterday"}, "date_of_birth"),
        ({"date_of_birth": "2012-01-01"}, "guardian_name"),  # a minor without guardian
        ({"consent_given_on": "2027-01-01"}, "consent_given_on"),
        ({"gender": "robot"}, "gender"),
        ({"nationality": "XX"}, "nationality"),
        ({"email": "not-an-email"}, "email"),
        ({"eqf_level": 9}, "eqf_level"),
        ({"eqf_level": "four"}, "eqf_level"),
        ({"fewer_opportunities": "maybe"}, "fewer_opportunities"),
    ],
)
def test_bad_learner_input_gets_400_with_the_field_error(world, api_for, change, field):
    before = Learner.objects.count()
    response = api_for(world.partner_b).post("/api/v1/learners/", good_learner(**change), format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert Learner.objects.count() == before


def test_missing_fields_and_non_objects_get_400(world, api_for):
    client = api_for(world.partner_b)
    response = client.post("/api/v1/learners/", {}, format="json")
    assert response.status_code == 400
    assert {"home_organisation", "first_name", "last_name"} <= set(response.json())
    assert client.post("/api/v1/learners/", [1, 2], format="json").status_code == 400
    bad_json = client.post("/api/v1/learners/", "{not json", content_type="application/json")
    assert bad_json.status_code == 400


def test_a_minor_with_a_guardian_is_accepted(world, api_for):
    data = good_learner(date_of_birth="2012-01-01", guardian_name="Anna de Vries")
    assert api_for(world.partner_b).post("/api/v1/learners/", data, format="json").status_code == 201


def good_mobility(mob, **over):
    data = {
        "learner": str(mob.learner_a1.code),
        "partnership": "p1",
        "receiving_organisation": "org-b",
        "start_date": "2021-03-01",
        "end_date": "2021-03-21",
        "host_company": "Salon Haarlem",
        "mentor": mob.m_a_to_b.mentor.email,
    }
    data.update(over)
    return data


def test_coordinator_plans_a_mobility_as_a_draft_with_checklist_and_audit(world, mob, api_for):
    response = api_for(world.pc_a).post("/api/v1/mobilities/", good_mobility(mob), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    mobility = Mobility.objects.get(code=body["code"])
    assert mobility.status == Mobility.Status.DRAFT
    assert (mobility.learner, mobility.sending_organisation, mobility.receiving_organisation) == (
        mob.learner_a1,
        world.org_a,
        world.org_b,
    )
    assert mobility.mentor == world.mentor_b and mobility.host_company == "Salon Haarlem"
    # Left out: the model's defaults, as the portal's form pre-fills them (no responsibilities typed: the standard
    # ones, in each reader's language).
    assert mobility.travel_days == 2 and mobility.tutor_responsibilities == ""
    assert mobility.get_tutor_responsibilities_display().startswith("Prepare the learner")
    assert mobility.checklist.exists()
    assert body["learner"]["code"] == str(mob.learner_a1.code) and body["sending_organisation"] == "org-a"
    entry = AuditEntry.objects.get(object_code=str(mobility.code), verb=AuditEntry.Verb.CREATED)
    assert entry.actor == world.pc_a and entry.partnership == world.p1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"learner": "00000000-0000-0000-0000-000000000000"}, "learner"),
        ({"learner": "not-a-uuid"}, "learner"),
        ({"learner": None}, "learner"),
        ({"partnership": "p2"}, "partnership"),  # not the learner's organisation's
        ({"partnership": "nope"}, "partnership"),
        ({"receiving_organisation": "org-c"}, "receiving_organisation"),  # not in the partnership
        ({"receiving_organisation": "org-a"}, "receiving_organisation"),  # the sending organisation itself
        ({"start_date": "2021-03-21", "end_date": "2021-03-01"}, "end_date"),  # reversed
        ({"start_date": "31/12/2021"}, "start_date"),
        ({"end_date": 20210301}, "end_date"),
        ({"kind": "holiday"}, "kind"),
        ({"travel_days": 9}, "travel_days"),
        ({"travel_days": "two"}, "travel_days"),
        ({"mentor": "nobody@example.org"}, "mentor"),
        ({"mentor": "not-an-email"}, "mentor"),
        ({"tutor": "nobody@example.org"}, "tutor"),
        ({"distance_km": -5}, "distance_km"),
        ({"virtual_start": "2021-02-10", "virtual_end": "2021-02-01"}, "virtual_end"),
        ({"host_contact_email": "@"}, "host_contact_email"),
    ],
)
def test_bad_mobility_input_gets_400_with_the_field_error(world, mob, api_for, change, field):
    before = Mobility.objects.count()
    response = api_for(world.pc_a).post("/api/v1/mobilities/", good_mobility(mob, **change), format="json")
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()
    assert Mobility.objects.count() == before


def test_a_learner_outside_the_scope_is_an_unknown_learner(world, mob, api_for):
    # partner_c's learner: pc_a does not see them; partner_b sees A's learners (incoming) but does not send them.
    for user, learner in ((world.pc_a, mob.learner_c1), (world.partner_b, mob.learner_a1)):
        data = good_mobility(mob, learner=str(learner.code))
        response = api_for(user).post("/api/v1/mobilities/", data, format="json")
        assert response.status_code == 400 and "learner" in response.json()


def test_the_portals_minor_rule_applies(world, mob, api_for):
    Learner.objects.filter(pk=mob.learner_a1.pk).update(date_of_birth=date(2008, 5, 1), guardian_name="")
    response = api_for(world.pc_a).post("/api/v1/mobilities/", good_mobility(mob), format="json")
    assert response.status_code == 400 and "start_date" in response.json()


def test_partner_plans_its_own_learners_mobility(world, mob, api_for):
    data = good_mobility(mob, learner=str(mob.learner_b1.code), receiving_organisation="org-a", mentor="")
    response = api_for(world.partner_b).post("/api/v1/mobilities/", data, format="json")
    assert response.status_code == 201, response.content
    assert Mobility.objects.get(code=response.json()["code"]).sending_organisation == world.org_b
