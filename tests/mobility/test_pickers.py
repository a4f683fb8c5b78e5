"""The people pickers of the mobility forms offer the right people (read from the rendered page, as a browser
would), follow the chosen host, and the server refuses anyone else with a field error.

Mentor = an active mentor of the chosen host (receiving) organisation; tutor = staff of the sending
organisation (anyone there but a learner).
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from mobility.models import Mobility
from partners.models import PartnershipMember
from partners.models.people import Role
from tests.factories import MembershipFactory, OrganisationFactory

from .forms_support import create_url, edit_data, new_mobility_data


class _Selects(HTMLParser):
    """Every <select> of a page: its attributes and its options' (value, attributes)."""

    def __init__(self):
        super().__init__()
        self.selects: dict[str, dict] = {}
        self._current = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "select":
            self._current = {"attrs": attrs, "options": []}
            self.selects[attrs.get("name", "")] = self._current
        elif tag == "option" and self._current is not None:
            self._current["options"].append((attrs.get("value", ""), attrs))

    def handle_endtag(self, tag):
        if tag == "select":
            self._current = None


def select_of(response, name) -> dict:
    parser = _Selects()
    parser.feed(response.content.decode())
    return parser.selects[name]


def offered(response, name) -> set[str]:
    """The non-empty option values of the select `name`."""
    return {value for value, _attrs in select_of(response, name)["options"] if value}


def pks(*users) -> set[str]:
    return {str(u.pk) for u in users}


@pytest.fixture
def host_e(world):
    """A second possible host for B's learners in P1, with a mentor, a coordinator and a learner of its own."""
    org_e = OrganisationFactory(slug="org-e", short_name="Epsilon Salon", country="IT", city="Salerno")
    PartnershipMember.objects.create(partnership=world.p1, organisation=org_e, role=PartnershipMember.Role.PARTNER)
    return {
        "org": org_e,
        "mentor": MembershipFactory(organisation=org_e, role=Role.MENTOR).user,
        "coordinator": MembershipFactory(organisation=org_e, role=Role.PARTNER_COORDINATOR).user,
        "learner": MembershipFactory(organisation=org_e, role=Role.LEARNER).user,
    }


def test_the_mentor_picker_offers_only_the_mentors_of_the_host(world, mob, client_for):
    # B's learner: the only possible host is A (preselected), so only A's mentor is offered.
    response = client_for(world.partner_b).get(create_url(mob.learner_b1))
    assert offered(response, "mentor") == pks(mob.mentor_a)
    # Not A's project coordinator, not B's learner or staff, not a coordinator of another school.
    assert not offered(response, "mentor") & pks(world.pc_a, world.learner_b, world.partner_b, world.partner_c)


def test_each_mentor_option_names_its_organisation_and_follows_the_host_select(world, mob, host_e, client_for):
    response = client_for(world.partner_b).get(create_url(mob.learner_b1))
    mentor = select_of(response, "mentor")
    assert offered(response, "receiving_organisation") == {str(world.org_a.pk), str(host_e["org"].pk)}
    # Before a host is chosen: the mentors of both possible hosts, each saying where it mentors.
    options = {value: attrs for value, attrs in mentor["options"] if value}
    assert set(options) == pks(mob.mentor_a, host_e["mentor"])
    assert options[str(mob.mentor_a.pk)]["data-organisation"] == str(world.org_a.pk)
    assert options[str(host_e["mentor"].pk)]["data-organisation"] == str(host_e["org"].pk)
    # The script (no CDN) filters them by the host select it names.
    receiving = select_of(response, "receiving_organisation")
    assert mentor["attrs"]["data-people-of"] == receiving["attrs"]["id"]
    assert "/static/mobility/people-picker.js" in response.content.decode()


def test_without_javascript_another_hosts_mentor_is_refused_and_the_right_list_comes_back(
    world, mob, host_e, client_for
):
    client = client_for(world.partner_b)
    before = Mobility.objects.count()
    data = new_mobility_data(mob.learner_b1, world.p1, host_e["org"], mentor=mob.mentor_a)
    response = client.post(create_url(mob.learner_b1), data)
    assert response.status_code == 200
    assert response.context["form"].errors["mentor"] == ["The mentor must be a mentor at the receiving organisation."]
    assert Mobility.objects.count() == before
    # The page comes back with the chosen host's mentors only.
    assert offered(response, "mentor") == pks(host_e["mentor"])


def test_the_chosen_hosts_mentor_is_accepted(world, mob, host_e, client_for):
    data = new_mobility_data(mob.learner_b1, world.p1, host_e["org"], mentor=host_e["mentor"])
    response = client_for(world.partner_b).post(create_url(mob.learner_b1), data)
    assert response.status_code == 302
    assert Mobility.objects.get(receiving_organisation=host_e["org"]).mentor == host_e["mentor"]


@pytest.mark.parametrize("who", ["coordinator", "learner"])
def test_the_hosts_staff_or_learner_who_are_not_mentors_are_refused_as_mentor(world, mob, host_e, client_for, who):
    data = new_mobility_data(mob.learner_b1, world.p1, host_e["org"], mentor=host_e[who])
    response = client_for(world.partner_b).post(create_url(mob.learner_b1), data)
    assert response.status_code == 200
    assert "mentor" in response.context["form"].errors
    assert not Mobility.objects.filter(receiving_organisation=host_e["org"]).exists()


def test_the_tutor_picker_offers_the_sending_organisations_staff_and_no_learner(world, mob, client_for):
    response = client_for(world.partner_b).get(create_url(mob.learner_b1))
    assert offered(response, "tutor") == pks(world.partner_b, world.mentor_b, mob.mentor_b2)
    data = new_mobility_data(mob.learner_b1, world.p1, world.org_a, tutor=world.learner_b)
    refused = client_for(world.partner_b).post(create_url(mob.learner_b1), data)
    assert refused.context["form"].errors["tutor"] == [
        "The tutor must be a member of staff of the sending organisation."
    ]


def test_editing_from_the_sending_side_offers_the_mentors_of_the_mobilitys_host(world, mob, client_for):
    mobility = mob.m_a_to_b  # A sends, B hosts
    response = client_for(world.pc_a).get(reverse("mobility:mobility_edit", kwargs={"code": mobility.code}))
    assert offered(response, "mentor") == pks(world.mentor_b, mob.mentor_b2)


def test_the_host_form_offers_the_hosts_mentors_and_refuses_its_coordinator(world, mob, client_for):
    mobility = mob.m_a_to_b  # partner_b edits as the host
    client = client_for(world.partner_b)
    url = reverse("mobility:mobility_edit", kwargs={"code": mobility.code})
    response = client.get(url)
    assert offered(response, "mentor") == pks(world.mentor_b, mob.mentor_b2)
    fields = list(response.context["form"].fields)
    refused = client.post(url, edit_data(mobility, fields, mentor=world.partner_b))
    assert refused.status_code == 200
    assert "mentor" in refused.context["form"].errors
    mobility.refresh_from_db()
    assert mobility.mentor == world.mentor_b


def test_an_inactive_mentor_is_not_offered(world, mob, client_for):
    mob.mentor_a.memberships.update(is_active=False)
    response = client_for(world.partner_b).get(create_url(mob.learner_b1))
    assert str(mob.mentor_a.pk) not in offered(response, "mentor")
