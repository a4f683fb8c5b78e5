"""Role × organisation × sealed-PDF views: who gets what status.

A sealed PDF has exactly the readers of its document (documents.querysets), so:
la_ba, tr_ba, ep_ba: the LA, transcript and Europass of m_b_to_a (B sends learner_b's mobility, A hosts,
mentor_a mentors) — read by both organisations' staff, the mentor, the learner, admins.
mou_p1: a memorandum of P1 between A and B — read by A's and B's staff (not mentors, not learners).
mou_p2: a memorandum of P2 between C and D — partner_c's only (and admins').

Taking a PDF away is narrower than reading it (Renderable.may_download): the ECVET PDFs carry the learner's
date of birth, which the pages hide from the mentor, so the mentor reads the document and requests its PDF
but gets 403 for the download and nothing in the mobility's ZIP.

200 = allowed; 302 = redirected (anonymous to sign-in; a POST back to the document; a ZIP with nothing to
give back to the page it came from); 403 = in scope without the right; 404 = out of scope. The public
verification page is 200 for everybody.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse

from documents.access import may_download_zip
from documents.models import RenderedDocument
from partners.models import AuditEntry
from tests.conftest import build_world
from tests.mobility.conftest import build_mob

from .support import (
    approve_la,
    approved_europass,
    approved_transcript,
    forced_memorandum,
    make_ready,
    memorandum_in_force,
)

ACTORS = ["anonymous", "pc_a", "partner_b", "partner_c", "mentor_a", "mentor_b", "learner_b", "outsider", "admin"]


def expect(default=404, **statuses):
    out = {actor: default for actor in ACTORS}
    out["anonymous"] = 302
    out.update(statuses)
    return out


READERS_BA = {"pc_a": 200, "partner_b": 200, "mentor_a": 200, "learner_b": 200, "admin": 200}
DOWNLOADERS_BA = {**READERS_BA, "mentor_a": 403}
STAFF_P1 = {"pc_a": 200, "partner_b": 200, "admin": 200}
STAFF_P2 = {"partner_c": 200, "admin": 200}


def redirected(statuses):
    return {actor: 302 for actor in statuses}


def build_once(canned_pdf):
    """The casts of tests/conftest.py and tests/mobility/conftest.py with the module's sealed documents, built
    once for the module (tests/once_per_module.py)."""
    world = build_world()
    mob = build_mob(world)
    return world, mob, build_docs(world, mob, canned_pdf)


@pytest.fixture
def world(once):
    return once[0]


@pytest.fixture
def mob(once):
    return once[1]


@pytest.fixture
def docs(once):
    return once[2]


def build_docs(world, mob, canned_pdf):
    documents = {
        "la_ba": approve_la(world, mob),
        "tr_ba": approved_transcript(world, mob),
        "ep_ba": approved_europass(world, mob),
        "mou_p1": memorandum_in_force(world),
        "mou_p2": forced_memorandum(world.p2, [world.org_c, mob.org_d], title="Delta MoU"),
    }
    rows = {key: make_ready(document, canned_pdf) for key, document in documents.items()}
    return {
        **documents,
        **{f"pdf_{key}": row for key, row in rows.items()},
        "p1": world.p1,
        "p2": world.p2,
        "m_b_to_a": mob.m_b_to_a,
        "m_c_to_d": mob.m_c_to_d,
    }


def download(key):
    return lambda d: reverse("documents:download", kwargs={"code": d[key].code})


def request(slug, key):
    return lambda d: reverse("documents:request", kwargs={"slug": slug, "code": d[key].code})


def partnership_zip(key):
    return lambda d: reverse("documents:partnership_zip", kwargs={"slug": d[key].slug})


def mobility_zip(key):
    return lambda d: reverse("documents:mobility_zip", kwargs={"code": d[key].code})


def verify(key):
    return lambda d: reverse("documents:verify", kwargs={"token": d[key].verify_token})


MATRIX = [
    ("download the LA", download("pdf_la_ba"), "get", expect(**DOWNLOADERS_BA)),
    ("download the transcript", download("pdf_tr_ba"), "get", expect(**DOWNLOADERS_BA)),
    ("download the Europass", download("pdf_ep_ba"), "get", expect(**DOWNLOADERS_BA)),
    ("download the P1 memorandum", download("pdf_mou_p1"), "get", expect(**STAFF_P1)),
    ("download the P2 memorandum", download("pdf_mou_p2"), "get", expect(**STAFF_P2)),
    ("request the LA, POST", request("agreement-version", "la_ba"), "post", expect(**redirected(READERS_BA))),
    ("request the transcript, POST", request("transcript", "tr_ba"), "post", expect(**redirected(READERS_BA))),
    ("request the Europass, POST", request("europass", "ep_ba"), "post", expect(**redirected(READERS_BA))),
    ("request the P1 memorandum, POST", request("memorandum", "mou_p1"), "post", expect(**redirected(STAFF_P1))),
    ("request the P2 memorandum, POST", request("memorandum", "mou_p2"), "post", expect(**redirected(STAFF_P2))),
    ("ZIP of P1", partnership_zip("p1"), "get", expect(**STAFF_P1)),
    ("ZIP of P2", partnership_zip("p2"), "get", expect(**STAFF_P2)),
    # The mentor may take none of its PDFs away: sent back to the mobility.
    ("ZIP of m_b_to_a", mobility_zip("m_b_to_a"), "get", expect(**{**READERS_BA, "mentor_a": 302})),
    # m_c_to_d has no sealed PDF: its readers are sent back to the mobility.
    ("ZIP of m_c_to_d (empty)", mobility_zip("m_c_to_d"), "get", expect(**redirected(STAFF_P2))),
    ("verify the LA", verify("pdf_la_ba"), "get", dict.fromkeys(ACTORS, 200)),
    ("verify the P2 memorandum", verify("pdf_mou_p2"), "get", dict.fromkeys(ACTORS, 200)),
]


def actor(world, mob, name):
    if name == "anonymous":
        return None
    return getattr(mob, name) if name == "mentor_a" else getattr(world, name)


@pytest.mark.parametrize("actor_name", ACTORS)
@pytest.mark.parametrize(("label", "build", "method", "expected"), MATRIX, ids=[row[0] for row in MATRIX])
def test_sealed_pdf_access_matrix(world, mob, docs, client_for, actor_name, label, build, method, expected):
    url = build(docs)
    response = getattr(client_for(actor(world, mob, actor_name)), method)(url)
    assert response.status_code == expected[actor_name], f"{label} as {actor_name}"
    if response.status_code == 302:
        signing_in = response["Location"].startswith(resolve_url(settings.LOGIN_URL))
        assert signing_in == (actor_name == "anonymous"), f"{label} as {actor_name}"
    if response.status_code == 200 and method == "get" and "verify" not in label:
        assert response["Content-Type"] in ("application/pdf", "application/zip")


def test_the_mentor_reads_the_la_but_takes_no_pdf_with_the_learners_date_of_birth(world, mob, docs, client_for):
    client = client_for(mob.mentor_a)
    url = download("pdf_la_ba")(docs)
    assert client.get(url).status_code == 403
    page = client.get(docs["la_ba"].get_absolute_url()).content.decode()
    assert "The PDF carries the learner&#x27;s personal details" in page or "learner's personal details" in page
    assert url not in page
    assert reverse("documents:verify", kwargs={"token": docs["pdf_la_ba"].verify_token}) in page
    assert client_for(world.learner_b).get(url).status_code == 200  # the learner takes their own
    assert client_for(world.mentor_b).get(url).status_code == 404  # mentors another learner
    assert client_for(world.partner_c).get(url).status_code == 404  # another partnership
    assert not AuditEntry.objects.filter(verb=AuditEntry.Verb.DOWNLOADED, actor=mob.mentor_a).exists()


def test_each_reader_sees_exactly_the_pdfs_of_the_documents_they_read(world, mob, docs):
    def visible(user):
        return {row.document for row in RenderedDocument.objects.visible_to(user)}

    ba = {docs["la_ba"], docs["tr_ba"], docs["ep_ba"]}
    assert visible(world.pc_a) == ba | {docs["mou_p1"]}
    assert visible(world.partner_b) == ba | {docs["mou_p1"]}
    assert visible(mob.mentor_a) == ba
    assert visible(world.learner_b) == ba
    assert visible(world.partner_c) == {docs["mou_p2"]}
    assert visible(world.mentor_b) == set()
    assert visible(world.outsider) == set()
    assert len(visible(world.admin)) == 5


def test_a_zip_holds_only_what_its_reader_may_read(world, mob, docs, client_for):
    import io
    import zipfile

    response = client_for(world.learner_b).get(mobility_zip("m_b_to_a")(docs))
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as archive:
        assert len(archive.namelist()) == 3  # LA, transcript, Europass; no memorandum
    response = client_for(world.partner_b).get(partnership_zip("p1")(docs))
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as archive:
        assert len(archive.namelist()) == 4


def test_the_mobility_page_offers_the_zip_only_to_those_who_get_a_pdf_from_it(world, mob, docs, client_for):
    zip_url = reverse("documents:mobility_zip", kwargs={"code": mob.m_b_to_a.code})
    for name, shown in {"learner_b": True, "partner_b": True, "pc_a": True, "mentor_a": False}.items():
        user = getattr(mob, name, None) or world.actor(name)
        page = client_for(user).get(mob.m_b_to_a.get_absolute_url())
        assert page.status_code == 200
        assert (zip_url in page.content.decode()) is shown, name
        assert may_download_zip(user, mob.m_b_to_a) is shown
    assert may_download_zip(world.partner_b, world.p1) and not may_download_zip(mob.mentor_a, world.p1)


def test_a_mobility_without_a_ready_pdf_offers_no_zip(world, mob, client_for):
    RenderedDocument.objects.update(status=RenderedDocument.Status.QUEUED)  # the module's PDFs are ready
    zip_url = reverse("documents:mobility_zip", kwargs={"code": mob.m_b_to_a.code})
    assert zip_url not in client_for(world.partner_b).get(mob.m_b_to_a.get_absolute_url()).content.decode()
