"""Selection demo data (issue 18, point 6), a step of `manage.py seed_demo` (demo/__init__.py).

KMPMC's call for the current project ("VISION Mobility 2025–2027", KA122-VET): "Beauty placements abroad,
spring 2027", offering the partner schools' published placements (demo/placements.py), 4 places. The call was
published, took 12 applications — three from learners with fewer opportunities, one from a minor (17 at the
deadline) with her mother's signed consent — and closed ten days before the demo's moment. Its panel of two
(Rasa Jonaitienė, the coordinator, and Tomas Petrauskas, the mentor) declared no conflict of interest and scored
every application on its three criteria; the coordinator recorded the decision: 4 selected (now learners of
KMPMC, waiting for the coordinator to offer each a placement), 3 on the reserve list in order, 5 not selected.

Beside it, KMPMC's next call is open: "Hairdressing placements abroad, autumn 2027" (3 places, deadline four
weeks after the demo's moment), published through the workflow, with the same panel named (nobody has declared
yet: a member reads applications only after declaring, and scores once the call closes). It has taken four
applications so far: two confirmed and eligible, one confirmed but ineligible (a first-year learner: the call is
for the second and third years) and one waiting for the applicant to confirm the e-mail address. Its public page
and application form are the ones an applicant uses.

Why two calls: the issue asks for an open call *with* scores, a ranking and a reserve list; a reserve list exists
only once the decision is recorded, and the panel scores only a closed call. So the demo shows one call after its
cycle and one still taking applications (docs/selection.md, docs/decisions.md).

The call, its criteria and the applications (with their PDFs) are written directly, as they stood when the call
closed; the panel, declarations, scores and the decision go through selection.panel (audit rows, status
history, learners, the selection report's sealed PDF). No e-mail is sent (fictional applicants), no user is
created. The open call and its applications go through selection.services and the workflow (status history,
audit rows), except the e-mails. Idempotent: nothing is done for a call KMPMC already has in the project.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from documents.naming import ascii_slug
from partners.models import Organisation, Partnership, User
from partners.workflow import move

from . import panel, services
from .models import Application, ApplicationDocument, Call, Criterion

CURRENT_PROJECT_NUMBER = "2025-1-LT01-KA122-VET-000123"
TITLE = "Beauty placements abroad, spring 2027"
COORDINATOR, MENTOR = "coordinator@kmpmc.example", "mentor@kmpmc.example"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

CRITERIA = [
    (
        "Motivation and learning goals",
        "2",
        10,
        "The motivation letter: why this placement, what the learner wants to learn.",
    ),
    ("Professional skills", "1.5", 10, "Results in the vocational modules and the teachers' view."),
    ("Language and readiness", "1", 5, "Working language level, independence, readiness to live abroad."),
]

# first name, last name, born, year, fewer opportunities, language, (points by Rasa), (points by Tomas)
APPLICANTS = [
    ("Gabija", "Petrauskaitė", date(2006, 2, 11), 3, False, "lt", (9, 8, 4), (8, 8, 4)),
    ("Lukas", "Jankauskas", date(2005, 9, 3), 3, True, "lt", (7, 6, 3), (7, 7, 3)),
    ("Austėja", "Vaitkutė", date(2006, 6, 25), 2, False, "lt", (8, 9, 5), (9, 8, 4)),
    ("Emilija", "Kazlauskienė", date(2004, 12, 1), 3, False, "en", (6, 7, 3), (6, 6, 4)),
    ("Ugnė", "Balčiūnaitė", date(2009, 5, 30), 2, False, "lt", (8, 7, 3), (7, 7, 3)),  # the minor
    ("Domantas", "Žukauskas", date(2006, 1, 19), 2, True, "lt", (6, 5, 2), (5, 6, 3)),
    ("Kamilė", "Stankevičiūtė", date(2005, 4, 8), 3, False, "lt", (7, 7, 4), (7, 6, 4)),
    ("Paulius", "Urbonas", date(2005, 11, 14), 3, False, "en", (5, 6, 3), (6, 5, 2)),
    ("Rugilė", "Mockutė", date(2006, 8, 21), 2, True, "lt", (5, 5, 2), (6, 4, 2)),
    ("Ieva", "Navickaitė", date(2005, 3, 2), 3, False, "lt", (7, 7, 4), (7, 6, 4)),
    ("Matas", "Paulauskas", date(2006, 10, 9), 2, False, "lt", (4, 6, 2), (5, 5, 2)),
    ("Greta", "Kavaliauskaitė", date(2005, 7, 27), 3, False, "lt", (6, 6, 3), (6, 7, 3)),
]
GUARDIAN = ("Rasa Balčiūnienė", "rasa.balciuniene@example.lt")

OPEN_TITLE = "Hairdressing placements abroad, autumn 2027"
# first name, last name, born, year, fewer opportunities, language, confirmed the e-mail address
OPEN_APPLICANTS = [
    ("Viltė", "Kairytė", date(2007, 3, 14), 2, False, "lt", True),
    ("Nojus", "Sabaliauskas", date(2006, 9, 2), 3, True, "lt", True),
    ("Aistė", "Rimkutė", date(2008, 1, 23), 1, False, "lt", True),  # first year: not eligible
    ("Tadas", "Butkus", date(2006, 12, 5), 2, False, "en", False),  # has not confirmed yet
]


def add_criteria(call: Call) -> list[Criterion]:
    """The demo calls' three criteria (CRITERIA), in order."""
    return [
        Criterion.objects.create(
            call=call, name=name, weight=Decimal(weight), max_points=max_points, order=order, description=text
        )
        for order, (name, weight, max_points, text) in enumerate(CRITERIA)
    ]


