"""The dissemination cast, on top of the partners `world` (tests/conftest.py):

ev_b     a national event of P1 organised by B (Beta College, NL), no country of its own (it counts in NL),
         audience: learners 20 national + 5 international, VET staff 10 + 3, employers 4 + 0 (42 people);
file_b   a PDF of ev_b;
act_a    a social-media post of A (Alpha VET, LT) in P1, estimated reach 500, mainly learners;
targets  of P1: learners 50, VET staff 10; channel "social media" 1000, channel "events" 100;
ev_c     an event of P2 organised by C (learners 7 + 0): out of scope for everyone of P1.
"""

from dataclasses import dataclass
from datetime import date

import pytest
from django.core.files.base import ContentFile

from dissemination import services
from dissemination.models import Activity, Channel, DisseminationEvent, EventFile, ReachTarget, StakeholderGroup

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

G = StakeholderGroup


@dataclass
class DisseminationWorld:
    ev_b: object
    file_b: object
    act_a: object
    ev_c: object
    targets: list


def make_file(event, title="Agenda", content=PDF, name="agenda.pdf", kind=EventFile.Kind.MATERIAL):
    row = EventFile(event=event, title=title, kind=kind, size=len(content))
    row.file.save(name, ContentFile(content), save=False)
    row.save()
    return row


def make_event(partnership, organisation, *, by, audience=None, **fields):
    event = DisseminationEvent(
        partnership=partnership,
        organisation=organisation,
        title=fields.pop("title", "An event"),
        date=fields.pop("date", date(2024, 5, 10)),
        **fields,
    )
    return services.save_event(event, audience or {}, by=by)


@pytest.fixture
def dis(world) -> DisseminationWorld:
    return build_dis(world)


def build_dis(world) -> DisseminationWorld:
    ev_b = make_event(
        world.p1,
        world.org_b,
        by=world.partner_b,
        title="Beauty VET open day",
        place="Haarlem campus",
        audience={G.LEARNERS: (20, 5), G.VET_STAFF: (10, 3), G.EMPLOYERS: (4, 0)},
    )
    act_a = Activity.objects.create(
        partnership=world.p1,
        organisation=world.org_a,
        channel=Channel.SOCIAL_MEDIA,
        title="Launch post",
        date=date(2024, 4, 1),
        reach=500,
        audience=G.LEARNERS,
    )
    targets = [
        ReachTarget.objects.create(partnership=world.p1, group=G.LEARNERS, target=50),
        ReachTarget.objects.create(partnership=world.p1, group=G.VET_STAFF, target=10),
        ReachTarget.objects.create(partnership=world.p1, channel=Channel.SOCIAL_MEDIA, target=1000),
        ReachTarget.objects.create(partnership=world.p1, channel=Channel.EVENT, target=100),
    ]
    ev_c = make_event(
        world.p2,
        world.org_c,
        by=world.partner_c,
        title="Kuopio multiplier event",
        kind=DisseminationEvent.Kind.MULTIPLIER,
        audience={G.LEARNERS: (7, 0)},
    )
    return DisseminationWorld(ev_b=ev_b, file_b=make_file(ev_b), act_a=act_a, ev_c=ev_c, targets=targets)


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
