"""Role × organisation × page of the participant's grant agreement: who gets what status.

ga_ba:   learner_b's mobility m_b_to_a (B sends, A hosts, mentor_a mentors): sent, approved by learner_b and
         partner_b (B's signer); its sealed PDF requested.
ga_next: a second mobility of learner_b, B sends to A (mentor_a mentors): sent, waiting for approval.
ga_ab:   m_a_to_b (A sends, B hosts, mentor_b mentors): a draft (its learner has no account).
ga_cd:   m_c_to_d (P2, partner_c's only): a draft. m_a_to_b2 (A sends, B hosts) has no agreement.

The agreement is the participant's money (ecvet.access.may_read_grant_agreement): the learner, the sending
organisation's staff, the partnership's project coordinators and administrators read it; the host's staff and
the mentor see the mobility but not the agreement (its pages 404, the mobility's entry page 403). Managing it
(terms, send, amend, payments, report) needs can_manage_mobilities at the sending organisation or a project
coordinator's on the partnership (ecvet.access.may_manage_grant_agreement). Deciding is the learner's and the
sending organisation's signers' (ecvet.access.may_act_for: administrators sign for nobody).

pc_a is A's project coordinator, so on B's mobilities hosted by A they read and manage as P1's coordinator;
`host_a` (a partner coordinator at A, created where needed) is the host's staff and nothing more.

200 = allowed; 302 = redirected (to sign-in for anonymous; to the agreement after a POST, from the entry page,
or when the agreement is not in the state the page needs); 403 = in scope without the right; 404 = out of
scope; 405 = the send page takes POST only.
"""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from documents import services as documents
from documents.models import RenderedDocument
from ecvet.models import Approval, GrantAgreement, GrantPayment
from ecvet.services import approvals
from ecvet.services import grants as service
from mobility.models import Mobility
from partners.models import Membership, Organisation
from partners.models.people import Role
from tests.conftest import build_world
from tests.factories import MembershipFactory
from tests.factories_mobility import MobilityFactory
from tests.mobility.conftest import build_mob

from .support_memoranda import mark_recently_authenticated

pytestmark = pytest.mark.django_db

ACTORS = ["anonymous", "pc_a", "partner_b", "partner_c", "mentor_a", "mentor_b", "learner_b", "outsider", "admin"]

KAUNAS = {"latitude": Decimal("54.8985"), "longitude": Decimal("23.9036")}
HAARLEM = {"latitude": Decimal("52.3874"), "longitude": Decimal("4.6462")}
# Both parties sign before the mobilities start (2021-04-12, tests/factories_mobility.py): payments dated this
# day are neither before the signatures nor in the future, whenever the tests run.
SIGNED_AT = datetime(2021, 3, 15, 10, 0, tzinfo=UTC)
SIGNED_ON = SIGNED_AT.date()


def expect(default=404, **statuses):
    out = {actor: default for actor in ACTORS}
    out["anonymous"] = 302
    out.update(statuses)
    return out


def same(status, *actors):
    return dict.fromkeys(actors, status)


READERS_BA = same(200, "pc_a", "partner_b", "learner_b", "admin")  # not A's mentor (the host's)
READERS_AB = same(200, "pc_a", "admin")  # A's staff and P1's coordinator; B's staff and mentor only host it
READERS_CD = same(200, "partner_c", "admin")
MANAGERS_BA = ("pc_a", "partner_b", "admin")  # B manages mobilities; pc_a as P1's coordinator; learner_b: 403


def managers_ba(status):
    return {**same(status, *MANAGERS_BA), "learner_b": 403}


def approve(agreement, user, party):
    agreement = GrantAgreement.objects.get(pk=agreement.pk)
    approvals.decide(
        agreement,
        party_key=party,
        by=user,
        expected_sha256=approvals.current_sha256(agreement),
        decision=Approval.Decision.APPROVED,
    )


def sent(mobility, by):
    agreement = service.start_grant_agreement(Mobility.objects.get(pk=mobility.pk), by=by)
    return service.send_for_approval(agreement, by=by)


