"""ECVET demo data (catalogue, memorandum), added by `manage.py seed_demo` through its signal.

A Beauty-sector catalogue for the four VISION countries — clearly **example data** (`is_example`, and
"(example)" in the awarding body): it illustrates the ECVET chain, it is not an official qualification
description. Then "VISION ECVET Memorandum of Understanding — Beauty qualifications" among the four
partners, approved by each organisation's coordinator through the approval service, so it is in force.

Idempotent: qualifications are found by organisation and original title, units by reference, the
memorandum by title and version. Independent of the mobility demo rows (only the partners demo).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ecvet.models import Approval, Memorandum, MemorandumParty, MemorandumUnit, Qualification, Unit
from partners.models import Organisation, Partnership, User

EXAMPLE = " (example)"
MEMORANDUM_TITLE = "VISION ECVET Memorandum of Understanding — Beauty qualifications"
COORDINATORS = {
    "kmpmc": "coordinator@kmpmc.example",
    "essenia": "coordinator@essenia.example",
    "nova": "coordinator@nova.example",
    "savo": "coordinator@savo.example",
}


@dataclass(frozen=True)
class UnitSpec:
    key: str
    title: str
    points: Decimal
    knowledge: tuple[str, ...]
    skills: tuple[str, ...]
    competence: tuple[str, ...]
    criteria: str


D = Decimal
BEAUTY_UNITS = [
    UnitSpec(
        "FAC",
        "Facial care treatments",
        D("10"),
        ("Describes the structure and functions of the skin", "Explains skin types and common skin conditions"),
        ("Analyses the client's skin and records the findings", "Performs a deep-cleansing facial with massage"),
        ("Chooses products and a treatment plan suited to the client's skin, safely and hygienically",),
        "Treatment performed on a real client within 75 minutes; skin analysis card complete and correct.",
    ),
    UnitSpec(
        "MAN",
        "Manicure and pedicure",
        D("8"),
        ("Knows the anatomy of hands, feet and nails", "Recognises nail conditions that contraindicate treatment"),
        ("Performs a classic manicure and pedicure", "Applies and removes nail polish and gel polish"),
        ("Advises the client on home care of hands and feet",),
        "Observation of a complete manicure and pedicure; hygiene checklist fully respected.",
    ),
    UnitSpec(
        "BOD",
        "Body treatments and massage",
        D("10"),
        ("Knows the main muscle groups and the effects of massage",),
        ("Performs a classic relaxing body massage", "Applies body wraps and peelings"),
        ("Adapts pressure and technique to the client's wishes and contraindications",),
        "Skills demonstration of a 45-minute massage; client feedback form.",
    ),
    UnitSpec(
        "MUP",
        "Make-up",
        D("6"),
        ("Knows colour theory and face shapes",),
        ("Applies day and evening make-up", "Shapes and tints eyebrows and eyelashes"),
        ("Creates a make-up that suits the client and the occasion",),
        "Two make-ups (day and evening) photographed before and after; portfolio.",
    ),
    UnitSpec(
        "WAX",
        "Hair removal",
        D("5"),
        ("Knows hair growth cycles and hair removal methods",),
        ("Performs warm and hot wax hair removal on legs, arms and face",),
        ("Works safely and explains aftercare to the client",),
        "Observation of two waxing treatments; aftercare advice given.",
    ),
    UnitSpec(
        "SRV",
        "Client service and salon hygiene",
        D("5"),
        ("Knows hygiene, disinfection and safety rules of a beauty salon",),
        ("Books appointments and keeps client records", "Cleans and disinfects tools and the workplace"),
        ("Communicates with clients professionally, also in a foreign language",),
        "Self-evaluation and mentor observation over the placement.",
    ),
]

HAIR_UNITS = [
    UnitSpec(
        "CUT",
        "Haircutting",
        D("12"),
        ("Knows head shapes, hair growth patterns and cutting tools",),
        ("Performs basic women's and men's haircuts", "Uses scissors, razor and clippers safely"),
        ("Proposes a cut that suits the client's face and lifestyle",),
        "Three haircuts on models, observed by the mentor.",
    ),
    UnitSpec(
        "COL",
        "Hair colouring",
        D("10"),
        ("Knows colour chemistry and the levels of lightening",),
        ("Performs a full colour and highlights", "Carries out a skin allergy test"),
        ("Chooses a colour formula and explains it to the client",),
        "Colour service on a client with a written colour formula.",
    ),
    UnitSpec(
        "STY",
        "Styling and blow-drying",
        D("8"),
        ("Knows styling products and heat tools",),
        ("Blow-dries and sets hair", "Creates an up-do for an event"),
        ("Finishes a style that holds and matches the client's wish",),
        "Skills demonstration: blow-dry and up-do within the salon time.",
    ),
    UnitSpec(
        "SCA",
        "Scalp and hair care consultation",
        D("5"),
        ("Recognises scalp and hair conditions",),
        ("Washes hair and performs a scalp massage", "Recommends care products"),
        ("Refers the client to a doctor when a condition requires it",),
        "Consultation card filled in with a client; mentor observation.",
    ),
    UnitSpec(
        "HYG",
        "Salon hygiene and client service",
        D("5"),
        ("Knows hygiene and safety rules of a hair salon",),
        ("Keeps tools and workstation clean and disinfected",),
        ("Serves clients courteously and manages time",),
        "Self-evaluation and mentor observation over the placement.",
    ),
]

MAKEUP_UNITS = [
    UnitSpec(
        "PRE",
        "Skin preparation for make-up",
        D("5"),
        ("Knows skin types and make-up bases",),
        ("Cleanses and prepares the skin", "Applies primer and foundation evenly"),
        ("Chooses products suited to the skin and the lighting",),
        "Observation on two models.",
    ),
    UnitSpec(
        "DAY",
        "Day, evening and bridal make-up",
        D("8"),
        ("Knows colour theory and current trends",),
        ("Applies day, evening and bridal make-up",),
        ("Agrees the look with the client and delivers it on time",),
        "Portfolio of three looks photographed before and after.",
    ),
    UnitSpec(
        "STG",
        "Stage, photo and film make-up",
        D("8"),
        ("Knows how light, camera and distance change a make-up",),
        ("Applies corrective and character make-up", "Uses airbrush and special-effects products"),
        ("Works to a director's or photographer's brief in a team",),
        "Make-up for a photo shoot or performance, assessed by the mentor.",
    ),
    UnitSpec(
        "HYM",
        "Hygiene and client care in make-up",
        D("4"),
        ("Knows hygiene rules for brushes and products",),
        ("Cleans and disinfects brushes and tools",),
        ("Advises clients on removal and skin care",),
        "Mentor observation over the placement.",
    ),
]


@dataclass(frozen=True)
class QualificationSpec:
    org: str
    prefix: str
    title_original: str
    title_en: str
    country: str
    eqf: int
    nqf: str
    awarding_body: str
    total: Decimal
    units: list
    beauty_therapist: bool = False


QUALIFICATIONS = [
    QualificationSpec(
        "kmpmc", "LT-KOS", "Kosmetikas", "Beauty therapist", "LT", 4, "IV",
        "Ministry of Education, Science and Sport of Lithuania", D("90"), BEAUTY_UNITS, True,
    ),
    QualificationSpec(
        "kmpmc", "LT-KIR", "Kirpėjas", "Hairdresser", "LT", 4, "IV",
        "Ministry of Education, Science and Sport of Lithuania", D("90"), HAIR_UNITS,
    ),
    QualificationSpec(
        "essenia", "IT-EST", "Estetista", "Beauty therapist", "IT", 4, "4",
        "Regione Campania", D("120"), BEAUTY_UNITS, True,
    ),
    QualificationSpec(
        "essenia", "IT-TRU", "Truccatore", "Make-up artist", "IT", 3, "3",
        "Regione Campania", D("60"), MAKEUP_UNITS,
    ),
    QualificationSpec(
        "nova", "NL-SCH", "Schoonheidsspecialist", "Beauty therapist", "NL", 4, "MBO 4",
        "SBB / Nova College", D("180"), BEAUTY_UNITS, True,
    ),
    QualificationSpec(
        "nova", "NL-KAP", "Kapper", "Hairdresser", "NL", 3, "MBO 3",
        "SBB / Nova College", D("120"), HAIR_UNITS,
    ),
    QualificationSpec(
        "savo", "FI-KOS", "Hius- ja kauneudenhoitoalan perustutkinto, kosmetologi",
        "Vocational qualification in hairdressing and beauty care, beauty therapist", "FI", 4, "4",
        "Finnish National Agency for Education", D("180"), BEAUTY_UNITS, True,
    ),
    QualificationSpec(
        "savo", "FI-PAR", "Hius- ja kauneudenhoitoalan perustutkinto, parturi-kampaaja",
        "Vocational qualification in hairdressing and beauty care, hairdresser", "FI", 4, "4",
        "Finnish National Agency for Education", D("180"), HAIR_UNITS,
    ),
]  # fmt: skip


def seed_ecvet_demo(stdout=None) -> None:
    qualifications, units = seed_catalogue()
    memorandum = seed_memorandum()
    if stdout is not None:
        stdout.write(
            f"ECVET demo data: {qualifications} new qualifications, {units} new units"
            + (f", memorandum {memorandum.get_status_display().lower()}." if memorandum else ".")
        )


def seed_catalogue() -> tuple[int, int]:
    orgs = {o.slug: o for o in Organisation.objects.filter(slug__in=COORDINATORS)}
    new_qualifications = new_units = 0
    for spec in QUALIFICATIONS:
        org = orgs.get(spec.org)
        if org is None:
            continue
        qualification, created = Qualification.objects.get_or_create(
            organisation=org,
            title_original=spec.title_original,
            defaults={
                "title_en": spec.title_en,
                "country": spec.country,
                "eqf_level": spec.eqf,
                "nqf_level": spec.nqf,
                "awarding_body": spec.awarding_body + EXAMPLE,
                "sector": "Beauty and hairdressing",
                "total_ecvet_points": spec.total,
                "is_example": True,
            },
        )
        new_qualifications += created
        for order, unit in enumerate(spec.units):
            _unit, created = Unit.objects.get_or_create(
                qualification=qualification,
                reference=f"{spec.prefix}-{unit.key}",
                defaults={
                    "title": unit.title,
                    "knowledge": "\n".join(unit.knowledge),
                    "skills": "\n".join(unit.skills),
                    "competence": "\n".join(unit.competence),
                    "ecvet_points": unit.points,
                    "assessment_criteria": unit.criteria,
                    "order": order,
                },
            )
            new_units += created
    return new_qualifications, new_units


def demo_partnership() -> Partnership | None:
    return (
        Partnership.objects.filter(slug="vision-mobility").first() or Partnership.objects.filter(slug="vision").first()
    )


def seed_memorandum() -> Memorandum | None:
    """The memorandum in force among the four partners (made once; later runs leave it as it is)."""
    from ecvet.services import approvals
    from ecvet.services import memoranda as service

    existing = Memorandum.objects.filter(title=MEMORANDUM_TITLE, version=1).first()
    if existing is not None:
        return existing
    partnership = demo_partnership()
    orgs = {o.slug: o for o in Organisation.objects.filter(slug__in=COORDINATORS).prefetch_related("contacts")}
    users = {u.email: u for u in User.objects.filter(email__in=COORDINATORS.values())}
    if partnership is None or len(orgs) < len(COORDINATORS) or len(users) < len(COORDINATORS):
        return None
    therapists = {
        q.organisation.slug: q
        for q in Qualification.objects.filter(
            organisation__in=orgs.values(),
            title_en__in=[s.title_en for s in QUALIFICATIONS if s.beauty_therapist],
            title_original__in=[s.title_original for s in QUALIFICATIONS if s.beauty_therapist],
        ).select_related("organisation")
    }
    memorandum = Memorandum.objects.create(
        partnership=partnership,
        title=MEMORANDUM_TITLE,
        objectives_other="Mutual recognition of units of the beauty therapist qualifications for learners on "
        "blended mobility (virtual preparation plus two to six weeks at the host). (example)",
        other_organisations="Host beauty salons and spa centres that mentor VISION learners. (example)",
        assessment="At the host, by the named mentor: observation in the workplace, skills demonstration on "
        "real clients, portfolio with before/after photographs, and the learner's self-evaluation.",
        documentation="Learning Agreement, Personal Transcript signed by the host, Europass Mobility.",
        validation="The home organisation's tutor checks the Personal Transcript against the agreed units "
        "within four weeks of the learner's return.",
        recognition="Units assessed as achieved are recognised as completed parts of the learner's "
        "qualification, with the ECVET points agreed here, and recorded in the school's register.",
        duration_min_weeks=2,
        duration_max_weeks=6,
        valid_from=date(2020, 9, 1),
        valid_until=date(2027, 12, 31),
        evaluation_revision="Reviewed each year at the partners' meeting; amended when a qualification changes.",
        other_actors="Essenia UETP acts as intermediary organisation for host companies in Campania.",
    )
    memorandum.qualifications.set(therapists.values())
    for order, slug in enumerate(COORDINATORS):
        org = orgs[slug]
        contact = next((c for c in org.contacts.all() if c.is_primary), None) or next(iter(org.contacts.all()), None)
        MemorandumParty.objects.create(
            memorandum=memorandum,
            organisation=org,
            contact_name=contact.name if contact else "",
            contact_position=contact.position if contact else "",
            contact_email=COORDINATORS[slug],
            signing_place=org.city,
            order=order,
        )
    MemorandumUnit.objects.bulk_create(
        [
            MemorandumUnit(memorandum=memorandum, unit=unit, ecvet_points=min(unit.ecvet_points, D("6")))
            for qualification in therapists.values()
            for unit in qualification.units.filter(reference__regex=r"-(FAC|MAN|MUP)$")
        ]
    )
    coordinator = users[COORDINATORS["kmpmc"]]
    service.send_for_approval(memorandum, by=coordinator)
    for slug in COORDINATORS:
        memorandum = Memorandum.objects.get(pk=memorandum.pk)
        approvals.decide(
            memorandum,
            party_key=f"org:{orgs[slug].pk}",
            by=users[COORDINATORS[slug]],
            expected_sha256=approvals.current_sha256(memorandum),
            decision=Approval.Decision.APPROVED,
        )
    return Memorandum.objects.get(pk=memorandum.pk)
