"""A bounded breadth-first walk of the portal as one signed-in person, recording every refused link.

From the dashboard it follows every same-site `<a href>`, submits every GET form with its rendered
values, and POSTs every POST form once with its rendered values inside a savepoint that is rolled
back (the test client runs the view on the same connection, so nothing the POST did survives).
"""

from __future__ import annotations

import time
import traceback
from collections import Counter, deque
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

from django.db import transaction
from django.test import Client
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve

from .pages import Form, parse, policy_problems, same_site_path

MAX_PAGES = 400
PER_VIEW = 3  # distinct URLs visited per resolved view name
PER_DOWNLOAD_VIEW = 25  # downloads are cheap and each one must answer, so check more of them
SEALED_PDF = "documents:download"  # every sealed-PDF link reached is fetched, without a bound

# Not followed at all: leaving the session or changing the language would change what the crawl sees.
SKIPPED_VIEWS = {"account_logout", "set_language"}
SKIPPED_PREFIXES = ("/static/", "/media/", "/i18n/")

# Files, not pages: fetched (streamed to the end) and expected to answer 200, never parsed.
DOWNLOAD_VIEWS = {
    "documents:download",
    "documents:partnership_zip",
    "documents:mobility_zip",
    "ecvet:memorandum_json",
    "ecvet:agreement_json",
    "ecvet:transcript_json",
    "ecvet:europass_json",
    "ecvet:transcript_credential",
    "ecvet:mobility_credential",
    "ecvet:europass_credential",
    "ecvet:mobility_europass_credential",
    "mobility:mobility_export",
    "mobility:evidence_download",
    "mobility:partnership_budget_csv",
    "mobility:organisation_budget_csv",
    "mobility:import_template",
    "mobility:learner_export",
    "training_events:event_ics",
    "training_events:personal_ics",
    "training_events:material_download",
    "dissemination:file_download",
    "dissemination:public_result_file",
    "dissemination:public_result_download",
    "reporting:budget_csv",
    "reporting:export_mobilities",
    "reporting:export_participants",
    "reporting:archive",
    "mfa_download_recovery_codes",
}


def project_url_names() -> set[str]:
    """Every named URL of the project, with its namespace ("mobility:mobility_edit")."""
    names = set()

    def walk(patterns, namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                ns = namespace
                if pattern.namespace:
                    ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                walk(pattern.url_patterns, ns)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver().url_patterns)
    return names


@dataclass
class Failure:
    page: str  # where the link or form was found
    text: str  # the link text or the form's submit button
    url: str
    method: str
    status: int | str

    def line(self) -> str:
        return f"  on {self.page}: {self.method} {self.url} [{self.text}] -> {self.status}"