def build_once():
    """The casts of tests/conftest.py and tests/mobility/conftest.py with the agreements, built once for the
    module (tests/once_per_module.py)."""
    world = build_world()
    mob = build_mob(world)
    return world, mob, build_grants(world, mob)


@pytest.fixture
def world(once):
    return once[0]


@pytest.fixture
def mob(once):
    return once[1]


@pytest.fixture
def grants(once):
    return once[2]


def build_grants(world, mob):
    """The agreements of the module docstring (ga_ba approved on SIGNED_ON), with the mobilities they belong to."""
    # The grant is computable only with the organisations' coordinates (the distance band).
    Organisation.objects.filter(pk=world.org_a.pk).update(**KAUNAS)
    Organisation.objects.filter(pk=world.org_b.pk).update(**HAARLEM)
    m_next = MobilityFactory(
        learner=mob.learner_b1,
        partnership=world.p1,
        receiving_organisation=world.org_a,
        mentor=mob.mentor_a,
        tutor=world.partner_b,
        start_date=date(2021, 9, 6),
    )
    with time_machine.travel(SIGNED_AT, tick=False):
        ga_ba = sent(mob.m_b_to_a, world.partner_b)
        approve(ga_ba, world.learner_b, "learner")
        approve(ga_ba, world.partner_b, "sending")
        ga_next = sent(m_next, world.partner_b)
    ga_ba = GrantAgreement.objects.get(pk=ga_ba.pk)
    assert ga_ba.status == GrantAgreement.Status.APPROVED
    assert ga_next.status == GrantAgreement.Status.AWAITING
    return {
        "m_b_to_a": mob.m_b_to_a,
        "m_a_to_b": mob.m_a_to_b,
        "m_a_to_b2": mob.m_a_to_b2,
        "m_c_to_d": mob.m_c_to_d,
        "ga_ba": ga_ba,
        "ga_next": ga_next,
        "ga_ab": service.start_grant_agreement(mob.m_a_to_b, by=world.pc_a),
        "ga_cd": service.start_grant_agreement(mob.m_c_to_d, by=world.partner_c),
    }


def u(name, key):
    return lambda d: reverse(f"ecvet:{name}", kwargs={"code": d[key].code})


TERMS = {"support": "financial", "in_kind_description": "", "in_kind_value": "0.00", "prefinancing_percent": "80"}
PAYMENT = {"kind": "prefinancing", "amount": "100.00", "paid_on": SIGNED_ON.isoformat(), "reference": "PO-1"}
REPORT = {"report_requested_on": "2021-05-10", "report_submitted_on": "2021-05-20"}
AMENDMENT = {"reason": "The dates changed."}

