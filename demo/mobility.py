"""Mobility demo data, added by `manage.py seed_demo` through its signal.

A second, current partnership for the four VISION organisations ("VISION Mobility 2025–2027", KA122-VET)
holds mobilities in every state around today's date; the VISION partnership itself gets completed and
recognised mobilities of 2021–2022. 24 learners, six per organisation, each with one mobility.

The states follow the documents (`manage.py check_chain`): this module walks a mobility at most to
"completed"; the ECVET demo gives every agreed (or later) mobility its Learning Agreement in force and
records the recognition of the "recognised" ones on their Personal Transcripts, which moves them.

Runs inside seed_demo's transaction and is idempotent: learners are found by organisation and name,
mobilities by learner and partnership, and a mobility's history, checklist progress, assessment and
report are made only when the mobility itself is created — a second run creates and changes nothing.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone
from django.utils.text import slugify

from funding.models import DailyRate, RuleSet, Scheme
from funding.receivers import touch
from funding.services import copy_rule_set
from mobility.models import (
    AssessmentItem,
    ChecklistItem,
    Learner,
    LearnerAnswer,
    LearnerReport,
    MentorAssessment,
    Mobility,
    MobilityStatusChange,
    SoftSkill,
    SurveyQuestion,
)
from mobility.models.checklists import Category, Responsible
from mobility.models.mobilities import ERASMUS_PRO_MIN_DAYS
from partners.models import Organisation, Partnership, PartnershipMember, User

S = Mobility.Status

CURRENT_PROJECT = {
    "project_number": "2025-1-LT01-KA122-VET-000123",
    "slug": "vision-mobility",
    "acronym": "VISION Mobility",
    "title": "VISION Mobility 2025–2027",
    "key_action": Partnership.KeyAction.KA1,
    "action_type": "VET learner mobility (KA122-VET)",
    "call_year": 2025,
    "action": Partnership.Action.KA122_VET,
    "eu_grant": Decimal("52075.00"),
    "start_date": date(2025, 6, 1),
    "end_date": date(2027, 8, 31),
    "objectives": "Short-term, quality-assured learner mobility in the Beauty sector between the four VISION "
    "schools, applying the ECVET instruments the VISION partnership developed; blended where possible.",
}
VISION_PROJECT_NUMBER = "2019-1-LT01-KA202-060748"

# The Lithuanian National Agency's rates for the current project (its grant agreement, Annex IV), entered as
# a rule set of their own on top of the Programme Guide's 2024 rules. DEMO FIGURES: chosen inside the guide's
# ranges to make the demo realistic, not the agency's published amounts (funding/seed says why those are not
# seeded). (participant, country group, days 1–14, from day 15)
NA_DEMO_RATES = [
    ("learner", 1, "77", "54"),
    ("learner", 2, "68", "48"),
    ("learner", 3, "60", "42"),
    ("staff", 1, "190", "133"),
    ("staff", 2, "170", "119"),
    ("staff", 3, "148", "104"),
]
NA_DEMO_NAME = "Lithuanian National Agency (LT01), calls from 2025: grant agreement Annex IV (demo figures)"

HOSTS = {
    "kmpmc": ("Grožio studija Aura", "Laisvės al. 60, LT-44304 Kaunas"),
    "essenia": ("Centro Estetico Sole", "Corso Vittorio Emanuele 120, 84123 Salerno"),
    "nova": ("Salon Bloem", "Grote Houtstraat 88, 2011 SR Haarlem"),
    "savo": ("Kauneushoitola Kuulas", "Kauppakatu 25, 70100 Kuopio"),
}
NATIONALITY = {"kmpmc": "LT", "essenia": "IT", "nova": "NL", "savo": "FI"}

LEARNING_OUTCOMES = [
    ("BT-1", "Prepares the workstation and welcomes the client following hygiene and safety rules."),
    ("BT-2", "Carries out a facial cleansing and skin-care treatment under supervision."),
    ("BT-3", "Advises the client on home care and suitable products, in the host's working language."),
]


@dataclass(frozen=True)
class Spec:
    """One demo learner and their mobility. Days are relative to the anchor date for the current
    partnership; `start` is an absolute date for the 2021–2022 VISION mobilities."""

    org: str
    first: str
    last: str
    gender: str
    age: int  # at the start of the mobility
    to: str
    status: str
    start: int | date
    days: int = 28
    blended: bool = False
    fewer_opportunities: bool = False
    special_needs: bool = False
    guardian: str = ""
    account: str = ""  # the demo learner account that owns this mobility
    assessment: str = ""  # "", "items" (items only), "draft" (items + unsubmitted draft), "submitted"
    report: bool = False
    cancel_reason: str = ""
    green: bool = False  # travels by train or bus for the main part of the journey

    @property
    def historic(self) -> bool:
        return isinstance(self.start, date)


CANCEL_REASON = "The learner withdrew for family reasons before the Learning Agreement was signed."

SPECS = [
    # KMPMC (Kaunas, Lithuania)
    Spec("kmpmc", "Eglė", "Kazlauskaitė", "female", 19, "nova", S.IN_MOBILITY, -10, blended=True,
         account="learner@kmpmc.example", assessment="items"),
    Spec("kmpmc", "Gabija", "Jankauskaitė", "female", 18, "essenia", S.AGREED, 21, days=21, blended=True),
    Spec("kmpmc", "Matas", "Vaitkus", "male", 20, "savo", S.PLANNED, 60, days=92, fewer_opportunities=True),
    Spec("kmpmc", "Ugnė", "Stankevičiūtė", "female", 17, "nova", S.DRAFT, 120, guardian="Daiva Stankevičienė"),
    Spec("kmpmc", "Dovydas", "Žukauskas", "male", 19, "essenia", S.CANCELLED, 30, cancel_reason=CANCEL_REASON),
    Spec("kmpmc", "Lukas", "Paulauskas", "male", 19, "nova", S.RECOGNISED, date(2022, 1, 10), days=21, blended=True,
         assessment="submitted", report=True),
    # Essenia UETP (Salerno, Italy)
    Spec("essenia", "Chiara", "Russo", "female", 20, "kmpmc", S.IN_MOBILITY, -5, assessment="items"),
    Spec("essenia", "Francesco", "Bianchi", "male", 21, "nova", S.COMPLETED, -70, days=35, assessment="submitted",
         report=True),
    Spec("essenia", "Sofia", "Ricci", "female", 18, "savo", S.PLANNED, 45, blended=True, fewer_opportunities=True,
         green=True),
    Spec("essenia", "Alessandro", "Greco", "male", 22, "nova", S.DRAFT, 150, days=21),
    Spec("essenia", "Martina", "Conti", "female", 19, "kmpmc", S.RECOGNISED, date(2021, 10, 4), blended=True,
         assessment="submitted", report=True),
    Spec("essenia", "Lorenzo", "Gallo", "male", 20, "savo", S.RECOGNISED, date(2022, 3, 7), days=35,
         assessment="submitted"),
    # Nova College (Haarlem, the Netherlands)
    # Her stay is over; she stays "in mobility" until her mentor submits the assessment (the browser test does).
    Spec("nova", "Lotte", "Jansen", "female", 20, "kmpmc", S.IN_MOBILITY, -45, account="learner@nova.example",
         assessment="draft"),
    Spec("nova", "Emma", "Visser", "female", 19, "essenia", S.AGREED, 14, days=35, green=True),
    Spec("nova", "Noah", "Smit", "male", 18, "savo", S.IN_MOBILITY, -14, blended=True, assessment="items",
         special_needs=True),
    Spec("nova", "Julia", "Mulder", "female", 21, "essenia", S.COMPLETED, -90, days=21, assessment="submitted",
         report=True),
    Spec("nova", "Daan", "de Boer", "male", 20, "essenia", S.RECOGNISED, date(2022, 4, 4), days=21, blended=True,
         assessment="submitted", report=True, fewer_opportunities=True),
    Spec("nova", "Sem", "de Groot", "male", 19, "savo", S.COMPLETED, date(2022, 5, 2), assessment="submitted"),
    # Savo Consortium for Education (Kuopio, Finland)
    Spec("savo", "Emilia", "Mäkinen", "female", 20, "kmpmc", S.COMPLETED, -60, days=14, assessment="submitted",
         report=True),
    Spec("savo", "Onni", "Nieminen", "male", 19, "essenia", S.PLANNED, 30),
    Spec("savo", "Helmi", "Hämäläinen", "female", 18, "nova", S.AGREED, 10, blended=True, green=True),
    Spec("savo", "Eetu", "Koskinen", "male", 21, "kmpmc", S.DRAFT, 90, fewer_opportunities=True),
    Spec("savo", "Venla", "Heikkinen", "female", 18, "nova", S.RECOGNISED, date(2021, 11, 8), blended=True,
         assessment="submitted", report=True),
    Spec("savo", "Leevi", "Järvinen", "male", 21, "kmpmc", S.COMPLETED, date(2022, 2, 7), days=35,
         assessment="submitted"),
]  # fmt: skip

PATH = [S.DRAFT, S.PLANNED, S.AGREED, S.IN_MOBILITY, S.COMPLETED, S.RECOGNISED]

# Which checklist categories are done by each state (items not yet due stay open).
DONE_BY_STATUS = {
    S.AGREED: {Category.PREPARATION},
    S.IN_MOBILITY: {Category.PREPARATION, Category.ARRIVAL, Category.MONITORING},
    S.COMPLETED: {
        Category.PREPARATION,
        Category.ARRIVAL,
        Category.MONITORING,
        Category.INCIDENTS,
        Category.DEBRIEFING,
    },
    S.RECOGNISED: set(Category),
}


def anchor_date() -> date:
    """Today, kept inside the window where every demo mobility fits the current project period."""
    return min(max(timezone.localdate(), date(2025, 10, 1)), date(2027, 3, 1))


def _at(day: date) -> dt.datetime:
    """Noon on `day` (never in the future), as an aware datetime."""
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(12)))
    return min(moment, timezone.now())


def seed_mobility_demo(stdout=None) -> None:
    created = seed()
    if stdout is not None:
        stdout.write(f"Mobility demo data: {created} new mobilities.")


def seed() -> int:
    """Create the mobility demo data; returns the number of mobilities created."""
    orgs = {org.slug: org for org in Organisation.objects.filter(slug__in=NATIONALITY)}
    if len(orgs) < len(NATIONALITY):
        return 0  # the partners demo data is missing: nothing to hang mobilities on
    users = {u.email: u for u in User.objects.filter(email__endswith=".example")}
    vision = Partnership.objects.filter(project_number=VISION_PROJECT_NUMBER).first()
    if vision is None:
        return 0
    current = _current_partnership(orgs)
    _national_agency_rates()
    anchor = anchor_date()
    created = 0
    for spec in SPECS:
        partnership = vision if spec.historic else current
        learner = _learner(spec, orgs, users, anchor)
        if Mobility.objects.filter(learner=learner, partnership=partnership).exists():
            continue
        _mobility(spec, learner, partnership, orgs, users, anchor)
        created += 1
    return created


def _current_partnership(orgs) -> Partnership:
    values = dict(CURRENT_PROJECT)
    partnership, new = Partnership.objects.get_or_create(project_number=values.pop("project_number"), defaults=values)
    if new:
        for slug, org in orgs.items():
            role = PartnershipMember.Role.COORDINATOR if slug == "kmpmc" else PartnershipMember.Role.PARTNER
            PartnershipMember.objects.create(partnership=partnership, organisation=org, role=role)
    return partnership


def _national_agency_rates() -> None:
    """The demo agency's rule set: the guide's 2024 rules copied for LT01 from 2025, with daily rates."""
    if RuleSet.objects.filter(scheme=Scheme.MOBILITY, national_agency="LT01").exists():
        return
    guide = RuleSet.objects.applicable(scheme=Scheme.MOBILITY, call_year=2025).first()
    if guide is None:
        return
    rule_set = copy_rule_set(guide, by=None, national_agency="LT01", from_call_year=2025, name=NA_DEMO_NAME)
    rule_set.source = "Grant agreement Annex IV of the Lithuanian National Agency (demo figures, not the agency's)."
    rule_set.notes = "Demo data: daily rates chosen inside the Programme Guide's ranges."
    rule_set.save(update_fields=["source", "notes", "updated_at"])
    DailyRate.objects.bulk_create(
        DailyRate(
            rule_set=rule_set,
            participant=who,
            country_group=group,
            from_day=first,
            to_day=last,
            amount_per_day=Decimal(amount),
        )
        for who, group, full, reduced in NA_DEMO_RATES
        for first, last, amount in ((1, 14, full), (15, None, reduced))
    )
    touch(rule_set.pk)  # rows written in bulk: the rules are read again


def _start_of(spec: Spec, anchor: date) -> date:
    return spec.start if spec.historic else anchor + timedelta(days=spec.start)


def unidecode_ascii(text: str) -> str:
    """“Eglė Žukauskaitė” → “Egle Zukauskaite”, for plausible email addresses."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def _learner(spec: Spec, orgs, users, anchor: date) -> Learner:
    org = orgs[spec.org]
    start = _start_of(spec, anchor)
    # Born `age` years and some months before the mobility starts; the minor stays 17 until well after.
    months_before = 200 if spec.guardian else 30 + (len(spec.first) * 37) % 300
    birth = start.replace(year=start.year - spec.age, day=min(start.day, 28)) - timedelta(days=months_before)
    slug_name = ".".join(slugify(unidecode_ascii(part)).replace("-", "") for part in (spec.first, spec.last))
    account = users.get(spec.account) if spec.account else None
    learner, _new = Learner.objects.get_or_create(
        home_organisation=org,
        first_name=spec.first,
        last_name=spec.last,
        defaults={
            "date_of_birth": birth,
            "gender": spec.gender,
            "nationality": NATIONALITY[spec.org],
            "email": account.email if account else f"{slug_name}@learners.{spec.org}.example",
            "qualification_title": "Beauty therapist",
            "eqf_level": 4,
            "fewer_opportunities": spec.fewer_opportunities,
            "special_needs": spec.special_needs,
            "emergency_contact_name": spec.guardian or f"Parent of {spec.first}",
            "emergency_contact_phone": "+000 600 00000",
            "guardian_name": spec.guardian,
            "guardian_email": f"guardian.{slug_name}@example.org" if spec.guardian else "",
            "consent_given_on": min(start - timedelta(days=90), anchor),
            "user": account,
        },
    )
    return learner


