"""The public side: a call's page (bilingual, no personal data), the application form and its bad input, the
e-mail with the signed link, confirming (valid, expired, tampered), the status page and the withdrawal."""

import re
from datetime import date, timedelta

import pytest
import time_machine
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from partners.models import AuditEntry
from selection import links
from selection.forms import PublicApplicationForm
from selection.models import Application, Call
from tests.factories_selection import PDF_BYTES, ApplicationFactory, CallFactory

from .conftest import PNG

pytestmark = pytest.mark.django_db


@pytest.fixture
def call():
    return CallFactory(
        status=Call.Status.PUBLISHED,
        organisation__country="LT",
        title="Beauty internships abroad",
        text="Three weeks in a salon.",
        title_local="Grožio praktika užsienyje",
        text_local="Trys savaitės salone.",
        destinations="Italy, Finland",
        qualification_title="Beautician",
    )


def started(call, seconds_ago=60):
    with time_machine.travel(timezone.now() - timedelta(seconds=seconds_ago)):
        return signing.TimestampSigner(salt=PublicApplicationForm.SALT).sign(str(call.code))


def pdf(name="letter.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def form_data(call, **overrides):
    data = {
        "first_name": "Ieva",
        "last_name": "Petrauskaitė",
        "email": "ieva@example.org",
        "date_of_birth": "2005-03-14",
        "language": "lt",
        "qualification_title": "Beautician",
        "eqf_level": "4",
        "study_year": "2",
        "consent": "on",
        "website": "",
        "started": started(call),
        "motivation": pdf(),
        "cv": pdf("cv.pdf"),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def apply(client, call, **overrides):
    return client.post(reverse("selection:apply", kwargs={"code": call.code}), form_data(call, **overrides))


# --- the call's page ------------------------------------------------------------------------------------------


def test_call_page_shows_both_languages_and_no_applicant(client, call):
    ApplicationFactory(call=call, first_name="Ieva", last_name="Petrauskaitė", email="ieva@example.org")
    body = client.get(call.get_public_url()).content.decode()
    assert "Beauty internships abroad" in body and "Grožio praktika užsienyje" in body
    assert 'lang="lt"' in body and "Trys savaitės salone." in body
    assert "Italy, Finland" in body and "Motivation" in body  # destinations and criteria
    assert "Petrauskait" not in body and "ieva@example.org" not in body
    assert reverse("selection:apply", kwargs={"code": call.code}) in body


def test_call_page_puts_the_visitors_language_first(client, call):
    client.cookies["django_language"] = "lt"
    body = client.get(call.get_public_url(), HTTP_ACCEPT_LANGUAGE="lt").content.decode()
    assert body.index("Trys savaitės salone.") < body.index("Three weeks in a salon.")


def test_open_calls_list_only_published_open_calls(client, call):
    CallFactory(title="A draft nobody sees")
    CallFactory(status=Call.Status.PUBLISHED, title="Past deadline", deadline=timezone.now() - timedelta(days=1))
    body = client.get(reverse("selection:open_calls")).content.decode()
    assert "Beauty internships abroad" in body
    assert "A draft nobody sees" not in body and "Past deadline" not in body


def test_form_is_closed_after_the_deadline(client, call):
    Call.objects.filter(pk=call.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    response = apply(client, call)
    assert response.status_code == 410
    assert not Application.objects.exists()


# --- applying ---------------------------------------------------------------------------------------------------


def test_applying_stores_an_unverified_application_and_mails_the_link(
    client, call, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = apply(client, call)
    assert response.status_code == 302
    assert response["Location"] == reverse("selection:applied", kwargs={"code": call.code})
    application = Application.objects.get()
    assert application.status == Application.Status.UNVERIFIED
    assert application.consent_at is not None and application.privacy_notice_version
    assert application.entered_by is None
    assert sorted(application.documents.values_list("kind", flat=True)) == ["cv", "motivation"]
    assert AuditEntry.objects.filter(object_code=str(application.code), verb="created").exists()
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["ieva@example.org"]
    assert "Patvirtinkite" in mail.subject or "Confirm" in mail.subject  # in the applicant's language when translated
    assert links.confirm_url(application).split("/confirm/")[0] in mail.body
    assert re.search(r"/calls/confirm/[^/\s]+/", mail.body)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"first_name": ""}, "first_name", "This field is required."),
        ({"email": "not-an-email"}, "email", "Enter a valid email address."),
        ({"date_of_birth": "2005-02-31"}, "date_of_birth", "Enter a valid date."),
        ({"consent": None}, "consent", "This field is required."),
        ({"motivation": None}, "motivation", "This field is required."),
        ({"cv": SimpleUploadedFile("cv.exe", b"MZ\x90\x00", content_type="application/pdf")}, "cv", "not accepted"),
        ({"cv": SimpleUploadedFile("cv.pdf", PNG, content_type="application/pdf")}, "cv", "does not match"),
        ({"eqf_level": "9"}, "eqf_level", "Select a valid choice."),
    ],
)
def test_bad_input_gives_field_errors_and_stores_nothing(client, call, overrides, field, message):
    response = apply(client, call, **overrides)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors and message in " ".join(errors[field])
    assert not Application.objects.exists()


def test_a_too_large_file_is_refused(client, call, settings):
    settings.VISION_MAX_UPLOAD_MB = 1
    big = pdf("letter.pdf", PDF_BYTES + b"0" * (1024 * 1024 + 1))
    response = apply(client, call, motivation=big)
    assert "too large" in " ".join(response.context["form"].errors["motivation"])
    assert not Application.objects.exists()


