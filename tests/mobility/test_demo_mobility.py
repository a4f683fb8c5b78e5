"""The mobility demo data added to `seed_demo`: a realistic spread, idempotent, and every record valid."""

from collections import Counter
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.apps import apps
from django.core.management import call_command
from django.db.models import Max

from demo.mobility import CURRENT_PROJECT, anchor_date
from mobility.models import (
    ChecklistItem,
    Learner,
    LearnerReport,
    MentorAssessment,
    Mobility,
    MobilityStatusChange,
)
from mobility.models.learners import age_on
from mobility.services.money import grant_for
from partners.models import Partnership, User

pytestmark = pytest.mark.django_db

TODAY = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
S = Mobility.Status


def snapshot() -> dict:
    """Row count and newest update of every partners and mobility model."""
    state = {}
    for label in ("partners", "mobility"):
        for model in apps.get_app_config(label).get_models():
            qs = model.objects.all()
            state[model._meta.label] = qs.count()
            if any(f.name == "updated_at" for f in model._meta.get_fields()):
                state[f"{model._meta.label}.updated_at"] = qs.aggregate(latest=Max("updated_at"))["latest"]
    return state


def test_demo_has_24_learners_six_per_organisation(demo):
    # The mobility demo's learners; the selection demo adds KMPMC's four selected applicants (selection/demo.py),
    # who have no mobility until they are offered a placement.
    selected = Learner.objects.filter(applications__isnull=False)
    counts = Counter(Learner.objects.exclude(pk__in=selected).values_list("home_organisation__slug", flat=True))
    assert counts == {"kmpmc": 6, "essenia": 6, "nova": 6, "savo": 6}
    assert Counter(selected.values_list("home_organisation__slug", flat=True)) == {"kmpmc": 4}
    assert not Mobility.objects.filter(learner__in=selected).exists()


def test_demo_has_mobilities_in_every_state(demo):
    counts = Counter(Mobility.objects.values_list("status", flat=True))
    assert counts == {
        S.DRAFT: 3,
        S.PLANNED: 3,
        S.AGREED: 3,
        # Lotte Jansen's stay is over but her mentor's assessment is a draft: still "in mobility".
        S.IN_MOBILITY: 4,
        # The mobility demo walks no further than "completed"; the ECVET demo (demo/ecvet_agreements.py)
        # records the recognition of the five it calls recognised, and of Sem de Groot's, on their Personal
        # Transcripts, which moves them (state follows documents).
        S.COMPLETED: 4,
        S.RECOGNISED: 6,
        S.CANCELLED: 1,
    }


def test_current_partnership_is_added_for_the_same_four_organisations(demo):
    current = Partnership.objects.get(project_number=CURRENT_PROJECT["project_number"])
    assert (current.key_action, current.call_year, current.action_type) == (
        "KA1",
        2025,
        "VET learner mobility (KA122-VET)",
    )
    assert set(current.organisations.values_list("slug", flat=True)) == {"kmpmc", "essenia", "nova", "savo"}
    assert current.coordinator.slug == "kmpmc"


def test_current_states_sit_at_todays_dates(demo):
    today = TODAY.date()
    for mobility in Mobility.objects.filter(partnership__call_year=2025):
        if mobility.status == S.IN_MOBILITY:
            # Running, or over and waiting for the mentor's assessment before it can be completed.
            assert mobility.start_date <= today
            assert today <= mobility.end_date or not mobility.assessments.filter(status="submitted").exists()
        elif mobility.status == S.COMPLETED:
            assert mobility.end_date < today
        elif mobility.status in (S.DRAFT, S.PLANNED, S.AGREED):
            assert mobility.start_date > today


def test_vision_partnership_gets_completed_and_recognised_mobilities_of_2021_and_2022(demo):
    vision = Mobility.objects.filter(partnership__project_number="2019-1-LT01-KA202-060748")
    assert set(vision.values_list("status", flat=True)) == {S.COMPLETED, S.RECOGNISED}
    assert all(date(2021, 1, 1) <= m.start_date <= m.end_date <= date(2022, 6, 30) for m in vision)


def test_every_demo_mobility_and_learner_passes_full_clean(demo):
    with time_machine.travel(TODAY, tick=False):
        for mobility in Mobility.objects.select_related("partnership"):
            mobility.full_clean()
        for learner in Learner.objects.all():
            learner.full_clean()


def test_learners_are_17_to_22_at_the_start_and_only_one_minor_has_a_guardian(demo):
    for mobility in Mobility.objects.select_related("learner"):
        assert 17 <= age_on(mobility.learner.date_of_birth, mobility.start_date) <= 22, mobility
    # Of the mobility demo's learners (a selected applicant of the selection demo is a minor with her guardian too).
    minors = [
        lr for lr in Learner.objects.filter(applications__isnull=True) if age_on(lr.date_of_birth, TODAY.date()) < 18
    ]
    assert len(minors) == 1
    assert minors[0].guardian_name
    assert Learner.objects.filter(fewer_opportunities=True).count() >= 3