def _mobility(spec: Spec, learner: Learner, partnership: Partnership, orgs, users, anchor: date) -> Mobility:
    sending, receiving = orgs[spec.org], orgs[spec.to]
    start = _start_of(spec, anchor)
    end = start + timedelta(days=spec.days - 1)
    tutor = users[f"coordinator@{spec.org}.example"]
    mentor = users[f"mentor@{spec.to}.example"]
    company, address = HOSTS[spec.to]
    virtual = {}
    if spec.blended:
        virtual = {
            "virtual_start": start - timedelta(days=28),
            "virtual_end": start - timedelta(days=3),
            "virtual_platform": "Moodle" if spec.historic else "Microsoft Teams",
            "virtual_hours": 12,
            "virtual_activities": "Online induction to the host salon, product knowledge modules and a video "
            "call with the mentor before arrival.",
        }
    mobility = Mobility.objects.create(
        learner=learner,
        partnership=partnership,
        sending_organisation=sending,
        receiving_organisation=receiving,
        kind=Mobility.Kind.ERASMUS_PRO if spec.days >= ERASMUS_PRO_MIN_DAYS else Mobility.Kind.SHORT_TERM,
        start_date=start,
        end_date=end,
        travel_days=4 if spec.green else 2,
        green_travel=spec.green,
        # OLS for learners staying 19 days or more (current project); inclusion support: real costs of the extra
        # preparation and accompanying visit a learner with fewer opportunities needed.
        ols_licence=not spec.historic and spec.days >= 19,
        inclusion_support_costs=Decimal("420.00") if spec.fewer_opportunities and not spec.historic else Decimal("0"),
        host_company=company,
        host_address=address,
        host_sector="Beauty salon",
        host_contact_name=f"{mentor.first_name} {mentor.last_name}",
        host_contact_email=mentor.email,
        planned_activities="Facial and skin-care treatments, client consultation and salon hygiene routines "
        "under the mentor's supervision.",
        tutor=tutor,
        mentor=mentor,
        **virtual,
    )
    _history(mobility, spec, tutor, start, end)
    from mobility.services.checklists import generate_checklist

    generate_checklist(mobility)
    submitted = _assessment(mobility, spec, mentor, end)
    report = _report(mobility, spec, end)
    _tick_checklist(mobility, spec, anchor, tutor, mentor, learner, submitted=submitted, report=report)
    return mobility


