"""The training-event cast, on top of the partners `world` (tests/conftest.py):

ev_a     an on-site event of P1 hosted by A (A in Vilnius, B in Amsterdam: coordinates set here so grants
         can be computed), 2025-03-10 … 2025-03-12, 2 places per organisation, three sessions (two on
         day 1, one on day 3), two questions (a required scale, an optional text);
staff_b  a member of staff at B (a mentor account) registered for ev_a by partner_b (p_staff_b);
ev_c     an event of P2 hosted by C: out of scope for everyone of P1.
The event is in the past of the real clock: evaluation and certificates are open.
"""

from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal

import pytest

from partners.models.people import Role
from tests.factories import MembershipFactory
from training_events import services
from training_events.models import EvaluationQuestion, Session, TrainingEvent


@dataclass
class TrainingWorld:
    ev_a: object
    ev_c: object
    s1: object
    s2: object
    s3: object
    q_scale: object
    q_text: object
    staff_b: object  # a user at B
    p_staff_b: object  # their registration for ev_a


@pytest.fixture
def te(world) -> TrainingWorld:
    return build_te(world)


def build_te(world) -> TrainingWorld:
    for org, lat, lon in ((world.org_a, "54.6872", "25.2797"), (world.org_b, "52.3676", "4.9041")):
        org.latitude, org.longitude = Decimal(lat), Decimal(lon)
        org.save(update_fields=["latitude", "longitude"])
    ev_a = TrainingEvent.objects.create(
        partnership=world.p1,
        host_organisation=world.org_a,
        title="Quality assurance in geographical mobility",
        topic="Quality assurance",
        venue="Training centre, room 2",
        city="Vilnius",
        start_date=date(2025, 3, 10),
        end_date=date(2025, 3, 12),
        capacity_per_organisation=2,
        description="Three days on quality-assured mobility.",
        learning_outcomes="Plans a quality-assured mobility\nUses the quality checklist",
    )
    ev_c = TrainingEvent.objects.create(
        partnership=world.p2,
        host_organisation=world.org_c,
        title="An event of another partnership",
        start_date=date(2025, 4, 1),
        end_date=date(2025, 4, 2),
    )
    s1 = Session.objects.create(
        event=ev_a, day=date(2025, 3, 10), start_time=time(9), end_time=time(12), title="Opening"
    )
    s2 = Session.objects.create(
        event=ev_a, day=date(2025, 3, 10), start_time=time(13), end_time=time(16), title="Checklists"
    )
    s3 = Session.objects.create(
        event=ev_a, day=date(2025, 3, 12), start_time=time(9), end_time=time(11), title="Wrap-up"
    )
    q_scale = EvaluationQuestion.objects.create(event=ev_a, order=1, text="How useful was the event?")
    q_text = EvaluationQuestion.objects.create(
        event=ev_a, order=2, text="What will you use?", kind=EvaluationQuestion.Kind.TEXT, required=False
    )
    staff_b = MembershipFactory(organisation=world.org_b, role=Role.MENTOR).user
    p_staff_b = services.register(
        ev_a,
        organisation_id=world.org_b.pk,
        data={
            "first_name": staff_b.first_name or "Sanne",
            "last_name": staff_b.last_name or "Visser",
            "email": staff_b.email,
        },
        by=world.partner_b,
    )
    return TrainingWorld(ev_a, ev_c, s1, s2, s3, q_scale, q_text, staff_b, p_staff_b)


def db_state(*labels: str) -> dict:
    """Row count and newest `updated_at` of every model of the apps named (and the audit trail's count): a
    refused request must leave it as it was."""
    from django.apps import apps
    from django.db.models import Max

    from partners.models import AuditEntry

    state: dict = {"audit entries": AuditEntry.objects.count()}
    for label in labels:
        for model in apps.get_app_config(label).get_models():
            rows = model._default_manager.all()
            state[model._meta.label] = rows.count()
            if any(f.name == "updated_at" for f in model._meta.get_fields()):
                state[f"{model._meta.label}.updated_at"] = rows.aggregate(latest=Max("updated_at"))["latest"]
    return state


REFUSED = (403, 404)
