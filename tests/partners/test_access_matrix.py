"""Role × organisation × view: who gets what status for each page.

200 = allowed; 302 = redirected (to sign-in for anonymous, or after a POST);
403 = the object is in scope but the right is missing; 404 = out of scope.

A POST row names the models it could change (`touches`); when the POST is refused (403, 404, or the
anonymous visitor sent to sign in) those tables and the audit log are exactly as before. A row may
`prepare` the world first (e.g. remove a strategy so that one can be started).
"""

from typing import NamedTuple

import pytest
from django.urls import reverse

from partners.models import (
    AuditEntry,
    Indicator,
    InternationalisationStrategy,
    Invitation,
    Membership,
    Organisation,
    Partnership,
    StrategyGoal,
)
from tests.conftest import build_world


def build_once():
    """The cast of tests/conftest.py, built once for the module (tests/once_per_module.py)."""
    return build_world()


@pytest.fixture
def world(once):
    return once


ACTORS = ["anonymous", "pc_a", "partner_b", "partner_c", "mentor_b", "learner_b", "outsider", "admin"]


def u(name, **kwargs):
    return lambda w: reverse(name, kwargs={k: v(w) for k, v in kwargs.items()})


def expect(anonymous=302, pc_a=200, partner_b=200, partner_c=200, mentor_b=200, learner_b=200, outsider=200, admin=200):
    return {
        "anonymous": anonymous,
        "pc_a": pc_a,
        "partner_b": partner_b,
        "partner_c": partner_c,
        "mentor_b": mentor_b,
        "learner_b": learner_b,
        "outsider": outsider,
        "admin": admin,
    }


ORG_B = {"slug": lambda w: w.org_b.slug}
ORG_C = {"slug": lambda w: w.org_c.slug}
P1 = {"slug": lambda w: w.p1.slug}
P2 = {"slug": lambda w: w.p2.slug}


class Row(NamedTuple):
    label: str
    url: object  # world -> address
    method: str
    expected: dict
    touches: tuple = ()  # models a POST may change: unchanged when it is refused
    prepare: object = None  # world -> None, run before the request


def posted(expected, ok=302):
    """The expectations of a GET row for the same address POSTed: `ok` where the GET answers 200."""
    return {actor: (ok if code == 200 else code) for actor, code in expected.items()}


def without_strategy(name):
    """Remove the world's strategy `name` (with its goals and indicators), so that one can be started."""

    def prepare(w):
        getattr(w, name).delete()

    return prepare


STRATEGY_B = {"code": lambda w: w.strategy_b.code}
GOAL_B = {"code": lambda w: w.strategy_b.code, "goal_code": lambda w: w.indicator_b.goal.code}
GOAL_C = {"code": lambda w: w.strategy_c.code, "goal_code": lambda w: w.indicator_c.goal.code}
INDICATOR_B = {"goal_code": lambda w: w.indicator_b.goal.code, "code": lambda w: w.indicator_b.code}
INDICATOR_C = {"goal_code": lambda w: w.indicator_c.goal.code, "code": lambda w: w.indicator_c.code}
VALUE_C = {"code": lambda w: w.indicator_c.code}
START_B_IN_P1 = {"slug": lambda w: w.p1.slug, "org_slug": lambda w: w.org_b.slug}
START_A_IN_P1 = {"slug": lambda w: w.p1.slug, "org_slug": lambda w: w.org_a.slug}
START_C_IN_P2 = {"slug": lambda w: w.p2.slug, "org_slug": lambda w: w.org_c.slug}
# Who edits B's strategy (its partner coordinator, P1's project coordinator, the administrator) and who
# edits C's (its partner coordinator, the administrator); the others do not see them (404).
EDIT_B = expect(partner_c=404, mentor_b=404, learner_b=404, outsider=404)
EDIT_C = expect(pc_a=404, partner_b=404, mentor_b=404, learner_b=404, outsider=404)
# The same addresses POSTed empty: the form comes back with its errors (200) to those who may edit.
POST_B = posted(EDIT_B, 200)
POST_C = posted(EDIT_C, 200)
STRATEGY = (InternationalisationStrategy, StrategyGoal, Indicator)

