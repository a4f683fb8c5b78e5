"""Scale-out, exercised (issue 15, point 5): two gunicorn web processes and two Celery workers, each a process of
its own on the production settings, share PostgreSQL, one Redis and one S3 bucket (moto's server, STORAGE_BACKEND=s3)
— and a person's session, the login limit and a sealed PDF work whichever process answers.

One test, on purpose: the deployment takes most of its time to start, and one test is never split between two
pytest-xdist workers (the suite runs with `--dist load`). What it shows is described in docs/scale-out.md.
"""

from __future__ import annotations

import hashlib
import re

import pytest
from allauth.account.adapter import DefaultAccountAdapter
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from documents import signing
from documents.models import RenderedDocument
from ecvet.services import memoranda
from partners.models import User
from tests.documents.processes import wait_until
from tests.ecvet.support_memoranda import approve, beauty_qualification, make_memorandum

from .cluster import Browser

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(600)]
S = RenderedDocument.Status
PASSWORD = "scale-out-password"  # noqa: S105


def with_production_password(user: User) -> None:
    """The production settings accept PBKDF2 hashes, not the test settings' MD5 (few iterations: the test is about
    processes, not hashing; the first login re-hashes it with the full count)."""
    hashed = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt(), iterations=1000)
    User.objects.filter(pk=user.pk).update(password=hashed)


@pytest.fixture
def memorandum(world, settings):
    """A Memorandum of Understanding approved by both parties: a final document whose sealed PDF the page offers."""
    settings.VISION_PDF_ON_APPROVAL = False  # the test asks for the PDF through the page
    qa = beauty_qualification(world.org_a)
    qb = beauty_qualification(world.org_b, title_original="Schoonheidsspecialist")
    memorandum = make_memorandum(
        partnership=world.p1, organisations=[world.org_a, world.org_b], qualifications=[qa, qb], units=[*qa.units.all()]
    )
    memorandum = memoranda.send_for_approval(memorandum, by=world.pc_a)
    approve(memorandum, world.pc_a, world.org_a)
    approve(memorandum, world.partner_b, world.org_b)
    for user in (world.pc_a, world.partner_b):
        with_production_password(user)
    return memorandum


def panel(html: str) -> str:
    """The sealed-PDF box of a document page."""
    found = re.search(r'<section[^>]*data-testid="sealed-pdf".*?</section>', html, re.S)
    assert found, "the page has no sealed-PDF panel"
    return found.group(0)


def test_session_login_limit_and_sealed_pdf_work_across_two_web_processes_and_two_workers(world, memorandum, scale_out):
    web_1, web_2 = scale_out.web
    for web in (web_1, web_2):
        assert web.health() == {"database": "ok", "broker": "ok"}, f"{web.name} does not reach the shared services"
    cache.clear()  # login counters other tests of this database left in the (database) cache

    # --- A session opened on web 1 is valid on web 2 -------------------------------------------------------------
    browser = Browser(web_1)
    response = browser.log_in(world.pc_a.email, PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == reverse("home"), response.status_code
    assert "sessionid" in browser.cookies
    home = browser.on(web_2).get(reverse("home"))
    assert home.status_code == 200
    assert world.pc_a.get_full_name() in home.text
    assert Browser(web_2).get(reverse("home")).status_code == 302  # without the cookie: the login page

    # --- Wrong passwords counted on web 1 lock the account on web 2 ----------------------------------------------
    with translation.override("en"):
        locked = str(DefaultAccountAdapter.error_messages["too_many_login_attempts"])
    attacker = Browser(web_1)
    for _ in range(5):  # ACCOUNT_RATE_LIMITS["login_failed"]: 5 per account in 5 minutes
        wrong = attacker.log_in(world.partner_b.email, "not-the-password")
        assert wrong.status_code == 200 and locked not in wrong.text
    owner = Browser(web_2)
    refused = owner.log_in(world.partner_b.email, PASSWORD)  # the right password, on the other process
    assert refused.status_code == 200, "web 2 let in an account web 1 had locked: the limit is per process"
    assert locked in refused.text
    assert "sessionid" not in owner.cookies

    # --- A sealed PDF requested on web 1 waits in the shared broker -------------------------------------------------
    page_url = memorandum.get_absolute_url()
    page = browser.get(page_url)
    assert page.status_code == 200
    action = re.search(r'<form method="post" action="([^"]+)"', panel(page.text)).group(1)
    requested = browser.post_form(page.text, action, {"next": page_url})
    assert requested.status_code == 302 and requested.headers["Location"] == page_url
    row = RenderedDocument.objects.get()
    assert row.status == S.QUEUED and row.enqueued_at is not None  # handed to Redis by web 1
    assert scale_out.redis_client().llen("celery") == 1
    waiting = panel(browser.on(web_2).get(page_url).text)
    assert "Queued" in waiting and "Waiting for a worker" in waiting

    # --- Either worker renders it; the file goes to the bucket -----------------------------------------------------
    workers = scale_out.start_workers()

    def ready():
        return RenderedDocument.objects.filter(pk=row.pk).exclude(status__in=[S.QUEUED, S.RENDERING]).first()

    done = wait_until(ready, 120, 0.25)
    assert done is not None and done.status == S.READY, RenderedDocument.objects.values("status", "error").get()
    renderers = [worker for worker in workers if worker.rendered()]
    assert len(renderers) == 1 and len(renderers[0].rendered()) == 1, [w.rendered() for w in workers]
    print(f"rendered by {renderers[0].hostname}")  # shown with -s

    stored = scale_out.s3.objects()
    assert list(stored) == [done.file.name]
    assert done.file.name.startswith(f"sealed/{done.code}/") and done.file.name.endswith(".pdf")
    assert not any((scale_out.work / "media").rglob("*")), "a file was written to the local disk"
    in_bucket = stored[done.file.name]
    assert hashlib.sha256(in_bucket).hexdigest() == done.file_sha256

    # --- ... and is downloaded from web 2 --------------------------------------------------------------------------
    shown = panel(browser.on(web_2).get(page_url).text)
    assert "Ready" in shown and done.file_sha256 in shown
    link = re.search(r'href="(/documents/pdf/[^"]+)"', shown).group(1)
    assert link == reverse("documents:download", kwargs={"code": done.code})
    download = browser.on(web_2).get(link)
    assert download.status_code == 200
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    pdf = download.content
    assert pdf.startswith(b"%PDF-") and pdf == in_bucket
    assert hashlib.sha256(pdf).hexdigest() == done.file_sha256
    assert signing.verify(pdf).ok
