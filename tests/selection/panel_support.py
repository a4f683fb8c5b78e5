"""A scored call for the panel's tests, on top of tests/conftest.py's world.

Beta College (B, partner_b coordinates) calls learners for P1: 2 places, criteria Motivation (weight 2, out of
10) and Skills (weight 1, out of 10), 5 points for fewer opportunities. The panel: mentor_b and a second mentor
of B ("Vera Visser"), both declared. Seven eligible applications, scored so that (hand-counted):

| app | Motivation X, Y → mean | Skills X, Y → mean | 2×M + S | fewer opp. | total | rank |
| --- | --- | --- | --- | --- | --- | --- |
| Bea | 5, 5 → 5 | 5, 5 → 5 | 15 | +5 | 20.00 | 1 (tie with Ada: fewer opportunities first) |
| Ada | 8, 6 → 7 | 6, 6 → 6 | 20 | | 20.00 | 2 |
| Cas | 9, 7 → 8 | 2, 2 → 2 | 18 | | 18.00 | 3 (tie with Dan: higher Motivation) |
| Dan | 7, 7 → 7 | 4, 4 → 4 | 18 | | 18.00 | 4 |
| Gus | 7.5, 6.5 → 7 | 3, 3 → 3 | 17 | | 17.00 | 5 (tie with Eva, Fay: higher Motivation) |
| Eva | 6, 6 → 6 | 5, 5 → 5 | 17 | | 17.00 | 6 (tie with Fay: submitted earlier) |
| Fay | 6, 6 → 6 | 5, 5 → 5 | 17 | | 17.00 | 7 |

Plus Hal (not eligible) and Ivy (withdrawn before the decision): not ranked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from partners.models.people import Role
from selection.models import Application, Call, PanelMember, Score
from tests.factories import MembershipFactory
from tests.factories_selection import ApplicationDocumentFactory, ApplicationFactory, CallFactory

A = Application.Status

SCORES = {
    # name: ((Motivation X, Y), (Skills X, Y), fewer opportunities, language)
    "Bea": (("5", "5"), ("5", "5"), True, "nl"),
    "Ada": (("8", "6"), ("6", "6"), False, "lt"),
    "Cas": (("9", "7"), ("2", "2"), False, "en"),
    "Dan": (("7", "7"), ("4", "4"), False, "fi"),
    "Gus": (("7.5", "6.5"), ("3", "3"), False, "nl"),
    "Eva": (("6", "6"), ("5", "5"), False, "nl"),
    "Fay": (("6", "6"), ("5", "5"), False, "nl"),
}
ORDER = ["Bea", "Ada", "Cas", "Dan", "Gus", "Eva", "Fay"]


@dataclass
class Scored:
    call: Call
    x: object  # assessor mentor_b
    y: object  # assessor Vera Visser
    apps: dict[str, Application] = field(default_factory=dict)
    hal: Application | None = None
    ivy: Application | None = None


def build_call(world, *, status=Call.Status.CLOSED, places=2, declared=True, **kwargs) -> Call:
    now = timezone.now()
    return CallFactory(
        organisation=world.org_b,
        partnership=world.p1,
        status=status,
        places=places,
        deadline=now - timedelta(days=2),
        opens_at=now - timedelta(days=40),
        closed_at=now - timedelta(days=1) if status != Call.Status.PUBLISHED else None,
        **kwargs,
    )


def scored_call(world, *, score=True, declared=True) -> Scored:
    call = build_call(world)
    x = world.mentor_b
    y = MembershipFactory(
        organisation=world.org_b, role=Role.MENTOR, user__first_name="Vera", user__last_name="Visser"
    ).user
    when = timezone.now() if declared else None
    for user in (x, y):
        PanelMember.objects.create(
            call=call, user=user, declared_no_conflict_at=when, declaration="No conflict." if declared else ""
        )
    motivation, skills = list(call.criteria.all())
    out = Scored(call=call, x=x, y=y)
    start = timezone.now() - timedelta(days=10)
    for index, (name, (m, s, fewer, language)) in enumerate(SCORES.items()):
        application = ApplicationFactory(
            call=call,
            first_name=name,
            last_name="Tester",
            fewer_opportunities=fewer,
            language=language,
            status=A.ELIGIBLE,
            date_of_birth=date(2000, 5, 17),  # an adult in P1's period (2019–2022), when placements start
            submitted_at=start + timedelta(hours=index),
        )
        ApplicationDocumentFactory(application=application)
        out.apps[name] = application
        if score:
            for criterion, points in ((motivation, m), (skills, s)):
                for assessor, value in zip((x, y), points, strict=True):
                    Score.objects.create(
                        application=application, criterion=criterion, assessor=assessor, points=Decimal(value)
                    )
    out.hal = ApplicationFactory(call=call, first_name="Hal", last_name="Tester", status=A.INELIGIBLE)
    out.ivy = ApplicationFactory(
        call=call, first_name="Ivy", last_name="Tester", status=A.WITHDRAWN, withdrawn_at=timezone.now()
    )
    return out