# The walk is in two parts because the status follows the documents: the mobility demo plans each stay;
# the agreement demo (demo/ecvet_agreements.py) puts the Learning Agreements in force (an approval by every
# party agrees a planned mobility by itself); then `finish_walks` starts and completes the stays whose
# assessment is submitted. "Recognised" is never walked to: the transcript demo records the recognition on an
# approved Personal Transcript, and that moves the mobility.
WHEN = {
    S.PLANNED: lambda start, end: start - timedelta(days=75),
    S.AGREED: lambda start, end: start - timedelta(days=40),
    S.IN_MOBILITY: lambda start, end: start,
    S.COMPLETED: lambda start, end: end + timedelta(days=1),
    S.CANCELLED: lambda start, end: start - timedelta(days=20),
}


def _walk(mobility: Mobility, spec: Spec, by, targets) -> None:
    """Make the moves through the real transition service (guards, history, audit), dated as in the story."""
    from mobility.services.lifecycle import TransitionError, transition

    for target in targets:
        if mobility.status in PATH and target in PATH and PATH.index(mobility.status) > PATH.index(target):
            continue  # already further (a second run)
        if mobility.status != target:
            reason = spec.cancel_reason if target == S.CANCELLED else ""
            try:
                transition(mobility, target, by=by, system=True, reason=reason)
            except TransitionError:
                # Seeded on a day when the story's dates have not come yet: the stay stays where its facts allow.
                return
        # Dated as in the story (also the move a Learning Agreement's last approval made by itself).
        MobilityStatusChange.objects.filter(mobility=mobility, to_status=target).update(
            at=_at(WHEN[target](mobility.start_date, mobility.end_date))
        )
        mobility.refresh_from_db()