def test_a_minor_must_give_a_guardian_and_the_consent(client, call):
    minor = (call.deadline_date - timedelta(days=17 * 365)).isoformat()
    response = apply(client, call, date_of_birth=minor)
    errors = response.context["form"].errors
    assert {"guardian_name", "guardian_email", "guardian_consent"} <= set(errors)
    assert not Application.objects.exists()
    response = apply(
        client,
        call,
        date_of_birth=minor,
        guardian_name="Rasa Petrauskienė",
        guardian_email="rasa@example.org",
        guardian_consent=SimpleUploadedFile("consent.png", PNG, content_type="image/png"),
    )
    assert response.status_code == 302
    assert Application.objects.get().documents.filter(kind="guardian_consent").exists()


def test_robots_are_refused(client, call):
    response = apply(client, call, website="http://spam.example")
    assert "website" in response.context["form"].errors
    response = apply(client, call, started=started(call, seconds_ago=0))
    assert "too quickly" in " ".join(response.context["form"].non_field_errors())
    response = apply(client, call, started="forged")
    assert "expired" in " ".join(response.context["form"].non_field_errors())
    assert not Application.objects.exists()


def test_a_form_sent_back_with_errors_carries_a_fresh_start_time(client, call):
    response = apply(client, call, started="forged")
    assert response.context["form"].data["started"] != "forged"


def test_the_form_is_rate_limited_per_address(client, call, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "selection_apply": "2/h/ip"}
    assert apply(client, call, email="one@example.org").status_code == 302
    assert apply(client, call, email="two@example.org").status_code == 302
    response = apply(client, call, email="three@example.org")
    assert response.status_code == 429
    assert Application.objects.count() == 2


# --- the signed links -------------------------------------------------------------------------------------------


def unverified(call, **fields):
    return ApplicationFactory(
        call=call,
        status=Application.Status.UNVERIFIED,
        email_verified_at=None,
        submitted_at=None,
        documents=True,
        **fields,
    )


def test_confirming_submits_and_checks_the_application(client, call, mailoutbox, django_capture_on_commit_callbacks):
    application = unverified(call)
    url = reverse("selection:confirm", kwargs={"token": links.token_for(application, links.CONFIRM)})
    page = client.get(url)
    assert page.status_code == 200
    application.refresh_from_db()
    assert application.status == Application.Status.UNVERIFIED  # opening the link alone changes nothing
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302 and "/calls/status/" in response["Location"]
    application.refresh_from_db()
    assert application.status == Application.Status.ELIGIBLE
    assert application.email_verified_at is not None and application.submitted_at is not None
    assert [c.to_state for c in application.state_history()] == ["submitted", "eligible"]
    assert len(mailoutbox) == 1 and "/calls/status/" in mailoutbox[0].body
    # A second click changes nothing.
    client.post(url)
    assert application.state_history().count() == 2


def test_an_application_missing_conditions_is_ineligible_with_the_reasons(client, call):
    application = unverified(call, eqf_level=6, date_of_birth=date(1990, 1, 1))
    client.post(reverse("selection:confirm", kwargs={"token": links.token_for(application, links.CONFIRM)}))
    application.refresh_from_db()
    assert application.status == Application.Status.INELIGIBLE
    assert any("above the call's highest" in reason for reason in application.ineligibility_reasons)
    assert any("Too old" in reason for reason in application.ineligibility_reasons)
    body = client.get(links.status_path(application)).content.decode()
    assert "Too old" in body


def test_an_expired_link_is_not_found(client, call):
    application = unverified(call)
    token = links.token_for(application, links.CONFIRM)
    with time_machine.travel(timezone.now() + timedelta(days=links.max_age_days(links.CONFIRM), minutes=1)):
        response = client.post(reverse("selection:confirm", kwargs={"token": token}))
    assert response.status_code == 404
    application.refresh_from_db()
    assert application.status == Application.Status.UNVERIFIED


def test_a_tampered_link_is_not_found(client, call):
    application = unverified(call)
    other = unverified(call, email="other@example.org")
    token = links.token_for(application, links.CONFIRM)
    forged = token.replace(str(application.code), str(other.code))
    assert client.post(reverse("selection:confirm", kwargs={"token": forged})).status_code == 404
    assert client.post(reverse("selection:confirm", kwargs={"token": token[:-2] + "xx"})).status_code == 404
    # A status link does not confirm.
    status_token = links.token_for(application, links.STATUS)
    assert client.post(reverse("selection:confirm", kwargs={"token": status_token})).status_code == 404
    application.refresh_from_db()
    assert application.status == Application.Status.UNVERIFIED


def test_status_page_shows_the_status_and_history_and_allows_withdrawal(client, call):
    application = ApplicationFactory(call=call, status=Application.Status.ELIGIBLE, documents=True)
    url = links.status_path(application)
    body = client.get(url).content.decode()
    assert "Eligible" in body and "Withdraw my application" in body
    assert client.get(url)["Cache-Control"] == "no-store, private"
    response = client.post(url)
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Application.Status.WITHDRAWN
    assert application.withdrawn_at is not None
    body = client.get(url).content.decode()
    assert "Withdrawn" in body and "Withdraw my application" not in body
    # Withdrawing again changes nothing.
    client.post(url)
    assert application.state_history().filter(to_state="withdrawn").count() == 1


def test_a_decided_application_cannot_be_withdrawn(client, call):
    application = ApplicationFactory(call=call, status=Application.Status.NOT_SELECTED)
    url = links.status_path(application)
    assert "Withdraw my application" not in client.get(url).content.decode()
    client.post(url)
    application.refresh_from_db()
    assert application.status == Application.Status.NOT_SELECTED


def test_an_erased_application_has_no_status_page(client, call):
    application = ApplicationFactory(call=call, erased_at=timezone.now())
    assert client.get(links.status_path(application)).status_code == 404
