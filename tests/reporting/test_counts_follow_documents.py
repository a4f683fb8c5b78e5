"""The figures count only what the documents support (issue 13, point 4): a mobility marked recognised without
its recognition recorded on an approved Personal Transcript counts as completed — in the dashboard's recognition
rate, in the budget, in the archive's mobilities file — through the one definition `ecvet.chain.with_reported_status`.

Cast: p1's m_b_to_a (B sends) and m_a_to_b (A sends) are both marked recognised; only m_b_to_a's recognition
is recorded on its transcript."""

import csv
import io
import zipfile
from decimal import Decimal

import pytest
from django.urls import reverse

from ecvet import chain
from ecvet.models import Transcript
from mobility.models import MentorAssessment, Mobility
from reporting.services import budget, indicators
from tests.factories_mobility import MentorAssessmentFactory
from tests.mobility.conftest import mob  # noqa: F401 — the mobility cast, used as a fixture

pytestmark = pytest.mark.django_db

S = Mobility.Status


@pytest.fixture
def marked(world, mob):  # noqa: F811
    Mobility.objects.filter(pk__in=[mob.m_b_to_a.pk, mob.m_a_to_b.pk]).update(status=S.RECOGNISED)
    Mobility.objects.filter(pk=mob.m_a_to_b2.pk).update(status=S.CANCELLED)
    for mobility in (mob.m_b_to_a, mob.m_a_to_b):
        assessment = MentorAssessmentFactory(mobility=mobility, status=MentorAssessment.Status.SUBMITTED)
        # Both have an approved transcript; only m_b_to_a's records the recognition.
        Transcript.objects.create(
            mobility=mobility,
            assessment=assessment,
            status=Transcript.Status.APPROVED,
            decision=Transcript.Decision.RECOGNISED if mobility == mob.m_b_to_a else "",
        )
    return mob


def test_only_a_recorded_recognition_counts_as_recognised(marked):
    p1 = Mobility.objects.filter(partnership__slug="p1")
    assert list(chain.supported_recognitions(p1)) == [marked.m_b_to_a]
    reported = dict(chain.with_reported_status(p1).values_list("pk", "reported_status"))
    assert reported == {
        marked.m_b_to_a.pk: S.RECOGNISED,
        marked.m_a_to_b.pk: S.COMPLETED,
        marked.m_a_to_b2.pk: S.CANCELLED,
    }


def test_the_dashboard_recognition_rate_counts_only_recorded_recognitions(world, marked):
    figures = indicators.mobility_indicators(world.pc_a, world.p1, [world.org_a, world.org_b])
    assert (figures["completed"], figures["recognised"], figures["recognition_rate"]) == (1, 1, 50)
    by_status = {status: n for status, _label, n in figures["by_status"]}
    assert (by_status[S.COMPLETED], by_status[S.RECOGNISED]) == (1, 1)
    # Per sending organisation: A's mobility is not recognised by its documents, B's is.
    assert [row[1:] for row in figures["recognition_by_sender"]] == [(1, 0, 0), (0, 1, 100)]


def test_the_dashboard_page_shows_the_honest_rate(world, marked, client_for):
    response = client_for(world.pc_a).get(reverse("reporting:dashboard", kwargs={"slug": "p1"}))
    assert response.status_code == 200
    assert response.context["data"]["mobilities"]["recognition_rate"] == 50


def test_recording_the_recognition_makes_it_count(world, marked):
    Transcript.objects.filter(mobility=marked.m_a_to_b).update(decision=Transcript.Decision.PARTLY)
    figures = indicators.mobility_indicators(world.pc_a, world.p1, [world.org_a, world.org_b])
    assert (figures["completed"], figures["recognised"], figures["recognition_rate"]) == (0, 2, 100)


def test_a_draft_transcript_with_a_decision_does_not_count(world, marked):
    Transcript.objects.filter(mobility=marked.m_b_to_a).update(status=Transcript.Status.DRAFT)
    figures = indicators.mobility_indicators(world.pc_a, world.p1, [world.org_a, world.org_b])
    assert (figures["recognised"], figures["recognition_rate"]) == (0, 0)


def test_the_archive_reports_the_status_the_documents_support(world, marked, client_for):
    response = client_for(world.pc_a).get(reverse("reporting:archive", kwargs={"slug": "p1"}))
    data = b"".join(response.streaming_content)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        text = archive.read("mobilities.csv").decode("utf-8-sig")
    rows = {row["code"]: row for row in csv.DictReader(io.StringIO(text))}
    recorded, unrecorded = rows[str(marked.m_b_to_a.code)], rows[str(marked.m_a_to_b.code)]
    assert (recorded["status"], recorded["reported_status"]) == ("recognised", "recognised")
    assert (unrecorded["status"], unrecorded["reported_status"]) == ("recognised", "completed")


def test_the_budget_counts_an_unrecorded_recognition_as_completed(world, marked):
    def mobility_figures():
        result = budget.budget_for(world.p1, world.pc_a)
        return {o.organisation.pk: vars(o.lines["mobility"]) for o in result.organisations}

    as_marked = mobility_figures()
    Mobility.objects.filter(pk=marked.m_a_to_b.pk).update(status=S.COMPLETED)
    # Completed or recognised, the stay is over: spent either way, the same amount.
    assert mobility_figures() == as_marked
    assert as_marked[world.org_a.pk]["committed"] == Decimal("0")
