"""The API shows a mobility's inclusion support costs only to those who may read its grant
(mobility.access.may_read_grant): they tell that the learner has fewer opportunities."""

from decimal import Decimal

import pytest
from django.urls import reverse

from mobility.models import Mobility

pytestmark = pytest.mark.django_db


def test_the_host_reads_the_mobility_without_its_inclusion_costs(world, mob, api_for):
    mobility = mob.m_a_to_b  # A sends to B
    Mobility.objects.filter(pk=mobility.pk).update(inclusion_support_costs=Decimal("420"))
    url = reverse("api:mobility-detail", kwargs={"code": mobility.code})
    sender = api_for(world.pc_a).get(url)
    host = api_for(world.partner_b).get(url)
    assert (sender.status_code, host.status_code) == (200, 200)
    assert sender.json()["inclusion_support_costs"] == "420.00"
    assert host.json()["inclusion_support_costs"] is None
    assert host.json()["travel_days"] == sender.json()["travel_days"]  # the rest is the same
