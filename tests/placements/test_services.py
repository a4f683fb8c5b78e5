"""Placing a learner (placements.services.place): capacity, status and eligibility, and what the mobility gets;
the placement's status moves; saving hosts and placements."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from mobility.models import Mobility
from partners.models import AuditEntry, StatusChange
from placements import services
from placements.models import Placement
from tests.factories_mobility import LearnerFactory

pytestmark = pytest.mark.django_db


def learner_of_b(world, **kwargs):
    return LearnerFactory(home_organisation=world.org_b, **kwargs)


def place(world, placement, learner):
    return services.place(placement, learner, sending_organisation=learner.home_organisation, by=world.partner_b)


def test_placing_creates_a_draft_mobility_from_the_placement(world, places):
    placement = places.pub_a
    learner = learner_of_b(world)
    mobility = place(world, placement, learner)
    mobility.refresh_from_db()
    assert mobility.status == Mobility.Status.DRAFT
    assert mobility.placement == placement
    assert mobility.learner == learner
    assert mobility.partnership == world.p1
    assert mobility.sending_organisation == world.org_b
    assert mobility.receiving_organisation == world.org_a  # the host's keeping organisation
    assert (mobility.start_date, mobility.end_date) == (placement.start_date, placement.end_date)
    assert mobility.mentor == placement.mentor == places.mentor_a
    assert mobility.host_company == places.host_a.name
    assert mobility.checklist.exists()  # made like any new mobility
    assert AuditEntry.objects.filter(object_code=str(mobility.code), verb=AuditEntry.Verb.CREATED).exists()
    assert Placement.objects.with_places_taken().get(pk=placement.pk).taken == 1


def test_a_full_placement_refuses_the_next_learner(world, places):
    placement = places.pub_a
    Placement.objects.filter(pk=placement.pk).update(places=1)
    place(world, placement, learner_of_b(world))
    with pytest.raises(ValidationError, match="full"):
        place(world, placement, learner_of_b(world))
    assert placement.mobilities.count() == 1


def test_a_cancelled_mobility_frees_its_place(world, places):
    placement = places.pub_a
    Placement.objects.filter(pk=placement.pk).update(places=1)
    first = place(world, placement, learner_of_b(world))
    Mobility.objects.filter(pk=first.pk).update(status=Mobility.Status.CANCELLED)
    second = place(world, placement, learner_of_b(world))
    assert second.placement == placement


def test_the_same_learner_is_not_placed_twice(world, places):
    learner = learner_of_b(world)
    place(world, places.pub_a, learner)
    with pytest.raises(ValidationError, match="already placed"):
        place(world, places.pub_a, learner)


@pytest.mark.parametrize("status", [Placement.Status.DRAFT, Placement.Status.WITHDRAWN])
def test_only_a_published_placement_takes_learners(world, places, status):
    Placement.objects.filter(pk=places.pub_a.pk).update(status=status)
    with pytest.raises(ValidationError, match="not published"):
        place(world, places.pub_a, learner_of_b(world))
    assert not Mobility.objects.exists()


def test_a_learner_under_the_hosts_minimum_age_is_refused(world, places):
    places.host_a.minimum_age = 18
    places.host_a.save()
    # The placement starts on 2021-04-12: born 2003-04-13, the learner is 17 that day; born 2003-04-12, 18.
    with pytest.raises(ValidationError, match="aged 18 or more; the learner will be 17"):
        place(world, places.pub_a, learner_of_b(world, date_of_birth=date(2003, 4, 13), guardian_name="Parent"))
    assert place(world, places.pub_a, learner_of_b(world, date_of_birth=date(2003, 4, 12))).placement == places.pub_a


def test_an_unknown_age_is_refused_where_the_host_sets_a_minimum(world, places):
    places.host_a.minimum_age = 16
    places.host_a.save()
    with pytest.raises(ValidationError, match="date of birth"):
        place(world, places.pub_a, learner_of_b(world, date_of_birth=None))


def test_the_stricter_of_the_hosts_and_the_placements_eqf_level_applies(world, places):
    places.host_a.minimum_eqf_level = 3
    places.host_a.save()
    Placement.objects.filter(pk=places.pub_a.pk).update(eqf_level=5)
    with pytest.raises(ValidationError, match="EQF level 5; the learner's qualification is at level 4"):
        place(world, places.pub_a, learner_of_b(world, eqf_level=4))
    with pytest.raises(ValidationError, match="record the EQF level"):
        place(world, places.pub_a, learner_of_b(world, eqf_level=None))
    assert place(world, places.pub_a, learner_of_b(world, eqf_level=5)).placement == places.pub_a


def test_the_sending_organisation_must_be_the_learners_home(world, places):
    learner = learner_of_b(world)
    with pytest.raises(ValidationError) as error:
        services.place(places.pub_a, learner, sending_organisation=world.org_c, by=world.partner_b)
    assert "learner" in error.value.message_dict


def test_the_keeping_organisation_cannot_place_its_own_learner_at_home(world, places):
    learner = LearnerFactory(home_organisation=world.org_a)
    with pytest.raises(ValidationError) as error:
        services.place(places.pub_a, learner, sending_organisation=world.org_a, by=world.pc_a)
    assert "receiving_organisation" in error.value.message_dict


def test_publish_withdraw_and_back_to_draft_write_history(world, places):
    placement = places.draft_b
    services.move_placement(placement, "publish", by=world.partner_b)
    assert placement.status == Placement.Status.PUBLISHED
    with pytest.raises(ValidationError, match="reason"):
        services.move_placement(placement, "withdraw", by=world.partner_b)
    services.move_placement(placement, "withdraw", by=world.partner_b, reason="The salon closes for works.")
    services.move_placement(placement, "back_to_draft", by=world.partner_b)
    placement.refresh_from_db()
    assert placement.status == Placement.Status.DRAFT
    moves = list(placement.state_history().order_by("pk").values_list("from_state", "to_state", "reason"))
    assert moves == [
        ("draft", "published", ""),
        ("published", "withdrawn", "The salon closes for works."),
        ("withdrawn", "draft", ""),
    ]
    assert StatusChange.objects.filter(object_id=placement.pk, by=world.partner_b).count() == 3


def test_a_partner_may_not_publish_another_organisations_placement(world, places):
    with pytest.raises(PermissionDenied):
        services.move_placement(places.draft_a, "publish", by=world.partner_b)
    places.draft_a.refresh_from_db()
    assert places.draft_a.status == Placement.Status.DRAFT


def test_places_cannot_drop_below_the_learners_placed(world, places):
    placement = places.pub_a
    place(world, placement, learner_of_b(world))
    place(world, placement, learner_of_b(world))
    placement.places = 1
    with pytest.raises(ValidationError) as error:
        services.save_placement(placement, by=world.pc_a, changed=["places"])
    assert "places" in error.value.message_dict
    assert Placement.objects.get(pk=placement.pk).places == 2


def test_saving_a_host_refuses_a_mentor_of_another_organisation(world, places):
    host = places.host_b
    with pytest.raises(ValidationError) as error:
        services.save_host(host, mentors=[world.mentor_b, places.mentor_a], by=world.partner_b)
    assert "mentors" in error.value.message_dict
    assert list(host.mentors.all()) == [world.mentor_b]
