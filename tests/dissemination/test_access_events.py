"""Role × object × view for every dissemination page: the lists, events, files, activities, the reach report
and its targets.

200 = allowed; 302 = redirected (to sign-in for anonymous, or after a POST / to the only partnership);
403 = in scope but the right is missing; 404 = out of scope.
Cast: tests/conftest.py (`world`) and tests/dissemination/conftest.py (`dis`), plus an event, a file and an
activity of A and an activity of B in P1, and a file and an activity of C in P2 (`Targets`).
Reading is for the staff of the partnership's organisations; recording is for one's own organisation, the
project coordinator (pc_a for P1) for all; the targets are the project coordinator's only (partner_c is a
partner coordinator: P2 has no project coordinator in the cast). A refused POST (403/404, or the sign-in
redirect) changes nothing: no row, no audit entry.
"""

from datetime import date

import pytest
from django.urls import reverse

from dissemination.models import Activity, Channel
from tests.conftest import build_world

from .conftest import REFUSED, build_dis, db_state, make_event, make_file

ACTORS = ["anonymous", "pc_a", "partner_b", "partner_c", "mentor_b", "learner_b", "outsider", "admin"]


def expect(**overrides):
    base = dict.fromkeys(ACTORS, 200)
    base["anonymous"] = 302
    base.update(overrides)
    return base


def url(name, query="", **kwargs):
    def build(t):
        resolved = {key: value(t) for key, value in kwargs.items()}
        return reverse(f"dissemination:{name}", kwargs=resolved or None) + query

    return build


def code_of(attr):
    return lambda t: getattr(t, attr).code


def slug(value):
    return lambda t: value


NOT_STAFF = {"mentor_b": 403, "learner_b": 403, "outsider": 403}
OUTSIDE_P1 = {"partner_c": 404, "mentor_b": 404, "learner_b": 404, "outsider": 404}
OUTSIDE_P2 = {"pc_a": 404, "partner_b": 404, "mentor_b": 404, "learner_b": 404, "outsider": 404}
READ_P1 = expect(**OUTSIDE_P1)
READ_P2 = expect(**OUTSIDE_P2)
# Something of B in P1: B's staff and the project coordinator record it.
EDIT_B = READ_P1
# Something of A in P1: partner_b reads but does not record it.
EDIT_A = expect(partner_b=403, **OUTSIDE_P1)
# P2 has only C: partner_c records for C.
EDIT_C = READ_P2


def posted(expected, ok=302, **overrides):
    """The same rights for a POST that succeeds (redirect) for those allowed."""
    return {actor: (ok if code == 200 else code) for actor, code in expected.items()} | overrides


