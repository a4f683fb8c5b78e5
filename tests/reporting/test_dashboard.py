"""The coordinator dashboard and the reports index, on the `world` and `mob` casts (tests/conftest.py,
tests/mobility/conftest.py), plus (`rep`):

org_e     a third member of P1 (partner); m_a_to_e: A sends to E (partner_b must not count it);
states    m_b_to_a recognised (recorded on its transcript), m_a_to_b completed, m_a_to_b2 cancelled,
          m_a_to_e in mobility;
learners  learner_a1 (A, to B) fewer opportunities, learner_b1 (B, to A) special needs;
checklist items due 2021-04-01 (past): open on m_a_to_b (debriefing, sending side: A acts), open on m_a_to_e
          (arrival, sending side: A acts), done on m_a_to_b, open on the cancelled m_a_to_b2 and on the
          recognised m_b_to_a (neither counted: nothing is overdue there any more), one due in 2099.
"""

import re
import xml.etree.ElementTree as ET
from datetime import date, time

import pytest
from django.urls import reverse
from django.utils import timezone

from dissemination.services import reach_report
from ecvet.models import Transcript
from mobility.models import MentorAssessment, Mobility
from partners.models import PartnershipMember
from reporting.views.dashboard import optional_url
from tests.dissemination.conftest import dis  # noqa: F401 — the dissemination cast, used as a fixture
from tests.factories import IndicatorFactory, OrganisationFactory
from tests.factories_mobility import ChecklistItemFactory, LearnerFactory, MentorAssessmentFactory, MobilityFactory
from tests.mobility.conftest import mob  # noqa: F401 — the mobility cast, used as a fixture
from training_events import services as training
from training_events.models import Attendance, Participant, Session, TrainingEvent

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"
S = Mobility.Status


def set_status(mobility, status):
    # A finished stay has its mentor's assessment submitted or a reason why not (what lets it count as completed).
    finished = status in (Mobility.Status.COMPLETED, Mobility.Status.RECOGNISED)
    Mobility.objects.filter(pk=mobility.pk).update(
        status=status, no_assessment_reason="The mentor left the company." if finished else ""
    )


@pytest.fixture
def rep(world, mob):  # noqa: F811
    org_e = OrganisationFactory(slug="org-e", short_name="Epsilon School")
    PartnershipMember.objects.create(partnership=world.p1, organisation=org_e, role=PartnershipMember.Role.PARTNER)
    learner_a3 = LearnerFactory(home_organisation=world.org_a, first_name="Rasa", last_name="Kaz")
    m_a_to_e = MobilityFactory(
        learner=learner_a3, partnership=world.p1, receiving_organisation=org_e, start_date=date(2020, 2, 3)
    )
    set_status(mob.m_b_to_a, S.RECOGNISED)
    # Its recognition recorded on the host's approved transcript: only then does it count as recognised.
    Transcript.objects.create(
        mobility=mob.m_b_to_a,
        assessment=MentorAssessmentFactory(mobility=mob.m_b_to_a, status=MentorAssessment.Status.SUBMITTED),
        status=Transcript.Status.APPROVED,
        decision=Transcript.Decision.RECOGNISED,
    )
    set_status(mob.m_a_to_b, S.COMPLETED)
    set_status(mob.m_a_to_b2, S.CANCELLED)
    set_status(m_a_to_e, S.IN_MOBILITY)
    mob.learner_a1.fewer_opportunities = True
    mob.learner_a1.save(update_fields=["fewer_opportunities"])
    mob.learner_b1.special_needs = True
    mob.learner_b1.save(update_fields=["special_needs"])
    ChecklistItemFactory(mobility=mob.m_a_to_b, responsible="sending", category="debriefing")
    ChecklistItemFactory(mobility=m_a_to_e, responsible="sending", category="arrival")
    ChecklistItemFactory(mobility=mob.m_b_to_a, responsible="receiving", category="arrival")
    ChecklistItemFactory(mobility=mob.m_a_to_b, responsible="sending", done_at=timezone.now())
    ChecklistItemFactory(mobility=mob.m_a_to_b2, responsible="sending")
    ChecklistItemFactory(mobility=mob.m_a_to_b, responsible="mentor", due_date=date(2099, 1, 1))
    return {"org_e": org_e, "m_a_to_e": m_a_to_e}


def page(client_for, user, slug="p1"):
    response = client_for(user).get(reverse("reporting:dashboard", kwargs={"slug": slug}))
    assert response.status_code == 200
    return response.content.decode()


def figures(html: str) -> dict[str, ET.Element]:
    """Every chart figure of the page by its id, parsed as XML (so each must be well-formed)."""
    out = {}
    for match in re.finditer(r'<figure class="chart[^"]*" data-chart="([^"]+)">.*?</figure>', html, re.S):
        out[match.group(1)] = ET.fromstring(match.group(0))  # noqa: S314 — our own rendered markup
    return out


