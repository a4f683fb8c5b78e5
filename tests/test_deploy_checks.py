"""vision/checks.py: production settings refuse to pass `check --deploy` before `collectstatic` (issue 17)."""

import json

import pytest
from django.contrib.staticfiles.storage import ManifestStaticFilesStorage
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from vision import checks


@pytest.fixture
def manifest_storage(settings, tmp_path, monkeypatch):
    settings.DEBUG = False
    storage = ManifestStaticFilesStorage(location=str(tmp_path))
    monkeypatch.setattr(checks, "staticfiles_storage", storage)
    return storage


def test_a_missing_manifest_is_an_error_of_the_deploy_check(manifest_storage):
    errors = checks.static_manifest_present()
    assert [e.id for e in errors] == ["vision.E001"]
    assert "collectstatic" in errors[0].hint
    with pytest.raises(SystemCheckError, match="vision.E001"):
        call_command("check", "--deploy", "--tag", "staticfiles")


def test_a_collected_manifest_passes(manifest_storage, tmp_path):
    (tmp_path / manifest_storage.manifest_name).write_text(
        json.dumps({"paths": {"css/site.css": "css/site.0123abcd.css"}, "version": "1.1", "hash": "x"})
    )
    assert checks.static_manifest_present() == []


def test_debug_and_plain_storages_need_no_manifest(settings, manifest_storage):
    settings.DEBUG = True
    assert checks.static_manifest_present() == []
