"""partners.pagination: pages after the first are read as keys, then rows (issue 15)."""

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from mobility.models import Mobility
from partners.pagination import paginate
from tests.factories_mobility import MobilityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def mobilities(world):
    from datetime import date, timedelta

    # Ties on the start date: the order is only total with the id.
    return [
        MobilityFactory(partnership=world.p1, start_date=date(2024, 1, 1) + timedelta(days=i // 3)) for i in range(30)
    ]


def page_of(queryset, number, per_page=7):
    return paginate(RequestFactory().get("/", {"page": number}), queryset, per_page=per_page)


def ordered():
    return Mobility.objects.select_related("learner", "partnership").order_by("-start_date", "id")


@pytest.mark.parametrize("number", [1, 2, 3, 4, 5])
def test_every_page_holds_the_rows_a_single_offset_query_gives_in_its_order(mobilities, number):
    plain = Paginator(ordered(), 7).get_page(number)
    page = page_of(ordered(), number)
    assert [m.pk for m in page.object_list] == [m.pk for m in plain.object_list]
    assert page.number == plain.number and page.paginator.num_pages == plain.paginator.num_pages == 5
    assert len(page.object_list) == (2 if number == 5 else 7)


def test_a_deep_page_skips_rows_without_joining_them(mobilities):
    with CaptureQueriesContext(connection) as queries:
        page = page_of(ordered(), 3)
        rows = list(page.object_list)
    keys, rows_sql = queries.captured_queries[-2]["sql"], queries.captured_queries[-1]["sql"]
    assert "OFFSET 14" in keys and "JOIN" not in keys
    assert "JOIN" in rows_sql and "OFFSET" not in rows_sql
    assert rows[0].learner.last_name  # the joined rows came with the page: no query per row
    assert len(queries.captured_queries) == 3  # count, keys, rows


def test_the_first_page_stays_one_query(mobilities):
    with CaptureQueriesContext(connection) as queries:
        list(page_of(ordered(), 1).object_list)
    assert len(queries.captured_queries) == 2  # count, rows


def test_out_of_range_and_bad_numbers_give_the_nearest_page(mobilities):
    assert page_of(ordered(), 99).number == 5
    assert page_of(ordered(), "x").number == 1


def test_distinct_lists_and_plain_lists_are_paged_as_before(mobilities):
    distinct = ordered().distinct()
    assert [m.pk for m in page_of(distinct, 2).object_list] == [m.pk for m in Paginator(ordered(), 7).page(2)]
    values = list(ordered().values_list("pk", flat=True))
    assert list(page_of(values, 2).object_list) == values[7:14]


def test_orphans_join_the_last_page(mobilities):
    from partners.pagination import DeferredJoinPaginator

    page = DeferredJoinPaginator(ordered(), 7, orphans=2).page(4)
    assert [m.pk for m in page.object_list] == [m.pk for m in Paginator(ordered(), 7, orphans=2).page(4)]
    assert len(page.object_list) == 9
