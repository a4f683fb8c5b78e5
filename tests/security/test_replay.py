"""Every role's URLs replayed as every other role and anonymously: nobody reads another's personal data (issue 17,
point 6).

For each crawled account A (every role; the administrator, who sees everything, is crawled but never a reader),
`ReplayCrawl` walks the portal from the dashboard at test time as tests/crawl does (links and GET forms, no POSTs),
keeping downloads too (sealed PDFs, CSV/XLSX exports, JSON, credentials, ZIPs, calendars: leaks hide there) and
the REST API (its list endpoints from its own OpenAPI schema, detail URLs filled from the lists, every same-site URL
a JSON answer holds). Every URL it reached is then fetched again as each reader B and anonymously.

The oracle (tests/security/oracle.py) is the data, not the status code: for each reader, the full names, e-mail
addresses, guardians and birth dates of the learners and applicants outside their `visible_to` (and the details a
reader who sees only a learner's name must not read) are searched in every answer — HTML as read (tags out,
entities decoded) and its attribute values, JSON values (signed credentials' payloads too), CSV, XLSX cells, PDF
text (pdftotext), ZIP member names and members, the download's file name. Expected: no marker in any answer, no
5xx anywhere (A's own crawl is judged the same way, by A's oracle).

It cannot pass by reading nothing: each reader has forbidden markers (the outsider organisation of conftest.py
makes sure even the project coordinator does), A's own crawl must read personal data A may see (a coordinator's,
every kind of answer), `test_the_oracle_catches_a_leak` shows pages made to leak are caught, and
`test_the_oracle_reads_every_kind_of_answer` feeds the oracle each format.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlsplit

import pytest
from django.db import transaction
from django.test import Client

from tests.crawl.accounts import ADMIN, PROJECT_COORDINATOR
from tests.crawl.crawler import DOWNLOAD_VIEWS, SEALED_PDF, Crawl
from tests.crawl.pages import same_site_path

from .conftest import OUTSIDER
from .oracle import Marker, Oracle, answer_text, check_dates_are_distinct, oracle_for

PER_VIEW = 1  # distinct page URLs per view
PER_DOWNLOAD_VIEW = 2  # distinct downloads per view, sealed PDFs included
API_ITEMS = 2  # detail URLs filled from each API list

# Crawled: one account of every role, several organisations.
CRAWLED = {
    "administrator": ADMIN,
    "project coordinator (KMPMC)": PROJECT_COORDINATOR,
    "partner coordinator (Essenia)": "coordinator@essenia.example",
    "partner coordinator (Nova)": "coordinator@nova.example",
    "mentor (KMPMC, selection panel)": "mentor@kmpmc.example",
    "mentor (Savo)": "mentor@savo.example",
    "learner (Nova)": "learner@nova.example",
    "outsider coordinator": OUTSIDER,
}
# Readers: every role but the administrator, from several organisations, the outsider, and anonymous (None). The
# crawled accounts not listed (Savo's mentor, Nova's learner) have their own crawl judged by their own oracle.
READERS = [
    PROJECT_COORDINATOR,
    "coordinator@essenia.example",
    "coordinator@nova.example",
    "mentor@kmpmc.example",
    "mentor@nova.example",
    "learner@kmpmc.example",
    OUTSIDER,
    None,
]


@dataclass
class Leak:
    reader: str
    url: str
    status: int | str
    markers: set[Marker] = field(default_factory=set)

    def line(self) -> str:
        found = ", ".join(sorted(f"{m.owner}: {m.text!r}" for m in self.markers))
        return f"  {self.reader}: GET {self.url} -> {self.status}: {found}"


class ReplayCrawl(Crawl):
    """The link crawl as one account, GET only, keeping every URL it fetched (pages and downloads) and judging
    each answer by the account's own oracle; it also walks the REST API."""

    def __init__(self, user, oracle: Oracle, **kwargs):
        super().__init__(user, **kwargs)
        self.oracle = oracle
        self.urls: list[str] = []
        self.leaks: list[Leak] = []
        self.errors: list[str] = []
        self.read: set[Marker] = set()  # the personal data the account read (and may)
        self.api_templates: list[str] = []
        self.kinds: Counter = Counter()  # kinds of answer read: html, json, pdf, zip, csv, xlsx, calendar

    def run(self, start: str = "/") -> ReplayCrawl:
        self.queue.append(("/api/schema/?format=json", "(start)", "the API's schema"))
        return super().run(start)

    def _wanted(self, url, view, limit_views, seen):
        if not super()._wanted(url, view, limit_views, seen):
            return False
        if view is None or view.startswith("admin:"):
            return True
        limit = PER_DOWNLOAD_VIEW if view in DOWNLOAD_VIEWS or view == SEALED_PDF else PER_VIEW
        return limit_views[view] < limit

    def _post(self, *args, **kwargs):
        pass  # GET only: what a POST shows, a GET of the same object shows too

    def _fetched(self, url, view, response, body):
        self.urls.append(url)
        if response.status_code >= 500:
            self.errors.append(f"GET {url} -> {response.status_code}")
            return
        text = answer_text(response, body)
        if response.status_code == 200:
            self.kinds[kind_of(response)] += 1
        if found := self.oracle.leaks(text):
            self.leaks.append(Leak(self.oracle.reader, url, response.status_code, found))
        self.read |= self.oracle.reads(text)
        if response.status_code == 200 and "json" in response.get("Content-Type", ""):
            self._follow_json(url, json.loads(body))

    def _follow_json(self, url: str, data):
        """Same-site URLs in a JSON answer; the API's list endpoints from its schema, detail URLs from the lists."""
        path = urlsplit(url).path
        if path == "/api/schema/":
            for template in data.get("paths", {}):
                if "{" in template:
                    self.api_templates.append(template)
                else:
                    self.queue.append((template, url, "API schema"))
            return
        for value in _strings(data):
            target = same_site_path(url, value) if value.startswith(("/", "http://testserver/")) else None
            if target:
                self.queue.append((target, url, "JSON"))
        items = data.get("results") if isinstance(data, dict) else None
        for template in self.api_templates if isinstance(items, list) else []:
            prefix, _brace, rest = template.partition("{")
            name, _close, tail = rest.partition("}")
            if prefix == path and tail == "/":
                for item in items[:API_ITEMS]:
                    if isinstance(item, dict) and item.get(name):
                        self.queue.append((f"{prefix}{item[name]}/", url, "API list"))


