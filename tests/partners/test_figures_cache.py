"""The figures' cache (partners/figures.py, issue 15): a partnership's dashboard, budgets and learner-report results
are computed once per reader, language and data version, and computed again as soon as the portal's data changes.

On the partners `world` (tests/conftest.py): pc_a coordinates P1 (A + B); partner_b coordinates B.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from mobility.models import Mobility
from partners import figures
from tests.factories_mobility import LearnerFactory, MobilityFactory


@pytest.fixture
def cache_on(settings):
    settings.VISION_FIGURES_CACHE_SECONDS = 60


def counter():
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    return calls, compute


def test_figures_are_computed_once_until_the_data_changes(world, cache_on, django_capture_on_commit_callbacks):
    calls, compute = counter()
    assert figures.cached("test", world.p1.pk, world.pc_a, compute) == 1
    assert figures.cached("test", world.p1.pk, world.pc_a, compute) == 1
    # Any save of the portal's data is a change, once its transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        world.org_a.save()
    assert figures.cached("test", world.p1.pk, world.pc_a, compute) == 2
    assert len(calls) == 2


def test_a_deletion_is_a_change_too(world, cache_on, django_capture_on_commit_callbacks):
    learner = LearnerFactory(home_organisation=world.org_b)
    calls, compute = counter()
    figures.cached("test", world.p1.pk, world.pc_a, compute)
    with django_capture_on_commit_callbacks(execute=True):
        learner.delete()
    figures.cached("test", world.p1.pk, world.pc_a, compute)
    assert len(calls) == 2


def test_each_reader_partnership_and_language_has_its_own_figures(world, cache_on):
    calls, compute = counter()
    figures.cached("test", world.p1.pk, world.pc_a, compute)
    figures.cached("test", world.p1.pk, world.partner_b, compute)
    figures.cached("test", world.p2.pk, world.pc_a, compute)
    with translation.override("fi"):
        figures.cached("test", world.p1.pk, world.pc_a, compute)
    figures.cached("other", world.p1.pk, world.pc_a, compute)
    assert len(calls) == 5
    figures.cached("test", world.p1.pk, world.partner_b, compute)
    assert len(calls) == 5


def test_with_the_cache_off_figures_are_computed_every_time(world, settings):
    settings.VISION_FIGURES_CACHE_SECONDS = 0
    calls, compute = counter()
    figures.cached("test", world.p1.pk, world.pc_a, compute)
    figures.cached("test", world.p1.pk, world.pc_a, compute)
    assert len(calls) == 2


def _mobility(world) -> Mobility:
    return MobilityFactory(
        learner=LearnerFactory(home_organisation=world.org_b),
        partnership=world.p1,
        receiving_organisation=world.org_a,
    )


@pytest.mark.parametrize(
    "name, kwargs",
    [
        ("reporting:dashboard", {}),
        ("reporting:budget", {}),
        ("mobility:partnership_budget", {}),
        ("mobility:report_aggregates", {}),
    ],
)
def test_a_cached_page_shows_a_new_mobility_at_once(
    world, cache_on, client_for, name, kwargs, django_capture_on_commit_callbacks
):
    _mobility(world)
    client = client_for(world.pc_a)
    url = reverse(name, kwargs={"slug": world.p1.slug})
    first = client.get(url)
    assert first.status_code == 200
    with CaptureQueriesContext(connection) as cold:
        client.get(url)
    # Served from the cache: fewer queries than computing them.
    figures.changed()
    with CaptureQueriesContext(connection) as computed:
        client.get(url)
    assert len(cold) < len(computed)
    with django_capture_on_commit_callbacks(execute=True):
        _mobility(world)
    with CaptureQueriesContext(connection) as after_change:
        client.get(url)
    assert len(after_change) == len(computed)


def test_the_dashboard_counts_the_new_mobility(world, cache_on, client_for, django_capture_on_commit_callbacks):
    _mobility(world)
    client = client_for(world.pc_a)
    url = reverse("reporting:dashboard", kwargs={"slug": world.p1.slug})
    before = client.get(url).context["data"]["mobilities"]["total"]
    assert client.get(url).context["data"]["mobilities"]["total"] == before
    with django_capture_on_commit_callbacks(execute=True):
        _mobility(world)
    assert client.get(url).context["data"]["mobilities"]["total"] == before + 1


def test_a_migration_saving_through_historical_models_leaves_the_cache_alone(world, cache_on):
    """Data migrations run before `createcachetable` on a new database: they must not reach the cache."""
    from django.db.migrations.executor import MigrationExecutor

    historical = MigrationExecutor(connection).loader.project_state().apps.get_model("partners", "Organisation")
    calls, compute = counter()
    figures.cached("test", world.p1.pk, world.pc_a, compute)
    with CaptureQueriesContext(connection) as queries:
        historical.objects.get(pk=world.org_a.pk).save()
    assert not [q for q in queries.captured_queries if "vision_cache" in q["sql"]]
    figures.cached("test", world.p1.pk, world.pc_a, compute)
    assert len(calls) == 1


def test_a_transaction_drops_the_figures_once_and_only_when_it_commits(
    world, cache_on, django_capture_on_commit_callbacks
):
    """The token's row is not touched inside a writing transaction (that would make every other writer wait for
    its commit), and many saves drop it once."""
    calls, compute = counter()
    figures.cached("test", world.p1.pk, world.pc_a, compute)
    with django_capture_on_commit_callbacks() as callbacks, CaptureQueriesContext(connection) as queries:
        world.org_a.save()
        world.org_b.save()
        LearnerFactory(home_organisation=world.org_b)
    assert not [q for q in queries.captured_queries if "vision_cache" in q["sql"]]
    # Not yet committed: the figures stand.
    figures.cached("test", world.p1.pk, world.pc_a, compute)
    assert len(calls) == 1
    # At the commit, the first callback drops them with one cache query; the others find nothing to do.
    with CaptureQueriesContext(connection) as commit:
        for callback in callbacks:
            callback()
    assert len([q for q in commit.captured_queries if "vision_cache" in q["sql"]]) == 1
    figures.cached("test", world.p1.pk, world.pc_a, compute)
    assert len(calls) == 2


def filter_section(response) -> str:
    html = response.content.decode()
    return html[html.index('class="filter-form"') : html.index('name="mentor"') + 2000]


def mentor_options(response) -> list[str]:
    html = response.content.decode()
    select = html[html.index('name="mentor"') :]
    return [part.split(">", 1)[1].split("<", 1)[0] for part in select[: select.index("</select>")].split("<option")[2:]]


def test_a_lists_filter_form_is_kept_per_query_and_offers_a_new_mentor_at_once(
    world, cache_on, client_for, django_capture_on_commit_callbacks
):
    from tests.factories import MembershipFactory

    client = client_for(world.pc_a)
    url = reverse("mobility:all_mobilities")
    first = client.get(url)
    assert mentor_options(first) == []
    with CaptureQueriesContext(connection) as cached:
        again = client.get(url)
    assert filter_section(again) == filter_section(first)
    assert not any('"partners_user"' in q["sql"] and "mentor_id" in q["sql"] for q in cached.captured_queries)
    # Another page of the list is the same form.
    with CaptureQueriesContext(connection) as paged:
        client.get(url, {"page": 2})
    assert not any('"partners_user"' in q["sql"] and "mentor_id" in q["sql"] for q in paged.captured_queries)
    # Another query string is another form (its values are filled in).
    filtered = client.get(url, {"q": "Ona"})
    assert 'value="Ona"' in filtered.content.decode() and 'value="Ona"' not in first.content.decode()

    mentor = MembershipFactory(organisation=world.org_a, role="mentor").user
    with django_capture_on_commit_callbacks(execute=True):
        Mobility.objects.filter(pk=_mobility(world).pk).update(mentor=mentor)  # no signal: an update()
        world.org_a.save()  # a change of the portal's data, as any service's save
    assert mentor_options(client.get(url)) == [mentor.get_full_name()]
