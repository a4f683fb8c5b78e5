"""Demo partners: the VISION partnership, its four organisations, the demo accounts and strategies."""

from datetime import date
from decimal import Decimal

from allauth.account.models import EmailAddress

from partners.models import (
    ContactPerson,
    Indicator,
    InternationalisationStrategy,
    Membership,
    Organisation,
    Partnership,
    PartnershipMember,
    StrategyGoal,
    Topic,
    User,
)
from partners.models.people import Role

# PIC and OID are well-formed demo identifiers, not the organisations' real ones.
ORGANISATIONS = [
    {
        "slug": "kmpmc",
        "pic": "949123456",
        "oid": "E10012345",
        "short_name": "KMPMC",
        "country": "LT",
        "city": "Kaunas",
        "legal_name": "Karaliaus Mindaugo profesinio mokymo centras",
        "latitude": Decimal("54.898521"),
        "longitude": Decimal("23.903597"),
        "address": "Kalvarijų g. 5, LT-44176 Kaunas",
        "website": "https://www.kmpmc.lt",
        "contact": ("Rasa Jonaitienė", "International projects coordinator"),
    },
    {
        "slug": "essenia",
        "pic": "912345678",
        "oid": "E10123456",
        "short_name": "Essenia UETP",
        "country": "IT",
        "city": "Salerno",
        "legal_name": "Essenia UETP – University and Enterprise Training Partnership s.r.l.",
        "latitude": Decimal("40.682441"),
        "longitude": Decimal("14.768096"),
        "kind": "intermediary",
        "address": "Via Roma 1, 84121 Salerno",
        "website": "https://www.essenia.it",
        "contact": ("Giulia Esposito", "Project manager"),
    },
    {
        "slug": "nova",
        "pic": "934567812",
        "oid": "E10234567",
        "short_name": "Nova College",
        "country": "NL",
        "city": "Haarlem",
        "legal_name": "Nova College",
        "latitude": Decimal("52.387386"),
        "longitude": Decimal("4.646219"),
        "address": "Zijlweg 200, 2015 CK Haarlem",
        "website": "https://www.novacollege.nl",
        "contact": ("Sanne de Vries", "International office"),
    },
    {
        "slug": "savo",
        "pic": "945678123",
        "oid": "E10345678",
        "short_name": "Savo Consortium",
        "country": "FI",
        "city": "Kuopio",
        "legal_name": "Savon koulutuskuntayhtymä / Savo Consortium for Education",
        "latitude": Decimal("62.892500"),
        "longitude": Decimal("27.677000"),
        "address": "Presidentinkatu 3, 70110 Kuopio",
        "website": "https://www.sakky.fi",
        "contact": ("Mikko Korhonen", "Head of international affairs"),
    },
]

# email, first, last, organisation slug, role
ACCOUNTS = [
    ("coordinator@kmpmc.example", "Rasa", "Jonaitienė", "kmpmc", Role.PROJECT_COORDINATOR),
    ("coordinator@essenia.example", "Giulia", "Esposito", "essenia", Role.PARTNER_COORDINATOR),
    ("coordinator@nova.example", "Sanne", "de Vries", "nova", Role.PARTNER_COORDINATOR),
    ("coordinator@savo.example", "Mikko", "Korhonen", "savo", Role.PARTNER_COORDINATOR),
    ("mentor@kmpmc.example", "Tomas", "Petrauskas", "kmpmc", Role.MENTOR),
    ("mentor@essenia.example", "Marco", "Romano", "essenia", Role.MENTOR),
    ("mentor@nova.example", "Femke", "Bakker", "nova", Role.MENTOR),
    ("mentor@savo.example", "Aino", "Virtanen", "savo", Role.MENTOR),
    ("learner@kmpmc.example", "Eglė", "Kazlauskaitė", "kmpmc", Role.LEARNER),
    ("learner@nova.example", "Lotte", "Jansen", "nova", Role.LEARNER),
]

# Printed beside signatures on the documents.
POSITIONS = {
    Role.PROJECT_COORDINATOR: "International projects coordinator",
    Role.PARTNER_COORDINATOR: "International relations coordinator",
    Role.MENTOR: "Workplace mentor",
    Role.LEARNER: "",
}

TOPICS = [
    "Quality Assurance",
    "Recognition, transparency, certification",
    "International cooperation, international relations, development cooperation",
]

