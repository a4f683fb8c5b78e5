"""Dissemination demo data, added by `manage.py seed_demo` through its signal.

Activity (d) of the VISION partnership (2019-1-LT01-KA202-060748): national dissemination events for
stakeholders in each partner country, and what the partners published about the project. All of it lies in
the project period (2019-10-01 … 2022-06-30), so it is in the past: the public page has no upcoming events.

Events, each saved with its audience by stakeholder group (national + international participants) through
`services.save_event(event, audience, by=<the organiser's coordinator>)`, so audit rows are real:

1. KMPMC — national dissemination event, Kaunas (LT), 18 November 2021, on site;
2. Nova College — national dissemination event, Haarlem (NL), 9 December 2021, blended;
3. Essenia UETP — national dissemination event, Salerno (IT), 10 March 2022, blended;
4. Savo Consortium — national dissemination event, Kuopio (FI), 12 May 2022, on site;
5. KMPMC — multiplier event and final conference, Kaunas (LT), 16 June 2022, blended, with guests from the
   three partner countries.

Each has a place, country, agenda and outcomes; all are public except Nova College's, which was a closed
session with its own work-placement companies. 392 people in all.

Eleven other activities across the four partners (the project website, articles, social-media posts,
newsletters, publications) in lt, it, nl, fi and en, with a date, a link on an example domain and an
estimated reach (20,460 in all); each created with an audit row by its organisation's coordinator.

Reach targets of the partnership, set by the project coordinator: per stakeholder group (learners 150,
VET staff 120, employers 60, policy makers 20) and per channel (events 350, website 3,000, social media
5,000, newsletters 4,000, publications 2,500). VET staff, employers, events, website and social media are
met; learners, policy makers, newsletters and publications are not.

The public results page, switched on with a short project summary, and four public results: the
Beauty-sector ECVET instruments (MoU template, Learning Agreement template, assessment guidelines, the
training programme) as links on an example domain, no files.

No users are created and no account changes. Idempotent: events, activities and results are found by title
within the partnership, targets by group or channel, the page by partnership; only what is missing is
created, and nothing existing is changed, so a second run creates and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dissemination import services
from dissemination.models import (
    Activity,
    Channel,
    DisseminationEvent,
    PublicPage,
    PublicResult,
    ReachTarget,
    StakeholderGroup,
)
from partners.models import Organisation, Partnership, User

VISION_PROJECT_NUMBER = "2019-1-LT01-KA202-060748"
PROJECT_COORDINATOR = "coordinator@kmpmc.example"
ORGANISATIONS = ("kmpmc", "essenia", "nova", "savo")
K = DisseminationEvent.Kind
F = DisseminationEvent.Format
G = StakeholderGroup
C = Channel
SITE = "https://vision-project.example"


def coordinator(org: str) -> str:
    return f"coordinator@{org}.example"


@dataclass(frozen=True)
class EventSpec:
    organiser: str
    title: str
    kind: str
    format: str
    date: date
    place: str
    country: str
    agenda: tuple[str, ...]
    outcomes: str
    # stakeholder group → (national, international)
    audience: dict[str, tuple[int, int]]
    is_public: bool = True


EVENTS = [
    EventSpec(
        organiser="kmpmc",
        title="VISION national dissemination event in Lithuania: quality-assured mobility in Beauty VET",
        kind=K.NATIONAL,
        format=F.ON_SITE,
        date=date(2021, 11, 18),
        place="KMPMC conference hall, Kalvarijų g. 5, Kaunas",
        country="LT",
        agenda=(
            "10:00 Welcome and the VISION partnership — Rasa Jonaitienė, KMPMC",
            "10:20 Quality-assured mobility: what the four joint staff trainings taught us",
            "11:00 The ECVET instruments for Beauty qualifications: MoU, Learning Agreement, transcript",
            "11:45 Learners' stories: blended mobility to Haarlem and Kuopio",
            "12:30 Round table with beauty salons and the Qualifications and VET Development Centre",
            "13:15 Visit to the beauty training salon",
        ),
        outcomes=(
            "Six Kaunas beauty salons agreed to host incoming learners under the VISION Memorandum of "
            "Understanding. Two vocational schools from the Kaunas region asked for the Learning Agreement "
            "template for their own Erasmus+ accreditation."
        ),
        audience={
            G.LEARNERS: (28, 0),
            G.VET_STAFF: (31, 2),
            G.EMPLOYERS: (14, 0),
            G.POLICY_MAKERS: (4, 0),
            G.PARENTS: (9, 0),
        },
    ),
    EventSpec(
        organiser="nova",
        title="VISION in the Netherlands: international work placements in beauty care",
        kind=K.NATIONAL,
        format=F.BLENDED,
        date=date(2021, 12, 9),
        place="Nova College, Zijlweg 200, Haarlem, and online",
        country="NL",
        agenda=(
            "14:00 Opening — Sanne de Vries, Nova College international office",
            "14:15 Why international placements for beauty-care learners, and how to assure their quality",
            "14:45 Units of learning outcomes and ECVET points in the Dutch qualification structure",
            "15:30 Mentoring an incoming learner: experiences of Haarlem salons",
            "16:15 Questions and next steps for the 2022 mobilities",
        ),
        outcomes=(
            "A closed session for Nova College's work-placement companies and learners (hence not public). "
            "Eleven companies reviewed the host mentor's role; four signed up as hosts for incoming learners "
            "from Kaunas and Kuopio in spring 2022."
        ),
        audience={
            G.LEARNERS: (24, 3),
            G.VET_STAFF: (19, 4),
            G.EMPLOYERS: (11, 0),
            G.OTHER: (5, 0),
        },
        is_public=False,
    ),
    EventSpec(
        organiser="essenia",
        title="VISION in Italia: strumenti ECVET per il settore dell'estetica",
        kind=K.NATIONAL,
        format=F.BLENDED,
        date=date(2022, 3, 10),
        place="Essenia UETP, Via Roma 1, Salerno, and online",
        country="IT",
        agenda=(
            "09:30 Welcome — Giulia Esposito, Essenia UETP",
            "09:45 The VISION partnership and its internationalisation strategies",
            "10:30 From the Memorandum of Understanding to the Personal Transcript: the ECVET chain in practice",
            "11:30 Host companies in Campania: mentoring and assessing mobility learners",
            "12:15 Panel with the Regione Campania VET office and beauty-sector employers",
        ),
        outcomes=(
            "The regional VET office asked for the assessment guidelines as an example for regional "
            "qualifications; three new host companies in Salerno joined Essenia UETP's mentor network."
        ),
        audience={
            G.LEARNERS: (18, 0),
            G.VET_STAFF: (22, 6),
            G.EMPLOYERS: (17, 1),
            G.POLICY_MAKERS: (3, 0),
        },
    ),
    EventSpec(
        organiser="savo",
        title="VISION Suomessa: laadukas liikkuvuus kauneudenhoitoalalla",
        kind=K.NATIONAL,
        format=F.ON_SITE,
        date=date(2022, 5, 12),
        place="Savo Consortium for Education, Presidentinkatu 3, Kuopio",
        country="FI",
        agenda=(
            "12:00 Opening — Mikko Korhonen, Savo Consortium",
            "12:15 Blended mobility: combining a virtual component with a physical stay abroad",
            "13:00 Recognising learning abroad in Finnish vocational qualifications",
            "13:45 Learners and their mentors on mobility in Kaunas and Salerno",
            "14:30 Discussion with employers and guardians",
        ),
        outcomes=(
            "Savo Consortium will offer a virtual mobility component to every beauty-care learner group from "
            "autumn 2022; two North Savo salons will mentor incoming learners."
        ),
        audience={
            G.LEARNERS: (21, 0),
            G.VET_STAFF: (26, 3),
            G.EMPLOYERS: (9, 0),
            G.PARENTS: (6, 0),
            G.POLICY_MAKERS: (2, 0),
        },
    ),
    EventSpec(
        organiser="kmpmc",
        title="VISION final conference: ECVET instruments for the Beauty sector",
        kind=K.MULTIPLIER,
        format=F.BLENDED,
        date=date(2022, 6, 16),
        place="Kaunas Chamber of Commerce, Industry and Crafts conference centre, and online",
        country="LT",
        agenda=(
            "09:30 Opening — KMPMC and the Education Exchanges Support Foundation",
            "10:00 Three years of VISION: results and the partners' internationalisation strategies",
            "10:45 Presenting the Beauty-sector ECVET instruments: MoU, Learning Agreement, assessment "
            "guidelines, training programme",
            "11:45 Workshop: using the instruments in your own partnership",
            "13:30 Panel with learners, mentors, employers and policy makers from LT, IT, NL and FI",
            "14:30 Sustainability of the network after 2022",
        ),
        outcomes=(
            "The four partners signed a letter of intent to keep the network and the MoU in force after the "
            "project; nine vocational schools downloaded the instruments during the week of the conference."
        ),
        audience={
            G.LEARNERS: (20, 4),
            G.VET_STAFF: (38, 14),
            G.EMPLOYERS: (12, 3),
            G.POLICY_MAKERS: (6, 2),
            G.OTHER: (4, 1),
        },
    ),
]


@dataclass(frozen=True)
class ActivitySpec:
    organisation: str
    channel: str
    title: str
    date: date
    language: str
    link: str
    reach: int
    audience: str = ""
    is_public: bool = True


ACTIVITIES = [
    ActivitySpec(
        "kmpmc",
        C.WEBSITE,
        "VISION project website",
        date(2020, 1, 15),
        "en",
        f"{SITE}/",
        4200,
        G.VET_STAFF,
    ),
    ActivitySpec(
        "kmpmc",
        C.ARTICLE,
        "VISION: Kauno grožio specialybių mokiniai mokysis Europoje",
        date(2021, 5, 20),
        "lt",
        "https://kmpmc.example/news/vision-grozio-mokiniai-europoje",
        1400,
        G.LEARNERS,
    ),
    ActivitySpec(
        "kmpmc",
        C.SOCIAL_MEDIA,
        "Facebook: photos of the national dissemination event in Kaunas",
        date(2021, 11, 19),
        "lt",
        "https://kmpmc.example/news/vision-nacionalinis-renginys",
        1850,
        G.LEARNERS,
    ),
    ActivitySpec(
        "kmpmc",
        C.PUBLICATION,
        "VISION toolkit: ECVET instruments for a sustainable Beauty-sector partnership",
        date(2022, 6, 20),
        "en",
        f"{SITE}/results/vision-ecvet-toolkit",
        650,
        G.POLICY_MAKERS,
    ),
    ActivitySpec(
        "essenia",
        C.ARTICLE,
        "Mobilità di qualità per le future estetiste: il progetto VISION",
        date(2021, 6, 8),
        "it",
        "https://essenia.example/news/vision-mobilita-estetica",
        2500,
        G.EMPLOYERS,
    ),
    ActivitySpec(
        "essenia",
        C.NEWSLETTER,
        "Essenia UETP newsletter: VISION's ECVET instruments for Beauty qualifications",
        date(2022, 2, 15),
        "en",
        "https://essenia.example/newsletter/2022-02-vision",
        2300,
        G.VET_STAFF,
    ),
    ActivitySpec(
        "essenia",
        C.SOCIAL_MEDIA,
        "LinkedIn: VISION national event in Salerno",
        date(2022, 3, 11),
        "it",
        "https://essenia.example/news/vision-evento-nazionale-salerno",
        960,
        G.EMPLOYERS,
    ),
    ActivitySpec(
        "nova",
        C.ARTICLE,
        "Schoonheidsverzorging zonder grenzen: blended mobiliteit met VISION",
        date(2021, 10, 4),
        "nl",
        "https://nova.example/nieuws/vision-blended-mobiliteit",
        1200,
        G.LEARNERS,
    ),
    ActivitySpec(
        "nova",
        C.SOCIAL_MEDIA,
        "Instagram: Nova College beauty learners on placement in Kaunas",
        date(2022, 4, 22),
        "nl",
        "https://nova.example/nieuws/vision-stage-kaunas",
        3100,
        G.LEARNERS,
    ),
    ActivitySpec(
        "savo",
        C.NEWSLETTER,
        "Sakky-uutiskirje: kansainvälinen liikkuvuus kauneudenhoitoalalla",
        date(2021, 9, 14),
        "fi",
        "https://savo.example/uutiset/vision-uutiskirje-2021-09",
        800,
        G.PARENTS,
    ),
    ActivitySpec(
        "savo",
        C.PUBLICATION,
        "Laadukas liikkuvuus ja ECVET: kokemuksia VISION-hankkeesta (ammattikasvatuksen aikakauskirja)",
        date(2022, 4, 5),
        "fi",
        "https://savo.example/julkaisut/vision-laadukas-liikkuvuus",
        1500,
        G.VET_STAFF,
    ),
]

# (stakeholder group or channel, target)
GROUP_TARGETS = {G.LEARNERS: 150, G.VET_STAFF: 120, G.EMPLOYERS: 60, G.POLICY_MAKERS: 20}
CHANNEL_TARGETS = {C.EVENT: 350, C.WEBSITE: 3000, C.SOCIAL_MEDIA: 5000, C.NEWSLETTER: 4000, C.PUBLICATION: 2500}

SUMMARY = (
    "VISION (2019-1-LT01-KA202-060748) was an Erasmus+ Strategic Partnership for vocational education and "
    "training, from October 2019 to June 2022, of four VET providers in Lithuania, Italy, the Netherlands and "
    "Finland. The partners built a sustainable network for incoming and outgoing learner mobility that follows "
    "each partner's internationalisation strategy, trained their staff in four joint events on quality-assured "
    "mobility, and developed a set of ECVET instruments for Beauty-sector qualifications, tested in blended "
    "mobilities of VET learners. The instruments are free to use."
)

# (title, description, path on the project website)
RESULTS = [
    (
        "Memorandum of Understanding template — Beauty qualifications",
        "The multi-party ECVET MoU the four partners signed: qualifications and units covered, assessment at "
        "the host, validation and recognition at home, and partnership terms. Editable template.",
        "results/ecvet-mou-template-beauty",
    ),
    (
        "Learning Agreement template for Beauty-sector mobility",
        "The ECVET Learning Agreement (EC template, June 2014 version) pre-filled with the Beauty units of "
        "learning outcomes, for one learner per agreement.",
        "results/ecvet-learning-agreement-template-beauty",
    ),
    (
        "Assessment guidelines for host mentors",
        "How a host mentor assesses the learning outcomes of a mobility learner in a beauty salon: methods, "
        "criteria, evidence and the Personal Transcript.",
        "results/assessment-guidelines-host-mentors",
    ),
    (
        "Training programme: quality-assured mobility with ECVET",
        "The programme of the four joint staff training events, with materials, for VET staff preparing, "
        "mentoring and recognising learner mobility.",
        "results/training-programme-quality-assured-mobility",
    ),
]


def seed_dissemination_demo(stdout=None) -> None:
    created = seed()
    if stdout is not None:
        stdout.write(f"Dissemination demo data: {created} new rows.")


def seed() -> int:
    """Create the VISION dissemination data that does not exist yet; returns how many rows were created."""
    vision = Partnership.objects.filter(project_number=VISION_PROJECT_NUMBER).first()
    orgs = {org.slug: org for org in Organisation.objects.filter(slug__in=ORGANISATIONS)}
    users = {u.email: u for u in User.objects.filter(email__in=[coordinator(slug) for slug in ORGANISATIONS])}
    if vision is None or len(orgs) < len(ORGANISATIONS) or len(users) < len(ORGANISATIONS):
        return 0  # the partners demo data is missing
    lead = users[PROJECT_COORDINATOR]
    created = 0
    for spec in EVENTS:
        if DisseminationEvent.objects.filter(partnership=vision, title=spec.title).exists():
            continue
        event = DisseminationEvent(
            partnership=vision,
            organisation=orgs[spec.organiser],
            title=spec.title,
            kind=spec.kind,
            format=spec.format,
            date=spec.date,
            place=spec.place,
            country=spec.country,
            agenda="\n".join(spec.agenda),
            outcomes=spec.outcomes,
            is_public=spec.is_public,
        )
        services.save_event(event, dict(spec.audience), by=users[coordinator(spec.organiser)])
        created += 1
    for spec in ACTIVITIES:
        if Activity.objects.filter(partnership=vision, title=spec.title).exists():
            continue
        org = orgs[spec.organisation]
        activity = Activity(
            partnership=vision,
            organisation=org,
            channel=spec.channel,
            title=spec.title,
            date=spec.date,
            language=spec.language,
            link=spec.link,
            reach=spec.reach,
            audience=spec.audience,
            is_public=spec.is_public,
        )
        services.create_activity(activity, by=users[coordinator(spec.organisation)])
        created += 1
    targets = {(group, ""): n for group, n in GROUP_TARGETS.items()}
    targets |= {("", channel): n for channel, n in CHANNEL_TARGETS.items()}
    existing = set(ReachTarget.objects.filter(partnership=vision).values_list("group", "channel"))
    missing = {key: n for key, n in targets.items() if key not in existing}
    if missing:
        created += len(services.save_targets(vision, missing, by=lead))
    if not PublicPage.objects.filter(partnership=vision).exists():
        services.save_public_page(PublicPage(partnership=vision, enabled=True, summary=SUMMARY), by=lead)
        created += 1
    for order, (title, description, path) in enumerate(RESULTS, start=1):
        if PublicResult.objects.filter(partnership=vision, title=title).exists():
            continue
        result = PublicResult(
            partnership=vision, title=title, description=description, link=f"{SITE}/{path}", order=order
        )
        result.full_clean()
        services.create_result(result, by=lead)
        created += 1
    return created