def applicant(call: Call, index: int, person: tuple, *, hairdresser: bool, consent_at, **extra) -> Application:
    """A demo application (not saved) of `person` = (first name, last name, born, study year, fewer
    opportunities, language), with the privacy notice of today's form; `extra` sets the rest."""
    first, last, born, year, fewer, language = person
    return Application(
        call=call,
        first_name=first,
        last_name=last,
        email=f"{ascii_slug(first)}.{index + 1}@applicants.kmpmc.example",
        date_of_birth=born,
        qualification_title="Kirpėjas (Hairdresser)" if hairdresser else "Kosmetikas (Beautician)",
        eqf_level=4,
        study_year=year,
        fewer_opportunities=fewer,
        fewer_opportunities_note="Lives in a rural area far from the school." if fewer else "",
        language=language,
        consent_at=consent_at,
        privacy_notice_version=services.PRIVACY_NOTICE_VERSION,
        **extra,
    )


def attach(application: Application, kinds) -> None:
    """A placeholder PDF for each kind of document the applicant sent."""
    for kind in kinds:
        ApplicationDocument.objects.create(
            application=application, kind=kind, file=ContentFile(PDF, name=f"{kind}.pdf"), size=len(PDF)
        )


def seed_selection_demo(stdout=None) -> None:
    created = seed()
    if stdout is not None:
        stdout.write(f"Selection demo data: {created} new rows.")


def seed() -> int:
    partnership = Partnership.objects.filter(project_number=CURRENT_PROJECT_NUMBER).first()
    kmpmc = Organisation.objects.filter(slug="kmpmc").first()
    users = {u.email: u for u in User.objects.filter(email__in=[COORDINATOR, MENTOR])}
    if partnership is None or kmpmc is None or len(users) < 2:
        return 0  # the partners or mobility demo data is missing
    created = 0
    calls = set(Call.objects.filter(organisation=kmpmc, partnership=partnership).values_list("title", flat=True))
    with transaction.atomic():
        if TITLE not in calls:
            created += _seed(partnership, kmpmc, users[COORDINATOR], users[MENTOR])
        if OPEN_TITLE not in calls:
            created += _seed_open(partnership, kmpmc, users[COORDINATOR], users[MENTOR])
    return created