# Row(label, url builder, method, expectations[, touches, prepare])
MATRIX = [
    Row("home", u("home"), "get", expect()),
    Row("my profile", u("partners:profile"), "get", expect()),
    Row("waiting for you", u("partners:waiting"), "get", expect()),
    Row("organisation list", u("partners:organisation_list"), "get", expect()),
    Row(
        "own/partner organisation",
        u("partners:organisation_detail", **ORG_B),
        "get",
        expect(partner_c=404, outsider=404),
    ),
    Row(
        "other network's organisation",
        u("partners:organisation_detail", **ORG_C),
        "get",
        expect(pc_a=404, partner_b=404, mentor_b=404, learner_b=404, outsider=404),
    ),
    Row(
        "edit organisation B",
        u("partners:organisation_edit", **ORG_B),
        "get",
        expect(partner_c=404, mentor_b=403, learner_b=403, outsider=404),
    ),
    Row(
        "edit organisation C",
        u("partners:organisation_edit", **ORG_C),
        "get",
        expect(pc_a=404, partner_b=404, mentor_b=404, learner_b=404, outsider=404),
    ),
    Row(
        "people of B",
        u("partners:organisation_people", **ORG_B),
        "get",
        expect(partner_c=404, mentor_b=403, learner_b=403, outsider=404),
    ),
    Row(
        "people of C",
        u("partners:organisation_people", **ORG_C),
        "get",
        expect(pc_a=404, partner_b=404, mentor_b=404, learner_b=404, outsider=404),
    ),
    Row(
        "audit of B",
        u("partners:organisation_audit", **ORG_B),
        "get",
        expect(partner_c=404, mentor_b=403, learner_b=403, outsider=404),
    ),
    Row(
        "audit of C",
        u("partners:organisation_audit", **ORG_C),
        "get",
        expect(pc_a=404, partner_b=404, mentor_b=404, learner_b=404, outsider=404),
    ),
    Row("partnership list", u("partners:partnership_list"), "get", expect()),
    Row(
        "partnership P1",
        u("partners:partnership_detail", **P1),
        "get",
        expect(partner_c=404, mentor_b=404, learner_b=404, outsider=404),
    ),
    Row(
        "partnership P2",
        u("partners:partnership_detail", **P2),
        "get",
        expect(pc_a=404, partner_b=404, mentor_b=404, learner_b=404, outsider=404),
    ),
    Row(
        "new partnership",
        u("partners:partnership_create"),
        "get",
        expect(partner_b=403, partner_c=403, mentor_b=403, learner_b=403, outsider=403),
    ),
    Row(
        "edit P1",
        u("partners:partnership_edit", **P1),
        "get",
        expect(partner_b=403, partner_c=404, mentor_b=404, learner_b=404, outsider=404),
    ),
    Row(
        "add member to P1",
        u("partners:partnership_add_member", **P1),
        "get",
        expect(partner_b=403, partner_c=404, mentor_b=404, learner_b=404, outsider=404),
    ),
    Row(
        "strategies of P1",
        u("partners:partnership_strategies", **P1),
        "get",
        expect(partner_c=404, mentor_b=404, learner_b=404, outsider=404),
    ),
    Row(
        "strategies of P2",
        u("partners:partnership_strategies", **P2),
        "get",
        expect(pc_a=404, partner_b=404, mentor_b=404, learner_b=404, outsider=404),
    ),
    Row(
        "audit of P1",
        u("partners:partnership_audit", **P1),
        "get",
        expect(partner_b=403, partner_c=404, mentor_b=404, learner_b=404, outsider=404),
    ),
    # partner_c works at P2's coordinating organisation but is not its project coordinator.
    Row(
        "audit of P2",
        u("partners:partnership_audit", **P2),
        "get",
        expect(pc_a=404, partner_b=404, partner_c=403, mentor_b=404, learner_b=404, outsider=404),
    ),
    Row(
        "strategy of A",
        u("partners:strategy_detail", code=lambda w: w.strategy_a.code),
        "get",
        expect(partner_b=404, partner_c=404, mentor_b=404, learner_b=404, outsider=404),
    ),
    Row(
        "strategy of B",
        u("partners:strategy_detail", code=lambda w: w.strategy_b.code),
        "get",
        expect(partner_c=404, mentor_b=404, learner_b=404, outsider=404),
    ),
    Row(
        "strategy of C",
        u("partners:strategy_detail", code=lambda w: w.strategy_c.code),
        "get",
        expect(pc_a=404, partner_b=404, mentor_b=404, learner_b=404, outsider=404),
    ),
    Row(
        "edit strategy of B",
        u("partners:strategy_edit", code=lambda w: w.strategy_b.code),
        "get",
        expect(partner_c=404, mentor_b=404, learner_b=404, outsider=404),
    ),
    Row(
        "new goal in strategy of C",
        u("partners:goal_create", code=lambda w: w.strategy_c.code),
        "get",
        expect(pc_a=404, partner_b=404, mentor_b=404, learner_b=404, outsider=404),
    ),
    Row(
        "new indicator for goal of B",
        u("partners:indicator_create", goal_code=lambda w: w.indicator_b.goal.code),
        "get",
        expect(partner_c=404, mentor_b=404, learner_b=404, outsider=404),
    ),
    Row(
        "indicator value of B",
        u("partners:indicator_value", code=lambda w: w.indicator_b.code),
        "get",
        expect(partner_c=404, mentor_b=404, learner_b=404, outsider=404),
    ),
    Row(
        "indicator value of C",
        u("partners:indicator_value", code=lambda w: w.indicator_c.code),
        "get",
        expect(pc_a=404, partner_b=404, mentor_b=404, learner_b=404, outsider=404),
    ),
    Row("invitation list", u("partners:invitation_list"), "get", expect(mentor_b=403, learner_b=403, outsider=403)),
    Row("new invitation", u("partners:invitation_create"), "get", expect(mentor_b=403, learner_b=403, outsider=403)),
    Row(
        "revoke invitation of B",
        u("partners:invitation_revoke", code=lambda w: w.invitation_b.code),
        "post",
        expect(pc_a=302, partner_b=302, partner_c=404, mentor_b=404, learner_b=404, outsider=404, admin=302),
        touches=(Invitation,),
    ),
    Row(
        "resend invitation of C",
        u("partners:invitation_resend", code=lambda w: w.invitation_c.code),
        "post",
        expect(pc_a=404, partner_b=404, partner_c=302, mentor_b=404, learner_b=404, outsider=404, admin=302),
        touches=(Invitation,),
    ),
    Row(
        "mentor's membership at B",
        u("partners:membership_edit", code=lambda w: w.membership_mentor_b.code),
        "get",
        expect(partner_c=404, mentor_b=403, learner_b=404, outsider=404),
    ),
    Row(
        "partner coordinator's membership at C",
        u("partners:membership_edit", code=lambda w: w.membership_partner_c.code),
        "get",
        expect(pc_a=404, partner_b=404, partner_c=403, mentor_b=404, learner_b=404, outsider=404),
    ),
    # Editing a goal or an indicator: who edits the strategy; an empty form comes back with its errors.
    Row("goal of B", u("partners:goal_edit", **GOAL_B), "get", EDIT_B),
    Row("goal of C", u("partners:goal_edit", **GOAL_C), "get", EDIT_C),
    Row("post an empty goal of B", u("partners:goal_edit", **GOAL_B), "post", POST_B, STRATEGY),
    Row("post an empty goal of C", u("partners:goal_edit", **GOAL_C), "post", POST_C, STRATEGY),
    Row("indicator of B", u("partners:indicator_edit", **INDICATOR_B), "get", EDIT_B),
    Row("indicator of C", u("partners:indicator_edit", **INDICATOR_C), "get", EDIT_C),
    Row("post an empty indicator of B", u("partners:indicator_edit", **INDICATOR_B), "post", POST_B, STRATEGY),
    Row("post an empty indicator of C", u("partners:indicator_edit", **INDICATOR_C), "post", POST_C, STRATEGY),
    Row("post an empty value of C", u("partners:indicator_value", **VALUE_C), "post", POST_C, STRATEGY),
    Row("post an empty strategy of B", u("partners:strategy_edit", **STRATEGY_B), "post", POST_B, STRATEGY),
    Row(
        "post an empty organisation B",
        u("partners:organisation_edit", **ORG_B),
        "post",
        expect(partner_c=404, mentor_b=403, learner_b=403, outsider=404),
        (Organisation,),
    ),
    Row(
        "post an empty P1",
        u("partners:partnership_edit", **P1),
        "post",
        expect(partner_b=403, partner_c=404, mentor_b=404, learner_b=404, outsider=404),
        (Partnership,),
    ),
    Row(
        "post an empty membership of the mentor at B",
        u("partners:membership_edit", code=lambda w: w.membership_mentor_b.code),
        "post",
        expect(partner_c=404, mentor_b=403, learner_b=404, outsider=404),
        (Membership,),
    ),
    # Starting a strategy (POST; a GET goes back to the strategies page): who may edit the organisation,
    # for an organisation of the partnership that has none yet.
    Row(
        "start B's strategy in P1 (GET)",
        u("partners:strategy_start", **START_B_IN_P1),
        "get",
        expect(pc_a=302, partner_b=302, partner_c=404, mentor_b=404, learner_b=404, outsider=404, admin=302),
        prepare=without_strategy("strategy_b"),
    ),
    Row(
        "start B's strategy in P1",
        u("partners:strategy_start", **START_B_IN_P1),
        "post",
        expect(pc_a=302, partner_b=302, partner_c=404, mentor_b=404, learner_b=404, outsider=404, admin=302),
        STRATEGY,
        prepare=without_strategy("strategy_b"),
    ),
    # partner_b sees A (a partner in P1) but may not edit it: 403.
    Row(
        "start A's strategy in P1",
        u("partners:strategy_start", **START_A_IN_P1),
        "post",
        expect(pc_a=302, partner_b=403, partner_c=404, mentor_b=404, learner_b=404, outsider=404, admin=302),
        STRATEGY,
        prepare=without_strategy("strategy_a"),
    ),
    Row(
        "start C's strategy in P2",
        u("partners:strategy_start", **START_C_IN_P2),
        "post",
        expect(pc_a=404, partner_b=404, partner_c=302, mentor_b=404, learner_b=404, outsider=404, admin=302),
        STRATEGY,
        prepare=without_strategy("strategy_c"),
    ),
]

