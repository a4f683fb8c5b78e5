"""The dissemination demo data added to `seed_demo`: national events in the four VISION countries with their
audience, other activities, reach targets and the public results page; idempotent."""

from collections import Counter
from datetime import UTC, datetime

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db.models import Max

from dissemination import services
from dissemination.models import (
    Activity,
    Audience,
    Channel,
    DisseminationEvent,
    PublicPage,
    PublicResult,
    ReachTarget,
)
from partners.models import AuditEntry, Partnership, User

pytestmark = pytest.mark.django_db

TODAY = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
VISION = "2019-1-LT01-KA202-060748"
COUNTRIES = {"kmpmc": "LT", "essenia": "IT", "nova": "NL", "savo": "FI"}


@pytest.fixture
def vision(demo):
    return Partnership.objects.get(project_number=VISION)


def snapshot() -> dict:
    """Row count and newest update of every partners and dissemination model."""
    state = {}
    for label in ("partners", "dissemination"):
        for model in apps.get_app_config(label).get_models():
            qs = model.objects.all()
            state[model._meta.label] = qs.count()
            if any(f.name == "updated_at" for f in model._meta.get_fields()):
                state[f"{model._meta.label}.updated_at"] = qs.aggregate(latest=Max("updated_at"))["latest"]
    return state


def test_a_national_event_in_each_country_organised_by_its_partner(vision):
    national = DisseminationEvent.objects.filter(partnership=vision, kind=DisseminationEvent.Kind.NATIONAL)
    by_country = Counter((e.country.code, e.organisation.slug) for e in national.select_related("organisation"))
    assert by_country == {(country, slug): 1 for slug, country in COUNTRIES.items()}
    for event in DisseminationEvent.objects.filter(partnership=vision):
        assert vision.start_date <= event.date <= vision.end_date
        assert event.date.year in (2021, 2022)
        assert event.format in (DisseminationEvent.Format.ON_SITE, DisseminationEvent.Format.BLENDED)
        assert event.place and event.country and event.agenda and event.outcomes
    events = DisseminationEvent.objects.filter(partnership=vision)
    assert events.filter(is_public=True).count() > events.count() / 2


def test_a_final_event_by_the_coordinator_in_2022(vision):
    final = DisseminationEvent.objects.filter(
        partnership=vision,
        kind__in=[DisseminationEvent.Kind.MULTIPLIER, DisseminationEvent.Kind.CONFERENCE],
    ).select_related("organisation")
    assert [(e.organisation.slug, e.date.year) for e in final] == [("kmpmc", 2022)]


def test_events_saved_with_audience_by_the_organisers_coordinator(vision):
    for event in DisseminationEvent.objects.filter(partnership=vision).select_related("organisation"):
        audience = list(event.audience.all())
        assert len(audience) >= 3, event
        assert all(a.total > 0 for a in audience)
        entry = AuditEntry.objects.get(object_code=str(event.code))
        assert entry.verb == AuditEntry.Verb.CREATED
        assert entry.actor_email == f"coordinator@{event.organisation.slug}.example"
    assert Audience.objects.filter(event__partnership=vision, international__gt=0).exists()
    assert Audience.objects.filter(event__partnership=vision).values("group").distinct().count() >= 5


def test_activities_in_several_channels_and_languages(vision):
    activities = list(Activity.objects.filter(partnership=vision).select_related("organisation"))
    assert 8 <= len(activities) <= 12
    assert {a.channel for a in activities} == set(Channel.values) - {Channel.EVENT, Channel.OTHER}
    assert {a.language for a in activities} == {"lt", "it", "nl", "fi", "en"}
    assert {a.organisation.slug for a in activities} == set(COUNTRIES)
    for activity in activities:
        assert activity.reach > 0 and activity.date
        assert activity.link.startswith("https://") and ".example/" in activity.link
        entry = AuditEntry.objects.get(object_code=str(activity.code))
        assert entry.actor_email == f"coordinator@{activity.organisation.slug}.example"


def test_reach_report_with_targets_some_met_some_not(vision):
    report = services.reach_report(vision)
    assert report["people"] > 0 and report["reach"] > 0
    assert report["events"] == 5
    assert {c["country"] for c in report["countries"]} == set(COUNTRIES.values())
    rows = [r for r in report["groups"] + report["channels"] if r["target"]]
    assert len(rows) == ReachTarget.objects.filter(partnership=vision).count() >= 6
    assert all(r["percent"] is not None for r in rows)
    assert any(r["percent"] >= 100 for r in rows)
    assert any(r["percent"] < 100 for r in rows)


def test_public_page_enabled_with_results(vision):
    page = PublicPage.objects.get(partnership=vision)
    assert page.enabled and page.summary
    assert services.public_page_for(vision) == page
    content = services.public_content(vision)
    results = content["results"]
    assert 3 <= len(results) <= 4
    assert all(r.link and not r.file for r in results)
    assert PublicResult.objects.filter(partnership=vision).count() == len(results)
    assert content["past_events"]
    assert content["upcoming_events"] == []  # the project ended in 2022


def test_second_run_creates_and_changes_nothing(demo):
    before = snapshot()
    call_command("seed_demo", verbosity=0)
    assert snapshot() == before


def test_no_accounts_created(demo):
    assert User.objects.filter(email__endswith=".example").count() == 11
