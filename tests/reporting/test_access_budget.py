"""Role × object × view for every budget page: the budget, its CSV, the recorded costs (list, record, edit,
delete) and the grant split.

200 = allowed; 302 = redirected (to sign-in for anonymous, or after a successful POST);
403 = in scope but the right is missing; 404 = out of scope.
Cast: tests/conftest.py (`world`) and the budget cast of tests/reporting/test_budget.py, plus a cost of C in P2.
Reading is for the staff of the partnership's organisations (a partner sees their own organisation's costs:
another's answers 404); recording is for one's own organisation with can_manage_organisation, the project
coordinator (pc_a for P1) for all; the grant split is the project coordinator's only (partner_c is a partner
coordinator: P2 has no project coordinator in the cast).
"""

import pytest
from django.urls import reverse

from partners.models import AuditEntry
from reporting.models import Cost, GrantAllocation
from tests.conftest import build_world

from .test_budget import build_budget


def build_once():
    """The cast of tests/conftest.py and its budget, built once for the module (tests/once_per_module.py)."""
    world = build_world()
    return world, build_budget(world)


@pytest.fixture
def world(once):
    return once[0]


@pytest.fixture
def budget(once):
    return once[1]


ACTORS = ["anonymous", "pc_a", "partner_b", "partner_c", "mentor_b", "learner_b", "outsider", "admin"]


def expect(**overrides):
    base = dict.fromkeys(ACTORS, 200)
    base["anonymous"] = 302
    base.update(overrides)
    return base


def url(name, slug, cost=None):
    def build(targets):
        kwargs = {"slug": slug}
        if cost:
            kwargs["code"] = targets.costs[cost].code
        return reverse(f"reporting:{name}", kwargs=kwargs)

    return build


OUTSIDE_P1 = {"partner_c": 404, "mentor_b": 404, "learner_b": 404, "outsider": 404}
OUTSIDE_P2 = {"pc_a": 404, "partner_b": 404, "mentor_b": 404, "learner_b": 404, "outsider": 404}
NOBODY = dict.fromkeys(ACTORS[1:], 404)
READ_P1 = expect(**OUTSIDE_P1)
READ_P2 = expect(**OUTSIDE_P2)
# A cost of A in P1: partner_b does not even see it.
COST_OF_A = expect(partner_b=404, **OUTSIDE_P1)
COST_OF_B = READ_P1
COST_OF_C = READ_P2
ALLOCATE_P1 = expect(partner_b=403, **OUTSIDE_P1)
ALLOCATE_P2 = expect(partner_c=403, **OUTSIDE_P2)


def posted(expected, ok=302):
    return {actor: (ok if code == 200 else code) for actor, code in expected.items()}


MATRIX = [
    ("budget of P1", url("budget", "p1"), "get", READ_P1),
    ("budget of P2", url("budget", "p2"), "get", READ_P2),
    ("budget CSV of P1", url("budget_csv", "p1"), "get", READ_P1),
    ("budget CSV of P2", url("budget_csv", "p2"), "get", READ_P2),
    ("costs of P1", url("cost_list", "p1"), "get", READ_P1),
    ("costs of P2", url("cost_list", "p2"), "get", READ_P2),
    ("record a cost in P1", url("cost_create", "p1"), "get", READ_P1),
    ("record a cost in P2", url("cost_create", "p2"), "get", READ_P2),
    # An empty form: those who may record get it back with errors.
    ("post an empty cost in P1", url("cost_create", "p1"), "post", READ_P1),
    ("edit cost of A", url("cost_edit", "p1", "a_meeting_open"), "get", COST_OF_A),
    ("edit cost of B", url("cost_edit", "p1", "b_mobility"), "get", COST_OF_B),
    ("edit cost of C", url("cost_edit", "p2", "c_cost"), "get", COST_OF_C),
    ("post an empty edit of cost of A", url("cost_edit", "p1", "a_meeting_open"), "post", COST_OF_A),
    # The cost must belong to the partnership of the address: nobody finds C's cost under P1.
    ("cost of C under P1's address", url("cost_edit", "p1", "c_cost"), "get", expect(**NOBODY)),
    ("confirm deleting cost of A", url("cost_delete", "p1", "a_meeting_open"), "get", COST_OF_A),
    ("delete cost of A", url("cost_delete", "p1", "a_meeting_open"), "post", posted(COST_OF_A)),
    ("delete cost of B", url("cost_delete", "p1", "b_mobility"), "post", posted(COST_OF_B)),
    ("delete cost of C", url("cost_delete", "p2", "c_cost"), "post", posted(COST_OF_C)),
    ("grant split of P1", url("allocations", "p1"), "get", ALLOCATE_P1),
    ("save an empty grant split of P1", url("allocations", "p1"), "post", posted(ALLOCATE_P1)),
    ("grant split of P2", url("allocations", "p2"), "get", ALLOCATE_P2),
    ("save an empty grant split of P2", url("allocations", "p2"), "post", posted(ALLOCATE_P2)),
]