# A POST is refused when it answers 403 or 404, or sends the anonymous visitor to sign in.
REFUSED = {403, 404}


def snapshot(models) -> dict:
    """Every row of the models a POST may change, and of the audit log: equal before and after = nothing changed."""
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in (*models, AuditEntry)}


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("row", MATRIX, ids=[row.label for row in MATRIX])
def test_access_matrix(world, client_for, actor, row):
    if row.prepare:
        row.prepare(world)
    client = client_for(world.actor(actor))
    before = snapshot(row.touches) if row.method == "post" else None
    response = getattr(client, row.method)(row.url(world))
    assert response.status_code == row.expected[actor], f"{actor} on {row.label}: {response.status_code}"
    if actor == "anonymous":
        assert response["Location"].startswith(reverse("account_login"))
    if row.method == "post" and (response.status_code in REFUSED or actor == "anonymous"):
        assert snapshot(row.touches) == before, f"{actor} on {row.label}: a refused POST changed data"


def test_the_snapshot_sees_a_change_of_a_touched_row(world):
    before = snapshot((Invitation,))
    Invitation.objects.filter(pk=world.invitation_b.pk).update(first_name="Changed")
    assert snapshot((Invitation,)) != before


def test_every_post_row_names_what_it_could_change():
    assert [row.label for row in MATRIX if row.method == "post" and not row.touches] == []