@dataclass
class Crawl:
    user: object
    is_admin: bool = False
    # CSRF is checked as in a browser: a POST form that renders no token is refused (403) and reported.
    client: Client = field(default_factory=lambda: Client(enforce_csrf_checks=True))
    failures: list[Failure] = field(default_factory=list)
    visited: set[str] = field(default_factory=set)
    posted: set[str] = field(default_factory=set)
    views: Counter = field(default_factory=Counter)  # view name -> URLs fetched
    post_views: Counter = field(default_factory=Counter)
    seconds: Counter = field(default_factory=Counter)  # view name -> time spent in its requests
    statuses: Counter = field(default_factory=Counter)  # "GET 200", "POST 302" … for the record
    pages: int = 0
    downloads: int = 0

    def __post_init__(self):
        self.client.force_login(self.user)
        self.queue: deque[tuple[str, str, str]] = deque()  # (url, found on, link text)

    # -- the walk -------------------------------------------------------------------------------
    def run(self, start: str = "/") -> Crawl:
        self.queue.append((start, "(start)", "dashboard"))
        while self.queue and self.pages < MAX_PAGES:
            url, page, text = self.queue.popleft()
            self._get(url, page, text)
        return self

    @property
    def view_names(self) -> set[str]:
        return {name for name in self.views if name}

    def _view_name(self, url: str) -> str | None:
        try:
            return resolve(urlsplit(url).path).view_name
        except Resolver404:
            return None

    def _wanted(self, url: str, view: str | None, limit_views: Counter, seen: set[str]) -> bool:
        if url in seen or urlsplit(url).path.startswith(SKIPPED_PREFIXES) or view in SKIPPED_VIEWS:
            return False
        if view and view.startswith("admin:"):
            return self.is_admin and view == "admin:index"
        if view is None:
            return True  # a link to nowhere: fetch it, it will be reported as 404
        if view == SEALED_PDF:
            return True
        limit = PER_DOWNLOAD_VIEW if view in DOWNLOAD_VIEWS else PER_VIEW
        return limit_views[view] < limit

    def _get(self, url: str, page: str, text: str):
        view = self._view_name(url)
        if not self._wanted(url, view, self.views, self.visited):
            return
        self.visited.add(url)
        self.views[view] += 1
        self.pages += 1
        started = time.monotonic()
        try:
            # A GET may create what it shows (a draft agreement for a mobility): keep it, unless it fails.
            with transaction.atomic():
                response = self.client.get(url)
                body = b"".join(response.streaming_content) if response.streaming else response.content
        except Exception as exc:  # noqa: BLE001 - a crash is a 500 to report, not a reason to stop
            self.failures.append(Failure(page, text, url, "GET", f"500 ({_describe(exc)})"))
            return
        finally:
            self.seconds[view] += time.monotonic() - started
        status = response.status_code
        self.statuses[f"GET {status}"] += 1
        self._fetched(url, view, response, body)
        if status in (301, 302, 303, 307, 308):
            target = same_site_path(url, response["Location"])
            if target and urlsplit(target).path.startswith("/accounts/login/"):
                self.failures.append(Failure(page, text, url, "GET", f"{status} to sign-in"))
            elif target:
                self.queue.append((target, page, f"{text} (redirected from {url})"))
            return
        # 405: a link to a POST-only action, which no reader can follow either
        if status in (403, 404, 405) or status >= 500:
            self.failures.append(Failure(page, text, url, "GET", status))
            return
        if view in DOWNLOAD_VIEWS:
            self.downloads += 1
            if status != 200:
                self.failures.append(Failure(page, text, url, "GET", status))
            return
        if "text/html" not in response.get("Content-Type", ""):
            return
        html = body.decode(response.charset or "utf-8", "replace")
        # Every page keeps to the Content Security Policy: the enforced header, no inline code without its nonce.
        self.failures += [Failure(page, text, url, "GET", f"CSP: {p}") for p in policy_problems(response, html)]
        if view != "admin:index":
            self._read(url, html)

    def _fetched(self, url: str, view: str | None, response, body: bytes):
        """Every answer to a GET, before it is judged (a subclass keeps what it needs: tests/security)."""

    def _read(self, url: str, html: str):
        parsed = parse(html)
        for link in parsed.links:
            target = same_site_path(url, link.href)
            if target:
                self.queue.append((target, url, link.text or link.href))
        for form in parsed.forms:
            tokens = sum(f.name == "csrfmiddlewaretoken" for f in form.fields)
            if form.method == "post" and tokens != 1:
                label = f"form {form.id or form.action}"
                self.failures.append(Failure(url, label, url, "POST", f"{tokens} CSRF tokens"))
            self._submit(url, form)

    def _submit(self, url: str, form: Form):
        buttons = form.buttons or [None]
        for button in buttons:
            action = (button and button.formaction) or form.action or url
            method = ((button and button.formmethod) or form.method).lower()
            target = same_site_path(url, action)
            if target is None:
                continue
            label = f"form: {button.text or button.value or button.name}" if button else "form"
            if method == "get":
                query = urlencode(form.values(button))
                path = urlsplit(target).path
                self.queue.append((f"{path}?{query}" if query else path, url, label))
                return  # one GET per form: the other buttons only differ in a name
            self._post(url, label, target, form, button)

    def _post(self, page: str, label: str, target: str, form: Form, button):
        view = self._view_name(target)
        key = f"{target} {button.name if button else ''}={button.value if button else ''}"
        if not self._wanted(key, view, self.post_views, self.posted):
            return
        self.posted.add(key)
        self.post_views[view] += 1
        data = dict_of(form.values(button))
        started = time.monotonic()
        try:
            with transaction.atomic():
                response = self.client.post(target, data)
                if response.streaming:
                    b"".join(response.streaming_content)
                transaction.set_rollback(True)
        except Exception as exc:  # noqa: BLE001
            self.failures.append(Failure(page, label, target, "POST", f"500 ({_describe(exc)})"))
            return
        finally:
            self.seconds[f"POST {view}"] += time.monotonic() - started
        status = response.status_code
        self.statuses[f"POST {status}"] += 1
        location = response.get("Location", "") if status in (301, 302, 303) else ""
        if status in (403, 404) or status >= 500:
            self.failures.append(Failure(page, label, target, "POST", status))
        elif location.startswith("/accounts/login/"):
            self.failures.append(Failure(page, label, target, "POST", f"{status} to sign-in"))

    def report(self) -> str:
        lines = [f"{self.user.email}: {len(self.failures)} refused link(s)/form(s)"]
        lines += [failure.line() for failure in self.failures]
        return "\n".join(lines)


def dict_of(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    data: dict[str, list[str]] = {}
    for name, value in pairs:
        data.setdefault(name, []).append(value)
    return data


def _describe(exc: Exception) -> str:
    where = traceback.extract_tb(exc.__traceback__)[-1]
    return f"{type(exc).__name__}: {exc} at {where.filename}:{where.lineno}"