MATRIX = [
    ("event list", url("event_list"), "get", expect()),
    ("activity list", url("activity_list"), "get", expect()),
    (
        "new event (choose the partnership)",
        url("event_create"),
        "get",
        expect(pc_a=302, partner_b=302, partner_c=302, **NOT_STAFF),
    ),
    ("new event in P1", url("event_create", "?partnership=p1"), "get", READ_P1),
    ("new event in P2", url("event_create", "?partnership=p2"), "get", READ_P2),
    # An empty form: those who may record get it back with errors.
    ("post an empty event in P1", url("event_create", "?partnership=p1"), "post", READ_P1),
    ("event of B (P1)", url("event_detail", code=code_of("ev_b")), "get", READ_P1),
    ("event of A (P1)", url("event_detail", code=code_of("ev_a")), "get", READ_P1),
    ("event of C (P2)", url("event_detail", code=code_of("ev_c")), "get", READ_P2),
    ("edit event of B", url("event_edit", code=code_of("ev_b")), "get", EDIT_B),
    ("edit event of A", url("event_edit", code=code_of("ev_a")), "get", EDIT_A),
    ("post an empty edit of event of A", url("event_edit", code=code_of("ev_a")), "post", EDIT_A),
    ("edit event of C", url("event_edit", code=code_of("ev_c")), "get", EDIT_C),
    ("post an empty edit of event of C", url("event_edit", code=code_of("ev_c")), "post", EDIT_C),
    ("post an empty event in P2", url("event_create", "?partnership=p2"), "post", READ_P2),
    ("confirm deleting event of A", url("event_delete", code=code_of("ev_a")), "get", EDIT_A),
    ("delete event of A", url("event_delete", code=code_of("ev_a")), "post", posted(EDIT_A)),
    ("delete event of B", url("event_delete", code=code_of("ev_b")), "post", posted(EDIT_B)),
    ("delete event of C", url("event_delete", code=code_of("ev_c")), "post", posted(EDIT_C)),
    ("upload (empty) to event of B", url("file_upload", code=code_of("ev_b")), "post", EDIT_B),
    ("upload (empty) to event of A", url("file_upload", code=code_of("ev_a")), "post", EDIT_A),
    ("upload (empty) to event of C", url("file_upload", code=code_of("ev_c")), "post", EDIT_C),
    ("download file of B", url("file_download", code=code_of("file_b")), "get", READ_P1),
    ("download file of A", url("file_download", code=code_of("file_a")), "get", READ_P1),
    ("download file of C", url("file_download", code=code_of("file_c")), "get", READ_P2),
    ("delete file of B", url("file_delete", code=code_of("file_b")), "post", posted(EDIT_B)),
    ("delete file of A", url("file_delete", code=code_of("file_a")), "post", posted(EDIT_A)),
    ("delete file of C", url("file_delete", code=code_of("file_c")), "post", posted(EDIT_C)),
    (
        "new activity (choose the partnership)",
        url("activity_create"),
        "get",
        expect(pc_a=302, partner_b=302, partner_c=302, **NOT_STAFF),
    ),
    ("new activity in P1", url("activity_create", "?partnership=p1"), "get", READ_P1),
    ("new activity in P2", url("activity_create", "?partnership=p2"), "get", READ_P2),
    ("post an empty activity in P1", url("activity_create", "?partnership=p1"), "post", READ_P1),
    ("edit activity of A", url("activity_edit", code=code_of("act_a")), "get", EDIT_A),
    ("edit activity of B", url("activity_edit", code=code_of("act_b")), "get", EDIT_B),
    ("edit activity of C", url("activity_edit", code=code_of("act_c")), "get", EDIT_C),
    ("post an empty edit of activity of A", url("activity_edit", code=code_of("act_a")), "post", EDIT_A),
    ("post an empty edit of activity of C", url("activity_edit", code=code_of("act_c")), "post", EDIT_C),
    ("post an empty activity in P2", url("activity_create", "?partnership=p2"), "post", READ_P2),
    ("confirm deleting activity of A", url("activity_delete", code=code_of("act_a")), "get", EDIT_A),
    ("delete activity of A", url("activity_delete", code=code_of("act_a")), "post", posted(EDIT_A)),
    ("delete activity of B", url("activity_delete", code=code_of("act_b")), "post", posted(EDIT_B)),
    ("delete activity of C", url("activity_delete", code=code_of("act_c")), "post", posted(EDIT_C)),
    ("reach report of P1", url("reach_report", slug=slug("p1")), "get", READ_P1),
    ("reach report of P2", url("reach_report", slug=slug("p2")), "get", READ_P2),
    ("targets of P1", url("reach_targets", slug=slug("p1")), "get", expect(partner_b=403, **OUTSIDE_P1)),
    (
        "save empty targets of P1",
        url("reach_targets", slug=slug("p1")),
        "post",
        expect(pc_a=302, admin=302, partner_b=403, **OUTSIDE_P1),
    ),
    ("targets of P2", url("reach_targets", slug=slug("p2")), "get", expect(partner_c=403, **OUTSIDE_P2)),
    (
        "save empty targets of P2",
        url("reach_targets", slug=slug("p2")),
        "post",
        expect(partner_c=403, admin=302, **OUTSIDE_P2),
    ),
]