@pytest.mark.parametrize("actor", ["pc_a", "partner_b", "admin"])
def test_starting_a_strategy_creates_exactly_one_with_its_audit_row(world, client_for, actor):
    world.strategy_b.delete()
    url = reverse("partners:strategy_start", kwargs={"slug": "p1", "org_slug": world.org_b.slug})
    client = client_for(world.actor(actor))
    audit_before = AuditEntry.objects.count()
    response = client.post(url)
    strategy = InternationalisationStrategy.objects.get(partnership=world.p1, organisation=world.org_b)
    assert response["Location"] == strategy.get_absolute_url()
    entry = AuditEntry.objects.latest("pk")
    assert AuditEntry.objects.count() == audit_before + 1
    assert (entry.verb, entry.actor_id, entry.organisation_id, entry.partnership_id) == (
        AuditEntry.Verb.CREATED,
        world.actor(actor).pk,
        world.org_b.pk,
        world.p1.pk,
    )
    # Again (a double click): the same strategy, no second row, no second audit entry.
    assert client.post(url)["Location"] == strategy.get_absolute_url()
    assert InternationalisationStrategy.objects.filter(partnership=world.p1, organisation=world.org_b).count() == 1
    assert AuditEntry.objects.count() == audit_before + 1


def test_the_strategies_page_offers_start_only_to_who_may_start(world, client_for):
    world.strategy_b.delete()
    world.strategy_a.delete()
    url = reverse("partners:partnership_strategies", kwargs={"slug": "p1"})
    start_a = reverse("partners:strategy_start", kwargs={"slug": "p1", "org_slug": world.org_a.slug})
    start_b = reverse("partners:strategy_start", kwargs={"slug": "p1", "org_slug": world.org_b.slug})
    partner_page = client_for(world.partner_b).get(url).content.decode()
    assert start_b in partner_page and start_a not in partner_page
    coordinator_page = client_for(world.pc_a).get(url).content.decode()
    assert start_a in coordinator_page and start_b in coordinator_page


