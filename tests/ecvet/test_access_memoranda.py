"""Role × object × view for memoranda. A partner sees only memoranda its organisation is party to (and
the project coordinator those of the partnerships it coordinates); drafting, sending, amending and
terminating need the project coordinator's right (or, without a partnership, a party's manager);
deciding needs a signer of a party organisation.

200 = allowed; 302 = to sign-in (anonymous) or back to the page (the action does not apply now);
403 = in scope without the right; 404 = out of scope. Every session counts as freshly re-authenticated
so that the decision page answers by scope (tests/ecvet/test_memoranda.py covers re-authentication).
"""

import pytest
from django.urls import reverse

from ecvet.models import Memorandum
from partners.models import PartnershipMember
from tests.conftest import build_world
from tests.factories import MembershipFactory, OrganisationFactory

from .support_memoranda import beauty_qualification, make_memorandum, mark_recently_authenticated

ACTORS = ["anonymous", "pc_a", "partner_b", "partner_c", "mentor_b", "learner_b", "outsider", "admin"]
OUT = 404
S = Memorandum.Status


def expect(**overrides):
    base = dict.fromkeys(ACTORS, 200)
    base["anonymous"] = 302
    base.update(overrides)
    return base


STAFF_ONLY = {"mentor_b": 403, "learner_b": 403, "outsider": 403}
NOBODY_ELSE = {"mentor_b": OUT, "learner_b": OUT, "outsider": OUT}
# A + B, P1: both parties and the coordinator see it.
SEES_AB = {"partner_c": OUT, **NOBODY_ELSE}
# A + E, P1: B is not a party.
SEES_AE = {"partner_b": OUT, "partner_c": OUT, **NOBODY_ELSE}
# B + E, no partnership: A is neither party nor coordinator of it.
SEES_BE = {"pc_a": OUT, "partner_c": OUT, **NOBODY_ELSE}
# C + D, P2.
SEES_CD = {"pc_a": OUT, "partner_b": OUT, **NOBODY_ELSE}


def build_once():
    """The cast of tests/conftest.py with the module's `memos`, built once for the
    module (tests/once_per_module.py)."""
    world = build_world()
    return world, build_memos(world)


@pytest.fixture
def world(once):
    return once[0]


@pytest.fixture
def memos(once):
    return once[1]


def build_memos(world):
    org_e = OrganisationFactory(slug="org-e", short_name="Epsilon Salon")
    PartnershipMember.objects.create(partnership=world.p1, organisation=org_e, role=PartnershipMember.Role.PARTNER)
    MembershipFactory(organisation=org_e)
    org_d = OrganisationFactory(slug="org-d", short_name="Delta Academy")
    PartnershipMember.objects.create(partnership=world.p2, organisation=org_d, role=PartnershipMember.Role.PARTNER)
    q = beauty_qualification(world.org_a)
    return {
        "ab_draft": make_memorandum(partnership=world.p1, organisations=[world.org_a, world.org_b], qualifications=[q]),
        "ab_force": make_memorandum(
            partnership=world.p1, organisations=[world.org_a, world.org_b], qualifications=[q], status=S.IN_FORCE
        ),
        "ae_out": make_memorandum(
            partnership=world.p1, organisations=[world.org_a, org_e], qualifications=[q], status=S.OUT_FOR_APPROVAL
        ),
        "be_draft": make_memorandum(partnership=None, organisations=[world.org_b, org_e]),
        "cd_draft": make_memorandum(partnership=world.p2, organisations=[world.org_c, org_d]),
    }


def url(name, memo=None):
    return lambda m: reverse(name, kwargs={"code": m[memo].code}) if memo else reverse(name)