# (label, url builder, method, data, expectations)
MATRIX = [
    # --- the entry from the mobility: the host's staff and the mentor see the mobility, not the money (403) ---
    (
        "entry, approved agreement",
        u("grant_for_mobility", "m_b_to_a"),
        "get",
        None,
        expect(**same(302, "pc_a", "partner_b", "learner_b", "admin"), mentor_a=403),
    ),
    (
        "entry, approved agreement, POST",
        u("grant_for_mobility", "m_b_to_a"),
        "post",
        {},
        expect(**same(302, "pc_a", "partner_b", "learner_b", "admin"), mentor_a=403),
    ),
    (
        "entry, A sends to B",
        u("grant_for_mobility", "m_a_to_b"),
        "get",
        None,
        expect(pc_a=302, admin=302, partner_b=403, mentor_b=403),
    ),
    (
        "entry, A sends to B, POST",
        u("grant_for_mobility", "m_a_to_b"),
        "post",
        {},
        expect(pc_a=302, admin=302, partner_b=403, mentor_b=403),
    ),
    (
        "entry, no agreement yet",
        u("grant_for_mobility", "m_a_to_b2"),
        "get",
        None,
        expect(pc_a=200, admin=200, partner_b=403),
    ),
    (
        "start, POST",
        u("grant_for_mobility", "m_a_to_b2"),
        "post",
        {},
        expect(pc_a=302, admin=302, partner_b=403),
    ),
    ("entry, P2", u("grant_for_mobility", "m_c_to_d"), "get", None, expect(partner_c=302, admin=302)),
    ("entry, P2, POST", u("grant_for_mobility", "m_c_to_d"), "post", {}, expect(partner_c=302, admin=302)),
    # --- reading -----------------------------------------------------------------------------------------------
    ("read view", u("grant_detail", "ga_ba"), "get", None, expect(**READERS_BA)),
    ("read view, POST", u("grant_detail", "ga_ba"), "post", {}, expect(**READERS_BA)),
    ("read view, awaiting approval", u("grant_detail", "ga_next"), "get", None, expect(**READERS_BA)),
    ("read view, A sends to B", u("grant_detail", "ga_ab"), "get", None, expect(**READERS_AB)),
    ("P2 read view", u("grant_detail", "ga_cd"), "get", None, expect(**READERS_CD)),
    ("printable view", u("grant_print", "ga_ba"), "get", None, expect(**READERS_BA)),
    ("printable view, POST", u("grant_print", "ga_ba"), "post", {}, expect(**READERS_BA)),
    ("printable view, A sends to B", u("grant_print", "ga_ab"), "get", None, expect(**READERS_AB)),
    ("P2 printable view", u("grant_print", "ga_cd"), "get", None, expect(**READERS_CD)),
    # --- the terms (a draft only: otherwise back to the agreement) ----------------------------------------------
    ("terms, draft", u("grant_edit", "ga_ab"), "get", None, expect(**READERS_AB)),
    ("terms, draft, POST", u("grant_edit", "ga_ab"), "post", TERMS, expect(pc_a=302, admin=302)),
    ("terms, approved", u("grant_edit", "ga_ba"), "get", None, expect(**managers_ba(302))),
    ("terms, approved, POST", u("grant_edit", "ga_ba"), "post", TERMS, expect(**managers_ba(302))),
    ("P2 terms", u("grant_edit", "ga_cd"), "get", None, expect(**READERS_CD)),
    ("P2 terms, POST", u("grant_edit", "ga_cd"), "post", TERMS, expect(partner_c=302, admin=302)),
    # --- sending (POST only) -------------------------------------------------------------------------------------
    ("send, GET", u("grant_send", "ga_ab"), "get", None, expect(default=405)),
    ("send, POST", u("grant_send", "ga_ab"), "post", {}, expect(pc_a=302, admin=302)),
    ("send once approved, POST", u("grant_send", "ga_ba"), "post", {}, expect(**managers_ba(302))),
    ("P2 send, POST", u("grant_send", "ga_cd"), "post", {}, expect(partner_c=302, admin=302)),
    # --- approving: the learner as themself and the sending organisation's own signers --------------------------
    (
        "approve or refuse",
        u("grant_decide", "ga_next"),
        "get",
        None,
        expect(learner_b=200, partner_b=200, pc_a=403, admin=403),
    ),
    (
        "approve or refuse, POST",
        u("grant_decide", "ga_next"),
        "post",
        {},
        expect(learner_b=200, partner_b=200, pc_a=403, admin=403),
    ),
    (
        "approve or refuse once approved",
        u("grant_decide", "ga_ba"),
        "get",
        None,
        expect(learner_b=302, partner_b=302, pc_a=403, admin=403),
    ),
    (
        "approve or refuse once approved, POST",
        u("grant_decide", "ga_ba"),
        "post",
        {},
        expect(learner_b=302, partner_b=302, pc_a=403, admin=403),
    ),
    ("approve or refuse a draft", u("grant_decide", "ga_ab"), "get", None, expect(pc_a=302, admin=403)),
    ("approve or refuse a draft, POST", u("grant_decide", "ga_ab"), "post", {}, expect(pc_a=302, admin=403)),
    # --- amending an approved agreement ----------------------------------------------------------------------------
    ("amend", u("grant_amend", "ga_ba"), "get", None, expect(**managers_ba(200))),
    ("amend, POST", u("grant_amend", "ga_ba"), "post", AMENDMENT, expect(**managers_ba(302))),
    ("amend while awaiting approval", u("grant_amend", "ga_next"), "get", None, expect(**managers_ba(302))),
    ("amend a draft", u("grant_amend", "ga_ab"), "get", None, expect(pc_a=302, admin=302)),
    ("amend a draft, POST", u("grant_amend", "ga_ab"), "post", AMENDMENT, expect(pc_a=302, admin=302)),
    # --- payments and the EU participant report (under an approved agreement) ---------------------------------
    ("record a payment", u("grant_payment", "ga_ba"), "get", None, expect(**managers_ba(200))),
    ("record a payment, POST", u("grant_payment", "ga_ba"), "post", PAYMENT, expect(**managers_ba(302))),
    ("record a payment under a draft", u("grant_payment", "ga_ab"), "get", None, expect(pc_a=302, admin=302)),
    (
        "record a payment under a draft, POST",
        u("grant_payment", "ga_ab"),
        "post",
        PAYMENT,
        expect(pc_a=302, admin=302),
    ),
    ("EU participant report", u("grant_report", "ga_ba"), "get", None, expect(**managers_ba(200))),
    ("EU participant report, POST", u("grant_report", "ga_ba"), "post", REPORT, expect(**managers_ba(302))),
    ("EU participant report of a draft", u("grant_report", "ga_ab"), "get", None, expect(pc_a=302, admin=302)),
    (
        "EU participant report of a draft, POST",
        u("grant_report", "ga_ab"),
        "post",
        REPORT,
        expect(pc_a=302, admin=302),
    ),
]