def test_anonymous_reaches_only_public_pages(world, client):
    public = [
        reverse("account_login"),
        reverse("account_reset_password"),
        reverse("partners:invitation_accept", kwargs={"token": world.invitation_b.token}),
        reverse("healthz"),
    ]
    for url in public:
        assert client.get(url).status_code == 200, url


def test_admin_login_is_routed_through_the_throttled_portal_login(client):
    response = client.get("/admin/login/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_non_staff_member_cannot_open_admin(world, client_for):
    assert client_for(world.pc_a).get("/admin/").status_code in (302, 403)
    assert client_for(world.admin).get("/admin/").status_code == 200


def test_partner_coordinator_lists_only_organisations_of_shared_partnerships(world, client_for):
    response = client_for(world.partner_b).get(reverse("partners:organisation_list"))
    names = {org.short_name for org in response.context["page"].object_list}
    assert names == {"Alpha VET", "Beta College"}


def test_partnership_list_shows_only_own_networks(world, client_for):
    response = client_for(world.partner_c).get(reverse("partners:partnership_list"))
    assert [p.acronym for p in response.context["page"].object_list] == ["PTWO"]


def test_partner_sees_only_own_strategy_but_coordinator_sees_all_side_by_side(world, client_for):
    url = reverse("partners:partnership_strategies", kwargs={"slug": world.p1.slug})
    partner_columns = client_for(world.partner_b).get(url).context["columns"]
    assert [c["organisation"].slug for c in partner_columns] == ["org-b"]
    coordinator_columns = client_for(world.pc_a).get(url).context["columns"]
    assert {c["organisation"].slug for c in coordinator_columns} == {"org-a", "org-b"}
    assert all(c["strategy"] is not None for c in coordinator_columns)


def test_invitation_list_holds_only_invitations_of_managed_organisations(world, client_for):
    response = client_for(world.partner_b).get(reverse("partners:invitation_list"))
    assert [i.email for i in response.context["page"].object_list] == [world.invitation_b.email]


def test_partnership_audit_log_shows_entries_of_that_partnership_only(world, client_for):
    response = client_for(world.pc_a).get(reverse("partners:partnership_audit", kwargs={"slug": "p1"}))
    partnerships = {entry.partnership_id for entry in response.context["page"].object_list}
    assert partnerships == {world.p1.pk}


def test_profile_edits_only_the_signed_in_person(world, client_for):
    client = client_for(world.mentor_b)
    response = client.post(
        reverse("partners:profile"),
        {
            "first_name": "Mia",
            "last_name": "Mentor",
            "position": "Senior stylist",
            "phone": "+31 6 1234",
            "language": "nl",
            "email": "stolen@example.org",
            "is_superuser": "on",
        },
    )
    assert response.status_code == 302
    world.mentor_b.refresh_from_db()
    assert (world.mentor_b.first_name, world.mentor_b.position, world.mentor_b.language) == (
        "Mia",
        "Senior stylist",
        "nl",
    )
    assert world.mentor_b.email != "stolen@example.org" and not world.mentor_b.is_superuser