def table_of(figure: ET.Element) -> dict[str, list[str]]:
    return {
        (row[0].text or "").strip(): [(c.text or "").strip() for c in row[1:]] for row in figure.find(".//table/tbody")
    }


def drawn_values(figure: ET.Element) -> dict[tuple[str, int], str]:
    svg = figure.find(f".//{SVG}svg")
    return {
        (t.get("data-category"), int(t.get("data-series") or 0)): t.text
        for t in svg.iter(f"{SVG}text")
        if t.get("class") == "chart-value"
    }


def by_testid(html: str, name: str) -> str:
    match = re.search(rf'data-testid="{name}"[^>]*>(.*?)</', html, re.S)
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


# --- mobilities -------------------------------------------------------------------------------------------------


def test_project_coordinator_counts_every_mobility_of_the_partnership_by_state(rep, world, client_for):
    html = page(client_for, world.pc_a)
    status = table_of(figures(html)["chart-status"])
    assert status["Recognised"] == ["1"]
    assert status["Completed"] == ["1"]
    assert status["Cancelled"] == ["1"]
    assert status["In mobility"] == ["1"]
    assert status["Draft"] == ["0"]
    assert by_testid(html, "figure-mobilities") == "3"  # the cancelled one is left out
    assert 'data-testid="coverage-whole"' in html


def test_direction_counts_outgoing_and_incoming_per_organisation(rep, world, client_for):
    direction = table_of(figures(page(client_for, world.pc_a))["chart-direction"])
    # A sends to B (completed) and to E; B sends to A. The cancelled A → B is not counted.
    assert direction == {"Alpha VET": ["2", "1"], "Beta College": ["1", "1"], "Epsilon School": ["0", "1"]}


def test_partner_coordinator_counts_only_what_their_organisation_sends_or_receives(rep, world, client_for):
    html = page(client_for, world.partner_b)
    assert 'data-testid="coverage-part"' in html
    assert "Beta College sends or receives" in html
    direction = table_of(figures(html)["chart-direction"])
    assert direction == {"Beta College": ["1", "1"]}
    status = table_of(figures(html)["chart-status"])
    assert status["In mobility"] == ["0"]  # A → E is none of B's business
    assert "Epsilon School" not in by_testid(html, "flows") if 'data-testid="flows"' in html else True


def test_mobilities_by_start_month_cover_the_partnership_period(rep, world, client_for):
    months = table_of(figures(page(client_for, world.pc_a))["chart-months"])
    assert len(months) == 33  # 2019-10 … 2022-06
    assert next(iter(months)) == "2019-10" and list(months)[-1] == "2022-06"
    # 2021-04: m_b_to_a recognised, m_a_to_b completed → stages: preparing, in mobility, completed, recognised, total
    assert months["2021-04"] == ["0", "0", "1", "1", "2"]
    assert months["2020-02"] == ["0", "1", "0", "0", "1"]
    assert months["2021-09"] == ["0", "0", "0", "0", "0"]  # cancelled


def test_flows_table_crosses_sending_and_receiving_organisations(rep, world, client_for):
    html = page(client_for, world.pc_a)
    table = ET.fromstring(  # noqa: S314 — our own rendered markup
        re.search(
            r'<table class="table table-sm table-bordered w-auto" data-testid="flows">.*?</table>', html, re.S
        ).group(0)
    )
    header = [th.text for th in table.find("thead/tr")][1:-1]
    rows = {row[0].text: [c.text for c in row[1:]] for row in table.find("tbody")}
    assert header == ["Alpha VET", "Beta College", "Epsilon School"]
    assert rows["Alpha VET"] == ["0", "1", "1", "2"]
    assert rows["Beta College"] == ["1", "0", "0", "1"]


# --- learners and recognition -----------------------------------------------------------------------------------


def test_learners_with_fewer_opportunities_and_special_needs_count_and_share(rep, world, client_for):
    html = page(client_for, world.pc_a)
    assert by_testid(html, "learners-total") == "3"  # a1, b1, a3 (a2's mobility is cancelled)
    assert by_testid(html, "learners-fewer") == "1 (33 %)"
    assert by_testid(html, "learners-special") == "1 (33 %)"
    assert by_testid(html, "learners-either") == "2 (67 %)"
    by_sender = table_of(figures(html)["chart-learners"])
    assert by_sender["Alpha VET"] == ["2", "1", "0"]
    assert by_sender["Beta College"] == ["1", "0", "1"]


def test_recognition_rate_is_recognised_over_completed_or_recognised(rep, world, client_for):
    html = page(client_for, world.pc_a)
    assert "recognised mobilities ÷ (completed + recognised mobilities)" in html
    assert by_testid(html, "figure-recognition") == "50 %"
    assert by_testid(html, "recognition-rate").startswith("50 % (1 of 2")


