"""Role × object × view for the panel's pages (selection/views/panel.py).

200 = allowed; 302 = to sign-in (anonymous); 403 = in scope without the right; 404 = out of scope.
Cast: tests/conftest.py's world and tests/selection/panel_support.py's scored call of B (closed): partner_b
coordinates B (decides); mentor_b sits on its panel and declared; "vera" sits on it and has NOT declared yet;
partner_c sits on the panel of a call of C (another school, another call): B's call is out of scope for them.
pc_a coordinates the partnership P1 but is not staff of B: applicants' data stays with the sending school.
"""

from decimal import Decimal

import pytest
from django.urls import reverse

from selection.models import PanelMember, Score
from tests.crawl.pages import parse
from tests.factories_selection import CallFactory

from .panel_support import scored_call

pytestmark = pytest.mark.django_db

ACTORS = ["anonymous", "pc_a", "partner_b", "mentor_b", "vera", "partner_c", "learner_b", "outsider", "admin"]
OUT = {"pc_a": 404, "partner_c": 404, "learner_b": 404, "outsider": 404}


def expect(**codes):
    base = {"anonymous": 302, **OUT, "partner_b": 200, "mentor_b": 200, "vera": 200, "admin": 200}
    base.update(codes)
    return base


@pytest.fixture
def cast(world):
    scored = scored_call(world)
    PanelMember.objects.filter(call=scored.call, user=scored.y).update(declared_no_conflict_at=None, declaration="")
    other = CallFactory(organisation=world.org_c, partnership=world.p2, status="closed")
    PanelMember.objects.create(call=other, user=world.partner_c, declared_no_conflict_at=scored.call.created_at)
    scored.other = other
    return scored


def users(world, cast):
    return {
        "anonymous": None,
        "pc_a": world.pc_a,
        "partner_b": world.partner_b,
        "mentor_b": world.mentor_b,
        "vera": cast.y,
        "partner_c": world.partner_c,
        "learner_b": world.learner_b,
        "outsider": world.outsider,
        "admin": world.admin,
    }


def call_url(name):
    return lambda c: reverse(name, kwargs={"code": c.call.code})


def app_url(name, who="Ada"):
    return lambda c: reverse(name, kwargs={"code": (c.hal if who == "Hal" else c.apps[who]).code})


def doc_url(c):
    application = c.apps["Ada"]
    return reverse(
        "selection:panel_document", kwargs={"code": application.code, "document": application.documents.get().code}
    )


MATRIX = [
    ("panel", call_url("selection:panel"), expect()),
    ("name the panel", call_url("selection:panel_members"), expect(mentor_b=403, vera=403)),
    ("declaration", call_url("selection:panel_declare"), expect(partner_b=403, mentor_b=403, admin=403)),
    ("ranking", call_url("selection:panel_ranking"), expect(vera=403)),
    ("decision", call_url("selection:panel_decision"), expect(mentor_b=403, vera=403)),
    ("eligible application", app_url("selection:panel_application"), expect(vera=403)),
    ("its document", doc_url, expect(vera=403)),
    (
        "an application that is not eligible",
        app_url("selection:panel_application", "Hal"),
        expect(partner_b=404, mentor_b=404, vera=404, admin=404),
    ),
    # Ada is eligible, not selected: nobody offers her a placement yet.
    ("offer a placement", app_url("selection:panel_offer"), expect(partner_b=403, mentor_b=403, vera=403, admin=403)),
]


@pytest.mark.parametrize("label,build,expected", MATRIX, ids=[row[0] for row in MATRIX])
def test_panel_access_matrix(world, cast, client_for, label, build, expected):
    url = build(cast)
    people = users(world, cast)
    got = {actor: client_for(people[actor]).get(url).status_code for actor in ACTORS}
    assert got == expected


def test_a_panel_member_of_another_school_sees_only_their_own_call(world, cast, client_for):
    client = client_for(world.partner_c)
    assert client.get(reverse("selection:panel", kwargs={"code": cast.other.code})).status_code == 200
    assert client.get(reverse("selection:panel", kwargs={"code": cast.call.code})).status_code == 404
    assert (
        client_for(world.mentor_b).get(reverse("selection:panel", kwargs={"code": cast.other.code})).status_code == 404
    )