class Targets:
    """The `dis` cast plus an event (with a file) and an activity of A, an activity of B, a file and an
    activity of C."""

    def __init__(self, dis, world):
        self.__dict__.update(vars(dis))
        self.ev_a = make_event(world.p1, world.org_a, by=world.pc_a, title="Vilnius conference")
        self.file_a = make_file(self.ev_a, title="Programme")
        self.file_c = make_file(dis.ev_c, title="Slides")
        common = {"channel": Channel.NEWSLETTER, "date": date(2024, 6, 1), "reach": 10}
        self.act_b = Activity.objects.create(partnership=world.p1, organisation=world.org_b, title="B news", **common)
        self.act_c = Activity.objects.create(partnership=world.p2, organisation=world.org_c, title="C news", **common)


def build_once():
    """The casts of tests/conftest.py and tests/dissemination/conftest.py with the Targets on top, built once
    for the module (tests/once_per_module.py)."""
    world = build_world()
    return world, Targets(build_dis(world), world)


@pytest.fixture
def world(once):
    return once[0]


@pytest.fixture
def dis(once):
    return once[1]


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(("label", "build", "method", "expected"), MATRIX, ids=[row[0] for row in MATRIX])
def test_access_matrix(world, dis, client_for, actor, label, build, method, expected):
    targets = dis
    client = client_for(world.actor(actor))
    target = build(targets)
    before = db_state("dissemination")
    response = client.post(target, {}) if method == "post" else client.get(target)
    assert response.status_code == expected[actor], f"{actor} on {label}: {response.status_code}"
    if actor == "anonymous":
        assert response["Location"].startswith(reverse("account_login"))
    if method == "post" and (expected[actor] in REFUSED or actor == "anonymous"):
        assert db_state("dissemination") == before, f"{actor} on {label} changed data"


def test_admin_chooses_among_the_partnerships(world, dis, client_for):
    response = client_for(world.admin).get(reverse("dissemination:event_create"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "?partnership=p1" in body and "?partnership=p2" in body


def test_choosing_redirects_to_the_only_partnership(world, dis, client_for):
    response = client_for(world.partner_b).get(reverse("dissemination:activity_create"))
    assert response["Location"] == reverse("dissemination:activity_create") + "?partnership=p1"


def test_malformed_or_foreign_codes_are_not_found(world, dis, client_for):
    client = client_for(world.pc_a)
    assert client.get("/dissemination/events/not-a-code/").status_code == 404
    assert client.get(reverse("dissemination:event_detail", kwargs={"code": dis.act_a.code})).status_code == 404
    assert client.get(reverse("dissemination:file_download", kwargs={"code": dis.ev_b.code})).status_code == 404
    assert client.get(reverse("dissemination:reach_report", kwargs={"slug": "nope"})).status_code == 404
    assert client.get(reverse("dissemination:event_create") + "?partnership=nope").status_code == 404


def test_get_is_refused_where_only_post_is_meant(world, dis, client_for):
    client = client_for(world.pc_a)
    assert client.get(reverse("dissemination:file_upload", kwargs={"code": dis.ev_b.code})).status_code == 405
    assert client.get(reverse("dissemination:file_delete", kwargs={"code": dis.file_b.code})).status_code == 405


def test_the_nav_link_marks_the_dissemination_pages(world, dis, client_for):
    body = client_for(world.partner_b).get(reverse("dissemination:event_list")).content.decode()
    link = f'<a class="nav-link" href="{reverse("dissemination:event_list")}" aria-current="page">'
    assert link in body
    body = client_for(world.mentor_b).get(reverse("dissemination:event_list")).content.decode()
    assert 'class="nav-link" href="/dissemination/"' not in body  # only staff get the menu item