def test_recognition_rate_is_a_dash_without_finished_mobilities(world, mob, client_for):  # noqa: F811
    html = page(client_for, world.pc_a)
    assert by_testid(html, "figure-recognition") == "–"


# --- training ---------------------------------------------------------------------------------------------------


def test_staff_attended_means_at_least_one_session_marked_present(world, client_for):
    event = TrainingEvent.objects.create(
        partnership=world.p1, host_organisation=world.org_a, title="QA in mobility",
        start_date=date(2025, 3, 10), end_date=date(2025, 3, 11),
    )  # fmt: skip
    s1 = Session.objects.create(event=event, day=date(2025, 3, 10), start_time=time(9), end_time=time(12), title="A")
    s2 = Session.objects.create(event=event, day=date(2025, 3, 11), start_time=time(9), end_time=time(12), title="B")
    people = [
        Participant.objects.create(event=event, organisation=org, first_name=n, last_name="X", email=f"{n}@x.org")
        for org, n in ((world.org_a, "a1"), (world.org_a, "a2"), (world.org_b, "b1"), (world.org_b, "b2"))
    ]
    Participant.objects.create(
        event=event, organisation=world.org_b, first_name="c", last_name="X", email="c@x.org", status="cancelled"
    )
    Attendance.objects.create(participant=people[0], session=s1, present=True)
    Attendance.objects.create(participant=people[0], session=s2, present=True)
    Attendance.objects.create(participant=people[2], session=s1, present=False)  # marked absent
    Attendance.objects.create(participant=people[3], session=s2, present=True)
    html = page(client_for, world.pc_a)
    assert table_of(figures(html)["chart-training-events"]) == {"QA in mobility": ["4", "2"]}
    assert table_of(figures(html)["chart-training-organisations"]) == {
        "Alpha VET": ["2", "1"],
        "Beta College": ["2", "1"],
    }
    # The same rule as the certificates: someone with attended hours.
    hours = training.attendance_by_participant([p.pk for p in people])
    assert sum(1 for p in people if hours.get(p.pk, (0, 0))[1] > 0) == 2
    # B's coordinator counts B's own participants only (A hosts).
    html_b = page(client_for, world.partner_b)
    assert table_of(figures(html_b)["chart-training-events"]) == {"QA in mobility": ["2", "1"]}
    assert table_of(figures(html_b)["chart-training-organisations"]) == {"Beta College": ["2", "1"]}


# --- dissemination ----------------------------------------------------------------------------------------------


def test_reach_figures_are_the_reach_report(world, dis, client_for):  # noqa: F811
    report = reach_report(world.p1)
    for user in (world.pc_a, world.partner_b):
        html = page(client_for, user)
        assert by_testid(html, "reach-people") == str(report["people"]) == "42"
        assert by_testid(html, "reach-estimate") == str(report["reach"]) == "500"
        groups = table_of(figures(html)["chart-reach-groups"])
        assert groups["Learners"] == ["20", "5"]
        targets = table_of(figures(html)["chart-reach-targets"])
        assert targets["Learners"] == ["0", "25", "50", "50 %", ""]
        assert targets["Social media"][1:4] == ["500", "1000", "50 %"]


# --- quality ----------------------------------------------------------------------------------------------------


def test_overdue_checklist_items_count_for_the_organisation_that_must_act(rep, world, client_for):
    html = page(client_for, world.pc_a)
    assert by_testid(html, "figure-overdue") == "2"
    # A sends m_a_to_b and m_a_to_e: both items are A's (m_b_to_a's is not overdue: it is recognised).
    assert table_of(figures(html)["chart-quality"]) == {"Alpha VET": ["2"]}
    categories = re.search(r'data-testid="quality-categories">.*?</table>', html, re.S).group(0)
    assert "Debriefing" in categories and "Arrival" in categories


# --- strategies -------------------------------------------------------------------------------------------------


def test_strategy_indicators_side_by_side_for_the_project_coordinator_own_only_for_a_partner(world, client_for):
    IndicatorFactory(
        goal=world.indicator_b.goal, name="Incoming learners", baseline_value=0, target_value=10, current_value=5,
        unit="learners", due_date=date(2099, 1, 1),
    )  # fmt: skip
    html = page(client_for, world.pc_a)
    assert 'data-testid="strategy-org-a"' in html and 'data-testid="strategy-org-b"' in html
    charts_b = table_of(figures(html)["chart-strategy-org-b"])
    assert charts_b["Incoming learners"] == ["0", "5", "10 learners", "50 %", ""]
    assert world.indicator_b.name in charts_b
    html_b = page(client_for, world.partner_b)
    assert 'data-testid="strategy-org-b"' in html_b and 'data-testid="strategy-org-a"' not in html_b