KINDS = {
    "text/html": "html",
    "application/json": "json",
    "application/pdf": "pdf",
    "application/zip": "zip",
    "text/csv": "csv",
    "text/calendar": "calendar",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
}


def kind_of(response) -> str:
    content_type = response.get("Content-Type", "").split(";")[0].strip()
    return KINDS.get(content_type, content_type)


def _strings(data):
    if isinstance(data, dict):
        for value in data.values():
            yield from _strings(value)
    elif isinstance(data, list):
        for value in data:
            yield from _strings(value)
    elif isinstance(data, str):
        yield data


def replay(urls: list[str], reader, oracle: Oracle, memo: dict | None = None) -> tuple[list[Leak], list[str], int]:
    """GET every URL as `reader` (None: anonymous), each inside a savepoint rolled back; the leaks and the 5xx.

    `memo` keeps what each (reader, URL) found: the pages every account reaches (dashboard, lists, new-object
    forms) are replayed once per reader and world, not once per crawled account. Each replay is rolled back, so
    the answer is the same whichever crawl found the URL."""
    client = Client()
    if reader is not None:
        client.force_login(reader)
    leaks, errors, answered = [], [], 0
    for url in urls:
        key = (oracle.reader, url)
        if memo is not None and key in memo:
            found, failed, ok = memo[key]
        else:
            found, failed, ok = _replay_one(client, url, oracle)
            if memo is not None:
                memo[key] = (found, failed, ok)
        leaks += found
        errors += failed
        answered += ok
    return leaks, errors, answered