def _history(mobility: Mobility, spec: Spec, by, start: date, end: date) -> None:
    """The first part of the walk: as far as the portal allows before any document exists."""
    if spec.status == S.CANCELLED:
        _walk(mobility, spec, by, [S.PLANNED, S.CANCELLED])
    elif spec.status != S.DRAFT:
        _walk(mobility, spec, by, [S.PLANNED])


def finish_walks(stdout=None) -> None:
    """The second part of the walk, once the Learning Agreements are in force: agree, start and complete."""
    moved = 0
    for spec in SPECS:
        target = S.COMPLETED if spec.status == S.RECOGNISED else spec.status
        if target not in (S.AGREED, S.IN_MOBILITY, S.COMPLETED):
            continue
        mobility = (
            Mobility.objects.filter(learner__first_name=spec.first, learner__last_name=spec.last)
            .select_related("tutor")
            .order_by("id")
            .first()
        )
        if mobility is None or mobility.status not in (S.PLANNED, S.AGREED, S.IN_MOBILITY):
            continue
        steps = PATH[PATH.index(S.AGREED) : PATH.index(target) + 1]
        _walk(mobility, spec, mobility.tutor, steps)
        moved += 1
    if stdout is not None:
        stdout.write(f"Mobility demo data: {moved} stays walked to their state.")