# --- every chart has its table ----------------------------------------------------------------------------------


def test_every_chart_on_the_page_has_a_table_with_the_same_numbers(rep, world, dis, client_for):  # noqa: F811
    html = page(client_for, world.pc_a)
    found = figures(html)
    assert {"chart-status", "chart-direction", "chart-months", "chart-learners", "chart-quality"} <= set(found)
    for chart_id, figure in found.items():
        svg = figure.find(f".//{SVG}svg")
        if svg is None:
            continue
        assert svg.get("role") == "img" and svg.find(f"{SVG}title").text and svg.find(f"{SVG}desc").text
        table = table_of(figure)
        if "strategy" in chart_id or "targets" in chart_id:
            drawn = {cat: text for (cat, _s), text in drawn_values(figure).items()}
            for label, cells in table.items():
                assert drawn[label].startswith(f"{cells[3]} · {cells[1]} / {cells[2]}")
            continue
        for (category, series), text in drawn_values(figure).items():
            assert table[category][series] == text, chart_id
        if chart_id == "chart-months":
            totals = {t.get("data-category"): t.text for t in svg.iter(f"{SVG}text") if t.get("class") == "chart-total"}
            assert {label: cells[-1] for label, cells in table.items()} == totals


# --- access details, index and panel ----------------------------------------------------------------------------


def test_index_lists_the_partnerships_to_report_on_with_links_that_resolve(world, client_for):
    response = client_for(world.partner_b).get(reverse("reporting:index"))
    html = response.content.decode()
    assert 'data-testid="report-row-p1"' in html and 'data-testid="report-row-p2"' not in html
    assert reverse("reporting:dashboard", kwargs={"slug": "p1"}) in html
    for name in ("reporting:budget", "reporting:exports"):
        url = optional_url(name, slug="p1")
        assert url is None or url in html


def test_optional_url_is_none_for_a_name_that_does_not_exist():
    assert optional_url("reporting:no_such_page", slug="p1") is None


def test_index_is_empty_for_a_mentor(world, client_for):
    html = client_for(world.mentor_b).get(reverse("reporting:index")).content.decode()
    assert 'data-testid="reports-empty"' in html


def test_home_page_links_each_partnership_to_its_dashboard(world, client_for):
    html = client_for(world.pc_a).get(reverse("home")).content.decode()
    assert 'data-testid="dashboard-reports"' in html
    assert reverse("reporting:dashboard", kwargs={"slug": "p1"}) in html


# --- query budget -----------------------------------------------------------------------------------------------


def grow(world, n: int):
    """n more mobilities (each with a checklist item), participants and indicators in P1."""
    event = TrainingEvent.objects.create(
        partnership=world.p1, host_organisation=world.org_a, title=f"Event {n}",
        start_date=date(2025, 3, 10), end_date=date(2025, 3, 11),
    )  # fmt: skip
    session = Session.objects.create(
        event=event, day=date(2025, 3, 10), start_time=time(9), end_time=time(12), title="S"
    )
    for i in range(n):
        learner = LearnerFactory(home_organisation=world.org_a, fewer_opportunities=i % 2 == 0)
        m = MobilityFactory(
            learner=learner, partnership=world.p1, receiving_organisation=world.org_b,
            start_date=date(2020 + i % 2, 1 + i % 12, 1),
        )  # fmt: skip
        set_status(m, [S.COMPLETED, S.RECOGNISED, S.PLANNED][i % 3])
        ChecklistItemFactory(mobility=m)
        p = Participant.objects.create(
            event=event, organisation=world.org_b, first_name="P", last_name=str(i), email=f"p{n}-{i}@x.org"
        )
        Attendance.objects.create(participant=p, session=session, present=True)
        IndicatorFactory(goal=world.indicator_b.goal, due_date=date(2099, 1, 1))


@pytest.mark.parametrize("user", ["pc_a", "partner_b"])
def test_dashboard_query_count_does_not_grow_with_the_data(world, client_for, django_assert_max_num_queries, user):
    url = reverse("reporting:dashboard", kwargs={"slug": "p1"})
    client = client_for(getattr(world, user))
    grow(world, 5)
    with django_assert_max_num_queries(30) as small:
        assert client.get(url).status_code == 200
    grow(world, 60)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


def test_index_query_count_does_not_grow_with_partnerships(world, client_for, django_assert_max_num_queries):
    from tests.factories import PartnershipFactory

    client = client_for(world.pc_a)
    for i in range(3):
        PartnershipFactory(slug=f"extra-{i}", coordinator=world.org_a)
    with django_assert_max_num_queries(20) as small:
        client.get(reverse("reporting:index"))
    for i in range(3, 40):
        PartnershipFactory(slug=f"extra-{i}", coordinator=world.org_a)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("reporting:index"))
    assert response.context["page"].paginator.count == 41
