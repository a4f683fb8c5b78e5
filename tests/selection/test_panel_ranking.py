"""The ranking: weighted means, fewer-opportunity points, the documented tie-break, ties marked, and the
ranking page's query budget (hand-counted figures: tests/selection/panel_support.py)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from selection import panel
from selection.models import Score
from tests.factories_selection import ApplicationFactory

from .panel_support import ORDER, A, scored_call

pytestmark = pytest.mark.django_db


def test_weighted_ranking_with_the_tie_break(world):
    scored = scored_call(world)
    rows = panel.ranking(scored.call)
    assert [row.application.first_name for row in rows] == ORDER
    totals = {row.application.first_name: row.total for row in rows}
    assert totals == {
        "Bea": Decimal("20.00"),
        "Ada": Decimal("20.00"),
        "Cas": Decimal("18.00"),
        "Dan": Decimal("18.00"),
        "Gus": Decimal("17.00"),
        "Eva": Decimal("17.00"),
        "Fay": Decimal("17.00"),
    }
    by_name = {row.application.first_name: row for row in rows}
    assert by_name["Bea"].bonus == Decimal("5.00") and by_name["Bea"].weighted == Decimal("15.00")
    assert by_name["Cas"].means == [Decimal("8.0000"), Decimal("2.0000")]
    assert by_name["Gus"].means == [Decimal("7.0000"), Decimal("3.0000")]
    assert [row.rank for row in rows] == [1, 2, 3, 4, 5, 6, 7]
    assert all(row.tied for row in rows)  # every total here is shared with a neighbour
    assert [(row.application.first_name, row.tie_break) for row in rows if row.tie_break] == [
        ("Ada", "fewer_opportunities"),
        ("Dan", "criterion"),
        ("Eva", "criterion"),
        ("Fay", "submitted"),
    ]
    assert by_name["Dan"].tie_criterion == "Motivation"
    assert all(row.complete for row in rows)


def test_a_single_total_is_not_a_tie_and_the_code_breaks_the_last_tie(world):
    scored = scored_call(world)
    # Ada scores one more point on Skills from X: 2×7 + 6.5 = 20.50, alone at the top.
    Score.objects.filter(
        application=scored.apps["Ada"], assessor=scored.x, criterion__name="Professional skills"
    ).update(points=Decimal("7"))
    # Fay submitted at the same moment as Eva: the application code decides.
    fay = scored.apps["Fay"]
    type(fay).objects.filter(pk=fay.pk).update(submitted_at=scored.apps["Eva"].submitted_at)
    rows = panel.ranking(scored.call)
    first = rows[0]
    assert (first.application.first_name, first.total, first.tied) == ("Ada", Decimal("20.50"), False)
    eva_fay = [row for row in rows if row.application.first_name in ("Eva", "Fay")]
    assert eva_fay[1].tie_break == "code"
    assert str(eva_fay[0].application.code) < str(eva_fay[1].application.code)


def test_withdrawn_and_ineligible_applications_are_not_ranked_and_missing_scores_show(world):
    scored = scored_call(world)
    Score.objects.filter(application=scored.apps["Eva"], assessor=scored.y).delete()
    rows = panel.ranking(scored.call)
    names = [row.application.first_name for row in rows]
    assert "Hal" not in names and "Ivy" not in names
    eva = next(row for row in rows if row.application.first_name == "Eva")
    assert eva.complete is False and eva.total == Decimal("17.00")  # X's points alone
    assert any("26 of 28 scores" in problem for problem in panel.missing_for_decision(scored.call))


def test_the_ranking_page_runs_the_same_queries_for_few_and_many(world, client_for, django_assert_max_num_queries):
    scored = scored_call(world)
    url = reverse("selection:panel_ranking", kwargs={"code": scored.call.code})
    client = client_for(scored.x)
    client.get(url)  # warm the session and the scope
    with django_assert_max_num_queries(16) as few:
        response = client.get(url)
    assert response.status_code == 200
    for index in range(60):
        ApplicationFactory(call=scored.call, first_name=f"Extra{index}", status=A.ELIGIBLE)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 67
    body = response.content.decode()
    assert "Bea Tester" in body and "20.00" in body and "tie" in body
