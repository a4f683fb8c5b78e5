"""The training-event demo data added to `seed_demo`: the four VISION joint staff training events, made
through the services, idempotent, and leaving the partners demo data (accounts, roles) as it was."""

from collections import Counter
from datetime import UTC, date, datetime

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db.models import Max

from documents.models import RenderedDocument
from partners.models import AuditEntry, Membership, Partnership, User
from partners.models.people import Role
from training_events import services
from training_events.models import (
    Attendance,
    Certificate,
    EvaluationQuestion,
    EvaluationResponse,
    Participant,
    TrainingEvent,
)

pytestmark = pytest.mark.django_db

TODAY = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
VISION = "2019-1-LT01-KA202-060748"
ORGS = {"kmpmc", "essenia", "nova", "savo"}
TOPICS = {
    "Quality assurance in geographical mobility",
    "Responsibilities of tutors and mentors in quality-assured mobility",
    "Soft-skills development of mobility participants",
    "Application of ECVET instruments",
}


def events():
    return list(TrainingEvent.objects.filter(partnership__project_number=VISION).select_related("host_organisation"))


def snapshot() -> dict:
    """Row count and newest update of every partners, training-event and documents model."""
    state = {}
    for label in ("partners", "training_events", "documents"):
        for model in apps.get_app_config(label).get_models():
            qs = model.objects.all()
            state[model._meta.label] = qs.count()
            if any(f.name == "updated_at" for f in model._meta.get_fields()):
                state[f"{model._meta.label}.updated_at"] = qs.aggregate(latest=Max("updated_at"))["latest"]
    return state


def test_four_events_with_the_four_topics_each_partner_hosting_one(demo):
    evs = events()
    assert len(evs) == 4
    assert {e.topic for e in evs} == TOPICS
    assert Counter(e.host_organisation.slug for e in evs) == dict.fromkeys(ORGS, 1)
    vision = Partnership.objects.get(project_number=VISION)
    for event in evs:
        assert vision.start_date <= event.start_date <= event.end_date <= vision.end_date
        assert event.end_date < TODAY.date()  # they took place
        assert event.days == 3
        assert event.capacity_per_organisation == 4
        assert event.description and event.venue and event.city
        assert 3 <= len(event.learning_outcomes.splitlines()) <= 4
        sessions = list(event.sessions.all())
        assert 4 <= len(sessions) <= 6
        assert len({s.day for s in sessions}) == 3
        assert all(s.speaker for s in sessions)
        questions = list(event.questions.all())
        kinds = Counter((q.kind, q.required) for q in questions)
        assert kinds == {(EvaluationQuestion.Kind.SCALE, True): 3, (EvaluationQuestion.Kind.TEXT, False): 1}


def test_events_in_2020_and_2021_were_online_or_blended(demo):
    for event in events():
        if event.start_date.year in (2020, 2021) and event.start_date >= date(2020, 3, 1):
            assert event.format in (TrainingEvent.Format.ONLINE, TrainingEvent.Format.BLENDED)
            assert event.online_link
    assert {e.format for e in events()} == set(TrainingEvent.Format.values)


def test_every_partner_has_two_or_three_participants_in_every_event(demo):
    for event in events():
        counts = Counter(
            event.participants.filter(status=Participant.Status.REGISTERED).values_list("organisation__slug", flat=True)
        )
        assert set(counts) == ORGS, event
        assert all(2 <= n <= 3 for n in counts.values()), (event, counts)
        # registered by their own organisation's coordinator
        for participant in event.participants.select_related("registered_by", "organisation"):
            assert participant.registered_by.email == f"coordinator@{participant.organisation.slug}.example"