# Example strategy goals per organisation: (goal, [(indicator, unit, baseline, target, current, due)]).
STRATEGIES = {
    "kmpmc": [
        (
            "Grow outgoing learner mobility",
            [
                ("Learners on mobility per year", "learners", 20, 40, 32, date(2022, 6, 30)),
                ("Mobilities with a signed ECVET Learning Agreement", "%", 30, 100, 85, date(2021, 12, 31)),
            ],
        )
    ],
    "essenia": [
        (
            "Broker quality host placements in Campania",
            [
                ("Host companies with a trained mentor", "companies", 5, 15, 11, date(2022, 3, 31)),
            ],
        )
    ],
    "nova": [
        (
            "Embed internationalisation in the Beauty curriculum",
            [
                ("Units with ECVET-described learning outcomes", "units", 0, 8, 3, date(2021, 9, 30)),
                ("Incoming learners hosted", "learners", 4, 12, 9, date(2022, 6, 30)),
            ],
        )
    ],
    "savo": [
        (
            "Blended mobility for every learner group",
            [
                ("Learner groups with a virtual mobility component", "groups", 0, 6, 6, date(2022, 6, 30)),
            ],
        )
    ],
}


def seed(password: str) -> int:
    """The partnership, organisations, accounts and strategies; returns the number of new rows."""
    created = 0
    topics = []
    for name in TOPICS:
        topic, new = Topic.objects.get_or_create(name=name)
        topics.append(topic)
        created += new
    orgs = {}
    for spec in ORGANISATIONS:
        spec = dict(spec)
        contact_name, contact_position = spec.pop("contact")
        org, new = Organisation.objects.get_or_create(slug=spec["slug"], defaults=spec)
        orgs[org.slug] = org
        created += new
        _contact, new = ContactPerson.objects.get_or_create(
            organisation=org,
            name=contact_name,
            defaults={"position": contact_position, "is_primary": True},
        )
        created += new
    vision, new = Partnership.objects.get_or_create(
        project_number="2019-1-LT01-KA202-060748",
        defaults={
            "slug": "vision",
            "acronym": "VISION",
            "title": "Capacity Building to Support VET Internationalization Strategies Implementation "
            "and Further Development",
            "key_action": Partnership.KeyAction.KA2,
            "action": Partnership.Action.KA202,
            "action_type": "Strategic Partnerships for vocational education and training (KA202)",
            "call_year": 2019,
            "start_date": date(2019, 10, 1),
            "end_date": date(2022, 6, 30),
            "eu_grant": Decimal("136836.00"),
            "objectives": "A sustainable network following each partner's internationalisation strategy; "
            "sharing experience of incoming and outgoing learner mobility; quality-assured "
            "mobility applying ECVET instruments.",
        },
    )
    created += new
    if new:
        vision.topics.set(topics)
    for slug, org in orgs.items():
        role = PartnershipMember.Role.COORDINATOR if slug == "kmpmc" else PartnershipMember.Role.PARTNER
        _member, new = PartnershipMember.objects.get_or_create(
            partnership=vision, organisation=org, defaults={"role": role}
        )
        created += new

    admin = User.objects.filter(email="admin@vision.example").first()
    if admin is None:
        admin = User.objects.create_superuser(
            "admin@vision.example", password, first_name="Portal", last_name="Administrator"
        )
        created += 1
    created += _verify(admin)
    for email, first, last, org_slug, role in ACCOUNTS:
        user, new = User.objects.get_or_create(
            email=email, defaults={"first_name": first, "last_name": last, "position": POSITIONS[role]}
        )
        if new:
            user.set_password(password)
            user.save(update_fields=["password"])
        created += new
        created += _verify(user)
        membership = Membership(user=user, organisation=orgs[org_slug], role=role)
        membership.apply_default_rights()
        _m, new = Membership.objects.get_or_create(
            user=user,
            organisation=orgs[org_slug],
            defaults={"role": role, **{name: getattr(membership, name) for name in membership.rights}},
        )
        created += new

    for org_slug, goals in STRATEGIES.items():
        strategy, new = InternationalisationStrategy.objects.get_or_create(
            partnership=vision,
            organisation=orgs[org_slug],
            defaults={
                "summary": "Example strategy (demo data).",
                "period_start": date(2019, 10, 1),
                "period_end": date(2022, 6, 30),
            },
        )
        created += new
        for order, (title, indicators) in enumerate(goals):
            goal, new = StrategyGoal.objects.get_or_create(strategy=strategy, title=title, defaults={"order": order})
            created += new
            for name, unit, baseline, target, current, due in indicators:
                _i, new = Indicator.objects.get_or_create(
                    goal=goal,
                    name=name,
                    defaults={
                        "unit": unit,
                        "baseline_value": baseline,
                        "target_value": target,
                        "current_value": current,
                        "due_date": due,
                    },
                )
                created += new
    return created


def _verify(user) -> int:
    _address, new = EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    return int(new)
