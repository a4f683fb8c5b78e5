"""axe-core (WCAG 2.0/2.1 A and AA rules) on every page each demo role reaches and on the public pages, in a real
browser with the demo data: no violation of any impact is allowed (issue 16, point 5).

For each role of the crawl tests (tests/crawl/test_languages.py: `ROLES`), the test first walks the portal as
that role with Django's test client, on the demo the live server serves: `LanguageCrawl`, from the dashboard,
links and GET forms, one URL per view, no POST (the walk of the language and HTML-validity tests). It then signs
in through the login page in Chromium and runs axe on every page the walk read, with the pages `hand_picked` names
that one URL per view reaches in another state (a recognised mobility, a decided call) or not at all (the admin's
lists and forms beyond its index). An
anonymous visitor walks the same way from the public entry points (the calls, the privacy notice, the public
results, a document's verification page, the login page). Pages that draw themselves with JavaScript are checked
once drawn (`DRAWN`). The failure lists every violation with its page, view, rule and elements.

axe-core is installed by `make setup` with npm into var/npm (pinned in the Makefile); AXE_CORE_PATH points
elsewhere. It is added to every page as an init script: the Content Security Policy refuses inline scripts.
"""

from __future__ import annotations

import os
import time
from collections import deque
from pathlib import Path

import pytest
from django.urls import reverse

from tests.conftest import skip_or_fail
from tests.crawl.test_languages import ROLES, LanguageCrawl

from .test_dashboards import sign_in

pytestmark = pytest.mark.browser

AXE = Path(
    os.environ.get("AXE_CORE_PATH", Path(__file__).resolve().parents[2] / "var/npm/node_modules/axe-core/axe.min.js")
)
RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
ANONYMOUS = "anonymous visitor"

# Pages built in the browser: axe runs once this element is there (before it, it would judge an empty page).
DRAWN = {
    "api:docs": ".swagger-ui .opblock",  # Swagger UI, from the OpenAPI schema it fetches
    "api:redoc": "[data-section-id]",  # ReDoc, likewise
}

# The fewest pages each walk reads in the demo: a walk cut short (a page that fails, a link that is gone) would
# otherwise pass with less checked.
FEWEST_PAGES = {
    "administrator": 100,
    "project coordinator": 100,
    "partner coordinator": 80,
    "mentor": 25,
    "learner": 20,
    ANONYMOUS: 8,
}


# What axe reads before it runs: the media (no-autoplay-audio), not the stylesheets, which only css-orientation-lock
# reads (experimental, outside the tags). axe reads a stylesheet's @import (Django's admin: forms.css imports
# widgets.css) by adding a <style> that imports it, which the Content Security Policy refuses: a violation of axe's
# making, which the `page` fixture would report.
PRELOAD = {"assets": ["media"]}


def axe_violations(page, where: str) -> list[str]:
    """What axe finds in the page as it is now, one line per rule broken: where, rule, impact, elements."""
    result = page.evaluate(
        """async ([rules, preload]) => await axe.run(document, {
            runOnly: {type: "tag", values: rules}, resultTypes: ["violations"], preload: preload,
        })""",
        [RULES, PRELOAD],
    )
    found = []
    for violation in result["violations"]:
        nodes = violation["nodes"]
        summary = nodes[0].get("failureSummary", "").splitlines()[1:2] if nodes else []
        found.append(
            f"{where}: {violation['id']} ({violation['impact']}) at {[node['target'] for node in nodes[:5]]}"
            f"{f' and {len(nodes) - 5} more' if len(nodes) > 5 else ''} — {summary[0].strip() if summary else ''}"
        )
    return found


def check(page, base_url: str, url: str, view: str | None) -> list[str]:
    where = f"{url} ({view})"
    response = page.goto(base_url + url)
    if response.status != 200:
        return [f"{where}: answered {response.status} in the browser"]
    if view in DRAWN:
        page.locator(DRAWN[view]).first.wait_for()
    return axe_violations(page, where)


