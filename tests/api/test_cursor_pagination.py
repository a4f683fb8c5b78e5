"""Cursor pagination of the API lists: `next` walks every visible row once, in the list's order, with no
OFFSET and the same queries on every page; `?page=N` keeps working; a bad cursor is a 400 on `cursor`."""

from __future__ import annotations

import base64
import json
from datetime import date, timedelta
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from documents.models import RenderedDocument
from documents.services import request_pdf
from mobility.models import Learner, Mobility
from tests.documents.support import forced_memorandum, make_ready
from tests.factories_mobility import LearnerFactory, MobilityFactory

from .conftest import PDF

STATUSES = [Mobility.Status.DRAFT, Mobility.Status.PLANNED, Mobility.Status.CANCELLED]


@pytest.fixture
def crowd(world):
    """23 mobilities and learners pc_a sees (few distinct dates, names and statuses: many ties), and 4 of
    P2 that pc_a does not see."""
    for i in range(23):
        learner = LearnerFactory(home_organisation=world.org_a, last_name=f"Name{i % 4}", first_name=f"F{i % 3}")
        MobilityFactory(
            learner=learner,
            partnership=world.p1,
            receiving_organisation=world.org_b,
            start_date=date(2021, 4, 1) + timedelta(days=7 * (i % 5)),
            status=STATUSES[i % 3],
        )
    hidden = []
    for _i in range(4):
        learner = LearnerFactory(home_organisation=world.org_c, last_name="Name0")
        hidden.append(MobilityFactory(learner=learner, partnership=world.p2, receiving_organisation=world.org_c))
    return hidden


def walk(client, url, params=None, direction="next"):
    """Every page from `url` on by following `direction`: (pages of codes, SQL of every request, queries per
    request)."""
    pages, sql, counts = [], [], []
    target = url + ("?" + urlencode(params) if params else "")
    while target:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(target)
        assert response.status_code == 200, response.content
        body = response.json()
        pages.append([row["code"] if "code" in row else row["slug"] for row in body["results"]])
        sql += [query["sql"] for query in ctx.captured_queries]
        counts.append(len(ctx.captured_queries))
        target = body[direction]
    return pages, sql, counts


def codes(queryset, *ordering):
    return [str(code) for code in queryset.order_by(*ordering).values_list("code", flat=True)]


def cursor_of(link: str) -> str:
    return parse_qs(urlsplit(link).query)["cursor"][0]


def forged(position, *, reverse=False, offset=None) -> str:
    tokens = {"p": position if isinstance(position, str) else json.dumps(position)}
    if reverse:
        tokens["r"] = "1"
    if offset:
        tokens["o"] = str(offset)
    return base64.b64encode(urlencode(tokens).encode()).decode()


def test_following_next_returns_every_visible_mobility_once_in_order_without_offset(world, crowd, api_for):
    pages, sql, _counts = walk(api_for(world.pc_a), "/api/v1/mobilities/", {"page_size": 5})
    expected = codes(Mobility.objects.visible_to(world.pc_a), "-start_date", "pk")
    assert len(expected) >= 23
    assert [code for page in pages for code in page] == expected
    assert all(len(page) == 5 for page in pages[:-1])
    assert not any("OFFSET" in query.upper() for query in sql)
    hidden = {str(mobility.code) for mobility in crowd}
    assert hidden.isdisjoint(code for page in pages for code in page)


def test_a_deep_page_runs_the_same_queries_as_the_first(world, crowd, api_for):
    _pages, _sql, counts = walk(api_for(world.pc_a), "/api/v1/mobilities/", {"page_size": 2})
    assert len(counts) >= 12
    assert len(set(counts)) == 1


def test_previous_walks_back_through_the_same_pages(world, crowd, api_for):
    client = api_for(world.pc_a)
    forward, _sql, _counts = walk(client, "/api/v1/learners/", {"page_size": 4})
    last = "/api/v1/learners/?page_size=4"
    while (following := client.get(last).json()["next"]) is not None:
        last = following
    backward, sql, _counts = walk(client, last, direction="previous")
    assert backward == list(reversed(forward))
    assert not any("OFFSET" in query.upper() for query in sql)


