"""Role × object × view for every page of the selection app.

200 = allowed; 302 = redirected (to sign-in for anonymous, after a POST, or to the only partnership);
403 = in scope without the right; 404 = out of scope (no hint that it exists).
Cast: tests/conftest.py (`world`) and tests/selection/conftest.py (`sel`). A call and its applicants are seen
by the staff of its sending organisation and its panel only: not by the project coordinator of another
organisation of the partnership (pc_a does not see B's call), nor by the panel of another school's call
(panel_c on A's call: 404). The public pages answer everyone, signed in or not.
"""

import pytest
from django.urls import reverse

from partners.models import Role
from selection import links
from selection.models import Application, ApplicationDocument, Call
from tests.conftest import build_world

from .conftest import build_sel

ACTORS = [
    "anonymous",
    "pc_a",
    "partner_b",
    "partner_c",
    "mentor_b",
    "learner_b",
    "outsider",
    "admin",
    "panel_a",
    "panel_c",
]


def expect(**overrides):
    base = dict.fromkeys(ACTORS, 200)
    base["anonymous"] = 302
    base.update(overrides)
    return base


def url(url_name, query="", **kwargs):
    def build(t):
        resolved = {key: value(t) for key, value in kwargs.items()}
        return reverse(f"selection:{url_name}", kwargs=resolved or None) + query

    return build


def code_of(attr):
    return lambda t: getattr(t, attr).code


def token_of(attr, purpose):
    return lambda t: links.token_for(getattr(t, attr), purpose)


NOBODY_ELSE = {"partner_b": 404, "partner_c": 404, "mentor_b": 404, "learner_b": 404, "outsider": 404}
# A's call: A's coordinator and admin; every other 404.
MANAGE_A = expect(panel_a=403, panel_c=404, **NOBODY_ELSE)
# The draft has no panel yet.
MANAGE_DRAFT_A = expect(panel_a=404, panel_c=404, **NOBODY_ELSE)
# The coordinators' pages of A's call: its panel reads on the panel's pages (the call page sends them there; an
# application or a document answers 403 here: declared members read eligible ones there).
CALL_PAGE_A = expect(panel_a=302, panel_c=404, **NOBODY_ELSE)
APPLICANTS_A = expect(panel_a=302, panel_c=404, **NOBODY_ELSE)
DOCUMENTS_A = expect(panel_a=403, panel_c=404, **NOBODY_ELSE)
CALL_PAGE_C = expect(
    pc_a=404, panel_a=404, panel_c=302, partner_c=200, **{k: v for k, v in NOBODY_ELSE.items() if k != "partner_c"}
)
APPLICANTS_C = expect(
    pc_a=404, panel_a=404, panel_c=403, partner_c=200, **{k: v for k, v in NOBODY_ELSE.items() if k != "partner_c"}
)
READ_C = expect(pc_a=404, panel_a=404, partner_c=200, **{k: v for k, v in NOBODY_ELSE.items() if k != "partner_c"})
# B's call in P1: B's coordinator only (and admin), not A's project coordinator.
READ_B = expect(
    pc_a=404, partner_b=200, panel_a=404, panel_c=404, partner_c=404, mentor_b=404, learner_b=404, outsider=404
)
PUBLIC = dict.fromkeys(ACTORS, 200)
GONE = dict.fromkeys(ACTORS, 404)


def posted(expected, ok=302):
    return {actor: (ok if code == 200 else code) for actor, code in expected.items()}


