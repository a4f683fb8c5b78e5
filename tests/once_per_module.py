"""Worlds built once per test module (the permission matrices): `once` (docs/testing.md).

A module that defines `build_once()` gets its objects built a single time per module and process (its
arguments may name session- or module-scoped fixtures), inside an outer transaction that is rolled back
when the module ends. Each of its tests runs inside that transaction (pytest-django's `db` transaction
becomes a savepoint), so whatever a test writes is gone before the next one; the files the build wrote are
written again for each test. A test asks for `once`: a deep copy of what `build_once()` returned, made for
that test alone, so a test that changes or refreshes an instance does not hand the change to the next
test. One copy per test keeps the objects shared between the parts of a world shared
(`mob.m_b_to_a.partnership is world.p1`).

Nothing is committed, so work deferred to commit (on_commit) never runs, as in any test's transaction.
"""

from __future__ import annotations

import copy
import inspect
from dataclasses import dataclass

import pytest
from django.db import transaction

from .demo_data import media_files, media_written_since, put_back_media


@dataclass
class Built:
    objects: object  # what build_once() returned
    media: dict[str, bytes]  # the files it wrote under MEDIA_ROOT: put back for each test (disk is not rolled back)


@pytest.fixture(scope="module")
def built_once(request, django_db_setup, django_db_blocker):
    """What the module's `build_once()` returns, built in a transaction that outlives its tests."""
    build = getattr(request.module, "build_once", None)
    if build is None:
        pytest.fail(f"{request.module.__name__} asks for `once` but defines no build_once()")
    # build_once may name session- or module-scoped fixtures it needs (e.g. a canned PDF).
    arguments = {name: request.getfixturevalue(name) for name in inspect.signature(build).parameters}
    with django_db_blocker.unblock(), transaction.atomic():
        before = media_files()
        objects = build(**arguments)
        yield Built(objects, media_written_since(before))
        transaction.set_rollback(True)


@pytest.fixture
def once(built_once, db):
    """This test's own copy of the module's world (the rows are shared, rolled back after each test)."""
    put_back_media(built_once.media)
    return copy.deepcopy(built_once.objects)
