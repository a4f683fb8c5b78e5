"""Host placements demo data: host companies kept by each of the four VISION schools, with published placements
in the current partnership ("VISION Mobility 2025–2027", KA122-VET, made by demo/mobility.py).

Each school keeps two Beauty-sector hosts in its own city (a salon and a spa, hotel or hairdresser), each with
the school's demo mentor (mentor@<school>.example) as its mentor, and one published placement per host in
spring 2027 (after the demo's "today", 28 November 2026): 8 hosts, 8 placements, 19 places. Some hosts set
conditions: a minimum age of 18 at the hotels and spa, EQF level 4 at two salons.

Everything is made through placements.services by the school's coordinator (audit rows and status history are
real). No users are created and no account changes. Idempotent: hosts are found by organisation and name,
placements by host and title; only what is missing is created, so a second run creates and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from partners.models import Organisation, Partnership, User
from placements import services
from placements.models import HostCompany, Placement, Sector

CURRENT_PROJECT_NUMBER = "2025-1-LT01-KA122-VET-000123"
ORGANISATIONS = ("kmpmc", "essenia", "nova", "savo")


@dataclass(frozen=True)
class Host:
    organisation: str
    name: str
    sector: str
    street: str
    postcode: str
    occupations: str
    languages: str
    contact: str
    accessibility: str
    minimum_age: int | None = None
    minimum_eqf_level: int | None = None


@dataclass(frozen=True)
class Offer:
    host: str
    title: str
    occupation: str
    start: date
    end: date
    places: int
    conditions: str


HOSTS = [
    Host(
        "kmpmc",
        "Grožio namai Aura",
        Sector.BEAUTY_CARE,
        "Laisvės al. 55",
        "44309",
        "Beautician, manicurist",
        "Lithuanian, English",
        "Aurelija Stankevičienė",
        "Ground floor, step-free entrance; treatment beds adjustable in height.",
        minimum_eqf_level=4,
    ),
    Host(
        "kmpmc",
        "Kauno SPA viešbutis Nemunas",
        Sector.SPA_WELLNESS,
        "Nemuno g. 12",
        "44260",
        "Spa therapist, massage assistant",
        "Lithuanian, English, Russian",
        "Darius Vaitkus",
        "Lift to every floor; the pool area has a hoist.",
        minimum_age=18,
    ),
    Host(
        "essenia",
        "Salone Bellezza Amalfi",
        Sector.HAIRDRESSING,
        "Corso Vittorio Emanuele 140",
        "84123",
        "Hairdresser, colourist",
        "Italian, English",
        "Chiara De Luca",
        "Two steps at the entrance; a ramp is available on request.",
    ),
    Host(
        "essenia",
        "Grand Hotel Salerno Spa",
        Sector.HOTEL_HOSPITALITY,
        "Lungomare Clemente Tafuri 1",
        "84127",
        "Spa receptionist, beautician",
        "Italian, English",
        "Marco Galli",
        "Fully accessible hotel; staff changing rooms on the ground floor.",
        minimum_age=18,
    ),
    Host(
        "nova",
        "Schoonheidssalon Lente",
        Sector.BEAUTY_CARE,
        "Grote Houtstraat 88",
        "2011 SR",
        "Beautician, skin care specialist",
        "Dutch, English",
        "Eva Visser",
        "Step-free entrance; quiet room for breaks.",
        minimum_eqf_level=4,
    ),
    Host(
        "nova",
        "Kapsalon Spaarne",
        Sector.HAIRDRESSING,
        "Spaarne 27",
        "2011 CD",
        "Hairdresser, barber",
        "Dutch, English",
        "Daan Smit",
        "Salon on the first floor, no lift.",
    ),
    Host(
        "savo",
        "Kylpylä Rauhalahti",
        Sector.SPA_WELLNESS,
        "Katiskaniementie 8",
        "70700",
        "Spa therapist, beautician",
        "Finnish, English",
        "Leena Heikkinen",
        "Accessible spa and staff areas.",
        minimum_age=18,
    ),
    Host(
        "savo",
        "Kauneushoitola Helmi",
        Sector.BEAUTY_CARE,
        "Puijonkatu 19",
        "70100",
        "Beautician, nail technician",
        "Finnish, English",
        "Sari Laitinen",
        "Step-free entrance from the courtyard.",
    ),
]

OFFERS = [
    Offer(
        "Grožio namai Aura",
        "Facial and skin care",
        "Beautician",
        date(2027, 3, 1),
        date(2027, 3, 26),
        2,
        "Monday to Friday 9:00–17:00; uniform provided; bring closed white shoes.",
    ),
    Offer(
        "Kauno SPA viešbutis Nemunas",
        "Spa treatments and reception",
        "Spa therapist",
        date(2027, 4, 12),
        date(2027, 5, 7),
        3,
        "Shifts between 8:00 and 20:00, five days a week; staff meals included.",
    ),
    Offer(
        "Salone Bellezza Amalfi",
        "Hair styling and colour",
        "Hairdresser",
        date(2027, 3, 8),
        date(2027, 4, 2),
        2,
        "Tuesday to Saturday; the salon provides tools and products.",
    ),
    Offer(
        "Grand Hotel Salerno Spa",
        "Hotel spa: beauty treatments",
        "Beautician",
        date(2027, 4, 19),
        date(2027, 5, 14),
        3,
        "Shifts of 8 hours, weekends included with two days off; lunch provided.",
    ),
    Offer(
        "Schoonheidssalon Lente",
        "Skin care and make-up",
        "Beautician",
        date(2027, 3, 1),
        date(2027, 3, 26),
        2,
        "Monday to Friday; Dutch lessons offered by Nova College once a week.",
    ),
    Offer(
        "Kapsalon Spaarne",
        "Barbering and cuts",
        "Hairdresser",
        date(2027, 5, 3),
        date(2027, 5, 28),
        2,
        "Wednesday to Saturday, late opening on Thursday.",
    ),
    Offer(
        "Kylpylä Rauhalahti",
        "Spa and wellness treatments",
        "Spa therapist",
        date(2027, 3, 15),
        date(2027, 4, 9),
        3,
        "Shifts between 7:00 and 21:00; accommodation in the spa's staff house.",
    ),
    Offer(
        "Kauneushoitola Helmi",
        "Manicure, pedicure and nails",
        "Nail technician",
        date(2027, 4, 5),
        date(2027, 4, 30),
        2,
        "Monday to Friday 10:00–18:00.",
    ),
]


def seed_placements_demo(stdout=None) -> None:
    created = seed()
    if stdout is not None:
        stdout.write(f"Placements demo data: {created} new rows.")


def seed() -> int:
    """Create the hosts and placements that do not exist yet; returns how many rows were created."""
    partnership = Partnership.objects.filter(project_number=CURRENT_PROJECT_NUMBER).first()
    orgs = {org.slug: org for org in Organisation.objects.filter(slug__in=ORGANISATIONS)}
    emails = [f"{role}@{slug}.example" for slug in ORGANISATIONS for role in ("coordinator", "mentor")]
    users = {user.email: user for user in User.objects.filter(email__in=emails)}
    if partnership is None or len(orgs) < len(ORGANISATIONS) or len(users) < len(emails):
        return 0  # the partners or mobility demo data is missing
    created = 0
    hosts: dict[str, HostCompany] = {}
    for spec in HOSTS:
        org = orgs[spec.organisation]
        host = HostCompany.objects.filter(organisation=org, name=spec.name).first()
        if host is None:
            host = HostCompany(
                organisation=org,
                name=spec.name,
                sector=spec.sector,
                street=spec.street,
                postcode=spec.postcode,
                city=org.city,
                country=org.country,
                occupations=spec.occupations,
                languages=spec.languages,
                contact_name=spec.contact,
                contact_email=f"{spec.contact.split()[0].lower()}@host-{spec.organisation}.example",
                accessibility=spec.accessibility,
                insurance_notes="Public liability insurance covers trainees; learners bring the European Health "
                "Insurance Card and the school's accident insurance.",
                minimum_age=spec.minimum_age,
                minimum_eqf_level=spec.minimum_eqf_level,
            )
            services.save_host(
                host, mentors=[users[f"mentor@{spec.organisation}.example"]], by=coordinator(users, spec.organisation)
            )
            created += 1
        hosts[spec.name] = host
    for offer in OFFERS:
        host = hosts[offer.host]
        if Placement.objects.filter(host=host, title=offer.title).exists():
            continue
        slug = host.organisation.slug
        by = coordinator(users, slug)
        placement = Placement(
            host=host,
            partnership=partnership,
            title=offer.title,
            occupation=offer.occupation,
            eqf_level=4,
            start_date=offer.start,
            end_date=offer.end,
            places=offer.places,
            languages=host.languages,
            conditions=offer.conditions,
            mentor=users[f"mentor@{slug}.example"],
        )
        services.save_placement(placement, by=by)
        services.move_placement(placement, "publish", by=by)
        created += 1
    return created


def coordinator(users, slug: str) -> User:
    return users[f"coordinator@{slug}.example"]
