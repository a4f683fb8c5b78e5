"""Retention (issue 18, point 5): unsuccessful applications are erased `retention_months` after the call closed,
by the daily task, through the learners' erasure machinery; selected ones are kept. The learners' GDPR export
holds their application, and erasing a learner erases it."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from mobility.services.gdpr import ERASED, collect, erase_learner
from partners.models import AuditEntry
from selection import panel, panel_tasks, retention
from selection.models import Application, ApplicationDocument, Call, Score
from tests.factories_selection import ApplicationDocumentFactory

from .panel_support import A, scored_call

pytestmark = pytest.mark.django_db


@pytest.fixture
def decided(world, settings, tmp_path, django_capture_on_commit_callbacks, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr("documents.services.enqueue", lambda pk: False)
    scored = scored_call(world)
    Score.objects.filter(application=scored.apps["Gus"]).update(comment="Gus Tester spoke well of his aunt.")
    with django_capture_on_commit_callbacks(execute=True):
        panel.record_decision(scored.call, reserve_size=2, by=world.partner_b)
    scored.media = tmp_path
    return scored


def age_call(call, months_ago_days):
    Call.objects.filter(pk=call.pk).update(closed_at=timezone.now() - timedelta(days=months_ago_days))


def files_under(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def test_unsuccessful_applications_are_erased_after_the_retention_period(
    world, decided, django_capture_on_commit_callbacks
):
    age_call(decided.call, 370)  # 12 months and a few days
    ApplicationDocumentFactory(application=decided.hal, kind=ApplicationDocument.Kind.CV)
    assert len(files_under(decided.media)) == 8  # one document per ranked application, and Hal's CV
    with django_capture_on_commit_callbacks(execute=True):
        erased = panel_tasks.erase_expired_applications.delay()
    erased_apps = Application.objects.filter(erased_at__isnull=False)
    # Not selected (Gus, Eva, Fay), reserve never moved up (Cas, Dan), not eligible (Hal), withdrawn (Ivy).
    assert {a.code for a in erased_apps} == {decided.apps[n].code for n in ("Cas", "Dan", "Gus", "Eva", "Fay")} | {
        decided.hal.code,
        decided.ivy.code,
    }
    assert erased is not None
    gus = Application.objects.get(pk=decided.apps["Gus"].pk)
    assert gus.first_name == ERASED and "Gus" not in gus.full_name
    assert gus.email.endswith("@erased.invalid") and gus.date_of_birth is None
    assert gus.status == A.NOT_SELECTED and gus.scores.count() == 4  # the points stay, for the report
    assert "Gus" not in " ".join(gus.scores.values_list("comment", flat=True))
    assert not ApplicationDocument.objects.filter(application__erased_at__isnull=False).exists()
    # Only the selected applicants' files are left on disk.
    assert len(files_under(decided.media)) == 2
    for name in ("Ada", "Bea"):
        kept = Application.objects.get(pk=decided.apps[name].pk)
        assert kept.erased_at is None and kept.first_name == name and kept.documents.count() == 1
    assert not AuditEntry.objects.filter(object_type="selection.application", object_repr__contains="Gus").exists()
    # Twice changes nothing.
    assert retention.erase_expired() == 0


def test_nothing_is_erased_before_the_period_ends(world, decided):
    age_call(decided.call, 330)  # 11 months
    assert retention.erase_expired() == 0
    assert not Application.objects.filter(erased_at__isnull=False).exists()


def test_a_calls_own_period_counts(world, decided):
    Call.objects.filter(pk=decided.call.pk).update(retention_months=1)
    age_call(decided.call, 40)
    assert retention.erase_expired() == 7


def test_the_gdpr_export_holds_the_learners_application_and_erasure_reaches_it(world, decided):
    ada = Application.objects.get(pk=decided.apps["Ada"].pk)
    dossier = collect(ada.learner)
    exported = dossier.extra["applications"]["data"]
    assert [row["application"] for row in exported] == [str(ada.code)]
    assert exported[0]["email"] == ada.email and exported[0]["status"] == A.SELECTED
    assert len(exported[0]["scores"]) == 4 and exported[0]["documents"][0]["size"] > 0
    erase_learner(ada.learner, by=world.partner_b, reason="Asked by the learner.")
    ada = Application.objects.get(pk=ada.pk)
    assert ada.erased_at is not None and ada.first_name == ERASED and not ada.documents.exists()
