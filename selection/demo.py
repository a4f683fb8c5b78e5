"""Selection demo data (issue 18, point 6), a step of `manage.py seed_demo` (demo/__init__.py).

KMPMC's call for the current project ("VISION Mobility 2025–2027", KA122-VET): "Beauty placements abroad,
spring 2027", offering the partner schools' published placements (demo/placements.py), 4 places. The call was
published, took 12 applications — three from learners with fewer opportunities, one from a minor (17 at the
deadline) with her mother's signed consent — and closed ten days before the demo's moment. Its panel of two
(Rasa Jonaitienė, the coordinator, and Tomas Petrauskas, the mentor) declared no conflict of interest and scored
every application on its three criteria; the coordinator recorded the decision: 4 selected (now learners of
KMPMC, waiting for the coordinator to offer each a placement), 3 on the reserve list in order, 5 not selected.

Why decided and not still open: the issue asks for an open call *with* scores, a ranking and a reserve list; a
reserve list exists only once the decision is recorded, and the panel scores only a closed call. So the demo
shows the call after its cycle (docs/selection.md, docs/decisions.md); its public page still answers,
saying the call is closed.

The call, its criteria and the applications (with their PDFs) are written directly, as they stood when the call
closed; the panel, declarations, scores and the decision go through selection.panel (audit rows, status
history, learners, the selection report's sealed PDF). No e-mail is sent (fictional applicants), no user is
created. Idempotent: nothing is done when KMPMC already has a call with this title in the project.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from documents.naming import ascii_slug
from partners.models import Organisation, Partnership, User

from . import panel
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
    if Call.objects.filter(organisation=kmpmc, partnership=partnership, title=TITLE).exists():
        return 0
    with transaction.atomic():
        return _seed(partnership, kmpmc, users[COORDINATOR], users[MENTOR])


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
    criteria = [
        Criterion.objects.create(
            call=call, name=name, weight=Decimal(weight), max_points=max_points, order=order, description=text
        )
        for order, (name, weight, max_points, text) in enumerate(CRITERIA)
    ]
    created += len(criteria)
    applications = []
    for index, (first, last, born, year, fewer, language, _r, _t) in enumerate(APPLICANTS):
        submitted = deadline - timedelta(days=30 - 2 * index, hours=index)
        minor = call.is_minor(born)
        application = Application(
            call=call,
            first_name=first,
            last_name=last,
            email=f"{ascii_slug(first)}.{index + 1}@applicants.kmpmc.example",
            date_of_birth=born,
            qualification_title="Kosmetikas (Beautician)" if index % 3 else "Kirpėjas (Hairdresser)",
            eqf_level=4,
            study_year=year,
            fewer_opportunities=fewer,
            fewer_opportunities_note="Lives in a rural area far from the school." if fewer else "",
            guardian_name=GUARDIAN[0] if minor else "",
            guardian_email=GUARDIAN[1] if minor else "",
            language=language,
            email_verified_at=submitted,
            consent_at=submitted,
            privacy_notice_version="2026-12",
            status=Application.Status.ELIGIBLE,
            submitted_at=submitted,
        )
        application.save()
        kinds = [ApplicationDocument.Kind.MOTIVATION, ApplicationDocument.Kind.CV]
        if minor:
            kinds.append(ApplicationDocument.Kind.GUARDIAN_CONSENT)
        for kind in kinds:
            ApplicationDocument.objects.create(
                application=application, kind=kind, file=ContentFile(PDF, name=f"{kind}.pdf"), size=len(PDF)
            )
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