def actor(world, mob, name):
    if name == "anonymous":
        return None
    return getattr(mob, name) if name == "mentor_a" else getattr(world, name)


@pytest.mark.parametrize("actor_name", ACTORS)
@pytest.mark.parametrize(("label", "build", "method", "data", "expected"), MATRIX, ids=[row[0] for row in MATRIX])
def test_grant_agreement_access_matrix(
    world, mob, grants, client_for, actor_name, label, build, method, data, expected
):
    user = actor(world, mob, actor_name)
    client = client_for(user)
    if user is not None:
        # Approvals need a recent re-authentication; the matrix is about scope and rights.
        mark_recently_authenticated(client, user)
    response = getattr(client, method)(build(grants), data) if method == "post" else client.get(build(grants))
    assert response.status_code == expected[actor_name], f"{label} as {actor_name}"


# --- scope: the querysets every page starts from -------------------------------------------------------------

AGREEMENTS_SEEN = {
    "anonymous": set(),
    "pc_a": {"ga_ba", "ga_next", "ga_ab"},  # A's own (it sends) and P1's, as its coordinator
    "partner_b": {"ga_ba", "ga_next"},  # B's own; not ga_ab, which B only hosts
    "partner_c": {"ga_cd"},
    "mentor_a": set(),
    "mentor_b": set(),
    "learner_b": {"ga_ba", "ga_next"},
    "outsider": set(),
    "admin": {"ga_ba", "ga_next", "ga_ab", "ga_cd"},
}


@pytest.fixture
def host_a(world):
    """A's partner coordinator: the host's staff of m_b_to_a, and nothing more (pc_a also coordinates P1)."""
    return MembershipFactory(organisation=world.org_a, role=Role.PARTNER_COORDINATOR).user


def user_or_anonymous(world, mob, name):
    return actor(world, mob, name) or AnonymousUser()


@pytest.mark.parametrize("actor_name", ACTORS)
def test_each_actor_sees_exactly_the_grant_agreements_of_its_scope(world, mob, grants, actor_name):
    seen = set(GrantAgreement.objects.visible_to(user_or_anonymous(world, mob, actor_name)))
    assert seen == {grants[key] for key in AGREEMENTS_SEEN[actor_name]}


def test_the_host_staff_see_the_mobility_but_not_its_grant_agreement(world, mob, grants, host_a):
    assert Mobility.objects.visible_to(host_a).filter(pk=mob.m_b_to_a.pk).exists()
    # A's staff see what A sends (ga_ab), not what A hosts.
    assert set(GrantAgreement.objects.visible_to(host_a)) == {grants["ga_ab"]}