MATRIX = [
    ("calls list", url("call_list"), "get", expect()),
    (
        "new call (choose the partnership)",
        url("call_create"),
        "get",
        expect(
            pc_a=302, partner_b=302, partner_c=302, mentor_b=403, learner_b=403, outsider=403, panel_a=403, panel_c=403
        ),
    ),
    (
        "new call in P1",
        url("call_create", "?partnership=p1"),
        "get",
        expect(partner_c=404, mentor_b=404, learner_b=404, outsider=404, panel_a=404, panel_c=404),
    ),
    (
        "post an empty call in P1",
        url("call_create", "?partnership=p1"),
        "post",
        expect(partner_c=404, mentor_b=404, learner_b=404, outsider=404, panel_a=404, panel_c=404),
    ),
    (
        "new call in P2",
        url("call_create", "?partnership=p2"),
        "get",
        expect(pc_a=404, partner_b=404, mentor_b=404, learner_b=404, outsider=404, panel_a=404, panel_c=404),
    ),
    ("call of A", url("call_detail", code=code_of("call_a")), "get", CALL_PAGE_A),
    ("call of B", url("call_detail", code=code_of("call_b")), "get", READ_B),
    ("call of C", url("call_detail", code=code_of("call_c")), "get", CALL_PAGE_C),
    ("edit call of A", url("call_edit", code=code_of("call_a")), "get", MANAGE_A),
    ("post an empty edit of call of A", url("call_edit", code=code_of("call_a")), "post", MANAGE_A),
    ("criteria of draft of A", url("call_criteria", code=code_of("draft_a")), "get", MANAGE_DRAFT_A),
    ("post empty criteria of draft of A", url("call_criteria", code=code_of("draft_a")), "post", MANAGE_DRAFT_A),
    (
        "publish draft of A",
        url("call_move", code=code_of("draft_a"), name=lambda t: "publish"),
        "post",
        posted(MANAGE_DRAFT_A),
    ),
    (
        "close call of C",
        url("call_move", code=code_of("call_c"), name=lambda t: "close"),
        "post",
        posted(expect(pc_a=404, panel_a=404, panel_c=403, **NOBODY_ELSE) | {"partner_c": 200}),
    ),
    ("enter an application to A", url("application_create", code=code_of("call_a")), "get", MANAGE_A),
    ("post an empty application to A", url("application_create", code=code_of("call_a")), "post", MANAGE_A),
    ("application to A", url("application_detail", code=code_of("app_a")), "get", APPLICANTS_A),
    ("application to C", url("application_detail", code=code_of("app_c")), "get", APPLICANTS_C),
    (
        "mark application to A not eligible",
        url("application_move", code=code_of("app_a"), name=lambda t: "mark_ineligible"),
        "post",
        posted(MANAGE_A),
    ),
    (
        "withdraw application to A",
        url("application_move", code=code_of("app_a"), name=lambda t: "withdraw"),
        "post",
        posted(MANAGE_A),
    ),
    (
        "document of application to A",
        url("document_download", code=code_of("app_a"), document=code_of("doc_a")),
        "get",
        DOCUMENTS_A,
    ),
    # Public pages.
    ("open calls", url("open_calls"), "get", PUBLIC),
    ("privacy notice", url("privacy"), "get", PUBLIC),
    ("public page of A's call", url("public_call", code=code_of("call_a")), "get", PUBLIC),
    ("public page of a draft", url("public_call", code=code_of("draft_a")), "get", GONE),
    ("application form of A's call", url("apply", code=code_of("call_a")), "get", PUBLIC),
    ("application form of a draft", url("apply", code=code_of("draft_a")), "get", GONE),
    ("sent page of A's call", url("applied", code=code_of("call_a")), "get", PUBLIC),
    ("status page", url("status", token=token_of("app_a", links.STATUS)), "get", PUBLIC),
    ("status page with a confirmation token", url("status", token=token_of("app_a", links.CONFIRM)), "get", GONE),
    (
        "confirmation page (already confirmed)",
        url("confirm", token=token_of("app_a", links.CONFIRM)),
        "get",
        dict.fromkeys(ACTORS, 302),
    ),
]


def db_state():
    return (
        list(Call.objects.order_by("pk").values_list("pk", "status", "title")),
        list(Application.objects.order_by("pk").values_list("pk", "status")),
        ApplicationDocument.objects.count(),
    )


def build_once():
    world = build_world()
    return world, build_sel(world)


@pytest.fixture
def world(once):
    return once[0]


@pytest.fixture
def sel(once):
    return once[1]


class Cast:
    def __init__(self, world, sel):
        self.world, self.sel = world, sel

    def actor(self, name):
        if name in ("panel_a", "panel_c"):
            return getattr(self.sel, name)
        return self.world.actor(name)


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(("label", "build", "method", "expected"), MATRIX, ids=[row[0] for row in MATRIX])
def test_access_matrix(world, sel, client_for, actor, label, build, method, expected):
    client = client_for(Cast(world, sel).actor(actor))
    target = build(sel)
    before = db_state()
    response = client.post(target, {}) if method == "post" else client.get(target)
    assert response.status_code == expected[actor], f"{actor} on {label}: {response.status_code}"
    if expected[actor] == 302 and actor == "anonymous" and "manage" in target:
        assert response["Location"].startswith(reverse("account_login"))
    if method == "post" and expected[actor] in (403, 404) or (actor == "anonymous" and "manage" in target):
        assert db_state() == before, f"{actor} on {label} changed data"


def test_the_panel_reads_eligible_applications_on_its_own_pages_and_only_once_declared(world, sel, client_for):
    from tests.factories import MembershipFactory
    from tests.factories_selection import PanelMemberFactory

    application = reverse("selection:application_detail", kwargs={"code": sel.app_a.code})
    call_page = reverse("selection:call_detail", kwargs={"code": sel.call_a.code})
    declared = client_for(sel.panel_a)
    response = declared.get(application)
    assert response.status_code == 302
    assert response["Location"] == reverse("selection:panel_application", kwargs={"code": sel.app_a.code})
    assert declared.get(call_page)["Location"] == reverse("selection:panel", kwargs={"code": sel.call_a.code})
    # A member who has not declared no conflict of interest: the call's panel page (to declare), no application.
    undeclared = MembershipFactory(organisation=world.org_a, role=Role.MENTOR).user
    PanelMemberFactory(call=sel.call_a, user=undeclared, declared=False)
    assert client_for(undeclared).get(application).status_code == 403
    assert client_for(undeclared).get(call_page).status_code == 302
    # An application that is not eligible is not the panel's.
    Application.objects.filter(pk=sel.app_a.pk).update(status=Application.Status.INELIGIBLE)
    assert declared.get(application).status_code == 403
