"""Training-event demo data, added by `manage.py seed_demo` through its signal.

The four joint staff training events of the VISION partnership (2019-1-LT01-KA202-060748), one hosted by
each partner, in the project period and in the past (they took place):

1. "Quality assurance in geographical mobility" — KMPMC, Kaunas, 11–13 February 2020, on site;
2. "Responsibilities of tutors and mentors in quality-assured mobility" — Nova College, 17–19 November
   2020, online (travel was impossible);
3. "Soft-skills development of mobility participants" — Essenia UETP, Salerno, 12–14 October 2021,
   blended (Nova College's staff joined online);
4. "Application of ECVET instruments" — Savo Consortium, Kuopio, 22–24 March 2022, on site.

Each has a venue, 4 places per organisation, a description, 3–4 learning outcomes, an agenda of 5 sessions
over its 3 days with speakers, and an evaluation of three 1–5 scale questions and one optional text
question. Made through the services, so audit rows are real:

- participants (2–3 per organisation per event, 42 in all) registered by their own organisation's
  coordinator with `services.register`. The demo coordinators attend all four events and each demo mentor
  two or three, so signing in as them shows their events, certificates and calendar; the other
  participants are colleagues without portal accounts;
- attendance marked by the host's coordinator with `services.mark_attendance` (the register ticked in full,
  then corrected): most present, a few absences for single sessions, and two colleagues who did not come
  at all;
- evaluations answered by 4–6 account holders per event with `services.submit_evaluation` (as
  themselves), so every event's results are shown; a few demo accounts still have theirs open;
- certificates of attendance issued by the host's coordinator with `services.issue_certificates` to
  everyone who attended at least one session, 40 of the 42 (their sealed PDFs are requested on commit:
  `make demo` renders them in-process, about a second each).

No users are created (the demo account list stays exactly as seed_demo makes it) and no account's role
changes. The staff daily support rates for 2019 come from a migration.

Idempotent: an event is made, with all of the above, only when the partnership has no event with its
title; a second run creates and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time, timedelta

from partners.models import Organisation, Partnership, User
from training_events import services, zones
from training_events.models import EvaluationQuestion, Session, TrainingEvent

VISION_PROJECT_NUMBER = "2019-1-LT01-KA202-060748"
PROJECT_COORDINATOR = "coordinator@kmpmc.example"
ORGANISATIONS = ("kmpmc", "essenia", "nova", "savo")
F = TrainingEvent.Format
ALL = "all"  # every session missed


def coordinator(org: str) -> str:
    return f"coordinator@{org}.example"


def mentor(org: str) -> str:
    return f"mentor@{org}.example"


# Colleagues without portal accounts: email → (first name, last name, position).
COLLEAGUES = {
    "vilma.rimkiene@kmpmc.example": ("Vilma", "Rimkienė", "Quality manager"),
    "ona.petraitiene@kmpmc.example": ("Ona", "Petraitienė", "Beauty therapy teacher"),
    "luca.ferrari@essenia.example": ("Luca", "Ferrari", "Mobility project officer"),
    "francesca.marino@essenia.example": ("Francesca", "Marino", "Training designer"),
    "anouk.meijer@nova.example": ("Anouk", "Meijer", "Internationalisation officer"),
    "pieter.vandijk@nova.example": ("Pieter", "van Dijk", "Beauty care teacher"),
    "antti.salonen@savo.example": ("Antti", "Salonen", "Quality coordinator"),
    "johanna.laine@savo.example": ("Johanna", "Laine", "Beauty care teacher"),
}

# The same evaluation for every event: three required scale questions and one optional text question.
QUESTIONS = [
    ("How relevant was the content to your work with mobility participants?", EvaluationQuestion.Kind.SCALE, True),
    (
        "How well was the event organised (agenda, materials, venue or online platform)?",
        EvaluationQuestion.Kind.SCALE,
        True,
    ),
    (
        "How confident are you to apply the learning outcomes in your organisation?",
        EvaluationQuestion.Kind.SCALE,
        True,
    ),
    (
        "What will you change in your organisation's mobility practice after this event?",
        EvaluationQuestion.Kind.TEXT,
        False,
    ),
]


@dataclass(frozen=True)
class EventSpec:
    host: str
    title: str
    topic: str
    format: str
    venue: str
    city: str
    start: date
    description: str
    outcomes: tuple[str, ...]
    # (day 0–2, start, end, title, speaker, room or link)
    sessions: tuple[tuple[int, time, time, str, str, str], ...]
    # organisation → emails (demo accounts or COLLEAGUES), registered in this order
    participants: dict[str, tuple[str, ...]]
    online_link: str = ""
    # organisations whose staff travel to the host (blended events); on-site events: every guest
    travelling: tuple[str, ...] = ()
    needs: dict[str, str] = field(default_factory=dict)
    # email → session indexes missed, or ALL
    absences: dict[str, object] = field(default_factory=dict)
    # email → (scale 1, scale 2, scale 3, optional text); only account holders answer, as themselves
    evaluations: dict[str, tuple[int, int, int, str]] = field(default_factory=dict)

    @property
    def end(self) -> date:
        return self.start + timedelta(days=2)


EVENTS = [
    EventSpec(
        host="kmpmc",
        title="Quality assurance in geographical mobility",
        topic="Quality assurance in geographical mobility",
        format=F.ON_SITE,
        venue="KMPMC conference hall, Kalvarijų g. 5",
        city="Kaunas",
        start=date(2020, 2, 11),
        description=(
            "The first joint staff training event of VISION. Staff responsible for learner mobility compare how "
            "each school prepares, runs and follows up its mobilities against the European Quality Charter for "
            "Mobility and the EQAVET cycle, visit KMPMC's beauty training salon and its host companies in "
            "Kaunas, and draft a quality plan for their own outgoing and incoming mobility."
        ),
        outcomes=(
            "Explains the principles of the European Quality Charter for Mobility and the Erasmus quality standards",
            "Applies the EQAVET cycle (plan, implement, evaluate, review) to a learner mobility",
            "Uses a quality checklist for the preparation, stay and follow-up of a mobility",
            "Drafts a quality plan for the organisation's outgoing and incoming mobility",
        ),
        sessions=(
            (
                0,
                time(9, 30),
                time(12, 30),
                "Welcome; quality-assured mobility in the four partner schools",
                "Rasa Jonaitienė (KMPMC)",
                "Conference hall",
            ),
            (
                0,
                time(13, 30),
                time(16, 30),
                "The European Quality Charter for Mobility and the EQAVET cycle",
                "Mikko Korhonen (Savo Consortium)",
                "Conference hall",
            ),
            (
                1,
                time(9, 0),
                time(12, 0),
                "Study visit: KMPMC's beauty training salon and two host companies",
                "Tomas Petrauskas (KMPMC)",
                "Beauty training salon",
            ),
            (
                1,
                time(13, 0),
                time(16, 0),
                "Workshop: a quality checklist for preparation, stay and follow-up",
                "Giulia Esposito (Essenia UETP)",
                "Room 214",
            ),
            (
                2,
                time(9, 0),
                time(12, 0),
                "Quality plans of the partners; evaluation and next steps",
                "Rasa Jonaitienė (KMPMC)",
                "Conference hall",
            ),
        ),
        participants={
            "kmpmc": (coordinator("kmpmc"), mentor("kmpmc"), "vilma.rimkiene@kmpmc.example"),
            "essenia": (coordinator("essenia"), "luca.ferrari@essenia.example"),
            "nova": (coordinator("nova"), "anouk.meijer@nova.example"),
            "savo": (coordinator("savo"), "antti.salonen@savo.example"),
        },
        needs={"anouk.meijer@nova.example": "Vegetarian meals."},
        absences={"antti.salonen@savo.example": (4,)},  # left early for his flight
        evaluations={
            coordinator("essenia"): (
                5,
                4,
                4,
                "A shared checklist for every outgoing learner, signed off by the tutor before departure.",
            ),
            coordinator("nova"): (4, 5, 4, ""),
            coordinator("savo"): (5, 5, 4, "We will add the EQAVET review step to our yearly mobility report."),
            mentor("kmpmc"): (4, 4, 5, "Meeting the learner before the stay, not only on the first day."),
        },
    ),
    EventSpec(
        host="nova",
        title="Responsibilities of tutors and mentors in quality-assured mobility",
        topic="Responsibilities of tutors and mentors in quality-assured mobility",
        format=F.ONLINE,
        venue="Online (video conference hosted by Nova College)",
        city="Haarlem",
        online_link="https://meet.novacollege.example/vision-training-2",
        start=date(2020, 11, 17),
        description=(
            "Planned in Haarlem and held online because of the COVID-19 travel restrictions. Tutors at the "
            "sending school and mentors at the host workplace share what each of them is responsible for "
            "before, during and after a learner's stay: the learning agreement, monitoring contacts, incidents, "
            "assessment of the learning outcomes and feedback, with cases from the partners' beauty salons."
        ),
        outcomes=(
            "Distinguishes the responsibilities of the sending tutor and the host mentor in each phase of a mobility",
            "Agrees monitoring contacts and an incident procedure with the partner organisation",
            "Assesses a learner's learning outcomes against the agreed criteria and gives feedback",
        ),
        sessions=(
            (
                0,
                time(9, 30),
                time(12, 0),
                "Opening: tutors and mentors in the quality commitment",
                "Sanne de Vries (Nova College)",
                "https://meet.novacollege.example/vision-training-2",
            ),
            (
                0,
                time(13, 30),
                time(15, 30),
                "Before departure: the learning agreement and the mentor's briefing",
                "Femke Bakker (Nova College)",
                "https://meet.novacollege.example/vision-training-2",
            ),
            (
                1,
                time(9, 30),
                time(12, 0),
                "During the stay: monitoring contacts and handling incidents",
                "Aino Virtanen (Savo Consortium)",
                "https://meet.novacollege.example/vision-training-2",
            ),
            (
                1,
                time(13, 30),
                time(15, 30),
                "Case clinic: difficult situations in host salons",
                "Marco Romano (Essenia UETP)",
                "https://meet.novacollege.example/vision-training-2",
            ),
            (
                2,
                time(9, 30),
                time(12, 0),
                "After the stay: assessment, feedback and recognition; wrap-up",
                "Sanne de Vries (Nova College)",
                "https://meet.novacollege.example/vision-training-2",
            ),
        ),
        participants={
            "kmpmc": (coordinator("kmpmc"), mentor("kmpmc"), "ona.petraitiene@kmpmc.example"),
            "essenia": (coordinator("essenia"), mentor("essenia"), "francesca.marino@essenia.example"),
            "nova": (coordinator("nova"), mentor("nova"), "pieter.vandijk@nova.example"),
            "savo": (coordinator("savo"), mentor("savo"), "johanna.laine@savo.example"),
        },
        absences={
            "francesca.marino@essenia.example": ALL,  # on sick leave that week
            "pieter.vandijk@nova.example": (1,),  # teaching a class
            mentor("essenia"): (3,),
        },
        evaluations={
            coordinator("kmpmc"): (5, 4, 5, "A written briefing for every host mentor before the learner arrives."),
            coordinator("essenia"): (4, 4, 4, ""),
            coordinator("savo"): (5, 4, 4, "Weekly video calls between tutor, mentor and learner."),
            mentor("kmpmc"): (5, 4, 4, "I will agree the assessment criteria with the tutor in advance."),
            mentor("essenia"): (4, 3, 4, ""),
            mentor("savo"): (5, 5, 5, "The incident procedure goes into our mentor handbook."),
        },
    ),
    EventSpec(
        host="essenia",
        title="Soft-skills development of mobility participants",
        topic="Soft-skills development of mobility participants",
        format=F.BLENDED,
        venue="Essenia UETP training centre, Via Roma 1",
        city="Salerno",
        online_link="https://meet.essenia.example/vision-training-3",
        start=date(2021, 10, 12),
        description=(
            "Held in Salerno, with Nova College's staff joining online. How a stay abroad develops a learner's "
            "communication, teamwork, adaptability and problem-solving, how to plan for it in the learning "
            "agreement, how mentors observe it at the workplace and how it is described in the Europass "
            "Mobility."
        ),
        outcomes=(
            "Identifies the soft skills a learner can develop during a mobility",
            "Plans activities that develop soft skills before, during and after the stay",
            "Observes and describes soft skills for the Europass Mobility",
        ),
        sessions=(
            (
                0,
                time(9, 30),
                time(12, 30),
                "Soft skills employers in the beauty sector look for",
                "Giulia Esposito (Essenia UETP)",
                "Training room 1 / online",
            ),
            (
                0,
                time(14, 0),
                time(17, 0),
                "Preparing learners: intercultural and communication workshop",
                "Marco Romano (Essenia UETP)",
                "Training room 1 / online",
            ),
            (
                1,
                time(9, 30),
                time(12, 30),
                "Observing soft skills at the workplace: tools for mentors",
                "Aino Virtanen (Savo Consortium)",
                "Training room 1 / online",
            ),
            (
                1,
                time(14, 0),
                time(17, 0),
                "Visit to host salons in Salerno (on-site participants)",
                "Marco Romano (Essenia UETP)",
                "Centro Estetico Sole",
            ),
            (
                2,
                time(9, 30),
                time(12, 30),
                "Writing section 5a of the Europass Mobility; conclusions",
                "Giulia Esposito (Essenia UETP)",
                "Training room 1 / online",
            ),
        ),
        participants={
            "kmpmc": (coordinator("kmpmc"), "ona.petraitiene@kmpmc.example"),
            "essenia": (coordinator("essenia"), mentor("essenia"), "francesca.marino@essenia.example"),
            "nova": (coordinator("nova"), mentor("nova")),
            "savo": (coordinator("savo"), mentor("savo"), "johanna.laine@savo.example"),
        },
        travelling=("kmpmc", "savo"),
        needs={"johanna.laine@savo.example": "Gluten-free meals."},
        absences={mentor("nova"): (1,), "ona.petraitiene@kmpmc.example": (4,)},
        evaluations={
            coordinator("kmpmc"): (5, 5, 4, "Soft-skills goals in every learning agreement."),
            coordinator("nova"): (4, 3, 4, "Joining online worked, but we missed the salon visit."),
            coordinator("savo"): (5, 4, 5, ""),
            mentor("savo"): (4, 4, 4, "An observation sheet for teamwork and communication."),
            mentor("essenia"): (5, 5, 4, ""),
        },
    ),
    EventSpec(
        host="savo",
        title="Application of ECVET instruments",
        topic="Application of ECVET instruments",
        format=F.ON_SITE,
        venue="Savo Consortium for Education, Presidentinkatu 3",
        city="Kuopio",
        start=date(2022, 3, 22),
        description=(
            "The last joint staff training event. The partners apply the ECVET instruments developed in VISION "
            "for Beauty-sector qualifications: units of learning outcomes, the Memorandum of Understanding, the "
            "Learning Agreement and the Personal Transcript, and plan the validation and recognition of "
            "learning outcomes achieved abroad, ahead of the blended learner mobility."
        ),
        outcomes=(
            "Describes a Beauty-sector qualification in units of learning outcomes with ECVET points",
            "Prepares a Memorandum of Understanding and a Learning Agreement with the partner",
            "Records the assessment of learning outcomes in a Personal Transcript",
            "Plans the validation and recognition of learning outcomes achieved abroad",
        ),
        sessions=(
            (
                0,
                time(9, 0),
                time(12, 0),
                "ECVET in brief: units, learning outcomes and points",
                "Mikko Korhonen (Savo Consortium)",
                "Auditorium",
            ),
            (
                0,
                time(13, 0),
                time(16, 0),
                "Workshop: the Beauty-sector units of the four partners",
                "Aino Virtanen (Savo Consortium)",
                "Beauty care workshop B2",
            ),
            (
                1,
                time(9, 0),
                time(12, 0),
                "The Memorandum of Understanding and the Learning Agreement in practice",
                "Rasa Jonaitienė (KMPMC)",
                "Auditorium",
            ),
            (
                1,
                time(13, 0),
                time(16, 0),
                "Assessment at the host and the Personal Transcript",
                "Femke Bakker (Nova College)",
                "Beauty care workshop B2",
            ),
            (
                2,
                time(9, 0),
                time(12, 30),
                "Validation and recognition at home; the blended mobility plan",
                "Mikko Korhonen (Savo Consortium)",
                "Auditorium",
            ),
        ),
        participants={
            "kmpmc": (coordinator("kmpmc"), mentor("kmpmc"), "vilma.rimkiene@kmpmc.example"),
            "essenia": (coordinator("essenia"), "luca.ferrari@essenia.example"),
            "nova": (coordinator("nova"), mentor("nova"), "pieter.vandijk@nova.example"),
            "savo": (coordinator("savo"), mentor("savo"), "antti.salonen@savo.example"),
        },
        needs={"coordinator@essenia.example": "Lactose-free meals."},
        absences={
            "luca.ferrari@essenia.example": ALL,  # flight cancelled
            "vilma.rimkiene@kmpmc.example": (3,),
        },
        evaluations={
            coordinator("kmpmc"): (
                5,
                5,
                5,
                "Our units of learning outcomes will be revised with the partners' feedback.",
            ),
            coordinator("essenia"): (4, 5, 4, ""),
            coordinator("nova"): (5, 4, 5, "A Personal Transcript for every incoming learner."),
            mentor("savo"): (5, 4, 4, ""),
        },
    ),
]


def seed_training_events_demo(stdout=None) -> None:
    created = seed()
    if stdout is not None:
        stdout.write(f"Training-event demo data: {created} new events.")


def seed() -> int:
    """Create the VISION training events that do not exist yet; returns how many were created."""
    vision = Partnership.objects.filter(project_number=VISION_PROJECT_NUMBER).first()
    orgs = {org.slug: org for org in Organisation.objects.filter(slug__in=ORGANISATIONS)}
    users = {u.email: u for u in User.objects.filter(email__endswith=".example")}
    needed = {PROJECT_COORDINATOR, *(coordinator(slug) for slug in ORGANISATIONS)}
    if vision is None or len(orgs) < len(ORGANISATIONS) or not needed <= set(users):
        return 0  # the partners demo data is missing
    created = 0
    for spec in EVENTS:
        if TrainingEvent.objects.filter(partnership=vision, title=spec.title).exists():
            continue
        _event(spec, vision, orgs, users)
        created += 1
    return created


# The agenda's times are the host's local times.
def _event(spec: EventSpec, vision: Partnership, orgs, users) -> TrainingEvent:
    event = TrainingEvent(
        partnership=vision,
        host_organisation=orgs[spec.host],
        title=spec.title,
        topic=spec.topic,
        format=spec.format,
        venue=spec.venue,
        city=spec.city,
        online_link=spec.online_link,
        start_date=spec.start,
        end_date=spec.end,
        capacity_per_organisation=4,
        description=spec.description,
        learning_outcomes="\n".join(spec.outcomes),
        time_zone=zones.zone_for_organisation(orgs[spec.host]),
    )
    services.create_event(event, by=users[PROJECT_COORDINATOR])
    host = users[coordinator(spec.host)]
    sessions = [
        services.add_session(
            Session(
                event=event,
                day=spec.start + timedelta(days=day),
                start_time=start,
                end_time=end,
                title=title,
                speaker=speaker,
                room=room,
            ),
            by=host,
        )
        for day, start, end, title, speaker, room in spec.sessions
    ]
    questions = [
        services.add_question(
            EvaluationQuestion(event=event, order=order, text=text, kind=kind, required=required), by=host
        )
        for order, (text, kind, required) in enumerate(QUESTIONS, start=1)
    ]
    participants = _register(spec, event, orgs, users)
    _attendance(spec, event, participants, sessions, host)
    for email, answers in spec.evaluations.items():
        participant = participants.get(email)
        if participant is None or participant.user_id is None:
            continue  # only an account holder answers, as themselves
        values = dict(zip((q.pk for q in questions), answers, strict=True))
        services.submit_evaluation(participant, values, by=participant.user)
    services.issue_certificates(event, by=host)
    return event


def _register(spec: EventSpec, event: TrainingEvent, orgs, users) -> dict:
    participants = {}
    for slug, emails in spec.participants.items():
        registrar = users[coordinator(slug)]
        on_site_guest = slug != spec.host and (
            spec.format == F.ON_SITE or (spec.format == F.BLENDED and slug in spec.travelling)
        )
        for email in emails:
            person = _person(email, users)
            if person is None:
                continue  # a demo account was removed: register the others
            first, last, position = person
            data = {
                "first_name": first,
                "last_name": last,
                "email": email,
                "position": position,
                "needs": spec.needs.get(email, ""),
            }
            if on_site_guest:
                data["arrival_date"] = spec.start - timedelta(days=1)
                data["departure_date"] = spec.end + timedelta(days=1)
            participants[email] = services.register(event, organisation_id=orgs[slug].pk, data=data, by=registrar)
    return participants


def _person(email: str, users) -> tuple[str, str, str] | None:
    if email in COLLEAGUES:
        return COLLEAGUES[email]
    user = users.get(email)
    if user is None:
        return None
    return user.first_name, user.last_name, user.position


def _attendance(spec: EventSpec, event, participants: dict, sessions: list, host) -> None:
    """The host ticks the whole register, then corrects it for those who were missing."""
    services.mark_attendance(event, {(p.pk, s.pk): True for p in participants.values() for s in sessions}, by=host)
    corrections = {}
    for email, missed in spec.absences.items():
        participant = participants.get(email)
        if participant is None:
            continue
        indexes = range(len(sessions)) if missed == ALL else missed
        corrections.update({(participant.pk, sessions[i].pk): False for i in indexes})
    if corrections:
        services.mark_attendance(event, corrections, by=host)