@pytest.mark.parametrize(
    ("endpoint", "ordering", "model_ordering"),
    [
        ("mobilities", "start_date", ["start_date", "pk"]),
        ("mobilities", "-end_date", ["-end_date", "pk"]),
        ("mobilities", "status", ["status", "pk"]),
        ("mobilities", "-status", ["-status", "pk"]),
        ("mobilities", "-created_at", ["-created_at", "pk"]),
        ("learners", "-last_name", ["-last_name", "pk"]),
        ("learners", "first_name", ["first_name", "pk"]),
        ("learners", None, ["last_name", "first_name", "pk"]),
    ],
)
def test_every_ordering_pages_by_cursor_in_that_order(world, crowd, api_for, endpoint, ordering, model_ordering):
    params = {"page_size": 3} | ({"ordering": ordering} if ordering else {})
    pages, sql, _counts = walk(api_for(world.pc_a), f"/api/v1/{endpoint}/", params)
    model = Mobility if endpoint == "mobilities" else Learner
    assert [code for page in pages for code in page] == codes(model.objects.visible_to(world.pc_a), *model_ordering)
    assert not any("OFFSET" in query.upper() for query in sql)


@pytest.mark.parametrize("ordering", ["finished_at", "-finished_at"])
def test_documents_page_by_a_date_that_may_be_empty(world, mob, api_for, ordering):
    # Queued PDFs have no finished_at: they sort after every date (before them, descending), as PostgreSQL
    # sorts them, on every database.
    for i in range(3):
        make_ready(forced_memorandum(world.p1, [world.org_a, world.org_b], title=f"Ready {i}"), PDF)
        request_pdf(forced_memorandum(world.p1, [world.org_a, world.org_b], title=f"Queued {i}"))
    pages, sql, _counts = walk(api_for(world.pc_a), "/api/v1/documents/", {"page_size": 2, "ordering": ordering})
    finished = F("finished_at")
    by = finished.desc(nulls_first=True) if ordering.startswith("-") else finished.asc(nulls_last=True)
    expected = codes(RenderedDocument.objects.visible_to(world.pc_a), by, "pk")
    assert len(expected) >= 6
    assert [code for page in pages for code in page] == expected
    assert not any("OFFSET" in query.upper() for query in sql)


def test_a_page_number_still_selects_that_page_and_its_links_continue_by_cursor(world, crowd, api_for):
    client = api_for(world.pc_a)
    expected = codes(Mobility.objects.visible_to(world.pc_a), "-start_date", "pk")
    body = client.get("/api/v1/mobilities/", {"page": 2, "page_size": 5}).json()
    assert body["count"] == len(expected)
    assert [row["code"] for row in body["results"]] == expected[5:10]
    assert "page=" not in body["next"] and "cursor=" in body["next"] and "page_size=5" in body["next"]
    assert [row["code"] for row in client.get(body["next"]).json()["results"]] == expected[10:15]
    assert [row["code"] for row in client.get(body["previous"]).json()["results"]] == expected[0:5]
    assert client.get("/api/v1/mobilities/", {"page": 1}).json()["previous"] is None


def test_count_is_the_whole_visible_list_on_every_page(world, crowd, api_for):
    client = api_for(world.pc_a)
    first = client.get("/api/v1/mobilities/", {"page_size": 5}).json()
    second = client.get(first["next"]).json()
    assert first["count"] == second["count"] == Mobility.objects.visible_to(world.pc_a).count()


def test_filters_and_page_size_travel_with_the_cursor(world, crowd, api_for):
    client = api_for(world.pc_a)
    pages, _sql, _counts = walk(client, "/api/v1/mobilities/", {"page_size": 2, "status": "planned"})
    planned = Mobility.objects.visible_to(world.pc_a).filter(status="planned")
    assert [code for page in pages for code in page] == codes(planned, "-start_date", "pk")
    assert all(len(page) == 2 for page in pages[:-1])