def snapshot() -> dict:
    """Every recorded cost, allocation and audit row: a refused POST leaves them exactly as they were."""
    return {
        model.__name__: list(model.objects.order_by("pk").values()) for model in (Cost, GrantAllocation, AuditEntry)
    }


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(("label", "build", "method", "expected"), MATRIX, ids=[row[0] for row in MATRIX])
def test_access_matrix(world, budget, client_for, actor, label, build, method, expected):
    targets = budget
    client = client_for(world.actor(actor))
    target = build(targets)
    before = snapshot() if method == "post" else None
    response = client.post(target, {}) if method == "post" else client.get(target)
    assert response.status_code == expected[actor], f"{actor} on {label}: {response.status_code}"
    if actor == "anonymous":
        assert response["Location"].startswith(reverse("account_login"))
    if method == "post" and (response.status_code in (403, 404) or actor == "anonymous"):
        assert snapshot() == before, f"{actor} on {label}: a refused POST changed data"


def test_a_refused_delete_leaves_the_cost_and_the_log(world, budget, client_for):
    targets = budget
    cost = targets.costs["a_meeting_open"]
    before = snapshot()
    url = reverse("reporting:cost_delete", kwargs={"slug": "p1", "code": cost.code})
    assert client_for(world.partner_b).post(url).status_code == 404
    assert snapshot() == before
    assert client_for(world.pc_a).post(url).status_code == 302
    assert snapshot() != before


def test_partner_without_the_right_reads_but_does_not_record(world, budget, client_for):
    from partners.models.people import Role
    from tests.factories import MembershipFactory

    targets = budget
    clerk = MembershipFactory(organisation=world.org_b, role=Role.PARTNER_COORDINATOR, can_manage_organisation=False)
    client = client_for(clerk.user)
    assert client.get(reverse("reporting:budget", kwargs={"slug": "p1"})).status_code == 200
    assert client.get(reverse("reporting:cost_list", kwargs={"slug": "p1"})).status_code == 200
    assert client.get(reverse("reporting:cost_create", kwargs={"slug": "p1"})).status_code == 403
    edit = reverse("reporting:cost_edit", kwargs={"slug": "p1", "code": targets.costs["b_mobility"].code})
    assert client.get(edit).status_code == 403


def test_malformed_or_unknown_addresses_are_not_found(world, budget, client_for):
    client = client_for(world.pc_a)
    assert client.get("/reports/p1/budget/costs/not-a-code/edit/").status_code == 404
    assert client.get(reverse("reporting:budget", kwargs={"slug": "nope"})).status_code == 404
    unknown = "00000000-0000-0000-0000-000000000000"
    assert client.get(f"/reports/p1/budget/costs/{unknown}/edit/").status_code == 404


def test_methods_other_than_get_and_post_are_refused(world, budget, client_for):
    client = client_for(world.pc_a)
    assert client.post(reverse("reporting:budget", kwargs={"slug": "p1"})).status_code == 405
    assert client.post(reverse("reporting:budget_csv", kwargs={"slug": "p1"})).status_code == 405
    assert client.delete(reverse("reporting:cost_list", kwargs={"slug": "p1"})).status_code == 405
