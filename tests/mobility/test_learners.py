"""Learners: create, edit, list, detail, invitation to the portal."""

from datetime import date, datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from mobility.models import Learner
from partners import services as partner_services
from partners.models import AuditEntry
from partners.models.people import Role
from tests.factories import InvitationFactory, MembershipFactory
from tests.factories_mobility import LearnerFactory, MobilityFactory

TODAY = datetime(2024, 6, 3, 10, 0, tzinfo=timezone.get_fixed_timezone(0))


def learner_data(organisation, **overrides):
    data = {
        "first_name": "Ieva",
        "last_name": "Jankauskaite",
        "date_of_birth": "2003-02-11",
        "gender": Learner.Gender.FEMALE,
        "nationality": "LT",
        "email": "ieva@example.org",
        "home_organisation": organisation.pk,
        "qualification_title": "Hairdresser",
        "eqf_level": "4",
        "emergency_contact_name": "Rasa Jankauskiene",
        "emergency_contact_phone": "+370 600 00000",
        "guardian_name": "",
        "guardian_email": "",
        "guardian_phone": "",
        "consent_given_on": "2024-05-02",
    }
    data.update(overrides)
    return data


@pytest.fixture
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


def test_partner_coordinator_adds_a_learner_at_their_own_organisation(world, mob, client_for, frozen):
    response = client_for(world.partner_b).post(reverse("mobility:learner_create"), learner_data(world.org_b))
    learner = Learner.objects.get(email="ieva@example.org")
    assert response.status_code == 302
    assert response["Location"] == learner.get_absolute_url()
    assert learner.home_organisation == world.org_b
    entry = AuditEntry.objects.get(verb=AuditEntry.Verb.CREATED, object_code=str(learner.code))
    assert entry.organisation == world.org_b and entry.actor == world.partner_b


def test_home_organisation_choices_are_where_the_user_manages_mobilities(world, mob, client_for):
    form = client_for(world.partner_b).get(reverse("mobility:learner_create")).context["form"]
    assert list(form.fields["home_organisation"].queryset) == [world.org_b]
    form = client_for(world.pc_a).get(reverse("mobility:learner_create")).context["form"]
    assert list(form.fields["home_organisation"].queryset) == [world.org_a]


def test_staff_without_the_mobility_right_cannot_add_learners(world, mob, client_for):
    clerk = MembershipFactory(organisation=world.org_b, role=Role.PARTNER_COORDINATOR, can_manage_mobilities=False).user
    assert client_for(clerk).get(reverse("mobility:learner_create")).status_code == 403
    assert (
        client_for(clerk).get(reverse("mobility:learner_edit", kwargs={"code": mob.learner_b1.code})).status_code == 403
    )