@pytest.fixture
def payments(world, grants):
    """One payment under each agreement: ga_ba's recorded by B; the others arranged (the service pays only
    under an approved agreement, and scope is what these tests are about)."""
    out = {
        "ga_ba": service.record_payment(
            grants["ga_ba"], kind="prefinancing", amount=Decimal("100.00"), paid_on=SIGNED_ON, by=world.partner_b
        )
    }
    for key in ("ga_next", "ga_ab", "ga_cd"):
        out[key] = GrantPayment.objects.create(
            agreement=grants[key], kind="prefinancing", amount=Decimal("10.00"), paid_on=SIGNED_ON
        )
    return out


@pytest.mark.parametrize("actor_name", ACTORS)
def test_each_actor_sees_exactly_the_payments_under_the_agreements_of_its_scope(world, mob, payments, actor_name):
    seen = set(GrantPayment.objects.visible_to(user_or_anonymous(world, mob, actor_name)))
    assert seen == {payments[key] for key in AGREEMENTS_SEEN[actor_name]}


def test_the_host_staff_see_no_payment_to_the_participants_they_host(payments, host_a):
    assert set(GrantPayment.objects.visible_to(host_a)) == {payments["ga_ab"]}  # A sends m_a_to_b


# --- the host's staff: the mobility's entry page 403, every page of the agreement 404 --------------------------

AGREEMENT_PAGES = [
    "grant_detail",
    "grant_print",
    "grant_edit",
    "grant_decide",
    "grant_amend",
    "grant_payment",
    "grant_report",
]


def test_the_host_staff_get_403_from_the_entry_and_404_from_every_page_of_the_agreement(grants, host_a, client_for):
    client = client_for(host_a)
    mark_recently_authenticated(client, host_a)
    assert client.get(u("grant_for_mobility", "m_b_to_a")(grants)).status_code == 403
    assert client.post(u("grant_for_mobility", "m_b_to_a")(grants), {}).status_code == 403
    for name in AGREEMENT_PAGES:
        assert client.get(u(name, "ga_ba")(grants)).status_code == 404, name
        assert client.post(u(name, "ga_ba")(grants), {}).status_code == 404, name
    assert client.post(u("grant_send", "ga_ba")(grants), {}).status_code == 404


# --- rights within scope ----------------------------------------------------------------------------------------


def test_sending_staff_without_the_right_to_manage_mobilities_read_the_agreement_but_manage_nothing(
    world, grants, client_for
):
    Membership.objects.filter(user=world.partner_b, organisation=world.org_b).update(can_manage_mobilities=False)
    client = client_for(world.partner_b)
    assert client.get(u("grant_detail", "ga_ba")(grants)).status_code == 200
    assert client.get(u("grant_print", "ga_ba")(grants)).status_code == 200
    for name, data in (("grant_amend", AMENDMENT), ("grant_payment", PAYMENT), ("grant_report", REPORT)):
        assert client.get(u(name, "ga_ba")(grants)).status_code == 403, name
        assert client.post(u(name, "ga_ba")(grants), data).status_code == 403, name
    assert client.post(u("grant_send", "ga_next")(grants), {}).status_code == 403
    assert client.get(u("grant_edit", "ga_ba")(grants)).status_code == 403
    assert not GrantPayment.objects.exists()
    assert GrantAgreement.objects.get(pk=grants["ga_ba"].pk).status == GrantAgreement.Status.APPROVED


def test_the_learner_reads_the_entry_of_their_mobility_without_an_agreement_but_cannot_start_one(
    world, mob, client_for
):
    GrantAgreement.objects.all().delete()  # the module's world has the agreements of its docstring
    client = client_for(world.learner_b)
    url = reverse("ecvet:grant_for_mobility", kwargs={"code": mob.m_b_to_a.code})
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["can_start"] is False
    assert client.post(url, {}).status_code == 403
    assert not GrantAgreement.objects.exists()


# --- the mobility page links to the agreement only for those the entry page admits ---------------------------