class PublicCrawl(LanguageCrawl):
    """The same walk, signed out: pages behind the sign-in are not followed (the crawl records the redirect)."""

    def __post_init__(self):
        self.queue = deque()

    def run_from(self, starts: list[str]) -> PublicCrawl:
        *others, last = starts
        self.queue.extend((url, "(start)", "public entry point") for url in others)
        return self.run(last)  # queued after the others


def walk(role: str) -> dict[str, str | None]:
    """The pages the role's walk read: URL -> view name."""
    from partners.models import User

    if role == ANONYMOUS:
        crawl = PublicCrawl(user=None)
        crawl.pages_read = {}
        crawl.run_from(public_entry_points())
    else:
        crawl = LanguageCrawl(User.objects.get(email=ROLES[role]), is_admin=role == "administrator")
        crawl.pages_read = {}
        crawl.run()
    pages = {url: view for url, (view, _html) in crawl.pages_read.items()}
    if crawl.views["admin:index"]:  # fetched but not read (its links are Django's admin, not walked)
        pages[reverse("admin:index")] = "admin:index"
    return pages


def public_entry_points() -> list[str]:
    from documents import services
    from documents.models import RenderedDocument

    row = RenderedDocument.objects.order_by("pk").first()
    services.produce(row.pk)  # the demo's PDFs stay queued in the browser tests: seal one to verify it
    row.refresh_from_db()
    return [
        reverse("selection:open_calls"),
        reverse("selection:privacy"),
        reverse("dissemination:public_page", kwargs={"slug": "vision"}),
        reverse("documents:verify", kwargs={"token": row.verify_token}),
        reverse("account_login"),
    ]


def recognised_mobility_pages() -> list[str]:
    from ecvet.models.results import Transcript

    transcript = (
        Transcript.objects.select_related("mobility")
        .filter(mobility__status="recognised")
        .exclude(decision="not_recognised")
        .order_by("pk")
        .first()
    )
    return [transcript.mobility.get_absolute_url(), transcript.get_absolute_url()]


def own_strategy_pages(slug: str) -> list[str]:
    """The strategy of the coordinator's organisation in the partnership: its goal buttons are small outline
    buttons on a card header (4.2:1 before issue 16)."""
    from partners.models.strategy import InternationalisationStrategy as Strategy

    strategy = Strategy.objects.filter(organisation__slug="kmpmc", partnership__slug=slug).order_by("pk").first()
    return [strategy.get_absolute_url(), reverse("partners:partnership_strategies", kwargs={"slug": slug})]


def selection_and_placement_pages() -> tuple[list[str], list[str]]:
    """The demo's two KMPMC calls (selection/demo.py): the open one for the public side, the decided one for the
    coordinator's and the panel's; a placement with its host."""
    from placements.models import Placement
    from selection import demo as selection_demo
    from selection.models import Application, Call

    open_call = Call.objects.get(title=selection_demo.OPEN_TITLE)
    decided = Call.objects.get(title=selection_demo.TITLE)
    selected = Application.objects.filter(call=decided, status=Application.Status.SELECTED).order_by("pk").first()
    placement = Placement.objects.filter(status="published").order_by("pk").first()
    public = [
        reverse("selection:open_calls"),
        open_call.get_public_url(),
        reverse("selection:apply", kwargs={"code": open_call.code}),
        reverse("selection:privacy"),
    ]
    coordinator = [
        reverse("selection:call_list"),
        open_call.get_absolute_url(),
        reverse("selection:call_edit", kwargs={"code": open_call.code}),
        decided.get_absolute_url(),
        reverse("selection:application_detail", kwargs={"code": selected.code}),
        reverse("selection:panel_ranking", kwargs={"code": decided.code}),
        reverse("selection:panel_application", kwargs={"code": selected.code}),
        reverse("placements:catalogue", kwargs={"slug": placement.partnership.slug}),
        reverse("placements:host_list"),
        placement.get_absolute_url(),
        placement.host.get_absolute_url(),
    ]
    return public, coordinator


