"""The whole-partnership archive: its files, the manifest's SHA-256s, the sealed PDFs a user may download,
and each user's scope.

Sealed PDFs are made the way tests/documents makes them (`make_ready`: a canned sealed file, no rendering):
the LA, transcript and Europass of m_b_to_a (B→A), a P1 memorandum, the Europass of m_a_to_b (A→B) and a
P2 memorandum.
"""

import csv
import hashlib
import io
import zipfile

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse

from documents import access
from partners.models import AuditEntry
from tests.documents import conftest as documents_fixtures
from tests.documents.support import (
    approve_la,
    approved_europass,
    approved_transcript,
    forced_memorandum,
    make_ready,
    memorandum_in_force,
)
from tests.mobility import conftest as mobility_fixtures
from tests.training_events import conftest as training_fixtures

mob = mobility_fixtures.mob
te = training_fixtures.te
plain_pdf = documents_fixtures.plain_pdf
canned_pdf = documents_fixtures.canned_pdf

DATA_FILES = {
    "organisations.csv",
    "members.csv",
    "learners.csv",
    "mobilities.csv",
    "learning_agreements.csv",
    "memoranda.csv",
    "transcripts.csv",
    "europass_mobility.csv",
    "training_events.csv",
    "training_participants.csv",
    "training_attendance.csv",
    "dissemination_events.csv",
    "dissemination_activities.csv",
    "budget_allocations.csv",
    "budget_costs.csv",
    "reporting-tool/mobilities.csv",
    "reporting-tool/participants.csv",
    "README.txt",
}


@pytest.fixture
def sealed(world, mob, canned_pdf):
    documents = {
        "la": approve_la(world, mob),
        "transcript": approved_transcript(world, mob),
        "europass": approved_europass(world, mob),
        "memorandum": memorandum_in_force(world),
        "other_europass": approved_europass(world, mob, mob.m_a_to_b, sender=world.pc_a, host=world.partner_b),
        "p2": forced_memorandum(world.p2, [world.org_c, mob.org_d], title="Delta MoU"),
    }
    return {name: make_ready(document, canned_pdf + name.encode()) for name, document in documents.items()}


def fetch(client, slug="p1"):
    response = client.get(reverse("reporting:archive", kwargs={"slug": slug}))
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "application/zip"
    assert "no-store" in response["Cache-Control"]
    data = b"".join(response.streaming_content)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        return {name: archive.read(name) for name in archive.namelist()}, response


def table(files, name, delimiter=","):
    rows = list(csv.reader(io.StringIO(files[name].decode("utf-8-sig")), delimiter=delimiter))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_the_archive_holds_every_data_file_and_the_sealed_pdfs(world, mob, te, sealed, client_for, canned_pdf):
    files, response = fetch(client_for(world.pc_a))
    assert response["Content-Disposition"].startswith('attachment; filename="PONE-archive-')
    pdfs = {name for name in files if name.startswith("documents/")}
    assert set(files) - pdfs == DATA_FILES
    # Named by kind and code, never by learner (issue 17).
    names = {key: f"documents/{access.filename(row)}" for key, row in sealed.items() if key != "p2"}
    assert pdfs == set(names.values())
    assert names["la"] == f"documents/learning-agreement-{str(sealed['la'].document.agreement.code)[:8]}-v1.pdf"
    assert files[names["la"]] == canned_pdf + b"la"
    assert {row["code"] for row in table(files, "mobilities.csv")} == {
        str(m.code) for m in (mob.m_b_to_a, mob.m_a_to_b, mob.m_a_to_b2)
    }
    assert {row["slug"] for row in table(files, "organisations.csv")} == {"org-a", "org-b"}
    assert [row["title"] for row in table(files, "training_events.csv")] == [te.ev_a.title]
    assert len(table(files, "reporting-tool/mobilities.csv", ";")) == 3


def test_the_manifest_names_the_user_and_the_sha256_of_every_file(world, mob, sealed, client_for):
    files, _ = fetch(client_for(world.pc_a))
    manifest = files["README.txt"].decode("utf-8")
    assert world.pc_a.email in manifest and world.p1.project_number in manifest
    listed = {}
    for line in manifest.splitlines():
        parts = line.split("  ")
        if len(parts) == 3 and len(parts[0]) == 64:
            listed[parts[2]] = (parts[0], int(parts[1]))
    assert set(listed) == set(files) - {"README.txt"}
    for name, (digest, size) in listed.items():
        assert hashlib.sha256(files[name]).hexdigest() == digest, name
        assert len(files[name]) == size


def test_a_partner_coordinators_archive_holds_only_their_scope(world, mob, te, sealed, client_for):
    files, _ = fetch(client_for(world.partner_b))
    # B sees its own learner's mobility and the mobilities it hosts, not P2's.
    mobility_codes = {row["code"] for row in table(files, "mobilities.csv")}
    assert str(mob.m_c_to_d.code) not in mobility_codes
    assert {row["email"] for row in table(files, "members.csv")} <= {
        m.user.email for m in world.org_b.memberships.select_related("user")
    }
    assert "Laine" not in files["learners.csv"].decode()
    # The reporting-tool files hold only what B sends.
    assert [r["Mobility ID"] for r in table(files, "reporting-tool/mobilities.csv", ";")] == [str(mob.m_b_to_a.code)]
    # The P2 memorandum never; A's strategy-level data never; the budget only B's own rows.
    assert not any("delta" in name for name in files)


def test_only_pdfs_the_user_may_download_go_into_the_archive(world, mob, sealed, client_for):
    files, _ = fetch(client_for(world.partner_c), slug="p2")
    assert sorted(name for name in files if name.startswith("documents/")) == ["documents/memorandum-delta-mou-v1.pdf"]
    assert table(files, "mobilities.csv") == [
        row for row in table(files, "mobilities.csv") if row["code"] == str(mob.m_c_to_d.code)
    ]


def test_the_archive_download_is_audited(world, mob, client_for):
    fetch(client_for(world.pc_a))
    entry = AuditEntry.objects.get(verb=AuditEntry.Verb.EXPORTED)
    assert entry.actor == world.pc_a and entry.partnership == world.p1
    assert entry.details["export"] == "archive"
