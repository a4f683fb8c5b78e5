"""What the read endpoints return: identifiers are codes/slugs (never integer keys), personal details only
to those the portal shows them to, documents with state, hashes and links (never the file path), filters,
ordering and pagination."""

from __future__ import annotations

import json

from partners.models import AuditEntry


def test_no_integer_primary_keys_and_no_file_paths(world, mob, te, docs, api_for):
    client = api_for(world.admin)
    for endpoint in ("organisations", "partnerships", "learners", "mobilities", "documents", "training-events"):
        body = client.get(f"/api/v1/{endpoint}/").json()
        text = json.dumps(body)
        assert '"id":' not in text and '"pk":' not in text
        assert "sealed/" not in text  # the storage path of the PDFs


def test_mentor_sees_the_learner_without_personal_details(world, mob, api_for):
    body = api_for(world.mentor_b).get(f"/api/v1/learners/{mob.learner_a1.code}/").json()
    assert body["last_name"] == "Kairyte" and body["personal"] is None


def test_home_organisation_and_the_learner_see_personal_details(world, mob, api_for):
    for user, learner in ((world.pc_a, mob.learner_a1), (world.learner_b, mob.learner_b1)):
        body = api_for(user).get(f"/api/v1/learners/{learner.code}/").json()
        assert body["personal"]["date_of_birth"] == learner.date_of_birth.isoformat()
    # B's coordinator sees A's incoming learner as the host does: no personal details.
    assert api_for(world.partner_b).get(f"/api/v1/learners/{mob.learner_a1.code}/").json()["personal"] is None


def test_reading_a_learner_is_audited_except_oneself(world, mob, api_for):
    api_for(world.mentor_b).get(f"/api/v1/learners/{mob.learner_a1.code}/")
    assert AuditEntry.objects.filter(
        verb=AuditEntry.Verb.VIEWED, object_code=str(mob.learner_a1.code), actor=world.mentor_b
    ).exists()
    api_for(world.learner_b).get(f"/api/v1/learners/{mob.learner_b1.code}/")
    assert not AuditEntry.objects.filter(verb=AuditEntry.Verb.VIEWED, actor=world.learner_b).exists()


def test_mobility_shows_related_objects_by_code_and_slug(world, mob, api_for):
    body = api_for(world.pc_a).get(f"/api/v1/mobilities/{mob.m_a_to_b.code}/").json()
    assert body["learner"] == {"code": str(mob.learner_a1.code), "first_name": "Austeja", "last_name": "Kairyte"}
    assert (body["partnership"], body["sending_organisation"], body["receiving_organisation"]) == (
        "p1",
        "org-a",
        "org-b",
    )
    assert body["mentor"]["code"] == str(world.mentor_b.code)


def test_documents_show_state_hashes_and_links(world, mob, docs, api_for):
    client = api_for(world.partner_b)
    ready = client.get(f"/api/v1/documents/{docs.mou_p1.code}/").json()
    assert ready["status"] == "ready" and ready["document_type"] == "memorandum"
    assert ready["content_sha256"] == docs.mou_p1.content_sha256 and len(ready["file_sha256"]) == 64
    assert ready["download_url"].endswith(f"/api/v1/documents/{docs.mou_p1.code}/download/")
    assert ready["verification_url"].endswith(f"/verify/{docs.mou_p1.verify_token}/")
    assert ready["document_code"] == str(docs.mou_p1.document.code)
    queued = client.get(f"/api/v1/documents/{docs.mou_p1q.code}/").json()
    assert queued["status"] == "queued" and queued["download_url"] is None and queued["verification_url"] is None
    # The link is the portal's scoped download: it serves the file to this reader, and only to readers.
    download = client.get(ready["download_url"])
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == b"%PDF-1.7\n% test\n"
    assert AuditEntry.objects.filter(verb=AuditEntry.Verb.DOWNLOADED, actor=world.partner_b).exists()
    assert api_for(world.partner_c).get(ready["download_url"]).status_code == 404
    assert api_for(world.mentor_b).get(ready["download_url"]).status_code == 404
    assert client.get(f"/api/v1/documents/{docs.mou_p1q.code}/download/").status_code == 404


def test_filters_narrow_and_bad_filters_get_400(world, mob, api_for):
    client = api_for(world.pc_a)
    drafts = client.get("/api/v1/mobilities/", {"receiving_organisation": "org-a"}).json()
    assert {row["code"] for row in drafts["results"]} == {str(mob.m_b_to_a.code)}
    assert client.get("/api/v1/mobilities/", {"start_from": "not-a-date"}).status_code == 400
    assert client.get("/api/v1/mobilities/", {"status": "nonsense"}).status_code == 400
    assert client.get("/api/v1/mobilities/", {"learner": "nope"}).status_code == 400
    names = client.get("/api/v1/learners/", {"q": "jonas"}).json()["results"]
    assert [row["last_name"] for row in names] == ["Petraitis"]


def test_ordering_and_pagination(world, mob, api_for):
    client = api_for(world.pc_a)
    ordered = client.get("/api/v1/mobilities/", {"ordering": "start_date"}).json()["results"]
    starts = [row["start_date"] for row in ordered]
    assert starts == sorted(starts)
    first = client.get("/api/v1/learners/", {"page_size": 2}).json()
    assert first["count"] == 3 and len(first["results"]) == 2 and first["next"]
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 1
    # Past the end: the last page, as in the portal's lists (no error).
    assert client.get("/api/v1/learners/", {"page_size": 2, "page": 99}).json()["results"] == second["results"]


def test_training_events_carry_their_agenda(world, te, api_for):
    body = api_for(world.partner_b).get(f"/api/v1/training-events/{te.ev_a.code}/").json()
    assert [s["title"] for s in body["sessions"]] == ["Opening", "Checklists", "Wrap-up"]
    assert body["host_organisation"] == "org-a" and body["partnership"] == "p1"


def test_malformed_page_parameters_get_400(world, api_for):
    client = api_for(world.pc_a)
    for params in ({"page": "0"}, {"page": "false"}, {"page": "-1"}, {"page_size": "201"}, {"page_size": "x"}):
        response = client.get("/api/v1/learners/", params)
        assert response.status_code == 400, params
        assert set(response.json()) <= {"page", "page_size"}


def test_malformed_codes_get_a_json_404(world, docs, api_for):
    client = api_for(world.pc_a)
    for url in ("/api/v1/learners/%C2%84/", "/api/v1/documents/not-a-code/download/", "/api/v1/organisations/x!/"):
        response = client.get(url)
        assert response.status_code == 404 and response["Content-Type"] == "application/json"


def test_event_format_filter(world, te, api_for):
    client = api_for(world.partner_b)
    assert client.get("/api/v1/training-events/", {"event_format": "on_site"}).json()["count"] == 1
    assert client.get("/api/v1/training-events/", {"event_format": "online"}).json()["count"] == 0


def test_empty_or_mistyped_filter_values_get_400(world, api_for):
    client = api_for(world.pc_a)
    for url, params in (
        ("/api/v1/mobilities/", {"start_to": ""}),
        ("/api/v1/organisations/", {"type": ""}),
        ("/api/v1/partnerships/", {"call_year": "0.5"}),
    ):
        response = client.get(url, params)
        assert response.status_code == 400 and set(response.json()) == set(params), (url, response.content)


def test_blank_gender_matches_the_schema(world, mob, api_for):
    from mobility.models import Learner

    Learner.objects.filter(pk=mob.learner_a1.pk).update(gender="")
    assert api_for(world.pc_a).get(f"/api/v1/learners/{mob.learner_a1.code}/").json()["personal"]["gender"] == ""
