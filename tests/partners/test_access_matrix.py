"""Role × organisation × view: who gets what status for each page.

200 = allowed; 302 = redirected (to sign-in for anonymous, or after a POST);
403 = the object is in scope but the right is missing; 404 = out of scope.
"""

import pytest
from django.urls import reverse

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

# (label, url builder, method, expectations)
MATRIX = [
    ("home", u("home"), "get", expect()),
    ("my profile", u("partners:profile"), "get", expect()),
    ("organisation list", u("partners:organisation_list"), "get", expect()),
    (
        "own/partner organisation",
        u("partners:organisation_detail", **ORG_B),
        "get",
        expect(partner_c=404, outsider=404),
    ),
    (
        "other network's organisation",
        u("partners:organisation_detail", **ORG_C),
        "get",
        expect(pc_a=404, partner_b=404, mentor_b=404, learner_b=404, outsider=404),
    ),
    (
        "edit organisation B",
        u("partners:organisation_edit", **ORG_B),
        "get",
        expect(partner_c=404, mentor_b=403, learner_b=403, outsider=404),
    ),
    (
        "edit organisation C",
        u("partners:organisation_edit", **ORG_C),
        "get",
        expect(pc_a=404, partner_b=404, mentor_b=404, learner_b=404, outsider=404),
    ),
    (
        "people of B",
        u("partners:organisation_people", **ORG_B),
        "get",
        expect(partner_c=404, mentor_b=403, learner_b=403, outsider=404),
    ),
    (
        "people of C",
        u("partners:organisation_people", **ORG_C),
        "get",
        expect(pc_a=404, partner_b=404, mentor_b=404, learner_b=404, outsider=404),
    ),
    (
        "audit of B",
        u("partners:organisation_audit", **ORG_B),
        "get",
        expect(partner_c=404, mentor_b=403, learner_b=403, outsider=404),
    ),
    (
        "audit of C",
        u("partners:organisation_audit", **ORG_C),
        "get",
        expect(pc_a=404, partner_b=404, mentor_b=404, learner_b=404, outsider=404),
    ),
    ("partnership list", u("partners:partnership_list"), "get", expect()),
    (
        "partnership P1",
        u("partners:partnership_detail", **P1),
        "get",
        expect(partner_c=404, mentor_b=404, learner_b=404, outsider=404),
    ),
    (
        "partnership P2",
        u("partners:partnership_detail", **P2),
        "get",
        expect(pc_a=404, partner_b=404, mentor_b=404, learner_b=404, outsider=404),
    ),
    (
        "new partnership",
        u("partners:partnership_create"),
        "get",
        expect(partner_b=403, partner_c=403, mentor_b=403, learner_b=403, outsider=403),
    ),
    (
        "edit P1",
        u("partners:partnership_edit", **P1),
        "get",
        expect(partner_b=403, partner_c=404, mentor_b=404, learner_b=404, outsider=404),
    ),
    (
        "add member to P1",
        u("partners:partnership_add_member", **P1),
        "get",
        expect(partner_b=403, partner_c=404, mentor_b=404, learner_b=404, outsider=404),
    ),
    (
        "strategies of P1",
        u("partners:partnership_strategies", **P1),
        "get",
        expect(partner_c=404, mentor_b=404, learner_b=404, outsider=404),
    ),
    (
        "strategies of P2",
        u("partners:partnership_strategies", **P2),
        "get",
        expect(pc_a=404, partner_b=404, mentor_b=404, learner_b=404, outsider=404),
    ),
    (
        "audit of P1",
        u("partners:partnership_audit", **P1),
        "get",
        expect(partner_b=403, partner_c=404, mentor_b=404, learner_b=404, outsider=404),
    ),
    # partner_c works at P2's coordinating organisation but is not its project coordinator.
    (
        "audit of P2",
        u("partners:partnership_audit", **P2),
        "get",
        expect(pc_a=404, partner_b=404, partner_c=403, mentor_b=404, learner_b=404, outsider=404),
    ),
    (
        "strategy of A",
        u("partners:strategy_detail", code=lambda w: w.strategy_a.code),
        "get",
        expect(partner_b=404, partner_c=404, mentor_b=404, learner_b=404, outsider=404),
    ),
    (
        "strategy of B",
        u("partners:strategy_detail", code=lambda w: w.strategy_b.code),
        "get",
        expect(partner_c=404, mentor_b=404, learner_b=404, outsider=404),
    ),
    (
        "strategy of C",
        u("partners:strategy_detail", code=lambda w: w.strategy_c.code),
        "get",
        expect(pc_a=404, partner_b=404, mentor_b=404, learner_b=404, outsider=404),
    ),
    (
        "edit strategy of B",
        u("partners:strategy_edit", code=lambda w: w.strategy_b.code),
        "get",
        expect(partner_c=404, mentor_b=404, learner_b=404, outsider=404),
    ),
    (
        "new goal in strategy of C",
        u("partners:goal_create", code=lambda w: w.strategy_c.code),
        "get",
        expect(pc_a=404, partner_b=404, mentor_b=404, learner_b=404, outsider=404),
    ),
    (
        "new indicator for goal of B",
        u("partners:indicator_create", goal_code=lambda w: w.indicator_b.goal.code),
        "get",
        expect(partner_c=404, mentor_b=404, learner_b=404, outsider=404),
    ),
    (
        "indicator value of B",
        u("partners:indicator_value", code=lambda w: w.indicator_b.code),
        "get",
        expect(partner_c=404, mentor_b=404, learner_b=404, outsider=404),
    ),
    (
        "indicator value of C",
        u("partners:indicator_value", code=lambda w: w.indicator_c.code),
        "get",
        expect(pc_a=404, partner_b=404, mentor_b=404, learner_b=404, outsider=404),
    ),
    ("invitation list", u("partners:invitation_list"), "get", expect(mentor_b=403, learner_b=403, outsider=403)),
    ("new invitation", u("partners:invitation_create"), "get", expect(mentor_b=403, learner_b=403, outsider=403)),
    (
        "revoke invitation of B",
        u("partners:invitation_revoke", code=lambda w: w.invitation_b.code),
        "post",
        expect(pc_a=302, partner_b=302, partner_c=404, mentor_b=404, learner_b=404, outsider=404, admin=302),
    ),
    (
        "resend invitation of C",
        u("partners:invitation_resend", code=lambda w: w.invitation_c.code),
        "post",
        expect(pc_a=404, partner_b=404, partner_c=302, mentor_b=404, learner_b=404, outsider=404, admin=302),
    ),
    (
        "mentor's membership at B",
        u("partners:membership_edit", code=lambda w: w.membership_mentor_b.code),
        "get",
        expect(partner_c=404, mentor_b=403, learner_b=404, outsider=404),
    ),
    (
        "partner coordinator's membership at C",
        u("partners:membership_edit", code=lambda w: w.membership_partner_c.code),
        "get",
        expect(pc_a=404, partner_b=404, partner_c=403, mentor_b=404, learner_b=404, outsider=404),
    ),
]


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(("label", "url", "method", "expected"), MATRIX, ids=[row[0] for row in MATRIX])
def test_access_matrix(world, client_for, actor, label, url, method, expected):
    client = client_for(world.actor(actor))
    response = getattr(client, method)(url(world))
    assert response.status_code == expected[actor], f"{actor} on {label}: {response.status_code}"
    if actor == "anonymous":
        assert response["Location"].startswith(reverse("account_login"))


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
