"""Every page type per demo role at network scale, served by gunicorn as in production (issue 15, point 1).

    make bench-pages    # = DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/pages.py
    .venv/bin/python bench/pages.py --mobilities 2000 --repeat 5        # a quick run while debugging

1. Creates a PostgreSQL database `bench_pages_<pid>` on the server of DATABASE_URL (dropped at the end, also after
   an error or Ctrl-C): migrate, `createcachetable`, the demo (`seed_demo`, DEBUG on), then `--small` (500)
   mobilities with their rows from bench/scale_data.py (COPY), the queries counted (step 2), then the rest up to
   `--mobilities` (25,000); the generation time is printed.
2. Counts the queries of every page in-process (Django's test client, `CaptureQueriesContext`, after one warm-up
   request), as each role (session; a token for the API), at 500 and at 25,000 mobilities: the same URLs, so the
   same objects (chosen at 500: a recognised KA122 stay with its documents, where the role sees one).
3. Serves the big database with gunicorn and `vision.settings.production` (`--workers 2 --threads 4` by default,
   static files collected into a temporary STATIC_ROOT and served by WhiteNoise), on 127.0.0.1 and a free port. The
   production settings are used unchanged except for what the environment gives them: SECRET_KEY, ALLOWED_HOSTS,
   the broker (`--broker`, a Redis database of its own, emptied at the end: production has one, and `/healthz`
   checks it as a load balancer's probe does there) and VISION_MFA_REQUIRED_ROLES empty (the demo accounts have no
   TOTP). No Celery worker runs: the pages queue no task (the end of the run reports any that were). HTTPS is what
   README's TLS proxy gives it: every request carries `X-Forwarded-Proto: https` (SECURE_PROXY_SSL_HEADER), so
   there is no redirect, and the client sends the Secure cookies itself; the login is the allauth form with its
   CSRF token, Origin and Referer.
4. Logs in as each demo role and times every page it reaches (those that answered 200 in step 2): one warm-up
   request, then `--repeat` (20) rounds of one `/healthz` request (no cookies, like a load balancer) followed by
   the page. API pages use a token from `manage.py create_api_token`.
5. Measures 1 and 8 concurrent clients on one list page (the project coordinator's outgoing mobilities) for
   `--seconds` each, and the gunicorn workers' RSS at the end (/proc/<pid>/status).
6. Prints the table — page, role, p50, p95, p50 ÷ /healthz p50 of the run, queries at both sizes, the goals
   missed — and a summary line; exits 1 if a goal is missed (`--no-fail`: always 0).

Goals (issue 15, point 2): p95 < 150 ms; p50 ≤ 15 × /healthz p50; ≤ 20 queries, the same at 500 and 25,000
mobilities; worker RSS < 250 MB; 8 clients ≥ 1.6 × the throughput of one.

Measured 2026-12-07 (night) on the 2-core machine, otherwise idle (PostgreSQL 15 on the same machine), the command
above: 25,000 mobilities generated in 37 s (then vacuumed, as autovacuum would); whole run 246 s. gunicorn 2 workers
× 4 threads, with the broker (Redis db 14, as production has one); /healthz p50 3.6 ms, p95 5.9 ms over 4,280
requests, so p50 ≤ 15 × /healthz means ≤ 54 ms. Each cell: p50/p95 ms (queries — the same at 500 and at 25,000
mobilities on every page); * would mark a missed goal (none here); – the role does not reach the page. Pages marked
"cached" in docs/performance.md are timed after one warm-up request, so from the figures' cache
(partners/figures.py); docs/performance.md gives their cold times.

page                            project coord.         partner          mentor         learner           admin
home                                24/25 (16)      22/26 (15)       31/37 (7)       27/29 (8)       21/24 (8)
waiting for me                       9/10 (10)       8/10 (10)         7/7 (7)         5/6 (8)         5/6 (6)
reports index                          7/8 (6)         7/7 (6)         5/5 (3)         5/5 (3)         6/6 (4)
reports dashboard (vision)          28/29 (19)      26/29 (19)               –               –      33/37 (17)
mobilities: all                     17/18 (10)               –               –               –       21/27 (8)
mobilities: all, filtered           24/28 (11)               –               –               –       34/44 (9)
mobilities: all, search             21/25 (10)               –               –               –       29/37 (8)
mobilities: all, page 200           21/24 (11)               –               –               –       28/34 (9)
mobilities: outgoing                17/19 (11)      18/22 (11)               –               –       20/23 (9)
mobilities: outgoing, filtered      19/22 (11)      19/21 (11)               –               –       23/30 (9)
mobilities: outgoing, page 200      19/21 (12)      20/21 (12)               –               –      22/25 (10)
mobilities: incoming                17/21 (10)      17/21 (10)               –               –       21/25 (8)
mobilities: my learners                8/9 (7)        9/10 (7)       16/18 (8)        9/10 (5)        9/12 (5)
my mobility                            8/8 (5)         8/9 (5)         7/7 (4)               –         8/9 (3)
learners                             16/18 (8)       17/19 (8)               –               –       18/24 (6)
learners, filtered                   18/21 (8)       17/21 (8)               –               –       23/26 (6)
learners, page 200                   27/32 (9)       23/27 (9)               –               –       18/20 (7)
organisations                        10/11 (7)       10/11 (7)        8/11 (6)       10/12 (6)       10/12 (5)
organisation                           9/9 (7)         8/9 (7)         6/7 (5)         7/9 (5)        9/10 (5)
organisation people                  15/20 (7)       13/13 (7)               –               –       15/17 (5)
partnerships                         10/11 (8)         9/9 (8)         5/6 (3)         6/7 (3)       10/11 (6)
partnership                            9/9 (7)         8/9 (7)               –               –       10/10 (5)
partnership audit                    38/47 (7)               –               –               –       23/26 (5)
mobility                            29/31 (14)      28/31 (15)      27/30 (12)      31/38 (15)      22/26 (12)
mobility checklist                  21/28 (10)      17/17 (10)       16/20 (9)       17/19 (9)       20/22 (8)
mobility assessment                 16/18 (10)      13/13 (10)       14/15 (9)       12/13 (8)       15/19 (8)
learner                              18/22 (8)       12/13 (8)       13/15 (7)       14/16 (7)       14/15 (6)
Learning Agreement                  20/22 (12)      21/24 (12)      25/30 (11)      21/22 (10)      21/23 (10)
Learning Agreement version          19/20 (11)      19/21 (11)      22/24 (11)      22/24 (14)       19/20 (9)
Personal Transcript                 18/20 (10)      24/29 (10)       20/22 (9)               –       19/20 (8)
grant agreement                     19/20 (13)      21/23 (13)               –      25/34 (12)      21/22 (11)
budget: partnership                 29/33 (12)      27/28 (13)               –               –      33/35 (10)
budget: project (reports)           19/21 (12)      13/15 (12)               –               –      18/19 (10)
budget: school                      27/29 (14)      24/30 (14)               –               –      25/26 (12)
report: reach                       14/15 (11)      13/15 (11)               –               –       13/16 (9)
report: learner reports             19/24 (14)      11/12 (15)               –               –      19/22 (12)
training events                      19/23 (7)       17/19 (7)       12/15 (6)       10/12 (5)       16/19 (5)
training event                      23/25 (13)      17/18 (13)      15/19 (10)               –       26/31 (9)
training participants               36/41 (14)      27/29 (14)       13/17 (8)               –       24/32 (7)
dissemination events                 21/23 (9)       20/23 (9)       10/13 (3)       10/14 (3)       24/32 (7)
dissemination activities             23/25 (9)       19/22 (9)        9/11 (3)       10/14 (3)       26/36 (7)
dissemination event                  11/12 (8)        9/10 (8)               –               –       14/19 (6)
API mobilities                      23/25 (14)      23/33 (14)      35/41 (13)      17/20 (13)      28/36 (12)
API mobilities, page 200            32/36 (15)      32/39 (15)      19/23 (14)      23/28 (13)      28/32 (13)
API mobility                        11/13 (12)      11/13 (12)      10/12 (11)      16/21 (12)      14/18 (10)
API learners                        30/33 (12)      26/30 (12)      12/16 (11)      11/16 (11)      18/21 (10)
API learners, page 100              33/40 (13)      25/28 (13)      13/16 (12)      14/17 (11)      16/20 (11)
API mobilities, by cursor           25/28 (14)      28/31 (14)               –               –      29/35 (12)
API learners, by cursor             25/30 (12)      25/30 (12)               –               –      14/16 (10)
API partnerships                     9/10 (13)       9/10 (13)         6/7 (9)        9/11 (9)       9/10 (11)
API organisations                     7/9 (12)        8/8 (12)       7/10 (11)       8/13 (11)       8/10 (10)
API training events                 14/16 (13)      14/16 (13)      10/11 (12)      12/17 (11)      15/18 (11)
API documents                       31/32 (19)      28/33 (17)      25/34 (14)      32/39 (12)      23/25 (16)
admin index                                  –               –               –               –       18/20 (3)
admin mobilities                             –               –               –               –       42/44 (8)

SUMMARY: 214 pages measured; p95 ≥ 150 ms: 0; p50 > 15× /healthz: 0 (the highest: admin mobilities 11.8×, the
partnership audit 10.6×); > 20 queries: 0; queries not flat: 0; not 200: 0; worker RSS 210 and 210 MB (ok);
'mobilities: outgoing' 1 client 43.4 req/s (p95 26 ms), 8 clients 80.2 req/s (p95 164 ms): ×1.85 (ok); exit
status 0. Two runs earlier the same evening, before the learner scope's two changes (docs/performance.md): one
pair over the ratio each time, API learners page 100 (the mentor's 50 ms = 15.8×, then the project coordinator's
57 ms = 17.6×).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from math import ceil
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import requests

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/postgres"
PASSWORD = os.environ.get("DEMO_PASSWORD", "vision-demo")
ROLES = [
    ("coordinator@kmpmc.example", "project coord."),
    ("coordinator@nova.example", "partner"),
    ("mentor@nova.example", "mentor"),
    ("learner@nova.example", "learner"),
    ("admin@vision.example", "admin"),
]
P95_MS, RATIO, MAX_QUERIES, MAX_RSS_MB, MIN_SPEEDUP = 150.0, 15.0, 20, 250.0, 1.6
ROLE_NAMES = dict(ROLES)
THROUGHPUT_PAGE = ("coordinator@kmpmc.example", "mobilities: outgoing")
FOLLOW_NEXT = "follow=next"  # a catalogue URL whose page is the `next` link of its response

# --- the pages (run inside Django) ---------------------------------------------------------------------------------


def catalogue(user) -> list[dict]:
    """Every page type, with objects this user can see (pages the role does not reach answer 403/404 and are left
    out by the caller)."""
    from django.db.models import Count
    from django.urls import NoReverseMatch, reverse
    from django.utils import timezone

    from dissemination.models import DisseminationEvent
    from ecvet.models import GrantAgreement
    from mobility.models import Mobility
    from partners.models import Organisation
    from training_events.models import TrainingEvent

    # Objects of the same shape at both sizes (the query counts are compared): a recognised stay of the KA122 project
    # with one version of its agreement and of its assessment, an approved transcript and the learner's report, if
    # the role sees one.
    visible = Mobility.objects.visible_to(user).order_by("-start_date", "id")
    typical = visible.filter(partnership__slug="vision-mobility", status="recognised", transcript__status="approved",
                             learner_report__isnull=False)  # fmt: skip
    typical = typical.annotate(
        n_versions=Count("learning_agreement__versions", distinct=True),
        n_assessments=Count("assessments", distinct=True),
    ).filter(n_versions=1, n_assessments=1)
    mobility = typical.first() or visible.first()
    org = Organisation.objects.filter(memberships__user=user).order_by("pk").first() or Organisation.objects.get(
        slug="kmpmc"
    )
    partnership = mobility.partnership if mobility else None
    pages: list[dict] = []

    def page(key: str, name: str, query: str = "", *, api: bool = False, **kwargs) -> None:
        try:
            pages.append({"key": key, "url": reverse(name, kwargs=kwargs or None) + query, "api": api})
        except NoReverseMatch:
            pass

    page("home", "home")
    page("waiting for me", "partners:waiting")
    page("reports index", "reporting:index")
    for slug in ("vision-mobility", "vision"):
        page(f"reports dashboard ({slug})", "reporting:dashboard", slug=slug)
    page("mobilities: all", "mobility:all_mobilities")
    if partnership is not None:
        page("mobilities: all, filtered", "mobility:all_mobilities", f"?status=completed&partnership={partnership.pk}")
    if mobility is not None:
        page("mobilities: all, search", "mobility:all_mobilities", f"?q={mobility.learner.last_name}")
    page("mobilities: all, page 200", "mobility:all_mobilities", "?page=200")
    page("mobilities: outgoing", "mobility:outgoing")
    page("mobilities: outgoing, filtered", "mobility:outgoing", "?status=in_mobility")
    page("mobilities: outgoing, page 200", "mobility:outgoing", "?page=200")
    page("mobilities: incoming", "mobility:incoming")
    page("mobilities: my learners", "mobility:my_learners")
    page("my mobility", "mobility:my_mobility")
    page("learners", "mobility:learner_list")
    page("learners, filtered", "mobility:learner_list", "?fewer_opportunities=true")
    page("learners, page 200", "mobility:learner_list", "?page=200")
    page("organisations", "partners:organisation_list")
    page("organisation", "partners:organisation_detail", slug=org.slug)
    page("organisation people", "partners:organisation_people", slug=org.slug)
    page("partnerships", "partners:partnership_list")
    page("partnership", "partners:partnership_detail", slug="vision-mobility")
    page("partnership audit", "partners:partnership_audit", slug="vision-mobility")
    if mobility is not None:
        page("mobility", "mobility:mobility_detail", code=mobility.code)
        page("mobility checklist", "mobility:checklist", code=mobility.code)
        page("mobility assessment", "mobility:assessment", code=mobility.code)
        page("learner", "mobility:learner_detail", code=mobility.learner.code)
        agreement = getattr(mobility, "learning_agreement", None)
        if agreement is not None:
            page("Learning Agreement", "ecvet:agreement_detail", code=agreement.code)
            version = agreement.versions.order_by("-number").first()
            page("Learning Agreement version", "ecvet:agreement_version", code=version.code)
        transcript = getattr(mobility, "transcript", None)
        if transcript is not None:
            page("Personal Transcript", "ecvet:transcript_detail", code=transcript.code)
    grant = GrantAgreement.objects.visible_to(user).order_by("pk").first()
    if grant is not None:
        page("grant agreement", "ecvet:grant_detail", code=grant.code)
    page("budget: partnership", "mobility:partnership_budget", slug="vision-mobility")
    page("budget: project (reports)", "reporting:budget", slug="vision-mobility")
    page("budget: school", "mobility:organisation_budget", slug=org.slug)
    page("report: reach", "dissemination:reach_report", slug="vision-mobility")
    page("report: learner reports", "mobility:report_aggregates", slug="vision-mobility")
    page("training events", "training_events:event_list")
    events = TrainingEvent.objects.visible_to(user).filter(end_date__lt=timezone.localdate())
    event = events.annotate(people=Count("participants")).order_by("-people", "pk").first()
    if event is not None:
        page("training event", "training_events:event_detail", code=event.code)
        page("training participants", "training_events:participant_list", code=event.code)
    page("dissemination events", "dissemination:event_list")
    page("dissemination activities", "dissemination:activity_list")
    dissemination = DisseminationEvent.objects.visible_to(user).order_by("-date", "pk").first()
    if dissemination is not None:
        page("dissemination event", "dissemination:event_detail", code=dissemination.code)
    page("API mobilities", "api:mobility-list", api=True)
    page("API mobilities, page 200", "api:mobility-list", "?page=200", api=True)
    if mobility is not None:
        page("API mobility", "api:mobility-detail", api=True, code=mobility.code)
    page("API learners", "api:learner-list", api=True)
    page("API learners, page 100", "api:learner-list", "?page=100", api=True)
    # Deep pages the way clients walk them: the `next` link of page 5 (a cursor: no OFFSET), resolved in count_queries.
    page("API mobilities, by cursor", "api:mobility-list", f"?page=5&{FOLLOW_NEXT}", api=True)
    page("API learners, by cursor", "api:learner-list", f"?page=5&{FOLLOW_NEXT}", api=True)
    page("API partnerships", "api:partnership-list", api=True)
    page("API organisations", "api:organisation-list", api=True)
    page("API training events", "api:training-event-list", api=True)
    page("API documents", "api:document-list", api=True)
    page("admin index", "admin:index")
    page("admin mobilities", "admin:mobility_mobility_changelist")
    return pages


def count_queries(out_path: str, pages_path: str | None = None) -> None:
    """Each role's pages (`catalogue`, or those of the JSON file `pages_path`) once in-process after a warm-up, with
    their status and query count (JSON to `out_path`)."""
    import io

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from partners.models import User

    settings.DEBUG = False
    given = json.loads(Path(pages_path).read_text()) if pages_path else {}
    result = {}
    for email, _role in ROLES:
        user = User.objects.get(email=email)
        buffer = io.StringIO()
        call_command("create_api_token", email, "--name", "bench-pages", stdout=buffer)
        token = buffer.getvalue().strip()
        browser = Client()
        browser.force_login(user)
        api = Client(HTTP_AUTHORIZATION=f"Token {token}")
        rows = []
        for page in given.get(email) or catalogue(user):
            client = api if page["api"] else browser
            if page["url"].endswith(FOLLOW_NEXT):
                following = client.get(page["url"].removesuffix(FOLLOW_NEXT).rstrip("&?"))
                link = following.json().get("next") if following.status_code == 200 else None
                if not link:
                    continue  # fewer than six pages for this role
                page = {**page, "url": urlunsplit(("", "", *urlsplit(link)[2:]))}
            try:
                client.get(page["url"])
                with CaptureQueriesContext(connection) as queries:
                    response = client.get(page["url"])
                    if getattr(response, "streaming", False):
                        b"".join(response.streaming_content)
                status = response.status_code
            except Exception as error:  # noqa: BLE001 - a crash is a result to report
                status, queries = f"500 ({type(error).__name__}: {error})"[:120], []
            rows.append({"key": page["key"], "url": page["url"], "api": page["api"], "status": status,
                         "queries": len(queries)})  # fmt: skip
        result[email] = {"token": token, "pages": rows}
    Path(out_path).write_text(json.dumps(result))


# --- the client -----------------------------------------------------------------------------------------------------


class Browser:
    """A keep-alive HTTP client behind the TLS proxy: `X-Forwarded-Proto: https` on every request and the cookies
    (Secure in production) kept and sent here."""

    def __init__(self, base: str, *, token: str | None = None):
        self.base = base
        self.session = requests.Session()
        self.session.trust_env = False
        self.cookies: dict[str, str] = {}
        self.dropped = 0  # keep-alive connections the server closed under a request (sent again once)
        self.headers = {"X-Forwarded-Proto": "https", "User-Agent": "vision-bench-pages"}
        if token:
            self.headers["Authorization"] = f"Token {token}"

    def request(self, method: str, path: str, **kwargs):
        headers = {**self.headers, **kwargs.pop("headers", {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            response = self.session.request(
                method, self.base + path, headers=headers, allow_redirects=False, timeout=300, **kwargs
            )
        except requests.ConnectionError:
            if method != "GET":
                raise
            self.dropped += 1
            response = self.session.request(
                method, self.base + path, headers=headers, allow_redirects=False, timeout=300
            )
        self.cookies.update(response.cookies.get_dict())
        self.session.cookies.clear()
        return response

    def get(self, path: str):
        return self.request("GET", path)

    def timed_get(self, path: str) -> tuple[float, int]:
        began = time.perf_counter()
        response = self.get(path)
        return (time.perf_counter() - began) * 1000, response.status_code

    def login(self, email: str, password: str) -> None:
        form = self.get("/accounts/login/")
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)
        if form.status_code != 200 or match is None:
            raise RuntimeError(f"login page: {form.status_code}")
        origin = "https://" + urlsplit(self.base).netloc
        response = self.request(
            "POST",
            "/accounts/login/",
            data={"csrfmiddlewaretoken": match.group(1), "login": email, "password": password},
            headers={"Origin": origin, "Referer": origin + "/accounts/login/"},
        )
        if response.status_code != 302 or "/accounts/" in response.headers.get("Location", ""):
            raise RuntimeError(f"login of {email} failed: {response.status_code} {response.headers.get('Location')}")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(ceil(share * len(ordered)) - 1, 0)]


# --- processes and databases ----------------------------------------------------------------------------------------

CHILDREN: list[subprocess.Popen] = []


def start(args: list[str], env: dict, **kwargs) -> subprocess.Popen:
    process = subprocess.Popen(args, env=env, cwd=ROOT, **kwargs)  # noqa: S603 - our own commands
    CHILDREN.append(process)
    return process


def run(args: list[str], env: dict, *, what: str) -> str:
    process = start(args, env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output, _ = process.communicate()
    CHILDREN.remove(process)
    if process.returncode != 0:
        raise RuntimeError(f"{what} failed ({process.returncode}):\n{output[-4000:]}")
    return output


def stop(process: subprocess.Popen, timeout: float = 20) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    if process in CHILDREN:
        CHILDREN.remove(process)


def database_url(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def server_sql(url: str, sql: str) -> None:
    import psycopg

    parts = urlsplit(url)
    dsn = urlunsplit(("postgresql", parts.netloc, parts.path or "/postgres", parts.query, ""))
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(sql)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def worker_rss_mb(master: int) -> list[float]:
    """VmRSS of the gunicorn master's children (the workers)."""
    out = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in text.splitlines() if ":" in line)
        if fields.get("PPid", "").strip() == str(master) and "VmRSS" in fields:
            out.append(int(fields["VmRSS"].split()[0]) / 1024)
    return out