def test_a_cursor_made_for_another_ordering_is_a_400(world, crowd, api_for):
    client = api_for(world.pc_a)
    link = client.get("/api/v1/mobilities/", {"page_size": 5, "ordering": "status"}).json()["next"]
    response = client.get("/api/v1/mobilities/", {"cursor": cursor_of(link), "ordering": "-start_date"})
    assert response.status_code == 400
    assert set(response.json()) == {"cursor"}
    # Another list's cursor is refused the same way.
    learners = client.get("/api/v1/learners/", {"page_size": 5}).json()["next"]
    assert client.get("/api/v1/mobilities/", {"cursor": cursor_of(learners)}).status_code == 400


def test_a_cursor_and_a_page_together_are_a_400(world, crowd, api_for):
    client = api_for(world.pc_a)
    link = client.get("/api/v1/mobilities/", {"page_size": 5}).json()["next"]
    response = client.get("/api/v1/mobilities/", {"cursor": cursor_of(link), "page": 2})
    assert response.status_code == 400 and set(response.json()) == {"cursor"}


ORDER = ["-start_date", "pk"]


@pytest.mark.parametrize(
    "cursor",
    [
        "",
        "not base64!",
        "é",
        base64.b64encode(b"\xff\xfe").decode(),
        forged("not json"),
        forged({"o": ORDER, "v": ["2021-04-01", 1]}, offset=5),
        forged({"o": ORDER, "v": ["2021-04-01"]}),
        forged({"o": ORDER, "v": "2021-04-01"}),
        forged(["2021-04-01", 1]),
        forged({"o": ORDER, "v": ["April", 1]}),
        forged({"o": ORDER, "v": [None, 1]}),
        forged({"o": ORDER, "v": ["2021-04-01", "x"]}),
        forged({"o": ORDER, "v": ["2021-04-01", 10**30]}),
        forged({"o": ORDER, "v": ["2021-04-01", True]}),
        forged({"o": ORDER, "v": [["2021-04-01"], 1]}),
        forged({"o": ORDER, "v": ["2021-04-01\x00", 1]}),
        base64.b64encode(b"r=x").decode(),
    ],
)
def test_a_malformed_or_tampered_cursor_is_a_400_on_cursor(world, crowd, api_for, cursor):
    response = api_for(world.pc_a).get("/api/v1/mobilities/", {"cursor": cursor})
    assert response.status_code == 400
    assert set(response.json()) == {"cursor"}


@pytest.mark.parametrize(
    "value",
    ["2021-04-01T10:00:00", "yesterday", "2021-04-01T10:00:00+00:00\x00"],
)
def test_a_tampered_date_and_time_in_a_cursor_is_a_400(world, crowd, api_for, value):
    cursor = forged({"o": ["-created_at", "pk"], "v": [value, 1]})
    response = api_for(world.pc_a).get("/api/v1/mobilities/", {"cursor": cursor, "ordering": "-created_at"})
    assert response.status_code == 400 and set(response.json()) == {"cursor"}


def test_a_hand_made_cursor_stays_inside_the_callers_scope(world, crowd, api_for):
    # The cursor only says where to start: a position before every row still shows only visible rows.
    cursor = forged({"o": ORDER, "v": ["2999-01-01", 0]})
    pages, _sql, _counts = walk(api_for(world.pc_a), f"/api/v1/mobilities/?cursor={cursor}&page_size=50")
    assert [code for page in pages for code in page] == codes(
        Mobility.objects.visible_to(world.pc_a), "-start_date", "pk"
    )
    hidden = {str(mobility.code) for mobility in crowd}
    assert hidden.isdisjoint(pages[0])


def test_the_schema_describes_cursor_page_and_the_paged_answer(client, db):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    operation = schema["paths"]["/api/v1/mobilities/"]["get"]
    parameters = {p["name"]: p["schema"] for p in operation["parameters"]}
    assert parameters["cursor"] == {"type": "string"}
    assert parameters["page"]["minimum"] == 1
    assert (parameters["page_size"]["minimum"], parameters["page_size"]["maximum"]) == (1, 200)
    reference = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    paged = schema["components"]["schemas"][reference.rsplit("/", 1)[-1]]
    assert set(paged["required"]) == {"count", "next", "previous", "results"}
    assert paged["properties"]["next"]["nullable"] is True