@pytest.mark.parametrize(
    ("who", "mobility", "shown"),
    [
        ("learner_b", "m_b_to_a", True),
        ("partner_b", "m_b_to_a", True),  # B sends
        ("pc_a", "m_b_to_a", True),  # P1's coordinator
        ("admin", "m_b_to_a", True),
        ("pc_a", "m_a_to_b", True),  # A sends
        ("mentor_a", "m_b_to_a", False),
        ("host_a", "m_b_to_a", False),  # A hosts
        ("partner_b", "m_a_to_b", False),  # B hosts
        ("mentor_b", "m_a_to_b", False),
    ],
)
def test_the_mobility_page_links_to_the_grant_agreement_only_for_the_participant_and_the_sending_side(
    world, mob, grants, host_a, client_for, who, mobility, shown
):
    user = host_a if who == "host_a" else actor(world, mob, who)
    response = client_for(user).get(reverse("mobility:mobility_detail", kwargs={"code": grants[mobility].code}))
    assert response.status_code == 200
    link = reverse("ecvet:grant_for_mobility", kwargs={"code": grants[mobility].code})
    assert (f'href="{link}"' in response.content.decode()) is shown


# --- the sealed PDF -------------------------------------------------------------------------------------------


@pytest.fixture
def sealed(grants):
    """ga_ba's sealed PDF, rendered and sealed by the pipeline (its approval requested it)."""
    row = documents.current_row(grants["ga_ba"])
    assert row is not None, "the last approval requests the sealed PDF"
    assert documents.produce(row.pk) == "ready"
    row.refresh_from_db()
    return row


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("learner_b", 200),
        ("partner_b", 200),
        ("pc_a", 200),
        ("admin", 200),
        ("host_a", 404),
        ("mentor_a", 404),
        ("mentor_b", 404),
        ("partner_c", 404),
        ("outsider", 404),
    ],
)
def test_the_sealed_grant_agreement_downloads_only_for_its_readers(world, mob, sealed, host_a, client_for, who, status):
    user = host_a if who == "host_a" else actor(world, mob, who)
    response = client_for(user).get(reverse("documents:download", kwargs={"code": sealed.code}))
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "application/pdf"
        assert "grant-agreement-" in response["Content-Disposition"]
        assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_the_host_staff_and_the_mentor_do_not_see_the_sealed_agreement_among_the_documents(world, mob, sealed, host_a):
    assert RenderedDocument.objects.visible_to(world.learner_b).filter(pk=sealed.pk).exists()
    assert not RenderedDocument.objects.visible_to(host_a).filter(pk=sealed.pk).exists()
    assert not RenderedDocument.objects.visible_to(mob.mentor_a).filter(pk=sealed.pk).exists()


def test_the_mobility_zip_holds_the_sealed_agreement_for_the_participant_but_not_for_the_host_or_the_mentor(
    world, mob, grants, sealed, host_a, client_for
):
    url = reverse("documents:mobility_zip", kwargs={"code": mob.m_b_to_a.code})
    response = client_for(world.learner_b).get(url)
    assert response.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).namelist()
    assert names == [f"grant-agreement-{str(grants['ga_ba'].code)[:8]}-v1.pdf"]
    for user in (host_a, mob.mentor_a):
        response = client_for(user).get(url)
        # Nothing they may download: back to the mobility ("There is no sealed PDF here …").
        assert response.status_code == 302
        assert response.url == mob.m_b_to_a.get_absolute_url()


# --- query budget ---------------------------------------------------------------------------------------------

# Measured with one payment; twenty must not cost one query more.
DETAIL_QUERIES = 14


@pytest.mark.parametrize("count", [1, 20])
def test_the_agreement_page_reads_a_fixed_number_of_queries_whatever_the_number_of_payments(
    world, grants, client_for, django_assert_max_num_queries, count
):
    for _ in range(count):
        service.record_payment(
            grants["ga_ba"], kind="prefinancing", amount=Decimal("10.00"), paid_on=SIGNED_ON, by=world.partner_b
        )
    client = client_for(world.partner_b)
    url = u("grant_detail", "ga_ba")(grants)
    client.get(url)  # the per-process caches (the funding rules' rows) as a running server has them
    with django_assert_max_num_queries(DETAIL_QUERIES):
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["payments"]) == count