def test_a_forged_home_organisation_gets_a_field_error(world, mob, client_for, frozen):
    response = client_for(world.partner_b).post(reverse("mobility:learner_create"), learner_data(world.org_c))
    assert response.status_code == 200
    assert "home_organisation" in response.context["form"].errors
    assert not Learner.objects.filter(email="ieva@example.org").exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"date_of_birth": "2024-06-04"}, "date_of_birth"),
        ({"date_of_birth": "2024-06-03"}, "date_of_birth"),
        ({"date_of_birth": "2008-01-01"}, "guardian_name"),
        ({"consent_given_on": "2024-06-10"}, "consent_given_on"),
        ({"date_of_birth": "not a date"}, "date_of_birth"),
        ({"eqf_level": "9"}, "eqf_level"),
        ({"email": "no-at-sign"}, "email"),
    ],
    ids=[
        "born tomorrow",
        "born today",
        "minor without guardian",
        "consent in the future",
        "garbage date",
        "EQF 9",
        "bad email",
    ],
)
def test_bad_learner_data_gets_a_field_error_and_saves_nothing(world, mob, client_for, frozen, overrides, field):
    response = client_for(world.partner_b).post(
        reverse("mobility:learner_create"), learner_data(world.org_b, **overrides)
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Learner.objects.filter(last_name="Jankauskaite").exists()


def test_a_minor_with_a_guardian_is_accepted(world, mob, client_for, frozen):
    data = learner_data(world.org_b, date_of_birth="2008-01-01", guardian_name="Rasa Jankauskiene")
    response = client_for(world.partner_b).post(reverse("mobility:learner_create"), data)
    assert response.status_code == 302
    assert Learner.objects.get(last_name="Jankauskaite").guardian_name == "Rasa Jankauskiene"


def test_editing_a_learner_saves_and_records_the_changed_fields(world, mob, client_for, frozen):
    learner = mob.learner_b1
    data = learner_data(world.org_b, first_name="Lina", last_name="Bakker-de Vries", email=learner.email)
    response = client_for(world.partner_b).post(reverse("mobility:learner_edit", kwargs={"code": learner.code}), data)
    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.last_name == "Bakker-de Vries"
    entry = AuditEntry.objects.get(verb=AuditEntry.Verb.UPDATED, object_code=str(learner.code))
    assert "last_name" in entry.details["fields"]
    assert "Bakker" not in str(entry.details)


def test_home_organisation_cannot_move_once_the_learner_has_mobilities(world, mob, client_for, frozen):
    learner = mob.learner_b1  # pc_a may manage mobilities at A and (delegated) at B
    data = learner_data(world.org_a, first_name=learner.first_name, last_name=learner.last_name)
    response = client_for(world.pc_a).post(reverse("mobility:learner_edit", kwargs={"code": learner.code}), data)
    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.home_organisation == world.org_b


def test_learner_list_shows_the_home_organisations_learners_only(world, mob, client_for):
    response = client_for(world.partner_b).get(reverse("mobility:learner_list"))
    assert [learner.pk for learner in response.context["page"].object_list] == [mob.learner_b1.pk]
    response = client_for(world.pc_a).get(reverse("mobility:learner_list"))
    assert {learner.pk for learner in response.context["page"].object_list} == {mob.learner_a1.pk, mob.learner_a2.pk}


def test_learner_list_searches_by_first_and_last_name(world, mob, client_for):
    response = client_for(world.pc_a).get(reverse("mobility:learner_list"), {"q": "jonas petr"})
    assert [learner.pk for learner in response.context["page"].object_list] == [mob.learner_a2.pk]
    response = client_for(world.pc_a).get(reverse("mobility:learner_list"), {"q": "Lina"})
    assert list(response.context["page"].object_list) == []  # learner of B: not pc_a's learner


def test_learner_list_filters_by_account_and_inclusion_flags(world, mob, client_for):
    LearnerFactory(home_organisation=world.org_b, first_name="Fenna", fewer_opportunities=True)
    client = client_for(world.partner_b)
    with_account = client.get(reverse("mobility:learner_list"), {"has_account": "true"}).context["page"].object_list
    assert [learner.pk for learner in with_account] == [mob.learner_b1.pk]
    flagged = client.get(reverse("mobility:learner_list"), {"fewer_opportunities": "true"}).context["page"]
    assert [learner.first_name for learner in flagged.object_list] == ["Fenna"]


def test_learner_page_shows_only_the_mobilities_the_viewer_may_see(world, mob, client_for):
    other = MobilityFactory(
        learner=mob.learner_a1, partnership=world.p1, receiving_organisation=world.org_b, mentor=mob.mentor_b2
    )
    url = mob.learner_a1.get_absolute_url()
    assert {m.pk for m in client_for(world.mentor_b).get(url).context["mobilities"]} == {mob.m_a_to_b.pk}
    assert {m.pk for m in client_for(world.pc_a).get(url).context["mobilities"]} == {mob.m_a_to_b.pk, other.pk}


def test_mentor_sees_the_emergency_contact_but_not_the_date_of_birth(world, mob, client_for):
    learner = mob.learner_a1
    Learner.objects.filter(pk=learner.pk).update(emergency_contact_phone="+370 611 11111")
    birth = date_format(learner.date_of_birth, "DATE_FORMAT")
    page = client_for(world.mentor_b).get(learner.get_absolute_url()).content.decode()
    assert "+370 611 11111" in page
    assert birth not in page
    staff_page = client_for(world.pc_a).get(learner.get_absolute_url()).content.decode()
    assert birth in staff_page


def test_opening_a_learner_page_is_recorded_in_the_audit_log(world, mob, client_for):
    client_for(world.partner_b).get(mob.learner_b1.get_absolute_url())
    entry = AuditEntry.objects.get(verb=AuditEntry.Verb.VIEWED, object_code=str(mob.learner_b1.code))
    assert entry.actor == world.partner_b and entry.organisation == world.org_b


def test_learner_page_includes_the_gdpr_actions(world, mob, client_for):
    response = client_for(world.partner_b).get(mob.learner_b1.get_absolute_url())
    assert "mobility/includes/learner_gdpr_actions.html" in [t.name for t in response.templates]
    assert response.context["can_manage"] is True


def test_invite_link_prefills_the_invitation_form(world, mob, client_for):
    learner = LearnerFactory(home_organisation=world.org_b, email="fenna@example.org")
    client = client_for(world.partner_b)
    invite_url = client.get(learner.get_absolute_url()).context["invite_url"]
    assert invite_url.startswith(reverse("partners:invitation_create"))
    form = client.get(invite_url).context["form"]
    assert form.initial["email"] == "fenna@example.org"
    assert form.initial["role"] == Role.LEARNER
    assert form.initial["organisation"] == world.org_b


def test_no_invite_link_for_a_learner_who_has_an_account_or_for_those_who_cannot_invite(world, mob, client_for):
    assert client_for(world.partner_b).get(mob.learner_b1.get_absolute_url()).context["invite_url"] is None
    learner = LearnerFactory(home_organisation=world.org_a, email="kotryna@example.org")
    MobilityFactory(learner=learner, partnership=world.p1, receiving_organisation=world.org_b)
    # partner_b sees this incoming learner but does not manage A's learners.
    assert client_for(world.partner_b).get(learner.get_absolute_url()).context["invite_url"] is None


def test_accepting_a_learner_invitation_links_the_learner_record(world, mob, client_for):
    learner = LearnerFactory(home_organisation=world.org_b, email="Fenna@Example.org")
    mobility = MobilityFactory(learner=learner, partnership=world.p1, receiving_organisation=world.org_a)
    invitation = InvitationFactory(organisation=world.org_b, role=Role.LEARNER, email="fenna@example.org")
    user = partner_services.accept_invitation(
        token=invitation.token, password="a-long-test-password-42", first_name="Fenna", last_name="Visser"
    )
    learner.refresh_from_db()
    assert learner.user == user
    response = client_for(user).get(reverse("mobility:my_mobility"))
    assert response["Location"] == mobility.get_absolute_url()


@pytest.mark.parametrize("case", ["mentor role", "other organisation", "already linked"])
def test_an_invitation_that_does_not_clearly_match_links_nothing(world, mob, case):
    learner = LearnerFactory(home_organisation=world.org_b, email="fenna@example.org")
    organisation, role = world.org_b, Role.LEARNER
    if case == "mentor role":
        role = Role.MENTOR
    elif case == "other organisation":
        organisation = world.org_a
    else:
        Learner.objects.filter(pk=learner.pk).update(user=world.outsider)
    invitation = InvitationFactory(organisation=organisation, role=role, email="fenna@example.org")
    user = partner_services.accept_invitation(token=invitation.token, password="a-long-test-password-42")
    learner.refresh_from_db()
    assert learner.user != user


def test_a_learner_born_recently_is_a_minor_at_a_past_start_date(world, mob):
    learner = LearnerFactory(home_organisation=world.org_a, date_of_birth=date(2004, 5, 1))
    assert learner.is_minor_on(date(2021, 4, 12))
    assert not learner.is_minor_on(date(2022, 5, 1))


def test_the_list_counts_each_learners_mobilities(world, mob, client_for):
    """Counted per row of the page (a subquery), not by grouping every learner (issue 15)."""
    twice = LearnerFactory(home_organisation=world.org_b, last_name="Aaberg")
    never = LearnerFactory(home_organisation=world.org_b, last_name="Aabel")
    for _ in range(2):
        MobilityFactory(learner=twice, partnership=world.p1, receiving_organisation=world.org_a)
    page = client_for(world.partner_b).get(reverse("mobility:learner_list")).context["page"]
    counts = {learner.pk: learner.mobility_count for learner in page.object_list}
    assert counts[twice.pk] == 2 and counts[never.pk] == 0
