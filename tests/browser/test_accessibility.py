"""axe-core (WCAG 2.0/2.1 A and AA rules) on the reporting, API-token and credential pages, in a real browser
with the demo data: no violation is allowed.

axe-core is installed by `make setup` with npm into var/npm (pinned in the Makefile); AXE_CORE_PATH points
elsewhere."""

import os
from pathlib import Path

import pytest
from django.urls import reverse

from tests.conftest import skip_or_fail

from .test_dashboards import sign_in

pytestmark = pytest.mark.browser

AXE = Path(
    os.environ.get("AXE_CORE_PATH", Path(__file__).resolve().parents[2] / "var/npm/node_modules/axe-core/axe.min.js")
)
RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def violations(page, url: str) -> list[str]:
    response = page.goto(url)
    assert response.status == 200, (url, response.status)
    result = page.evaluate("async (rules) => await axe.run(document, {runOnly: {type: 'tag', values: rules}})", RULES)
    return [
        f"{url}: {v['id']} ({v['impact']}) at {[node['target'] for node in v['nodes']][:3]}"
        for v in result["violations"]
    ]


def recognised_mobility_pages():
    from ecvet.models.results import Transcript

    transcript = (
        Transcript.objects.select_related("mobility")
        .filter(mobility__status="recognised")
        .exclude(decision="not_recognised")
        .order_by("pk")
        .first()
    )
    return [transcript.mobility.get_absolute_url(), transcript.get_absolute_url()]


def own_strategy_page(slug: str):
    """The strategy of the coordinator's organisation in the partnership: its goal buttons are small outline
    buttons on a card header (4.2:1 before issue 16)."""
    from partners.models.strategy import InternationalisationStrategy as Strategy

    strategy = Strategy.objects.filter(organisation__slug="kmpmc", partnership__slug=slug).order_by("pk").first()
    return [strategy.get_absolute_url(), reverse("partners:partnership_strategies", kwargs={"slug": slug})]


def test_reporting_api_and_credential_pages_pass_axe(page, live_server, demo_data):
    if not AXE.exists():
        skip_or_fail(f"axe-core is not installed at {AXE} (make setup installs it with npm)")
    # An init script, not a <script> tag added to the page: the Content Security Policy refuses inline scripts.
    page.add_init_script(path=str(AXE))
    slug = "vision"
    pages = {
        "coordinator@kmpmc.example": [
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
            *own_strategy_page(slug),
        ],
        "coordinator@nova.example": [
            reverse("reporting:dashboard", kwargs={"slug": slug}),
            reverse("reporting:budget", kwargs={"slug": slug}),
            reverse("reporting:exports", kwargs={"slug": slug}),
        ],
    }
    found = []
    for email, urls in pages.items():
        page.context.clear_cookies()
        sign_in(page, live_server.url, email)
        page.wait_for_url(f"{live_server.url}/")
        for url in urls:
            found += violations(page, live_server.url + url)
    assert found == []


def selection_and_placement_pages():
    """The demo's two KMPMC calls (selection/demo.py): the open one for the public side, the decided one for the
    coordinator's and the panel's; a placement with its host."""
    from placements.models import Placement
    from selection import demo as selection_demo
    from selection.models import Application, Call

    open_call = Call.objects.get(title=selection_demo.OPEN_TITLE)
    decided = Call.objects.get(title=selection_demo.TITLE)
    selected = Application.objects.filter(call=decided, status=Application.Status.SELECTED).order_by("pk").first()
    placement = Placement.objects.filter(status="published").order_by("pk").first()
    code = {"code": decided.code}
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
        reverse("selection:panel_ranking", kwargs=code),
        reverse("selection:panel_application", kwargs={"code": selected.code}),
        reverse("placements:catalogue", kwargs={"slug": placement.partnership.slug}),
        reverse("placements:host_list"),
        placement.get_absolute_url(),
        placement.host.get_absolute_url(),
    ]
    return public, coordinator


def test_selection_and_placement_pages_pass_axe(page, live_server, demo_data):
    if not AXE.exists():
        skip_or_fail(f"axe-core is not installed at {AXE} (make setup installs it with npm)")
    page.add_init_script(path=str(AXE))
    public, coordinator = selection_and_placement_pages()
    found = []
    for url in public:  # an applicant has no account
        found += violations(page, live_server.url + url)
    sign_in(page, live_server.url, "coordinator@kmpmc.example")
    page.wait_for_url(f"{live_server.url}/")
    for url in coordinator:
        found += violations(page, live_server.url + url)
    assert found == []
