"""Every demo account signs in through the real login page and lands on its own dashboard."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

DEMO_PASSWORD = "vision-demo"

# account -> (dashboard section that must show, heading inside it)
ACCOUNTS = {
    "admin@vision.example": ("dashboard-admin", None),
    "coordinator@kmpmc.example": ("dashboard-project-coordinator", "Strategy indicators"),
    "coordinator@essenia.example": ("dashboard-partner-coordinator", "Your organisation"),
    "coordinator@nova.example": ("dashboard-partner-coordinator", "Your organisation"),
    "coordinator@savo.example": ("dashboard-partner-coordinator", "Your organisation"),
    "mentor@kmpmc.example": ("dashboard-mentor", "My learners"),
    "mentor@essenia.example": ("dashboard-mentor", "My learners"),
    "mentor@nova.example": ("dashboard-mentor", "My learners"),
    "mentor@savo.example": ("dashboard-mentor", "My learners"),
    "learner@kmpmc.example": ("dashboard-learner", "My mobility"),
    "learner@nova.example": ("dashboard-learner", "My mobility"),
}


def sign_in(page, base_url, email, password=DEMO_PASSWORD):
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name=re.compile("Sign in", re.I)).click()


@pytest.mark.parametrize("email", ACCOUNTS)
def test_demo_account_signs_in_to_its_dashboard(page, live_server, demo_data, email):
    section, heading = ACCOUNTS[email]
    sign_in(page, live_server.url, email)
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    dashboard = page.get_by_test_id(section)
    expect(dashboard).to_be_visible()
    if heading:
        expect(dashboard.get_by_role("heading", name=heading)).to_be_visible()


def test_project_coordinator_sees_every_partner_on_the_dashboard(page, live_server, demo_data):
    sign_in(page, live_server.url, "coordinator@kmpmc.example")
    dashboard = page.get_by_test_id("dashboard-project-coordinator")
    for partner in ("KMPMC", "Essenia UETP", "Nova College", "Savo Consortium"):
        expect(dashboard.get_by_text(partner).first).to_be_visible()


def test_partner_coordinator_cannot_open_a_partners_people_page(page, live_server, demo_data):
    sign_in(page, live_server.url, "coordinator@nova.example")
    expect(page.get_by_test_id("dashboard-partner-coordinator")).to_be_visible()
    response = page.goto(f"{live_server.url}/organisations/essenia/people/")
    assert response.status == 403
    response = page.goto(f"{live_server.url}/strategies/00000000-0000-0000-0000-000000000000/")
    assert response.status == 404


def test_wrong_password_shows_an_error_and_keeps_the_user_signed_out(page, live_server, demo_data):
    sign_in(page, live_server.url, "coordinator@nova.example", password="not-the-password")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.get_by_role("alert").or_(page.locator(".invalid-feedback, .alert-danger")).first).to_be_visible()


def test_navigation_is_keyboard_usable_and_language_switcher_has_a_label(page, live_server, demo_data):
    sign_in(page, live_server.url, "coordinator@kmpmc.example")
    expect(page.get_by_label("Language")).to_be_visible()
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to main content"
