"""A refused (403) or unknown (404) address is logged as one WARNING line — method, path, status, user id —
without a traceback; a server error keeps its traceback (vision/log_filters.py, settings.LOGGING)."""

import logging

import pytest
from django.test import Client
from django.urls import include, path, reverse


def boom(request):
    raise RuntimeError("the view broke")


# The project's URLs plus one view that fails, for the 5xx case (see `test_server_errors_keep_their_traceback`).
urlpatterns = [path("boom/", boom), path("", include("vision.urls"))]


def request_records(caplog):
    return [r for r in caplog.records if r.name == "django.request"]


def test_a_refused_page_is_one_warning_line_with_method_path_status_and_user(world, client_for, caplog):
    url = reverse("partners:organisation_people", kwargs={"slug": world.org_b.slug})
    with caplog.at_level(logging.INFO, logger="django.request"):
        assert client_for(world.mentor_b).get(url).status_code == 403
    [record] = request_records(caplog)
    assert record.levelno == logging.WARNING
    assert record.exc_info is None and record.exc_text is None
    assert record.getMessage() == f"GET {url} 403 user={world.mentor_b.pk}"
    assert "Traceback" not in caplog.text and "PermissionDenied" not in caplog.text


def test_an_unknown_page_is_one_warning_line(world, client_for, caplog):
    url = reverse("partners:organisation_detail", kwargs={"slug": world.org_c.slug})
    with caplog.at_level(logging.INFO, logger="django.request"):
        assert client_for(world.partner_b).post(url).status_code == 404
    [record] = request_records(caplog)
    assert (record.levelno, record.exc_info) == (logging.WARNING, None)
    assert record.getMessage() == f"POST {url} 404 user={world.partner_b.pk}"


def test_an_anonymous_refusal_names_no_user(db, caplog):
    with caplog.at_level(logging.INFO, logger="django.request"):
        assert Client().get("/no-such-page/").status_code == 404
    [record] = request_records(caplog)
    assert record.getMessage() == "GET /no-such-page/ 404 user=-"


@pytest.mark.urls("tests.partners.test_logging")
def test_server_errors_keep_their_traceback(db, caplog):
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.INFO, logger="django.request"):
        assert client.get("/boom/").status_code == 500
    [record] = request_records(caplog)
    assert record.levelno == logging.ERROR
    assert record.exc_info is not None and record.exc_info[0] is RuntimeError
    assert "Internal Server Error: /boom/" in record.getMessage()