def _replay_one(client: Client, url: str, oracle: Oracle) -> tuple[list[Leak], list[str], bool]:
    try:
        with transaction.atomic():
            response = client.get(url)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            transaction.set_rollback(True)
    except Exception as exc:  # noqa: BLE001 - a crash is a 500 to report
        return [], [f"{oracle.reader}: GET {url} -> 500 ({type(exc).__name__}: {exc})"], False
    if response.status_code >= 500:
        return [], [f"{oracle.reader}: GET {url} -> {response.status_code}"], False
    found = oracle.leaks(answer_text(response, body))
    return ([Leak(oracle.reader, url, response.status_code, found)] if found else []), [], response.status_code == 200


@pytest.mark.parametrize("crawled", CRAWLED)
def test_no_reader_reads_personal_data_outside_their_scope(security_world, db, crawled):
    started = time.monotonic()
    check_dates_are_distinct()
    account = security_world.user(CRAWLED[crawled])
    crawl = ReplayCrawl(account, oracle_for(account), is_admin=account.email == ADMIN).run()
    crashed = [failure.line() for failure in crawl.failures if str(failure.status).startswith("5")]
    assert not crawl.errors and not crashed, "\n".join(crawl.errors + crashed)
    # The crawl really reads personal data: names, and for those who may, birth dates or addresses; a coordinator's
    # crawl reaches every kind of answer the portal gives.
    assert {m.tier for m in crawl.read} >= ({"name"} if "mentor" in crawled else {"name", "detail"}), crawl.read
    if "coordinator (" in crawled or crawled == "administrator":
        assert set(crawl.kinds) >= {"html", "json", "pdf", "zip", "csv", "xlsx", "calendar"}, crawl.kinds
    crawled_in = time.monotonic() - started

    leaks, errors, answered = list(crawl.leaks), [], Counter()
    for email in READERS:
        if email == account.email:
            continue
        reader = security_world.user(email) if email else None
        oracle = oracle_for(reader)
        assert oracle.forbidden, f"{oracle.reader} has nobody whose data it must not read: the check would be empty"
        found, failed, answered[oracle.reader] = replay(crawl.urls, reader, oracle, security_world.replayed)
        leaks += found
        errors += failed
    views = Counter(crawl._view_name(url) for url in crawl.urls)
    print(
        f"{crawled}: {len(crawl.urls)} URLs ({sum(views[v] for v in views if v in DOWNLOAD_VIEWS)} downloads,"
        f" {len(views)} views), read {len(crawl.read)} markers; crawl {crawled_in:.1f} s,"
        f" replay {time.monotonic() - started - crawled_in:.1f} s; read {dict(crawl.kinds)};"
        f" 200s per reader: {dict(answered)}"
    )
    assert not errors, "\n".join(errors)
    assert not leaks, f"{len(leaks)} answer(s) with personal data their reader must not see:\n" + "\n".join(
        leak.line() for leak in leaks
    )


# --- the oracle is not blind -------------------------------------------------------------------------------------


def test_the_oracle_catches_a_leak(security_world, db, monkeypatch):
    """Pages made to leak (the learners' scope opened to everyone) are caught; as they are, they are clean."""
    from django.db.models import Q
    from django.urls import reverse

    from mobility.models import Learner
    from mobility.querysets import LearnerQuerySet

    reader = security_world.user("coordinator@nova.example")
    oracle = oracle_for(reader)
    outsider = Learner.objects.get(last_name="Fernsby")
    detail = [outsider.get_absolute_url(), reverse("api:learner-detail", args=[outsider.code])]
    urls = [reverse("mobility:learner_list"), reverse("api:learner-list"), *detail]
    leaks, errors, _answered = replay(urls, reader, oracle)
    assert not leaks and not errors, [leak.line() for leak in leaks] + errors

    monkeypatch.setattr(LearnerQuerySet, "scope_filter", lambda self, scope: Q())
    leaks, errors, _answered = replay(urls, reader, oracle)
    assert not errors
    # The page list keeps to the reader's own organisations on top of the scope; the API's list and both detail
    # answers leak, names only (the details stay with the learner's own organisation).
    assert {leak.url for leak in leaks} == set(urls[1:]), [leak.line() for leak in leaks]
    caught = {(m.owner, m.tier) for leak in leaks for m in leak.markers}
    assert (f"learner {outsider.pk} Wilhelmina Fernsby", "name") in caught, caught
    assert {tier for _owner, tier in caught} == {"name"}, caught