def _assessment(mobility: Mobility, spec: Spec, mentor, end: date) -> bool:
    """Learning outcomes to assess and, as the spec says, a draft or a submitted assessment."""
    if not spec.assessment:
        return False
    items = AssessmentItem.objects.bulk_create(
        AssessmentItem(mobility=mobility, unit_code=code, text=text, order=order)
        for order, (code, text) in enumerate(LEARNING_OUTCOMES)
    )
    if spec.assessment == "items":
        return False
    from mobility.services.assessments import AssessmentInput, RatingInput, ResultInput, save_draft, submit_assessment

    if spec.assessment == "draft":
        # Started but not submitted: the mentor finishes it (the browser test does).
        save_draft(mobility, by=mentor, data=AssessmentInput())
        return False
    results = ["achieved", "achieved", "partly" if len(spec.last) % 2 else "achieved"]
    data = AssessmentInput(
        results={
            item.pk: ResultInput(
                result=result,
                method="Observation at work and a skills demonstration",
                evidence="Observed on several clients; notes in the mentor's log.",
                assessed_on=end - timedelta(days=1),
            )
            for item, result in zip(items, results, strict=True)
        },
        ratings={skill.value: RatingInput(rating=3 + (i + len(spec.first)) % 2) for i, skill in enumerate(SoftSkill)},
        overall_comment=f"{spec.first} settled in quickly and worked carefully with clients.",
    )
    assessment = submit_assessment(mobility, by=mentor, data=data)
    MentorAssessment.objects.filter(pk=assessment.pk).update(submitted_at=_at(end + timedelta(days=2)))
    return True


