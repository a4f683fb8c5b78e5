"""The placement models: the period, the host's mentors, the partnership, the places taken."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from mobility.models import Mobility
from placements.models import Placement
from tests.factories import OrganisationFactory, PartnershipFactory
from tests.factories_mobility import MobilityFactory
from tests.factories_placements import HostCompanyFactory, PlacementFactory, mentor_at

pytestmark = pytest.mark.django_db


def test_factory_placement_is_valid_and_published():
    placement = PlacementFactory()
    placement.full_clean()
    assert placement.status == Placement.Status.PUBLISHED
    assert placement.mentor in placement.host.mentors.all()


def test_mentor_must_be_one_of_the_hosts_mentors():
    placement = PlacementFactory()
    placement.mentor = mentor_at(placement.host.organisation)  # a mentor of the organisation, not of this host
    with pytest.raises(ValidationError) as error:
        placement.full_clean()
    assert "mentor" in error.value.message_dict


def test_host_mentors_must_be_mentors_of_the_keeping_organisation():
    host = HostCompanyFactory()
    host.mentors.add(mentor_at(OrganisationFactory()))
    with pytest.raises(ValidationError) as error:
        host.full_clean()
    assert "mentors" in error.value.message_dict


def test_partnership_must_hold_the_keeping_organisation():
    placement = PlacementFactory()
    placement.partnership = PartnershipFactory(partners=[OrganisationFactory()])
    with pytest.raises(ValidationError) as error:
        placement.full_clean()
    assert "partnership" in error.value.message_dict


def test_period_must_be_in_order_and_inside_the_project():
    placement = PlacementFactory()
    placement.end_date = date(2021, 4, 1)
    with pytest.raises(ValidationError) as error:
        placement.full_clean()
    assert "end_date" in error.value.message_dict
    placement.start_date, placement.end_date = date(2023, 1, 2), date(2023, 1, 30)
    with pytest.raises(ValidationError) as error:
        placement.full_clean()
    assert "start_date" in error.value.message_dict


def test_places_must_be_at_least_one():
    placement = PlacementFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Placement.objects.filter(pk=placement.pk).update(places=0)


def test_places_taken_counts_mobilities_not_cancelled():
    placement = PlacementFactory(places=3)
    for _ in range(2):
        MobilityFactory(placement=placement, partnership=placement.partnership)
    cancelled = MobilityFactory(placement=placement, partnership=placement.partnership)
    Mobility.objects.filter(pk=cancelled.pk).update(status=Mobility.Status.CANCELLED)
    assert placement.places_taken() == 2
    assert placement.places_free() == 1
    annotated = Placement.objects.with_places_taken().get(pk=placement.pk)
    assert annotated.taken == 2
    assert annotated.places_free() == 1


def test_placement_with_learners_cannot_be_deleted():
    from django.db.models import ProtectedError

    placement = PlacementFactory()
    MobilityFactory(placement=placement, partnership=placement.partnership)
    with pytest.raises(ProtectedError):
        placement.delete()