def hand_picked(role: str) -> list[str]:
    """Pages the walk reaches in another state, or not at all: a recognised mobility and its transcript, the
    coordinator's own strategy, both demo calls, a selected application (the walk reads one URL per view); the
    admin's lists and forms (the walk stops at the admin's index: Django's own pages)."""
    from partners.models import Organisation

    slug = "vision"
    public, coordinator = selection_and_placement_pages()
    organisation = Organisation.objects.order_by("pk").first()
    return {
        "administrator": [
            reverse("admin:partners_organisation_changelist"),
            reverse("admin:partners_organisation_change", args=[organisation.pk]),
            reverse("admin:partners_user_changelist"),
        ],
        "project coordinator": [
            reverse("home"),
            reverse("reporting:index"),
            reverse("reporting:dashboard", kwargs={"slug": slug}),
            reverse("reporting:budget", kwargs={"slug": slug}),
            reverse("reporting:cost_list", kwargs={"slug": slug}),
            reverse("reporting:cost_create", kwargs={"slug": slug}),
            reverse("reporting:allocations", kwargs={"slug": slug}),
            reverse("reporting:exports", kwargs={"slug": slug}),
            reverse("api:tokens"),
            *recognised_mobility_pages(),
            *own_strategy_pages(slug),
            *coordinator,
        ],
        "partner coordinator": [
            reverse("reporting:dashboard", kwargs={"slug": slug}),
            reverse("reporting:budget", kwargs={"slug": slug}),
            reverse("reporting:exports", kwargs={"slug": slug}),
        ],
        ANONYMOUS: public,
    }.get(role, [])


def view_of(url: str) -> str | None:
    from django.urls import Resolver404, resolve

    try:
        return resolve(url.split("?")[0]).view_name
    except Resolver404:
        return None


@pytest.mark.parametrize("role", [*ROLES, ANONYMOUS])
def test_every_page_the_role_reaches_passes_axe(page, live_server, demo_data, role):
    if not AXE.exists():
        skip_or_fail(f"axe-core is not installed at {AXE} (make setup installs it with npm)")
    started = time.perf_counter()
    pages = walk(role)  # with the test client, on the rows the live server reads (committed: `demo_data`)
    assert len(pages) >= FEWEST_PAGES[role], sorted(pages)
    pages |= {url: view_of(url) for url in hand_picked(role) if url not in pages}
    walked = time.perf_counter()

    page.add_init_script(path=str(AXE))
    if role != ANONYMOUS:
        sign_in(page, live_server.url, ROLES[role])
        page.wait_for_url(f"{live_server.url}/")
    found = []
    for url, view in pages.items():
        found += check(page, live_server.url, url, view)
    print(
        f"{role}: {len(pages)} pages, walked in {walked - started:.1f} s, axe in {time.perf_counter() - walked:.1f} s"
    )
    assert found == [], f"{len(found)} axe violation(s) on the pages of the {role}:\n" + "\n".join(found)


def test_axe_reports_a_violation_it_is_shown(page, live_server):
    # The check above is only as good as this: the login page, given an image without a text alternative and a
    # pale grey paragraph, is reported with both, through the same helper.
    if not AXE.exists():
        skip_or_fail(f"axe-core is not installed at {AXE} (make setup installs it with npm)")
    page.add_init_script(path=str(AXE))
    url = reverse("account_login")
    assert check(page, live_server.url, url, "account_login") == []
    page.evaluate(
        """() => {
            const image = document.createElement("img");
            image.src = "/static/favicon.png";
            const text = document.createElement("p");
            text.textContent = "Barely there";
            text.style.color = "#cccccc";  // through the CSSOM, which the policy allows (a style attribute it refuses)
            document.querySelector("main").append(image, text);
        }"""
    )
    found = axe_violations(page, url)
    assert sorted(line.split(": ", 1)[1].split(" ")[0] for line in found) == ["color-contrast", "image-alt"], found