# Free-text answers, varied so the aggregate page reads like real feedback.
VALUABLE = [
    "Working with real clients in another country and language.",
    "Learning new massage techniques the salon uses every day.",
    "Living on my own and finding my way in a new city.",
    "Seeing how a bigger salon organises appointments and hygiene.",
]
IMPROVE = [
    "More time with the mentor in the first week.",
    "A short language course before leaving would help.",
    "Clearer information about the accommodation before arrival.",
    "More practice with the booking software before starting.",
]


def _report(mobility: Mobility, spec: Spec, end: date) -> bool:
    if not spec.report:
        return False
    from mobility.services.reports import ensure_questions

    questions = [q for q in ensure_questions(mobility.partnership) if q.is_active]
    report = LearnerReport.objects.create(mobility=mobility, submitted_at=_at(end + timedelta(days=10)))
    answers = []
    for i, question in enumerate(questions):
        if question.kind == SurveyQuestion.Kind.SCALE:
            answers.append(LearnerAnswer(report=report, question=question, scale_value=4 + (i + len(spec.last)) % 2))
        else:
            answers.append(
                LearnerAnswer(
                    report=report,
                    question=question,
                    text=(VALUABLE if i % 2 == 0 else IMPROVE)[len(spec.last) % 4],
                )
            )
    LearnerAnswer.objects.bulk_create(answers)
    return True


def _tick_checklist(mobility, spec: Spec, anchor: date, tutor, mentor, learner, *, submitted: bool, report: bool):
    """Mark done what a mobility in this state has plausibly done by now."""
    categories = DONE_BY_STATUS.get(spec.status, set())
    done_by = {
        Responsible.SENDING: tutor,
        Responsible.RECEIVING: mentor,
        Responsible.MENTOR: mentor,
        Responsible.LEARNER: learner.user,
    }
    today = anchor if not spec.historic else date(2022, 6, 30)
    changed = []
    for item in ChecklistItem.objects.filter(mobility=mobility):
        if item.responsible == Responsible.LEARNER:
            done = report
        elif item.category == Category.ASSESSMENT:
            done = submitted
        else:
            done = item.category in categories and item.due_date <= today
        if spec.status == S.RECOGNISED and item.responsible != Responsible.LEARNER:
            done = True
        if done:
            item.done_at = _at(item.due_date)
            item.done_by = done_by[item.responsible]
            item.note = "Done (demo data)."
            changed.append(item)
    ChecklistItem.objects.bulk_update(changed, ["done_at", "done_by", "note"])
