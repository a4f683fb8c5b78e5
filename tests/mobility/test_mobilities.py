"""Mobilities: create and edit through the forms and the service; every bad input is a field error."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from mobility.models import ChecklistItem, Mobility
from mobility.services.checklists import DEFAULT_TEMPLATE, generate_checklist
from mobility.services.mobilities import create_mobility
from mobility.services.money import organisation_distance_km
from partners.models import AuditEntry, Organisation, PartnershipMember
from partners.models.people import Role
from tests.factories import MembershipFactory, OrganisationFactory
from tests.factories_mobility import LearnerFactory

from .forms_support import create_url, edit_data, new_mobility_data


@pytest.fixture
def coordinates(world):
    Organisation.objects.filter(pk=world.org_a.pk).update(latitude=Decimal("54.898521"), longitude=Decimal("23.903597"))
    Organisation.objects.filter(pk=world.org_b.pk).update(latitude=Decimal("52.387388"), longitude=Decimal("4.646219"))
    world.org_a.refresh_from_db()
    world.org_b.refresh_from_db()


def test_partner_coordinator_plans_a_blended_mobility_with_tutor_and_mentor(world, mob, client_for, coordinates):
    data = new_mobility_data(
        mob.learner_b1,
        world.p1,
        world.org_a,
        virtual_start="2021-04-12",
        virtual_end="2021-04-30",
        virtual_platform="Moodle",
        virtual_hours="12",
        virtual_activities="Online theory modules",
        tutor=world.partner_b,
        mentor=mob.mentor_a,
    )
    response = client_for(world.partner_b).post(create_url(mob.learner_b1), data)
    mobility = Mobility.objects.exclude(pk=mob.m_b_to_a.pk).get(learner=mob.learner_b1)
    assert response.status_code == 302 and response["Location"] == mobility.get_absolute_url()
    assert mobility.status == Mobility.Status.DRAFT
    assert mobility.sending_organisation == world.org_b
    assert mobility.is_blended and mobility.virtual_hours == 12
    assert (mobility.mentor, mobility.tutor) == (mob.mentor_a, world.partner_b)
    assert mobility.distance_km == organisation_distance_km(world.org_b, world.org_a)
    assert 1200 < mobility.distance_km < 1500
    assert mobility.checklist.count() == len(DEFAULT_TEMPLATE)
    entry = AuditEntry.objects.get(verb=AuditEntry.Verb.CREATED, object_code=str(mobility.code))
    assert entry.partnership == world.p1 and entry.organisation == world.org_b
    assert {"mentor", "virtual_start", "start_date"} <= set(entry.details["fields"])


def test_choices_start_from_the_learners_partnerships_and_their_people(world, mob, client_for):
    form = client_for(world.partner_b).get(create_url(mob.learner_b1)).context["form"]
    assert list(form.fields["learner"].queryset) == [mob.learner_b1]
    assert list(form.fields["partnership"].queryset) == [world.p1]
    assert list(form.fields["receiving_organisation"].queryset) == [world.org_a]
    assert set(form.fields["mentor"].queryset) == {mob.mentor_a}  # the host's mentors, not its coordinator
    assert set(form.fields["tutor"].queryset) == {world.partner_b, world.mentor_b, mob.mentor_b2}
    assert world.learner_b not in set(form.fields["tutor"].queryset)


def test_mentor_choices_name_their_organisation(world, mob, client_for):
    form = client_for(world.partner_b).get(create_url(mob.learner_b1)).context["form"]
    labels = dict(form.fields["mentor"].choices)
    assert any("Alpha VET" in str(label) for label in labels.values())


SCENARIOS = {
    "end before start": ({"end_date": "2021-05-01"}, "end_date"),
    "garbage date": ({"start_date": "3 May"}, "start_date"),
    "ErasmusPro shorter than 90 days": ({"kind": Mobility.Kind.ERASMUS_PRO}, "kind"),
    "short-term of 90 days or more": ({"end_date": "2021-08-31"}, "kind"),
    "outside the project period": ({"start_date": "2022-06-20", "end_date": "2022-07-10"}, "start_date"),
    "virtual part without an end": ({"virtual_start": "2021-04-12", "virtual_hours": "5"}, "virtual_start"),
    "virtual part outside the project period": (
        {"virtual_start": "2019-09-01", "virtual_end": "2019-09-20", "virtual_hours": "5"},
        "virtual_start",
    ),
    "virtual part without hours": ({"virtual_start": "2021-04-12", "virtual_end": "2021-04-20"}, "virtual_hours"),
    "virtual end before its start": (
        {"virtual_start": "2021-04-20", "virtual_end": "2021-04-12", "virtual_hours": "5"},
        "virtual_end",
    ),
    "receiving = sending": ({"receiving_organisation": "org_b"}, "receiving_organisation"),
    "receiving outside the partnership": ({"receiving_organisation": "org_c"}, "receiving_organisation"),
    "partnership the sender is not in": ({"partnership": "p2"}, "partnership"),
    "mentor from an unrelated organisation": ({"mentor": "partner_c"}, "mentor"),
    "mentor from the sending side": ({"mentor": "mentor_b"}, "mentor"),
    "the host's coordinator as mentor": ({"mentor": "pc_a"}, "mentor"),
    "a learner as mentor": ({"mentor": "learner_b"}, "mentor"),
    "tutor from the receiving side": ({"tutor": "pc_a"}, "tutor"),
    "tutor who is a learner": ({"tutor": "learner_b"}, "tutor"),
    "too many travel days": ({"travel_days": "9"}, "travel_days"),
}


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_bad_mobility_input_gets_a_field_error_and_saves_nothing(world, mob, client_for, scenario):
    overrides, field = SCENARIOS[scenario]
    resolved = {
        key: getattr(world, value, value) if isinstance(value, str) else value for key, value in overrides.items()
    }
    before = Mobility.objects.count()
    data = new_mobility_data(mob.learner_b1, world.p1, world.org_a, **resolved)
    response = client_for(world.partner_b).post(create_url(mob.learner_b1), data)
    assert response.status_code == 200, scenario
    assert field in response.context["form"].errors, response.context["form"].errors
    assert Mobility.objects.count() == before


def test_a_forged_mentor_within_the_choices_is_still_checked_against_the_receiving_organisation(world, mob, client_for):
    # Without a learner chosen up front, pc_a's choices span A and B; the rules still hold.
    client = client_for(world.pc_a)
    form = client.get(create_url()).context["form"]
    assert mob.mentor_a in set(form.fields["mentor"].queryset)
    data = new_mobility_data(mob.learner_a1, world.p1, world.org_b, mentor=mob.mentor_a)
    response = client.post(create_url(), data)
    assert response.status_code == 200
    assert response.context["form"].errors["mentor"] == ["The mentor must be a mentor at the receiving organisation."]


def test_a_learner_under_18_at_the_start_needs_a_guardian(world, mob, client_for):
    learner = LearnerFactory(home_organisation=world.org_b, date_of_birth=date(2005, 1, 1), guardian_name="")
    data = new_mobility_data(learner, world.p1, world.org_a)
    response = client_for(world.partner_b).post(create_url(learner), data)
    assert response.status_code == 200
    assert "start_date" in response.context["form"].errors
    learner.guardian_name = "Maria de Vries"
    learner.save()
    assert client_for(world.partner_b).post(create_url(learner), data).status_code == 302


def test_an_inactive_mentor_membership_does_not_count(world, mob, client_for):
    membership = mob.mentor_a.memberships.get()
    membership.is_active = False
    membership.save()
    data = new_mobility_data(mob.learner_b1, world.p1, world.org_a, mentor=mob.mentor_a)
    response = client_for(world.partner_b).post(create_url(mob.learner_b1), data)
    assert "mentor" in response.context["form"].errors


def test_the_service_refuses_an_invalid_mobility_whoever_calls_it(world, mob):
    mobility = Mobility(
        learner=mob.learner_b1,
        partnership=world.p1,
        receiving_organisation=world.org_a,
        start_date=date(2021, 5, 3),
        end_date=date(2021, 5, 30),
        mentor=world.partner_c,
    )
    with pytest.raises(ValidationError) as error:
        create_mobility(mobility=mobility, by=world.partner_b)
    assert "mentor" in error.value.message_dict
    assert mobility.pk is None


def test_receiving_side_edits_only_the_host_workplace_and_mentor(world, mob, client_for):
    mobility = mob.m_a_to_b  # A sends, B hosts
    client = client_for(world.partner_b)
    form = client.get(reverse("mobility:mobility_edit", kwargs={"code": mobility.code})).context["form"]
    assert set(form.fields) == {
        "host_company",
        "host_address",
        "host_sector",
        "host_contact_name",
        "host_contact_email",
        "host_contact_phone",
        "mentor",
        "mentor_responsibilities",
    }
    data = edit_data(mobility, list(form.fields), host_company="Kapsalon Noord", mentor=mob.mentor_b2)
    data["start_date"] = "2021-06-01"  # not the host's to change: ignored
    response = client.post(reverse("mobility:mobility_edit", kwargs={"code": mobility.code}), data)
    assert response.status_code == 302
    mobility.refresh_from_db()
    assert (mobility.host_company, mobility.mentor) == ("Kapsalon Noord", mob.mentor_b2)
    assert mobility.start_date == date(2021, 4, 12)
    entry = AuditEntry.objects.get(verb=AuditEntry.Verb.UPDATED, object_code=str(mobility.code))
    assert entry.details["fields"] == ["host_company", "mentor"]


def test_receiving_side_cannot_assign_a_mentor_from_elsewhere(world, mob, client_for):
    mobility = mob.m_a_to_b
    client = client_for(world.partner_b)
    fields = list(client.get(reverse("mobility:mobility_edit", kwargs={"code": mobility.code})).context["form"].fields)
    data = edit_data(mobility, fields, mentor=mob.mentor_a)
    response = client.post(reverse("mobility:mobility_edit", kwargs={"code": mobility.code}), data)
    assert response.status_code == 200
    assert "mentor" in response.context["form"].errors
    mobility.refresh_from_db()
    assert mobility.mentor == world.mentor_b


def test_moving_the_dates_moves_the_checklist_and_is_audited(world, mob, client_for):
    mobility = mob.m_a_to_b
    generate_checklist(mobility)
    first = mobility.checklist.order_by("due_date").first()
    data = edit_data(mobility, start_date="2021-05-03", end_date="2021-05-30")
    response = client_for(world.pc_a).post(reverse("mobility:mobility_edit", kwargs={"code": mobility.code}), data)
    assert response.status_code == 302
    moved = ChecklistItem.objects.get(pk=first.pk)
    assert moved.due_date == first.due_date + timedelta(days=21)
    entry = AuditEntry.objects.get(verb=AuditEntry.Verb.UPDATED, object_code=str(mobility.code))
    assert entry.details["fields"] == ["end_date", "start_date"]


def test_a_new_receiving_organisation_gets_a_new_distance(world, mob, client_for, coordinates):
    org_e = OrganisationFactory(
        short_name="Epsilon", city="Kuopio", latitude=Decimal("62.89"), longitude=Decimal("27.68")
    )
    PartnershipMember.objects.create(partnership=world.p1, organisation=org_e, role=PartnershipMember.Role.PARTNER)
    mobility = mob.m_a_to_b
    Mobility.objects.filter(pk=mobility.pk).update(distance_km=1300)
    mobility.refresh_from_db()
    data = edit_data(mobility, receiving_organisation=org_e, mentor=None)
    response = client_for(world.pc_a).post(reverse("mobility:mobility_edit", kwargs={"code": mobility.code}), data)
    assert response.status_code == 302, response.context["form"].errors
    mobility.refresh_from_db()
    assert mobility.distance_km == organisation_distance_km(world.org_a, org_e)


def test_a_distance_typed_in_is_kept(world, mob, client_for, coordinates):
    mobility = mob.m_a_to_b
    data = edit_data(mobility, distance_km="1400")
    client_for(world.pc_a).post(reverse("mobility:mobility_edit", kwargs={"code": mobility.code}), data)
    mobility.refresh_from_db()
    assert mobility.distance_km == 1400


@pytest.mark.parametrize("status", [Mobility.Status.RECOGNISED, Mobility.Status.CANCELLED])
def test_a_recognised_or_cancelled_mobility_is_read_only(world, mob, client_for, status):
    Mobility.objects.filter(pk=mob.m_a_to_b.pk).update(status=status)
    url = reverse("mobility:mobility_edit", kwargs={"code": mob.m_a_to_b.code})
    response = client_for(world.pc_a).post(url, edit_data(mob.m_a_to_b, host_company="Changed"))
    assert response.status_code == 302
    mob.m_a_to_b.refresh_from_db()
    assert mob.m_a_to_b.host_company == "Salon Bella"


def test_detail_page_groups_everything_and_tells_who_is_looking(world, mob, client_for):
    mobility = mob.m_b_to_a
    Mobility.objects.filter(pk=mobility.pk).update(
        virtual_start=date(2021, 3, 1), virtual_end=date(2021, 3, 20), virtual_hours=10, virtual_platform="Teams"
    )
    response = client_for(world.learner_b).get(mobility.get_absolute_url())
    page = response.content.decode()
    for heading in ("People and organisations", "Physical period", "Virtual component", "Host workplace"):
        assert heading in page
    assert "Teams" in page and "Salon Bella" in page
    assert response.context["is_learner"] and not response.context["is_mentor"]
    assert response.context["can_manage"] is False
    used = [t.name for t in response.templates]
    assert "mobility/includes/detail_quality.html" in used and "mobility/includes/detail_money.html" in used
    assert client_for(mob.mentor_a).get(mobility.get_absolute_url()).context["is_mentor"]


def test_a_company_mentor_invited_to_the_host_can_be_assigned(world, mob, client_for):
    company = OrganisationFactory(short_name="Salon Aurora", kind=Organisation.Kind.COMPANY)
    PartnershipMember.objects.create(partnership=world.p1, organisation=company, role=PartnershipMember.Role.ASSOCIATED)
    company_mentor = MembershipFactory(organisation=company, role=Role.MENTOR).user
    data = new_mobility_data(mob.learner_b1, world.p1, company, mentor=company_mentor)
    response = client_for(world.partner_b).post(create_url(mob.learner_b1), data)
    assert response.status_code == 302
    assert Mobility.objects.filter(mentor=company_mentor, receiving_organisation=company).exists()


def test_creating_for_a_learner_of_an_organisation_the_user_does_not_manage_is_refused(world, mob, client_for):
    data = new_mobility_data(mob.learner_a1, world.p1, world.org_b)
    response = client_for(world.partner_b).post(create_url(), data)
    assert response.status_code == 200
    assert "learner" in response.context["form"].errors
    assert not Mobility.objects.filter(learner=mob.learner_a1).exclude(pk=mob.m_a_to_b.pk).exists()
