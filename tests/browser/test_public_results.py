"""A visitor who never signed in opens a partnership's public results page in a real browser."""

import re

import pytest
from playwright.sync_api import expect

from dissemination.models import PublicPage, PublicResult
from tests.factories import OrganisationFactory, PartnershipFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def published_partnership(transactional_db):
    coordinator = OrganisationFactory(
        short_name="KMPMC", legal_name="Kaunas Vocational Training Centre", city="Kaunas", country="LT"
    )
    partner = OrganisationFactory(short_name="Savo", legal_name="Savo Vocational College", city="Kuopio", country="FI")
    partnership = PartnershipFactory(
        slug="beauty-results",
        acronym="BEAUTY",
        title="Quality mobility in the beauty sector",
        coordinator=coordinator,
        partners=[partner],
    )
    PublicPage.objects.create(partnership=partnership, enabled=True, summary="Instruments for learner mobility.")
    PublicResult.objects.create(partnership=partnership, title="ECVET instruments", link="https://results.example.org/")
    return partnership


def test_an_anonymous_visitor_reads_the_public_results_page(page, live_server, published_partnership):
    url = f"{live_server.url}/results/{published_partnership.slug}/"
    assert page.context.cookies() == []  # a fresh context: nobody is signed in
    response = page.goto(url)
    assert response.status == 200
    assert response.headers["cache-control"] == "public, max-age=300"
    expect(page).to_have_url(url)  # not sent to the sign-in page
    expect(page.get_by_role("heading", level=1)).to_have_text("Quality mobility in the beauty sector")
    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    partners = page.get_by_test_id("public-partners")
    expect(partners.get_by_text("Kaunas Vocational Training Centre")).to_be_visible()
    expect(partners.get_by_text("Savo Vocational College")).to_be_visible()
    expect(partners.get_by_text("Coordinator")).to_be_visible()
    expect(page.get_by_role("heading", name="ECVET instruments")).to_be_visible()
    # No sign-in form: the navigation only offers to sign in.
    expect(page.locator("input[type=password]")).to_have_count(0)
    expect(page.get_by_role("link", name=re.compile("Sign in"))).to_be_visible()
    # The vendored Bootstrap is applied (the navigation bar is styled, nothing comes from a CDN).
    assert page.evaluate("getComputedStyle(document.querySelector('.navbar')).display") == "flex"


def test_a_switched_off_page_is_not_found_in_the_browser(page, live_server, published_partnership):
    PublicPage.objects.filter(partnership=published_partnership).update(enabled=False)
    response = page.goto(f"{live_server.url}/results/{published_partnership.slug}/")
    assert response.status == 404
