"""The placements demo data added to `seed_demo`: hosts at each VISION school with published placements in the
current partnership, each with the school's demo mentor; idempotent."""

from collections import Counter

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db.models import Max

from partners.models import AuditEntry
from placements.models import HostCompany, Placement

pytestmark = pytest.mark.django_db

CURRENT = "2025-1-LT01-KA122-VET-000123"
ORGS = {"kmpmc", "essenia", "nova", "savo"}


def test_each_school_keeps_hosts_with_published_placements_and_its_mentor(demo):
    hosts = list(HostCompany.objects.select_related("organisation").prefetch_related("mentors"))
    assert Counter(h.organisation.slug for h in hosts) == dict.fromkeys(ORGS, 2)
    for host in hosts:
        assert [m.email for m in host.mentors.all()] == [f"mentor@{host.organisation.slug}.example"]
        assert (host.city, host.country) == (host.organisation.city, host.organisation.country)
    placements = list(Placement.objects.select_related("host__organisation", "partnership", "mentor"))
    assert len(placements) == 8
    for placement in placements:
        placement.full_clean()
        assert placement.status == Placement.Status.PUBLISHED
        assert placement.partnership.project_number == CURRENT
        assert placement.mentor.email == f"mentor@{placement.host.organisation.slug}.example"
        assert placement.state_history().get().to_state == "published"
    assert sum(p.places for p in placements) == 19


def test_a_partner_browses_every_schools_placements(demo, client):
    from partners.models import User

    client.force_login(User.objects.get(email="coordinator@nova.example"))
    response = client.get("/placements/catalogue/vision-mobility/")
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 8


def snapshot() -> dict:
    state = {}
    for label in ("partners", "placements"):
        for model in apps.get_app_config(label).get_models():
            qs = model.objects.all()
            state[model._meta.label] = qs.count()
            if any(f.name == "updated_at" for f in model._meta.get_fields()):
                state[f"{model._meta.label}.updated_at"] = qs.aggregate(latest=Max("updated_at"))["latest"]
    return state


def test_second_run_creates_and_changes_nothing(demo):
    before = snapshot()
    call_command("seed_demo", verbosity=0)
    assert snapshot() == before
    assert AuditEntry.objects.count() == before["partners.AuditEntry"]