def _seed(partnership, kmpmc, coordinator, mentor) -> int:
    now = timezone.now()
    deadline = now - timedelta(days=10)
    # A new call is written as it stood when it closed (the publication's checks want a future deadline).
    call = Call(
        organisation=kmpmc,
        partnership=partnership,
        title=TITLE,
        text="Four weeks in a beauty salon, spa or hairdresser's at one of our partner schools' host companies "
        "(Salerno, Haarlem, Kuopio), in spring 2027. For learners of the beautician and hairdresser programmes in "
        "their second or third year. Travel, accommodation and insurance are covered by the Erasmus+ grant.",
        title_local="Praktika užsienyje grožio srityje, 2027 m. pavasaris",
        text_local="Keturios savaitės grožio salone, SPA ar kirpykloje partnerių mokyklų įmonėse (Salerne, "
        "Harleme, Kuopijuje) 2027 m. pavasarį. Antro ir trečio kurso kosmetikų ir kirpėjų programų mokiniams.",
        local_language="lt",
        places=4,
        qualification_title="",
        eqf_min=3,
        eqf_max=4,
        age_min=16,
        study_years=[2, 3],
        opens_at=deadline - timedelta(days=45),
        deadline=deadline,
        fewer_opportunities_points=Decimal("3"),
        retention_months=12,
        status=Call.Status.CLOSED,
        published_at=deadline - timedelta(days=45),
        closed_at=deadline + timedelta(hours=1),
        created_by=coordinator,
    )
    call.save()
    created = 1
    placements = list(partnership.placements.filter(status="published").exclude(host__organisation=kmpmc))
    call.placements.set(placements)
    criteria = add_criteria(call)
    created += len(criteria)
    applications = []
    for index, (first, last, born, year, fewer, language, _r, _t) in enumerate(APPLICANTS):
        submitted = deadline - timedelta(days=30 - 2 * index, hours=index)
        minor = call.is_minor(born)
        application = applicant(
            call,
            index,
            (first, last, born, year, fewer, language),
            hairdresser=index % 3 == 0,
            consent_at=submitted,
            guardian_name=GUARDIAN[0] if minor else "",
            guardian_email=GUARDIAN[1] if minor else "",
            email_verified_at=submitted,
            status=Application.Status.ELIGIBLE,
            submitted_at=submitted,
        )
        application.save()
        kinds = [ApplicationDocument.Kind.MOTIVATION, ApplicationDocument.Kind.CV]
        if minor:
            kinds.append(ApplicationDocument.Kind.GUARDIAN_CONSENT)
        attach(application, kinds)
        created += 1 + len(kinds)
        applications.append(application)
    panel.set_panel(call, [coordinator, mentor], by=coordinator)
    for assessor in (coordinator, mentor):
        panel.declare_no_conflict(call, by=assessor)
    created += 2
    for application, spec in zip(applications, APPLICANTS, strict=True):
        for assessor, points in ((coordinator, spec[6]), (mentor, spec[7])):
            panel.save_scores(
                application,
                {c.pk: (Decimal(p), "") for c, p in zip(criteria, points, strict=True)},
                by=assessor,
            )
            created += len(criteria)
    panel.record_decision(call, reserve_size=3, by=coordinator, notify=False)
    return created + 4  # the selected applicants' learner records


def _seed_open(partnership, kmpmc, coordinator, mentor) -> int:
    now = timezone.now()
    call = Call(
        organisation=kmpmc,
        partnership=partnership,
        title=OPEN_TITLE,
        text="Four weeks in a hairdresser's or a beauty salon at one of our partner schools' host companies in "
        "autumn 2027. For learners of the hairdresser and beautician programmes in their second or third year. "
        "Send your motivation letter and your CV (a Europass CV is welcome); learners under 18 also send their "
        "parent's or guardian's signed consent. Travel, accommodation and insurance are covered by the Erasmus+ "
        "grant.",
        title_local="Praktika užsienyje kirpyklose, 2027 m. ruduo",
        text_local="Keturios savaitės kirpykloje ar grožio salone partnerių mokyklų įmonėse 2027 m. rudenį. Antro "
        "ir trečio kurso kirpėjų ir kosmetikų programų mokiniams. Atsiųskite motyvacinį laišką ir gyvenimo "
        "aprašymą (tinka Europass CV); jaunesni nei 18 metų – ir tėvų ar globėjų pasirašytą sutikimą.",
        local_language="lt",
        places=3,
        eqf_min=3,
        eqf_max=4,
        age_min=16,
        study_years=[2, 3],
        opens_at=now - timedelta(days=7),
        deadline=now + timedelta(days=28),
        fewer_opportunities_points=Decimal("3"),
        retention_months=12,
    )
    placements = list(partnership.placements.filter(status="published").exclude(host__organisation=kmpmc))
    services.save_call(call, placements=placements, by=coordinator)
    add_criteria(call)
    services.move_call(call, "publish", by=coordinator)
    panel.set_panel(call, [coordinator, mentor], by=coordinator)
    created = 1 + len(CRITERIA) + 2
    for index, (first, last, born, year, fewer, language, confirmed) in enumerate(OPEN_APPLICANTS):
        application = applicant(
            call,
            index,
            (first, last, born, year, fewer, language),
            hairdresser=index % 2 == 0,
            consent_at=now - timedelta(days=5 - index),
        )
        application.save()
        attach(application, [ApplicationDocument.Kind.MOTIVATION, ApplicationDocument.Kind.CV])
        created += 3
        if confirmed:
            move(application, "verify", system=True, reason="E-mail address confirmed.")
            services.check_eligibility(application)
    return created
