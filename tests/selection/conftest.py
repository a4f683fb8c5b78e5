"""The selection cast, on top of the partners `world` (tests/conftest.py):

call_a     a published call of A (Alpha VET, LT) in P1, open, two criteria, deadline in 30 days;
draft_a    a draft call of A in P1 (one criterion);
call_b     a published call of B (Beta College, NL) in P1: A's project coordinator does not see it;
call_c     a published call of C (Gamma School, FI) in P2;
app_a      an eligible application to call_a with a motivation letter and a CV (`doc_a`: the letter);
app_c      a submitted application to call_c;
panel_a    a mentor of A sitting on call_a's panel; panel_c: a mentor of C on call_c's panel.
"""

from dataclasses import dataclass
from datetime import date

import pytest
from django.core.files.base import ContentFile

from partners.models.people import Role
from selection.models import Application, ApplicationDocument, Call
from tests.factories import MembershipFactory
from tests.factories_selection import PDF_BYTES, ApplicationFactory, CallFactory, PanelMemberFactory

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
DOCX_FAKE = b"PK\x03\x04" + b"\x00" * 64  # a zip without word/document.xml: not a real DOCX


@dataclass
class SelectionWorld:
    call_a: object
    draft_a: object
    call_b: object
    call_c: object
    app_a: object
    doc_a: object
    app_c: object
    panel_a: object
    panel_c: object


def pdf_upload(name="letter.pdf", content=PDF_BYTES):
    return ContentFile(content, name=name)


def build_sel(world) -> SelectionWorld:
    call_a = CallFactory(
        organisation=world.org_a, partnership=world.p1, status=Call.Status.PUBLISHED, title="Beauty internships 2027"
    )
    draft_a = CallFactory(
        organisation=world.org_a, partnership=world.p1, criteria=[("Motivation", "1", 10)], title="Draft call"
    )
    call_b = CallFactory(
        organisation=world.org_b, partnership=world.p1, status=Call.Status.PUBLISHED, title="Haarlem call"
    )
    call_c = CallFactory(
        organisation=world.org_c, partnership=world.p2, status=Call.Status.PUBLISHED, title="Kuopio call"
    )
    app_a = ApplicationFactory(
        call=call_a,
        status=Application.Status.ELIGIBLE,
        first_name="Ieva",
        last_name="Petrauskaitė",
        date_of_birth=date(2005, 3, 14),
    )
    doc_a = ApplicationDocument.objects.create(
        application=app_a, kind=ApplicationDocument.Kind.MOTIVATION, file=pdf_upload(), size=len(PDF_BYTES)
    )
    ApplicationDocument.objects.create(
        application=app_a, kind=ApplicationDocument.Kind.CV, file=pdf_upload("cv.pdf"), size=len(PDF_BYTES)
    )
    app_c = ApplicationFactory(call=call_c, first_name="Aino", last_name="Virtanen")
    panel_a = MembershipFactory(organisation=world.org_a, role=Role.MENTOR).user
    panel_c = MembershipFactory(organisation=world.org_c, role=Role.MENTOR).user
    PanelMemberFactory(call=call_a, user=panel_a, declared=True)
    PanelMemberFactory(call=call_c, user=panel_c, declared=True)
    return SelectionWorld(call_a, draft_a, call_b, call_c, app_a, doc_a, app_c, panel_a, panel_c)


@pytest.fixture
def sel(world) -> SelectionWorld:
    return build_sel(world)