MATRIX = [
    ("memorandum list", url("ecvet:memorandum_list"), expect(**STAFF_ONLY)),
    ("new memorandum", url("ecvet:memorandum_create"), expect(**STAFF_ONLY)),
    # A + B draft in P1
    ("A+B detail", url("ecvet:memorandum_detail", "ab_draft"), expect(**SEES_AB)),
    ("A+B edit", url("ecvet:memorandum_edit", "ab_draft"), expect(**SEES_AB, partner_b=403)),
    ("A+B send (GET)", url("ecvet:memorandum_send", "ab_draft"), expect(**SEES_AB, pc_a=302, partner_b=403, admin=302)),
    (
        "A+B decide (draft)",
        url("ecvet:memorandum_decide", "ab_draft"),
        expect(**SEES_AB, pc_a=302, partner_b=302, admin=403),
    ),
    ("A+B JSON", url("ecvet:memorandum_json", "ab_draft"), expect(**SEES_AB)),
    ("A+B print", url("ecvet:memorandum_print", "ab_draft"), expect(**SEES_AB)),
    # A + B in force
    ("A+B in force: amend", url("ecvet:memorandum_amend", "ab_force"), expect(**SEES_AB, partner_b=403)),
    ("A+B in force: terminate", url("ecvet:memorandum_terminate", "ab_force"), expect(**SEES_AB, partner_b=403)),
    (
        "A+B in force: edit",
        url("ecvet:memorandum_edit", "ab_force"),
        expect(**SEES_AB, pc_a=302, partner_b=403, admin=302),
    ),
    (
        "A+B in force: decide",
        url("ecvet:memorandum_decide", "ab_force"),
        expect(**SEES_AB, pc_a=302, partner_b=302, admin=403),
    ),
    # A + E out for approval: B is no party
    ("A+E detail", url("ecvet:memorandum_detail", "ae_out"), expect(**SEES_AE)),
    ("A+E decide", url("ecvet:memorandum_decide", "ae_out"), expect(**SEES_AE, admin=403)),
    ("A+E JSON", url("ecvet:memorandum_json", "ae_out"), expect(**SEES_AE)),
    ("A+E print", url("ecvet:memorandum_print", "ae_out"), expect(**SEES_AE)),
    ("A+E amend (not in force)", url("ecvet:memorandum_amend", "ae_out"), expect(**SEES_AE)),
    # B + E without a partnership: B's manager edits it
    ("B+E detail", url("ecvet:memorandum_detail", "be_draft"), expect(**SEES_BE)),
    ("B+E edit", url("ecvet:memorandum_edit", "be_draft"), expect(**SEES_BE)),
    ("B+E terminate (draft)", url("ecvet:memorandum_terminate", "be_draft"), expect(**SEES_BE)),
    # C + D in P2: partner_c is a party but not the project coordinator
    ("C+D detail", url("ecvet:memorandum_detail", "cd_draft"), expect(**SEES_CD)),
    ("C+D edit", url("ecvet:memorandum_edit", "cd_draft"), expect(**SEES_CD, partner_c=403)),
    ("C+D decide (draft)", url("ecvet:memorandum_decide", "cd_draft"), expect(**SEES_CD, partner_c=302, admin=403)),
    ("C+D JSON", url("ecvet:memorandum_json", "cd_draft"), expect(**SEES_CD)),
]


@pytest.mark.parametrize(("label", "build", "expected"), MATRIX, ids=[row[0] for row in MATRIX])
@pytest.mark.parametrize("actor", ACTORS)
def test_memorandum_access_matrix(world, memos, client, label, build, expected, actor):
    user = world.actor(actor)
    if user is not None:
        client.force_login(user)
        mark_recently_authenticated(client, user)
    response = client.get(build(memos))
    assert response.status_code == expected[actor], f"{actor} on {label}"


def test_the_list_shows_a_partner_only_the_memoranda_of_its_organisation(world, memos, client_for):
    titles = {
        actor: {m.pk for m in client_for(getattr(world, actor)).get(reverse("ecvet:memorandum_list")).context["page"]}
        for actor in ("pc_a", "partner_b", "partner_c")
    }
    assert titles["partner_b"] == {memos["ab_draft"].pk, memos["ab_force"].pk, memos["be_draft"].pk}
    assert titles["pc_a"] == {memos["ab_draft"].pk, memos["ab_force"].pk, memos["ae_out"].pk}
    assert titles["partner_c"] == {memos["cd_draft"].pk}


def test_posting_actions_without_the_right_changes_nothing(world, memos, client_for):
    client = client_for(world.partner_b)
    memo = memos["ab_force"]
    assert (
        client.post(reverse("ecvet:memorandum_terminate", kwargs={"code": memo.code}), {"reason": "x"}).status_code
        == 403
    )
    assert (
        client.post(reverse("ecvet:memorandum_amend", kwargs={"code": memo.code}), {"reason": "x"}).status_code == 403
    )
    assert client.post(reverse("ecvet:memorandum_send", kwargs={"code": memos["ab_draft"].code})).status_code == 403
    memo.refresh_from_db()
    assert memo.status == S.IN_FORCE
    assert not Memorandum.objects.filter(previous=memo).exists()