def test_demo_staff_accounts_take_part(demo):
    for slug in ORGS:
        coordinator = User.objects.get(email=f"coordinator@{slug}.example")
        assert Participant.objects.filter(user=coordinator).count() == 4
        assert Certificate.objects.filter(participant__user=coordinator).count() == 4
        mentor = User.objects.get(email=f"mentor@{slug}.example")
        assert Participant.objects.filter(user=mentor).count() >= 2
        assert Certificate.objects.filter(participant__user=mentor).exists()
    # learners are not staff: not registered
    assert not Participant.objects.filter(user__email__startswith="learner@").exists()


def test_attendance_marked_by_the_host_with_some_absences(demo):
    for event in events():
        marks = Attendance.objects.filter(session__event=event)
        assert marks.exists()
        assert {m.marked_by.email for m in marks.select_related("marked_by")} == {
            f"coordinator@{event.host_organisation.slug}.example"
        }
        assert marks.filter(present=False).exists(), event
        assert marks.filter(present=True).count() > 0.85 * marks.count()
    no_shows = Participant.objects.exclude(attendance__present=True)
    assert no_shows.count() == 2


def test_every_event_shows_its_evaluation_results(demo):
    for event in events():
        responses = EvaluationResponse.objects.filter(event=event).select_related("participant")
        assert responses.count() >= 3
        assert all(r.participant.user_id for r in responses)
        results = services.evaluation_results(event)
        assert results["shown"]
        scales = [q for q in results["questions"] if q["question"].kind == EvaluationQuestion.Kind.SCALE]
        assert all(q["count"] == responses.count() and q["average"] for q in scales)
    # some demo accounts still have an evaluation to answer
    assert Participant.objects.filter(user__isnull=False, evaluation__isnull=True).exists()


def test_certificates_for_attendees_only(demo):
    certificates = Certificate.objects.select_related("participant", "issued_by", "participant__event")
    assert certificates.count() == Participant.objects.filter(attendance__present=True).distinct().count()
    for certificate in certificates:
        participant = certificate.participant
        assert participant.attendance.filter(present=True).exists()
        assert certificate.hours == services.hours_attended(participant) > 0
        assert certificate.issued_by.email == f"coordinator@{participant.event.host_organisation.slug}.example"
    assert not Certificate.objects.filter(participant__in=Participant.objects.exclude(attendance__present=True))
    # fewer hours for a participant who missed a session
    hours = {c.participant.email: c.hours for c in certificates if c.participant.event.city == "Kaunas"}
    assert hours["antti.salonen@savo.example"] < hours["coordinator@savo.example"]
    # the sealed PDFs are queued (on-commit callbacks do not run in tests)
    pdfs = RenderedDocument.objects.filter(content_type=ContentType.objects.get_for_model(Certificate))
    assert pdfs.count() == certificates.count()
    assert set(pdfs.values_list("status", flat=True)) == {RenderedDocument.Status.QUEUED}


def test_travel_and_support_for_on_site_guests_only(demo):
    kaunas = TrainingEvent.objects.get(city="Kaunas")
    guest = kaunas.participants.get(email="coordinator@savo.example")
    grant = services.grant_for(guest)
    assert grant.travel > 0 and grant.days == 5 and grant.support == 500
    online = TrainingEvent.objects.get(format=TrainingEvent.Format.ONLINE)
    assert services.grant_for(online.participants.first()).total == 0


def test_second_run_creates_and_changes_nothing(demo):
    before = snapshot()
    call_command("seed_demo", verbosity=0)
    assert snapshot() == before
    assert AuditEntry.objects.count() == before["partners.AuditEntry"]


def test_demo_accounts_and_roles_unchanged(demo):
    assert User.objects.filter(email__endswith=".example").count() == 11
    assert set(Membership.objects.filter(user__email__startswith="coordinator@").values_list("role", flat=True)) == {
        Role.PROJECT_COORDINATOR,
        Role.PARTNER_COORDINATOR,
    }
    assert set(Membership.objects.filter(user__email__startswith="mentor@").values_list("role", flat=True)) == {
        Role.MENTOR
    }
