"""partners/workflow.py: the one mechanism behind every status field (issue 13, point 2)."""

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django_fsm import FSMField

from mobility.models import Mobility, MobilityStatusChange
from partners import workflow
from partners.models import AuditEntry
from tests.factories_mobility import MobilityFactory

pytestmark = pytest.mark.django_db
S = Mobility.Status

# Every status column of the portal, and the history it writes to.
STATUS_FIELDS = {
    "mobility.Mobility",
    "mobility.MentorAssessment",
    "ecvet.LearningAgreementVersion",
    "ecvet.Memorandum",
    "ecvet.Transcript",
    "ecvet.EuropassMobility",
    "ecvet.GrantAgreement",
    "documents.RenderedDocument",
    "training_events.Participant",
    "placements.Placement",
    "selection.Application",
    "selection.Call",
}


def test_every_status_field_is_a_protected_workflow_field():
    found = set()
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if field.name == "status":
                found.add(model._meta.label)
                assert isinstance(field, FSMField), model._meta.label
                assert field.protected and not field.editable, model._meta.label
                assert issubclass(model, workflow.WorkflowModel), model._meta.label
                # Every field declares at least one move.
                assert list(model().get_all_status_transitions()), model._meta.label
    assert found == STATUS_FIELDS


def test_a_move_refused_by_the_map_changes_nothing_and_writes_nothing(world):
    mobility = MobilityFactory(partnership=world.p1, learner__home_organisation=world.org_a)
    with pytest.raises(workflow.Refused) as refused:
        workflow.move(mobility, "complete", by=world.pc_a)
    assert "is not possible while the mobility is “Draft”" in refused.value.messages[0]
    assert Mobility.objects.get(pk=mobility.pk).status == S.DRAFT
    assert not MobilityStatusChange.objects.exists()
    assert not AuditEntry.objects.filter(verb=AuditEntry.Verb.STATE_CHANGED).exists()


def test_a_move_without_the_permission_is_refused(world):
    mobility = MobilityFactory(partnership=world.p1, learner__home_organisation=world.org_a)
    with pytest.raises(PermissionDenied):
        workflow.move(mobility, "plan", by=world.outsider)
    with pytest.raises(PermissionDenied):
        workflow.move(mobility, "plan", by=None)
    assert Mobility.objects.get(pk=mobility.pk).status == S.DRAFT


def test_a_record_changed_meanwhile_is_not_moved_from_its_old_state(world):
    mobility = MobilityFactory(partnership=world.p1, learner__home_organisation=world.org_a)
    Mobility.objects.filter(pk=mobility.pk).update(status=S.CANCELLED)  # someone else, meanwhile
    with pytest.raises(workflow.Refused) as refused:
        workflow.move(mobility, "plan", by=world.pc_a)
    assert "changed meanwhile" in refused.value.messages[0]
    assert Mobility.objects.get(pk=mobility.pk).status == S.CANCELLED


def test_a_move_needing_a_reason_refuses_a_blank_one(world):
    mobility = MobilityFactory(partnership=world.p1, learner__home_organisation=world.org_a)
    with pytest.raises(workflow.Refused):
        workflow.move(mobility, "cancel", by=world.pc_a, reason="   ")
    workflow.move(mobility, "cancel", by=world.pc_a, reason="Duplicate")
    entry = AuditEntry.objects.get(verb=AuditEntry.Verb.STATE_CHANGED)
    assert entry.details == {
        "field": "status",
        "from": S.DRAFT,
        "to": S.CANCELLED,
        "move": "cancel",
        "reason": "Duplicate",
    }
    assert entry.partnership == world.p1 and entry.organisation == world.org_a


def test_available_and_blocked_moves(world):
    mobility = MobilityFactory(partnership=world.p1, learner__home_organisation=world.org_a)
    Mobility.objects.filter(pk=mobility.pk).update(status=S.PLANNED)
    mobility.refresh_from_db()
    available = {t.name for t in workflow.available_moves(mobility, world.pc_a)}
    assert available == {"back_to_draft", "cancel"}  # "agree" waits for the Learning Agreement
    blocked = {t.name: missing for t, missing in workflow.blocked_moves(mobility, world.pc_a)}
    assert list(blocked) == ["agree"]
    assert blocked["agree"][0].message == (
        "No Learning Agreement is in force for this mobility: it needs the approval of the learner and both "
        "organisations."
    )
    assert workflow.available_moves(mobility, world.outsider) == []
    assert workflow.blocked_moves(mobility, world.outsider) == []


def test_a_guard_without_facts_is_reported_generically():
    condition = workflow.guard(lambda obj: [workflow.Missing("Needs a name", "/x/", "Fix")])
    assert condition(object()) is False
    assert condition.missing(object())[0].url == "/x/"
