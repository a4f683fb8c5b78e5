"""No link that fails (issue 12, point 2): every demo account walks the portal from its dashboard.

Every same-site link and form action reached (bounded: see crawler.py) must not answer 403, 404 or
5xx to the person it was shown to, POST forms included (each POSTed once, rolled back), and every
download or export link must answer 200. Every HTML page reached must carry the enforced Content Security Policy
and hold no inline script, style or event handler without the response's nonce (issue 17, point 3).
"""

import pytest

from .accounts import ADMIN, DEMO_EMAILS
from .crawler import DOWNLOAD_VIEWS, SKIPPED_VIEWS, Crawl, project_url_names

# The crawl must get somewhere: the distinct view names each kind of account reaches at least
# (measured on the demo data; a broken dashboard or an empty crawl falls far below these).
MIN_VIEWS = {
    ADMIN: 100,
    "coordinator@kmpmc.example": 100,
    "coordinator@essenia.example": 90,
    "coordinator@nova.example": 90,
    "coordinator@savo.example": 90,
    "mentor@kmpmc.example": 25,
    "mentor@essenia.example": 25,
    "mentor@nova.example": 25,
    "mentor@savo.example": 25,
    "learner@kmpmc.example": 20,
    "learner@nova.example": 15,
}


def test_every_demo_account_has_a_floor():
    assert set(MIN_VIEWS) == set(DEMO_EMAILS)


def test_the_crawl_rules_name_urls_that_exist():
    # A renamed view would silently drop out of the download checks or the skip list.
    assert (DOWNLOAD_VIEWS | SKIPPED_VIEWS) - project_url_names() == set()


@pytest.mark.parametrize("email", DEMO_EMAILS)
def test_no_link_or_form_refuses_the_person_it_is_shown_to(demo_world, db, email):
    crawl = Crawl(demo_world.user(email), is_admin=email == ADMIN).run()
    print(
        f"{email}: {crawl.pages} URLs, {len(crawl.posted)} POSTs, {crawl.downloads} downloads,"
        f" {len(crawl.view_names)} views: {sorted(crawl.view_names)}"
    )
    print("  answers:", dict(crawl.statuses), "slowest:", [(v, round(s, 1)) for v, s in crawl.seconds.most_common(6)])
    assert not crawl.failures, crawl.report()
    assert len(crawl.view_names) >= MIN_VIEWS[email], sorted(crawl.view_names)
