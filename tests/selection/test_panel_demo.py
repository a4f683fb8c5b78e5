"""The selection demo (selection/demo.py, a step of seed_demo): KMPMC's decided call in the current project with 12
applications (three with fewer opportunities, one minor with her guardian's consent), a panel of two who
declared, every score, the decision with a reserve list; beside it an open call taking applications through the
public form; idempotent, no account created."""

from collections import Counter

import pytest
from django.core.management import call_command
from django.urls import reverse

from partners.models import User
from selection import demo as selection_demo
from selection import panel
from selection.models import Application, ApplicationDocument, Call, Score

pytestmark = pytest.mark.django_db
A = Application.Status


@pytest.fixture
def call(demo):
    return Call.objects.get(
        organisation__slug="kmpmc",
        partnership__project_number="2025-1-LT01-KA122-VET-000123",
        title=selection_demo.TITLE,
    )


@pytest.fixture
def open_call(demo):
    return Call.objects.get(organisation__slug="kmpmc", title=selection_demo.OPEN_TITLE)


def test_the_demo_call_is_decided_with_a_ranking_and_a_reserve_list(call):
    assert call.status == Call.Status.DECIDED and call.places == 4
    applications = list(call.applications.all())
    assert len(applications) == 12
    assert sum(a.fewer_opportunities for a in applications) == 3
    minors = [a for a in applications if a.is_minor]
    assert len(minors) == 1 and minors[0].guardian_name
    assert minors[0].documents.filter(kind=ApplicationDocument.Kind.GUARDIAN_CONSENT).exists()
    seats = list(call.panel.all())
    assert len(seats) == 2 and all(seat.has_declared for seat in seats)
    assert Score.objects.filter(application__call=call).count() == 12 * 3 * 2
    assert Counter(a.status for a in applications) == {A.SELECTED: 4, A.RESERVE: 3, A.NOT_SELECTED: 5}
    reserve = sorted(a.reserve_rank for a in applications if a.status == A.RESERVE)
    assert reserve == [1, 2, 3]
    assert all(a.learner_id for a in applications if a.status == A.SELECTED)
    ranked = [row.application.status for row in panel.ranking(call)]
    assert ranked == [A.SELECTED] * 4 + [A.RESERVE] * 3 + [A.NOT_SELECTED] * 5
    assert call.placements.exists()  # the partners' placements are offered


def test_the_demo_panel_reads_the_ranking(call, client_for):
    mentor = User.objects.get(email="mentor@kmpmc.example")
    response = client_for(mentor).get(reverse("selection:panel_ranking", kwargs={"code": call.code}))
    assert response.status_code == 200 and "Gabija" in response.content.decode()


def test_seeding_again_changes_nothing(call):
    before = (Application.objects.count(), Score.objects.count(), User.objects.count())
    call_command("seed_demo", verbosity=0)
    assert (Application.objects.count(), Score.objects.count(), User.objects.count()) == before


def test_the_open_demo_call_takes_applications_through_the_public_form(open_call, client):
    assert open_call.status == Call.Status.PUBLISHED and open_call.is_open
    assert open_call.partnership.project_number == selection_demo.CURRENT_PROJECT_NUMBER
    assert list(open_call.state_history().values_list("to_state", flat=True)) == [Call.Status.PUBLISHED]
    statuses = {a.first_name: a.status for a in open_call.applications.all()}
    assert statuses == {"Viltė": A.ELIGIBLE, "Nojus": A.ELIGIBLE, "Aistė": A.INELIGIBLE, "Tadas": A.UNVERIFIED}
    ineligible = open_call.applications.get(first_name="Aistė")
    assert list(ineligible.state_history().order_by("pk").values_list("to_state", flat=True)) == [
        A.SUBMITTED,
        A.INELIGIBLE,
    ]
    # Named, but nobody has declared yet, so nobody reads the applications.
    seats = list(open_call.panel.all())
    assert len(seats) == 2 and not any(seat.has_declared for seat in seats)
    listing = client.get(reverse("selection:open_calls")).content.decode()
    assert selection_demo.OPEN_TITLE in listing and selection_demo.TITLE not in listing
    page = client.get(open_call.get_public_url()).content.decode()
    apply_url = reverse("selection:apply", kwargs={"code": open_call.code})
    assert apply_url in page
    assert "Viltė" not in page and "Kairytė" not in page  # no personal data on the public page
    form = client.get(apply_url)
    assert form.status_code == 200 and 'name="first_name"' in form.content.decode()