def test_before_declaring_a_member_sees_the_declaration_not_the_applicants(world, cast, client_for):
    client = client_for(cast.y)
    url = reverse("selection:panel", kwargs={"code": cast.call.code})
    body = client.get(url).content.decode()
    assert "Declaration of no conflict of interest" in body and "Ada Tester" not in body
    # One form (crispy's own, not nested in another), posting to the declaration: the browser sends what it shows.
    layout = {reverse("set_language"), reverse("account_logout")}
    forms = [f for f in parse(body).forms if f.method == "post" and f.action not in layout]
    declare = reverse("selection:panel_declare", kwargs={"code": cast.call.code})
    assert [f.action for f in forms] == [declare]
    assert "confirm" in {field.name for field in forms[0].fields}
    response = client.post(declare, {"confirm": "on"})
    assert response.status_code == 302
    seat = PanelMember.objects.get(call=cast.call, user=cast.y)
    assert seat.declared_no_conflict_at is not None and "conflict of interest" in seat.declaration
    assert "Ada Tester" in client.get(url).content.decode()


def test_scores_are_the_panels_the_coordinator_sees_the_ranking_only(world, cast, client_for):
    page = app_url("selection:panel_application")(cast)
    panel = client_for(world.mentor_b).get(page)
    assert panel.context["scores"] is not None and len(panel.context["scores"]) == 4
    coordinator = client_for(world.partner_b).get(page)
    assert coordinator.status_code == 200 and coordinator.context["scores"] is None
    assert coordinator.context["form"] is None  # the coordinator is not on the panel: no scoring


def test_scoring_gives_field_errors_for_bad_points_and_saves_good_ones(world, cast, client_for):
    application = cast.apps["Ada"]
    motivation, skills = list(cast.call.criteria.all())
    page = reverse("selection:panel_application", kwargs={"code": application.code})
    client = client_for(world.mentor_b)
    bad = client.post(page, {f"points_{motivation.pk}": "11", f"points_{skills.pk}": "-1"})
    assert bad.status_code == 200
    assert set(bad.context["form"].errors) == {f"points_{motivation.pk}", f"points_{skills.pk}"}
    assert Score.objects.get(application=application, assessor=world.mentor_b, criterion=motivation).points == 8
    good = client.post(
        page, {f"points_{motivation.pk}": "9.5", f"points_{skills.pk}": "4", f"comment_{skills.pk}": "Good nails."}
    )
    assert good.status_code == 302
    score = Score.objects.get(application=application, assessor=world.mentor_b, criterion=skills)
    assert (score.points, score.comment) == (Decimal("4"), "Good nails.")
    # The undeclared member may not score, even by posting.
    assert (
        client_for(cast.y).post(page, {f"points_{motivation.pk}": "1", f"points_{skills.pk}": "1"}).status_code == 403
    )


def test_the_coordinator_names_the_panel_from_the_sending_organisations_people(world, cast, client_for):
    url = reverse("selection:panel_members", kwargs={"code": cast.call.code})
    client = client_for(world.partner_b)
    # partner_c is not a member of B: not a choice.
    response = client.post(url, {"members": [world.mentor_b.pk, cast.y.pk, world.partner_c.pk]})
    assert response.status_code == 200 and "members" in response.context["form"].errors
    # Removing a member who scored is refused with a field error.
    response = client.post(url, {"members": [cast.y.pk]})
    assert response.status_code == 200 and "members" in response.context["form"].errors
    assert set(PanelMember.objects.filter(call=cast.call).values_list("user_id", flat=True)) == {
        world.mentor_b.pk,
        cast.y.pk,
    }
    response = client.post(url, {"members": [world.mentor_b.pk, cast.y.pk, world.partner_b.pk]})
    assert response.status_code == 302
    assert PanelMember.objects.filter(call=cast.call).count() == 3