def test_the_oracle_reads_every_kind_of_answer():
    """A person's data is found in each form an answer may carry it: escaped HTML, JSON (escaped, and inside a
    signed credential's payload), CSV, a workbook's cells, a PDF's text, a ZIP's member names and members, and a
    download's file name; a lone first name, a lone last name or another date are not markers."""
    import base64
    import io
    import zipfile
    from types import SimpleNamespace

    from django.http import HttpResponse
    from openpyxl import Workbook

    from .oracle import person_markers

    person = SimpleNamespace(
        first_name="Wilhelmina",
        last_name="Fernsby-Ødegård",
        guardian_name="",
        guardian_email="",
        date_of_birth=date(2003, 11, 29),
    )
    oracle = Oracle("test", forbidden=person_markers(person, ["w.fernsby@learners.outsider.example"], "learner 1"))

    def found(body: bytes, content_type: str, **headers) -> set[str]:
        response = HttpResponse(body, content_type=content_type)
        for name, value in headers.items():
            response[name.replace("_", "-")] = value
        return {m.form for m in oracle.leaks(answer_text(response, body))}

    html = "text/html; charset=utf-8"
    assert found(b"<td>Fernsby-&#216;deg&aring;rd, Wilhelmina</td>", html) == {"words"}
    assert found(b"<td>Wilhelmina</td><td>2003</td><td>Fernsby</td>", html) == set()
    assert found(b'<tr><td class="name">Wilhelmina</td>\n  <td>Fernsby-\xc3\x98deg\xc3\xa5rd</td>', html) == {"words"}
    assert found(b'<input name="guardian" value="Wilhelmina Fernsby-&#xD8;deg&#xE5;rd">', html) == {"words"}
    assert found(b"<p>29 November 2003</p><p>2003-11-290</p>", html) == {"date"}
    assert found(b"<p>1 December 2003, 12003-11-29</p>", html) == set()
    escaped = b'{"name": "Wilhelmina Fernsby-\\u00d8deg\\u00e5rd"}'
    assert found(escaped, "application/json") == {"words"}
    separate = rb'{"code": "x", "first_name": "Wilhelmina", "last_name": "Fernsby-\u00d8deg\u00e5rd", "personal": null}'
    assert found(separate, "application/json") == {"words"}
    payload = base64.urlsafe_b64encode(b'{"email": "w.fernsby@learners.outsider.example"}').rstrip(b"=")
    assert found(b'{"payload": "' + payload + b'", "signatures": []}', "application/json") == {"email"}
    assert found("first,last,born\nWilhelmina,Fernsby-Ødegård,29.11.2003\n".encode(), "text/csv") == {"words", "date"}
    book, buffer = Workbook(), io.BytesIO()
    book.active.append(["Wilhelmina", "Fernsby-Ødegård", date(2003, 11, 29)])
    book.save(buffer)
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert found(buffer.getvalue(), xlsx) == {"words", "date"}
    assert found(PDF_NAMING, "application/pdf") == {"words", "date"}
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("transcript-wilhelmina-fernsby-odegard.txt", "")
        zipped.writestr("other.pdf", PDF_NAMING)
    assert found(archive.getvalue(), "application/zip") == {"words", "date"}
    disposition = 'attachment; filename="europass-fernsby-odegard-wilhelmina.pdf"'
    assert found(b"%PDF-1.4\n%%EOF\n", "application/pdf", Content_Disposition=disposition) == {"words"}


# A one-page PDF whose text names the person and their birth date (pdftotext reads it).
_PDF_STREAM = b"BT /F1 12 Tf 72 712 Td (Wilhelmina Fernsby-Odegard, born 2003-11-29) Tj ET"
PDF_NAMING = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Contents 4 0 R"
    b"/Resources<</Font<</F1 5 0 R>>>>>>endobj\n"
    b"4 0 obj<</Length " + str(len(_PDF_STREAM)).encode() + b">>stream\n" + _PDF_STREAM + b"\nendstream endobj\n"
    b"5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
