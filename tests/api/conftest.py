"""The API cast: the partners `world`, the mobility cast `mob` (tests/mobility/conftest.py), the training
events `te` (tests/training_events/conftest.py) and sealed PDFs:

mou_p1   a memorandum of P1 between A and B, its PDF ready (readers: A's and B's staff)
mou_p1q  a second memorandum of P1, its PDF queued (no download link yet)
mou_p2   a memorandum of P2 between C and D, its PDF ready (readers: C's staff)
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from rest_framework.test import APIClient

from api import services
from tests.documents.support import forced_memorandum, make_ready
from tests.mobility.conftest import mob  # noqa: F401  (fixture)
from tests.training_events.conftest import te  # noqa: F401  (fixture)

PDF = b"%PDF-1.7\n% test\n"


@dataclass
class Docs:
    mou_p1: object
    mou_p1q: object
    mou_p2: object


@pytest.fixture
def docs(world, mob) -> Docs:  # noqa: F811
    return build_docs(world, mob)


def build_docs(world, mob) -> Docs:  # noqa: F811 - `mob` is the cast, not the fixture imported above
    from documents.services import request_pdf

    m1 = forced_memorandum(world.p1, [world.org_a, world.org_b], title="MoU one")
    m1q = forced_memorandum(world.p1, [world.org_a, world.org_b], title="MoU queued")
    m2 = forced_memorandum(world.p2, [world.org_c, mob.org_d], title="MoU two")
    return Docs(mou_p1=make_ready(m1, PDF), mou_p1q=request_pdf(m1q), mou_p2=make_ready(m2, PDF))


@pytest.fixture
def api_for(db):
    """api_for(user) -> an APIClient holding a fresh token of `user` (no credentials for None)."""

    def make(user):
        client = APIClient()
        if user is not None:
            _label, secret = services.create_token(user=user, name="test", by=user)
            client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
        return client

    return make
