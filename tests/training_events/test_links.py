"""No link that fails: signed in as each actor of the cast, follow every link of the training-event and
dissemination pages reachable from their lists (bounded), and require that none answers 403, 404 or 5xx.
A tab or button that the target page would refuse must not be shown (a registered mentor once saw a
"Certificates" tab that answered 403).

Cast: tests/conftest.py (`world`), tests/training_events/conftest.py (`te`, with staff_b's certificate
issued), tests/dissemination/conftest.py (`dis`)."""

from __future__ import annotations

from urllib.parse import urldefrag, urlsplit

import pytest
from django.urls import reverse

from tests.dissemination.conftest import dis  # noqa: F401 - the dissemination cast, used as a fixture
from training_events import services

from .html import links

ACTORS = ["pc_a", "partner_b", "partner_c", "mentor_b", "learner_b", "outsider", "admin", "staff_b"]
PREFIXES = ("/training/", "/dissemination/", "/results/")
MAX_PAGES = 80


def crawl(client, starts) -> dict[str, int]:
    """url → status of every page reached from `starts` through links under PREFIXES (breadth first)."""
    seen: dict[str, int] = {}
    queue = list(starts)
    while queue and len(seen) < MAX_PAGES:
        address = queue.pop(0)
        if address in seen:
            continue
        response = client.get(address)
        seen[address] = response.status_code
        if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
            continue
        for href in links(response.content.decode()):
            target, _fragment = urldefrag(href)
            parts = urlsplit(target)
            if parts.scheme or parts.netloc or not parts.path.startswith(PREFIXES):
                continue
            if target not in seen:
                queue.append(target)
    return seen


@pytest.fixture
def issued(world, te):
    services.mark_attendance(te.ev_a, {(te.p_staff_b.pk, te.s1.pk): True}, by=world.pc_a)
    return services.issue_certificates(te.ev_a, by=world.pc_a)


@pytest.mark.parametrize("actor", ACTORS)
def test_no_link_on_the_training_and_dissemination_pages_fails(world, te, dis, issued, client_for, actor):  # noqa: F811
    user = te.staff_b if actor == "staff_b" else world.actor(actor)
    client = client_for(user)
    starts = [
        reverse("training_events:event_list"),
        reverse("training_events:my_certificates"),
        reverse("training_events:calendar"),
        reverse("dissemination:event_list"),
        reverse("dissemination:activity_list"),
    ]
    seen = crawl(client, starts)
    failed = {address: status for address, status in seen.items() if status in (403, 404) or status >= 500}
    assert failed == {}, f"{actor}: {failed}"
    if actor in ("staff_b", "pc_a", "partner_b"):
        assert te.ev_a.get_absolute_url() in seen  # the crawl did reach the event


def href(name, **kwargs) -> str:
    return f'href="{reverse(f"training_events:{name}", kwargs=kwargs or None)}"'


def test_a_registered_mentor_sees_no_certificate_list_but_their_own_certificates(world, te, issued, client_for):
    html = client_for(te.staff_b).get(te.ev_a.get_absolute_url()).content.decode()
    assert href("certificate_list", code=te.ev_a.code) not in html
    assert href("my_certificates") in html
    assert href("evaluation_answer", code=te.ev_a.code) in html
    assert href("evaluation_results", code=te.ev_a.code) not in html


def test_a_partner_sees_the_certificates_and_results_tabs(world, te, client_for):
    html = client_for(world.partner_b).get(te.ev_a.get_absolute_url()).content.decode()
    assert href("certificate_list", code=te.ev_a.code) in html
    assert href("evaluation_results", code=te.ev_a.code) in html
    assert href("evaluation_answer", code=te.ev_a.code) not in html