# --- the run -------------------------------------------------------------------------------------------------------


class Run:
    """One benchmark run: its temporary directory, database, environments and child processes; `close()` stops
    the server and drops the database whatever happened."""

    def __init__(self, args):
        self.args = args
        self.began = time.perf_counter()
        self.url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
        self.name = f"bench_pages_{os.getpid()}"
        self.database = database_url(self.url, self.name)
        self.work = Path(tempfile.mkdtemp(prefix="bench-pages-"))
        self.created: list[str] = []
        self.server: subprocess.Popen | None = None
        common = {
            **os.environ,
            "PYTHONWARNINGS": "ignore",
            "CELERY_BROKER_URL": "",  # tasks run in-process: no Redis
            "MEDIA_ROOT": str(self.work / "media"),
            "VISION_SIGNING_P12": str(self.work / "seal.p12"),
            "STATIC_ROOT": str(self.work / "static"),
            "LOG_LEVEL": "ERROR",  # no line per 403/404 of the pages a role does not reach
        }
        self.local = {**common, "DJANGO_SETTINGS_MODULE": "vision.settings.local", "DEBUG": "1"}
        self.test = {**common, "DJANGO_SETTINGS_MODULE": "vision.settings.test"}
        self.production = {
            **common,
            "DJANGO_SETTINGS_MODULE": "vision.settings.production",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "VISION_MFA_REQUIRED_ROLES": "",  # the demo accounts have no TOTP device
            "DATABASE_URL": self.database,
            # A broker as in production (README): /healthz checks it, and tasks a page queues go to Redis (no worker
            # runs here; the queue is emptied at the end).
            "CELERY_BROKER_URL": args.broker,
        }

    def log(self, message: str) -> None:
        print(f"[{time.perf_counter() - self.began:5.0f} s] {message}", flush=True)

    def create(self) -> None:
        """The database, migrated, with the cache table and the demo."""
        server_sql(self.url, f'CREATE DATABASE "{self.name}"')
        self.created.append(self.name)
        where = urlsplit(self.url)
        self.log(f"database {self.name} on {where.hostname}:{where.port}")
        run([PY, "bench/scale_data.py", "base"], {**self.local, "DATABASE_URL": self.database}, what="base")
        self.log("migrated, cache table created, demo seeded")

    def grow(self, n: int) -> tuple[float, str]:
        """`n` mobilities more (bench/scale_data.py, COPY); returns the seconds it took and its report."""
        began = time.perf_counter()
        grow = [PY, "bench/scale_data.py", "grow", "--mobilities", str(n)]
        output = run(grow, {**self.local, "DATABASE_URL": self.database}, what="grow")
        seconds = time.perf_counter() - began
        self.log(f"generated {n:,} mobilities in {seconds:.1f} s")
        return seconds, output

    def count(self, size: str, pages: dict | None = None) -> dict[str, dict]:
        """Step 2 at this size, in a Django process of its own: every role's pages (those of `pages`, the first
        count's, when given: the same objects at both sizes) with their status and queries."""
        path, given = self.work / f"queries-{size}.json", self.work / "pages.json"
        command = [PY, "bench/pages.py", "--count-queries", str(path)]
        if pages is not None:
            given.write_text(json.dumps({email: data["pages"] for email, data in pages.items()}))
            command += ["--pages", str(given)]
        run(command, {**self.test, "DATABASE_URL": self.database}, what=f"query count ({size})")
        counted = json.loads(path.read_text())
        self.log(f"queries counted in-process ({size})")
        for email, data in counted.items():
            odd = [f"{p['key']} ({p['status']})" for p in data["pages"] if p["status"] not in (200, 302, 403, 404)]
            if odd:
                self.log(f"  left out for {email}: {'; '.join(odd)}")
        return counted

    def tokens(self, counted: dict) -> None:
        """The timed run's API tokens, made by the management command."""
        for email, _role in ROLES:
            command = [PY, "manage.py", "create_api_token", email, "--name", "bench-pages"]
            counted[email]["token"] = run(command, self.production, what="create_api_token").split()[-1]

    def serve(self, static: subprocess.Popen) -> str:
        """gunicorn on the big database with the production settings; returns its base URL."""
        _out, errors = static.communicate()
        CHILDREN.remove(static)
        if static.returncode != 0:
            raise RuntimeError(f"collectstatic failed:\n{errors.decode()[-4000:]}")
        port = free_port()
        log = self.work / "gunicorn.log"
        with open(log, "wb") as output:
            # No control socket: gunicorn 27 opens one per host (~/.gunicorn/gunicorn.ctl), shared with any other run.
            command = [str(Path(PY).parent / "gunicorn"), "vision.wsgi:application", "--bind", f"127.0.0.1:{port}",
                       "--workers", str(self.args.workers), "--threads", str(self.args.threads),
                       "--timeout", "300", "--no-control-socket"]  # fmt: skip
            self.server = start(command, self.production, stdout=output, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        probe = Browser(base)
        for _ in range(300):
            try:
                if probe.get("/healthz").status_code == 200:
                    break
            except OSError:
                pass
            if self.server.poll() is not None:
                raise RuntimeError("gunicorn stopped:\n" + log.read_text()[-4000:])
            time.sleep(0.2)
        else:
            raise RuntimeError("gunicorn did not answer /healthz within a minute")
        broker = probe.get("/healthz").json().get("broker")
        if broker != "ok":
            raise RuntimeError(
                f"/healthz says the broker is {broker!r}: start Redis ({self.args.broker}) or name one with --broker"
            )
        self.log(f"gunicorn on {base}: {self.args.workers} workers × {self.args.threads} threads, production settings")
        return base

    def close(self) -> None:
        if self.server is not None:
            stop(self.server)
            log = (self.work / "gunicorn.log").read_text(errors="replace")
            restarted = log.count("Booting worker") > self.args.workers
            if restarted or any(mark in log for mark in ("Traceback", "[ERROR]", "[CRITICAL]")):
                print(f"gunicorn's log ends with:\n{log[-3000:]}", file=sys.stderr)
        for process in list(CHILDREN):
            stop(process)
        if self.server is not None:
            self.empty_broker()
        for name in reversed(self.created):
            try:
                server_sql(self.url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            except Exception as error:  # noqa: BLE001 - report it and go on with the rest of the cleanup
                print(f"could not drop the database {name}: {error}", file=sys.stderr)
        shutil.rmtree(self.work, ignore_errors=True)

    def empty_broker(self) -> None:
        """Report and drop what the pages queued: nothing should be waiting once the run is over."""
        try:
            import redis

            connection = redis.Redis.from_url(self.args.broker)
            queued = connection.llen("celery")
            connection.flushdb()
        except Exception as error:  # noqa: BLE001 - report it and go on with the rest of the cleanup
            print(f"could not empty the broker {self.args.broker}: {error}", file=sys.stderr)
            return
        if queued:
            self.log(f"{queued} tasks were queued by the pages (no worker runs here); dropped")


def time_pages(base: str, counted: dict, repeat: int, log) -> tuple[list[dict], list[float]]:
    """Each role's pages that answered 200 in-process: one warm-up, then `repeat` × (/healthz, page)."""
    health = Browser(base)
    healthz: list[float] = []
    rows = []
    for email, role in ROLES:
        pages = [p for p in counted[email]["pages"] if p["status"] == 200]
        if not pages:
            continue
        browser = Browser(base)
        browser.login(email, PASSWORD)
        api = Browser(base, token=counted[email]["token"])
        began = time.perf_counter()
        for page in pages:
            client = api if page["api"] else browser
            client.timed_get(page["url"])
            timings, status = [], 200
            for _ in range(repeat):
                healthz.append(health.timed_get("/healthz")[0])
                ms, code = client.timed_get(page["url"])
                timings.append(ms)
                status = code if code != 200 else status
            rows.append({**page, "email": email, "role": role, "timings": timings, "http": status})
        dropped = browser.dropped + api.dropped + health.dropped
        note = f" ({dropped} keep-alive connections closed under a request, sent again)" if dropped else ""
        log(f"timed {len(pages)} pages as {email} in {time.perf_counter() - began:.0f} s{note}")
    return rows, healthz


def throughput(base: str, counted: dict, clients: int, seconds: float) -> tuple[float, float, int]:
    """Requests per second, p95 (ms) and connections dropped by the server, of `clients` threads, each with its own
    signed-in session, for `seconds`."""
    email, key = THROUGHPUT_PAGE
    url = next(p["url"] for p in counted[email]["pages"] if p["key"] == key)
    browsers = []
    for _ in range(clients):
        browser = Browser(base)
        browser.login(email, PASSWORD)
        browser.get(url)
        # Each request on a new connection, as the TLS proxy in front of gunicorn sends them (nginx speaks HTTP/1.0
        # to its upstream and closes each connection unless told otherwise), so that whichever worker is free
        # accepts it. A kept-alive connection stays with the worker that accepted it: in one run all eight landed
        # on one worker, which served them alone (x1.03).
        browser.session.headers["Connection"] = "close"
        browsers.append(browser)
    timings: list[float] = []
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def work(browser):
        mine = []
        while time.perf_counter() < deadline:
            mine.append(browser.timed_get(url)[0])
        with lock:
            timings.extend(mine)

    began = time.perf_counter()
    threads = [threading.Thread(target=work, args=(b,)) for b in browsers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - began
    return len(timings) / seconds, percentile(timings, 0.95), sum(b.dropped for b in browsers)


def table(rows: list[dict], healthz: list[float], small: dict) -> tuple[list[str], dict[str, int]]:
    """The table's lines and, per goal, the number of pages that miss it."""
    base_p50 = statistics.median(healthz)
    lines = [f"{'page':<36}{'role':<16}{'p50 ms':>8}{'p95 ms':>8}{'÷ hz':>7}{'queries':>12}  missed"]
    misses = dict.fromkeys(("p95", "ratio", "queries", "flat", "status"), 0)
    at_500 = {
        (email, p["key"]): p["queries"] for email, data in small.items() for p in data["pages"] if p["status"] == 200
    }
    for row in rows:
        p50, p95 = statistics.median(row["timings"]), percentile(row["timings"], 0.95)
        ratio = p50 / base_p50
        few = at_500.get((row["email"], row["key"]))
        missed = []
        for goal, failed, label in (
            ("status", row["http"] != 200, f"HTTP {row['http']}"),
            ("p95", p95 >= P95_MS, "p95"),
            ("ratio", ratio > RATIO, "÷ hz"),
            ("queries", row["queries"] > MAX_QUERIES, "queries"),
            ("flat", few is not None and few != row["queries"], "not flat"),
        ):
            if failed:
                misses[goal] += 1
                missed.append(label)
        queries = f"{few if few is not None else '–'} / {row['queries']}"
        role = ROLE_NAMES[row["email"]]
        lines.append(f"{row['key']:<36}{role:<16}{p50:>8.0f}{p95:>8.0f}{ratio:>7.1f}{queries:>12}  {', '.join(missed)}")
    return lines, misses


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mobilities", type=int, default=25_000)
    parser.add_argument("--small", type=int, default=500, help="mobilities when the queries are first counted")
    parser.add_argument("--repeat", type=int, default=20, help="timed requests per page (each after a /healthz)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=10.0, help="duration of each throughput measurement")
    parser.add_argument(
        "--broker",
        default=os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/14"),
        help="the Redis the served portal uses as its broker, as in production (emptied at the end)",
    )
    parser.add_argument("--no-fail", action="store_true", help="exit 0 even when a goal is missed")
    parser.add_argument("--count-queries", metavar="JSON", help=argparse.SUPPRESS)  # internal: step 2, in Django
    parser.add_argument("--pages", metavar="JSON", help=argparse.SUPPRESS)  # internal: the pages to count
    args = parser.parse_args()
    if args.count_queries:
        sys.path.insert(0, str(ROOT))
        count_queries(args.count_queries, args.pages)
        return 0
    if not 0 < args.small < args.mobilities:
        parser.error("--small must be between 0 and --mobilities")

    def interrupted(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupted)  # clean up as after Ctrl-C
    bench = Run(args)
    try:
        bench.log(f"collecting static files into {bench.work / 'static'} (in the background)")
        collect = [PY, "manage.py", "collectstatic", "--noinput", "-v", "0"]
        static = start(collect, bench.production, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        bench.create()
        first, _report = bench.grow(args.small)
        small = bench.count("small")
        rest, report = bench.grow(args.mobilities - args.small)
        generation = first + rest
        print("\n".join("         " + line for line in report.splitlines()), flush=True)
        bench.log(f"generation of {args.mobilities:,} mobilities: {generation:.0f} s ({first:.0f} + {rest:.0f} s)")
        big = bench.count("big", pages=small)  # the same pages, the same objects
        bench.tokens(big)
        base = bench.serve(static)
        rows, healthz = time_pages(base, big, args.repeat, bench.log)
        one = throughput(base, big, 1, args.seconds)
        eight = throughput(base, big, 8, args.seconds)
        rss = worker_rss_mb(bench.server.pid)
        bench.log("measured; stopping gunicorn, dropping the database")
    finally:
        bench.close()

    lines, misses = table(rows, healthz, small)
    speedup, worst = eight[0] / one[0], max(rss, default=0.0)
    print(f"\n{args.mobilities:,} mobilities, {args.workers} workers × {args.threads} threads, broker {args.broker}; "
          f"/healthz p50 "
          f"{statistics.median(healthz):.1f} ms, p95 {percentile(healthz, 0.95):.1f} ms ({len(healthz)} requests); "
          f"{args.repeat} requests per page; queries at {args.small:,} / {args.mobilities:,} mobilities")  # fmt: skip
    print("\n".join(lines))
    page = f"'{THROUGHPUT_PAGE[1]}' as {THROUGHPUT_PAGE[0]}"
    dropped = (
        f"; keep-alive connections closed under a request (sent again): {one[2] + eight[2]}"
        if one[2] + eight[2]
        else ""
    )
    print(f"throughput on {page}: 1 client {one[0]:.1f} req/s (p95 {one[1]:.0f} ms), 8 clients {eight[0]:.1f} req/s "
          f"(p95 {eight[1]:.0f} ms): ×{speedup:.2f}{dropped}")  # fmt: skip
    print(f"gunicorn worker RSS after the run: {', '.join(f'{mb:.0f} MB' for mb in sorted(rss))}")
    rss_ok, speedup_ok = worst < MAX_RSS_MB, speedup >= MIN_SPEEDUP
    print(
        f"SUMMARY: {len(rows)} pages measured; p95 ≥ {P95_MS:.0f} ms: {misses['p95']}; p50 > {RATIO:.0f}× /healthz: "
        f"{misses['ratio']}; > {MAX_QUERIES} queries: {misses['queries']}; queries not flat: {misses['flat']}; "
        f"not 200: {misses['status']}; worker RSS {worst:.0f} MB {'ok' if rss_ok else 'MISSED'}; "
        f"8 clients ×{speedup:.2f} {'ok' if speedup_ok else 'MISSED'}; generation {generation:.0f} s; "
        f"whole run {time.perf_counter() - bench.began:.0f} s"
    )
    failed = sum(misses.values()) or not rss_ok or not speedup_ok
    return 1 if failed and not args.no_fail else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit("interrupted: gunicorn stopped, database dropped")