def test_each_demo_learner_account_owns_exactly_one_mobility(demo):
    egle = Mobility.objects.get(learner__user__email="learner@kmpmc.example")
    lotte = Mobility.objects.get(learner__user__email="learner@nova.example")
    assert (egle.receiving_organisation.slug, egle.status) == ("nova", S.IN_MOBILITY)
    assert (lotte.receiving_organisation.slug, lotte.status) == ("kmpmc", S.IN_MOBILITY)
    assert not LearnerReport.objects.filter(mobility=lotte).exists()  # the learner files it in the browser test


def test_kmpmc_mentor_has_a_hosted_mobility_with_an_unsubmitted_assessment_to_do(demo):
    mentor = User.objects.get(email="mentor@kmpmc.example")
    waiting = [
        m
        for m in Mobility.objects.filter(mentor=mentor, receiving_organisation__slug="kmpmc")
        if m.assessment_items.exists() and not m.assessments.filter(status="submitted").exists()
    ]
    assert waiting
    lotte = Mobility.objects.get(learner__user__email="learner@nova.example")
    assert lotte in waiting
    assert lotte.assessments.get().status == MentorAssessment.Status.DRAFT


def test_mentors_are_the_hosts_mentors_and_tutors_the_senders_coordinators(demo):
    for mobility in Mobility.objects.select_related(
        "mentor", "tutor", "sending_organisation", "receiving_organisation"
    ):
        assert mobility.mentor.email == f"mentor@{mobility.receiving_organisation.slug}.example"
        assert mobility.tutor.email == f"coordinator@{mobility.sending_organisation.slug}.example"


def test_status_history_leads_to_each_state_and_the_cancellation_has_a_reason(demo):
    for mobility in Mobility.objects.exclude(status=S.DRAFT):
        last = mobility.status_changes.order_by("-at", "-id").first()
        assert last is not None and last.to_status == mobility.status, mobility
    cancelled = MobilityStatusChange.objects.get(to_status=S.CANCELLED)
    assert cancelled.reason
    assert cancelled.by.email == "coordinator@kmpmc.example"


def test_some_mobilities_are_blended(demo):
    blended = [m for m in Mobility.objects.all() if m.is_blended]
    assert len(blended) >= 5


def test_checklists_are_generated_and_partly_done(demo):
    assert not Mobility.objects.filter(checklist__isnull=True).exists()
    done = ChecklistItem.objects.filter(done_at__isnull=False).count()
    assert 0 < done < ChecklistItem.objects.count()
    assert not ChecklistItem.objects.filter(mobility__status=S.DRAFT, done_at__isnull=False).exists()


def test_some_assessments_are_submitted_and_a_few_reports_filed(demo):
    submitted = MentorAssessment.objects.filter(status=MentorAssessment.Status.SUBMITTED)
    assert submitted.count() >= 5
    assert all(a.results.count() == 3 and a.soft_skills.exclude(rating=None).exists() for a in submitted)
    reports = LearnerReport.objects.filter(submitted_at__isnull=False)
    assert 3 <= reports.count() <= 10
    assert all(r.answers.exists() for r in reports)


def test_the_current_project_is_priced_with_the_demo_agencys_rates_and_every_grant_computes(demo):
    current = Mobility.objects.filter(partnership__slug="vision-mobility").select_related(
        "partnership", "learner", "sending_organisation", "receiving_organisation"
    )
    egle = current.get(learner__user__email="learner@kmpmc.example")
    grant = grant_for(egle)
    assert grant.rules.rule_set.national_agency == "LT01"
    assert grant.travel == Decimal("309")  # Kaunas → Haarlem, about 1,295 km: 500–1999 km in the 2024 table
    assert grant.amount("org_support") == Decimal("350")
    assert grant.country_group == 2  # the Netherlands
    assert all(not grant_for(mobility).problems for mobility in current)


def test_second_run_creates_and_changes_nothing(demo):
    before = snapshot()
    with time_machine.travel(datetime(2027, 1, 15, 9, 0, tzinfo=UTC), tick=False):
        call_command("seed_demo", verbosity=0)
    assert snapshot() == before


def test_anchor_date_stays_inside_the_current_project_period():
    with time_machine.travel(datetime(2030, 1, 1, tzinfo=UTC), tick=False):
        assert anchor_date() == date(2027, 3, 1)
    with time_machine.travel(datetime(2024, 1, 1, tzinfo=UTC), tick=False):
        assert anchor_date() == date(2025, 10, 1)


@pytest.mark.parametrize("moment", [datetime(2024, 3, 1, tzinfo=UTC), datetime(2031, 6, 1, tzinfo=UTC)])
def test_demo_stays_valid_whenever_it_is_seeded(settings, moment):
    settings.DEBUG = True
    with time_machine.travel(moment, tick=False):
        call_command("seed_demo", verbosity=0)
        for mobility in Mobility.objects.select_related("partnership"):
            mobility.full_clean()
    assert Mobility.objects.count() == 24
