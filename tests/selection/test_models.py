from datetime import UTC, date, datetime

import pytest
from django.db import IntegrityError

from partners.workflow import move
from selection.models import Application, Call, add_months, age_on
from tests.factories_selection import (
    ApplicationDocumentFactory,
    ApplicationFactory,
    CallFactory,
    PanelMemberFactory,
    ScoreFactory,
)

pytestmark = pytest.mark.django_db


def test_factories_build_a_call_with_criteria_applications_panel_and_scores():
    call = CallFactory(status=Call.Status.PUBLISHED)
    application = ApplicationFactory(call=call, documents=True)
    seat = PanelMemberFactory(call=call, declared=True)
    score = ScoreFactory(application=application, assessor=seat.user)
    assert call.criteria.count() == 2
    assert application.documents.count() == 2
    assert seat.has_declared
    assert score.criterion.call == call
    assert call.partnership.organisations.filter(pk=call.organisation_id).exists()


def test_call_local_language_defaults_to_the_organisations_language():
    call = CallFactory(organisation__country="LT")
    assert call.local_language == "lt"


def test_one_score_per_application_criterion_and_assessor():
    score = ScoreFactory()
    with pytest.raises(IntegrityError):
        ScoreFactory(application=score.application, criterion=score.criterion, assessor=score.assessor)


def test_age_on_counts_whole_years():
    assert age_on(date(2008, 12, 7), date(2026, 12, 6)) == 17
    assert age_on(date(2008, 12, 6), date(2026, 12, 6)) == 18


def test_add_months_keeps_the_day_or_takes_the_last_of_the_month():
    moment = datetime(2026, 1, 31, 12, tzinfo=UTC)
    assert add_months(moment, 1).date() == date(2026, 2, 28)
    assert add_months(moment, 12).date() == date(2027, 1, 31)


def test_withdrawal_keeps_the_application_with_its_date(django_user_model):
    application = ApplicationFactory(status=Application.Status.RESERVE, reserve_rank=1)
    move(application, "withdraw", system=True)
    application.refresh_from_db()
    assert application.status == Application.Status.WITHDRAWN
    assert application.withdrawn_at is not None
    assert application.reserve_rank is None
    assert [c.to_state for c in application.state_history()] == ["withdrawn"]


def test_call_closed_erase_after_uses_retention_months():
    call = CallFactory(retention_months=12)
    assert call.erase_after() is None
    call.closed_at = datetime(2026, 3, 1, tzinfo=UTC)
    assert call.erase_after().date() == date(2027, 3, 1)


def test_document_factory_stores_a_pdf():
    document = ApplicationDocumentFactory()
    assert document.file.read().startswith(b"%PDF-")


def test_a_call_offers_placements_and_an_application_holds_the_one_offered():
    from tests.factories_placements import PlacementFactory

    call = CallFactory()
    placement = PlacementFactory(partnership=call.partnership)
    call.placements.add(placement)
    application = ApplicationFactory(call=call, status=Application.Status.SELECTED, placement=placement)
    assert list(call.placements.all()) == [placement]
    assert list(placement.applications.all()) == [application]
