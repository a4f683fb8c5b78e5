"""Network-scale data for the page benchmark (bench/pages.py): N mobilities on top of the demo, with the rows the
pages show, written with COPY.

    # an empty database: migrate, cache table, seal certificate, seed_demo (vision.settings.local, DEBUG on)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench DEBUG=1 .venv/bin/python bench/scale_data.py base
    # then N mobilities more (again and again: each run adds N)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python bench/scale_data.py grow --mobilities 25000

Point MEDIA_ROOT and VISION_SIGNING_P12 at a temporary directory (seed_demo seals the demo's documents). `grow`
adds, for each of N mobilities of the two demo partnerships (VISION 2019 KA202, 2019-10 – 2022-06, 40 %; VISION
Mobility 2025 KA122-VET, 2025-06 – 2027-08, 60 %; 2023–2024 lie between the two projects), between two of the four
schools (sending ≠ receiving):

- its learner (one each; 10 % with a portal account), the status its dates allow (at 25,000: 39 % recognised, 26 %
  completed, 9 % in mobility, 5 % agreed, 7 % planned, 5 % draft, 9 % cancelled) with the status history and its
  audit rows; 7 % ErasmusPro, 25 % blended, green travel, 10 % without ECVET;
- the partnership's checklist (16 items, 400,000 at 25,000), ticked as the status and the documents say: 18 % of
  the items are open past their due date;
- a Learning Agreement (78 % of the mobilities) for every ECVET mobility that is agreed or later (one approved
  version; 8 % a superseded and an approved one; 4 % of the running ones an approved one and a change proposal
  awaiting approval), for most planned ones (draft or awaiting approval) and a few cancelled ones (withdrawn), with
  one to three units of the sending school's catalogue;
- the learning outcomes to assess (from the agreement), the mentor's assessment (submitted; 8 % corrected by a
  second version; drafts for stays running or just over) with its results and soft-skill ratings;
- the Personal Transcript of every recognised mobility (approved, with the recognition decision) and of a third of
  the completed ones (draft, awaiting approval, approved);
- the learner's report (two thirds of the finished stays);
- N/500 more mentors per school (the demo's mentor among them), training events (N/2,500 per partnership, with
  sessions, participants, attendance and evaluations) and dissemination (N/100 events with their audience, N/10
  activities with their reach).

Documents sent for approval carry the content ecvet froze (`version_content`, `transcript_content`, canonical JSON,
SHA-256), computed by ecvet's own functions on stand-ins of the rows written here, and the parties' approvals bound
to that hash; a sample is frozen again from the database at the end and must match, and `manage.py check_chain`
finds every state backed by its documents. Signals and services are bypassed; the foreign keys are checked once at
the end (one anti-join per key), then the sequences are reset, the tables analysed and the cache cleared. Grant
agreements, Europass documents and certificates stay the demo's.

Measured 2026-12-06 on the 2-core machine: 25,000 mobilities, 1.48 million rows (a 467 MB database) in 58 s when
the machine was otherwise idle, 73–88 s while a test suite ran beside it; 500 mobilities in 7 s.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
import unicodedata
import uuid
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# --- writing rows ----------------------------------------------------------------------------------------------

_REQUIRED = object()


class Table:
    """Rows of one model for COPY: primary keys allocated here, every column not given takes the field's default
    (callable defaults such as the UUID `code` are called per row)."""

    def __init__(self, model, now):
        from django.db import connection, models
        from django.utils.functional import Promise

        self.model = model
        fields = model._meta.concrete_fields
        self.columns = [f.column for f in fields]
        self.slots: dict[str, int] = {}
        self.base: list = []
        self.makers: list[tuple[int, object]] = []
        self.json_slots = [i for i, f in enumerate(fields) if isinstance(f, models.JSONField)]
        for i, f in enumerate(fields):
            self.slots[f.name] = self.slots[f.attname] = i
            value = _REQUIRED
            if f.primary_key:
                value = None
            elif f.name in ("created_at", "updated_at"):
                value = now
            elif f.has_default():
                if callable(f.default):
                    self.makers.append((i, f.default))
                    value = None
                else:
                    value = str(f.default) if isinstance(f.default, Promise) else f.default
            elif f.null:
                value = None
            elif isinstance(f, (models.CharField, models.TextField, models.FileField)):
                value = ""
            self.base.append(value)
        self.pk_slot = next(i for i, f in enumerate(fields) if f.primary_key)
        self.rows: list[list] = []
        self.written = 0
        with connection.cursor() as cursor:
            table, pk = model._meta.db_table, model._meta.pk.column
            cursor.execute(f'SELECT COALESCE(MAX("{pk}"), 0) FROM "{table}"')  # noqa: S608 - our own names
            self.next_id = cursor.fetchone()[0] + 1

    def add(self, **values) -> int:
        row = self.base.copy()
        for i, make in self.makers:
            row[i] = make()
        slots = self.slots
        for name, value in values.items():
            row[slots[name]] = value
        row[self.pk_slot] = pk = self.next_id
        self.next_id += 1
        self.rows.append(row)
        return pk

    def flush(self) -> None:
        if not self.rows:
            return
        from django.db import connection
        from psycopg.types.json import Jsonb

        missing = [self.columns[i] for i, v in enumerate(self.rows[0]) if v is _REQUIRED]
        if missing:
            raise ValueError(f"{self.model.__name__}: no value for {', '.join(missing)}")
        columns = ", ".join(f'"{c}"' for c in self.columns)
        sql = f'COPY "{self.model._meta.db_table}" ({columns}) FROM STDIN'
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for row in self.rows:
                for i in self.json_slots:
                    if row[i] is not None:
                        row[i] = Jsonb(row[i])
                copy.write_row(row)
        self.written += len(self.rows)
        self.rows = []


class Writer:
    """One Table per model; big tables are flushed as they fill (foreign keys are checked at the end)."""

    def __init__(self, now):
        self.now = now
        self.tables: dict[type, Table] = {}

    def add(self, model, **values) -> int:
        table = self.tables.get(model)
        if table is None:
            table = self.tables[model] = Table(model, self.now)
        pk = table.add(**values)
        if len(table.rows) >= 20_000:
            table.flush()
        return pk

    def flush(self) -> None:
        for table in self.tables.values():
            table.flush()

    def counts(self) -> dict[str, int]:
        return {t.model._meta.label: t.written for t in self.tables.values() if t.written}


def check_foreign_keys(models) -> None:
    """Every foreign key of the rows written points at a row (one anti-join per key: the load skipped the per-row
    triggers)."""
    from django.db import connection

    with connection.cursor() as cursor:
        for model in models:
            for field in model._meta.concrete_fields:
                if not field.is_relation:
                    continue
                child, parent = model._meta.db_table, field.related_model._meta.db_table
                key, target = field.column, field.target_field.column
                join = f'"{child}" c LEFT JOIN "{parent}" p ON p."{target}" = c."{key}"'
                where = f'c."{key}" IS NOT NULL AND p."{target}" IS NULL'
                cursor.execute(f"SELECT count(*) FROM {join} WHERE {where}")  # noqa: S608 - our own names
                orphans = cursor.fetchone()[0]
                if orphans:
                    raise RuntimeError(f"{orphans} rows of {model._meta.label}.{field.name} point at nothing")


# --- what the rows are made of -----------------------------------------------------------------------------------

NAMES = {
    "LT": (
        "Eglė Gabija Ugnė Austėja Emilija Kamilė Lukas Matas Dovydas Jonas Nojus Domantas Karolis Ieva Rugilė".split(),
        "Kazlauskas Jankauskas Petrauskas Stankevičius Vasiliauskas Žukauskas Butkus Paulauskas Urbonas Kavaliauskas "
        "Kazlauskaitė Jankauskaitė Petrauskaitė Vaitkutė Balčiūnaitė".split(),
    ),
    "IT": (
        "Chiara Sofia Giulia Martina Aurora Alice Francesco Alessandro Lorenzo Mattia Leonardo Gabriele Sara Anna "
        "Matteo".split(),
        "Russo Bianchi Ricci Greco Conti Gallo Romano Colombo Esposito Marino Bruno Ferrari Costa Fontana "
        "Rinaldi".split(),
    ),
    "NL": (
        "Lotte Emma Julia Sophie Tess Noah Daan Sem Luuk Milan Levi Fenna Sanne Jesse Thijs".split(),
        "Jansen Visser Smit Mulder Bakker Meijer Bos Vos Peters Hendriks Dekker Brouwer Dijkstra Kok Willems".split(),
    ),
    "FI": (
        "Emilia Helmi Venla Aino Ella Aada Onni Eetu Leevi Väinö Elias Oliver Ilona Iida Veeti".split(),
        "Mäkinen Nieminen Hämäläinen Koskinen Heikkinen Järvinen Virtanen Korhonen Laine Lehtonen Salonen Lehtinen "
        "Saarinen Niemi Rantanen".split(),
    ),
}
HOSTS = {
    "LT": ("Grožio studija", "Laisvės al. {n}, LT-44304 Kaunas"),
    "IT": ("Centro Estetico", "Corso Vittorio Emanuele {n}, 84123 Salerno"),
    "NL": ("Salon", "Grote Houtstraat {n}, 2011 SR Haarlem"),
    "FI": ("Kauneushoitola", "Kauppakatu {n}, 70100 Kuopio"),
}
HOST_NAMES = "Aura Sole Bloem Kuulas Luna Iris Rosa Lumo Viola Stella Nova Aurora".split()
SECTORS = ["Beauty salon", "Beauty salon", "Hairdressing salon", "Spa and wellness", "Hotel spa"]
RESULTS = ["achieved"] * 17 + ["partly"] * 2 + ["not_achieved"]
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
ACTIVITIES = (
    "Facial and skin-care treatments, client consultation and salon hygiene routines under the mentor's supervision."
)
METHOD = "Observation at work and a skills demonstration"
EVIDENCE = "Observed on several clients; notes in the mentor's log."

S_DRAFT, S_PLANNED, S_AGREED, S_IN, S_DONE, S_RECOGNISED, S_CANCELLED = (
    "draft",
    "planned",
    "agreed",
    "in_mobility",
    "completed",
    "recognised",
    "cancelled",
)
PATH = [S_DRAFT, S_PLANNED, S_AGREED, S_IN, S_DONE, S_RECOGNISED]
# Which checklist categories are done by each state (as the demo ticks them); items of later stages stay open.
DONE_BY_STATUS = {
    S_AGREED: {"preparation"},
    S_IN: {"preparation", "arrival", "monitoring"},
    S_DONE: {"preparation", "arrival", "monitoring", "incidents", "debriefing"},
}


def ascii_name(name: str) -> str:
    """“Eglė” → “egle”, for plausible email addresses."""
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").lower()


def status_for(rng: random.Random, start: date, end: date, today: date, ecvet: bool) -> str:
    """A status the dates allow, spread as in a running network (stays long over are mostly recognised)."""
    if end + timedelta(days=75) < today:
        choices = ((S_RECOGNISED, 60), (S_DONE, 25), (S_CANCELLED, 9), (S_IN, 6))
    elif end < today:
        choices = ((S_DONE, 50), (S_IN, 30), (S_RECOGNISED, 10), (S_CANCELLED, 10))
    elif start <= today:
        choices = ((S_IN, 93), (S_CANCELLED, 7))
    elif start <= today + timedelta(days=60):
        choices = ((S_AGREED, 60), (S_PLANNED, 25), (S_DRAFT, 5), (S_CANCELLED, 10))
    else:
        choices = ((S_DRAFT, 35), (S_PLANNED, 40), (S_AGREED, 15), (S_CANCELLED, 10))
    status = rng.choices([c for c, _w in choices], [w for _c, w in choices])[0]
    if status == S_RECOGNISED and (not ecvet or end + timedelta(days=35) > today):
        status = S_DONE
    return status


class Ctx:
    """The demo rows the new ones hang on, and the clock."""

    def __init__(self):
        from django.contrib.contenttypes.models import ContentType
        from django.db.models import prefetch_related_objects
        from django.utils import timezone

        from ecvet.models import LearningAgreementVersion, Memorandum, Qualification, Transcript
        from ecvet.services.agreements import default_learning_outcomes
        from funding.projects import organisation_distance_km
        from mobility.models import ChecklistTemplateItem, Mobility, SurveyQuestion
        from partners.models import Membership, Organisation, Partnership
        from partners.models.people import STAFF_ROLES, Role

        self.now = timezone.now()
        self.today = timezone.localdate()
        self.tz = timezone.get_current_timezone()
        self._at: dict[tuple[date, int], datetime] = {}
        self.orgs = list(Organisation.objects.filter(slug__in=["kmpmc", "essenia", "nova", "savo"]).order_by("pk"))
        if len(self.orgs) != 4:
            raise SystemExit("The demo organisations are missing: run `scale_data.py base` (seed_demo) first.")
        prefetch_related_objects(self.orgs, "contacts")  # the documents' content names each school's contact
        self.offset = Mobility.objects.count()  # `grow` may run again on the same database: new names, codes
        self.vision = Partnership.objects.get(slug="vision")
        self.current = Partnership.objects.get(slug="vision-mobility")
        self.distance = {(a.pk, b.pk): organisation_distance_km(a, b) for a in self.orgs for b in self.orgs}
        staff = list(Membership.objects.filter(organisation__in=self.orgs).select_related("user").order_by("pk"))
        self.coordinator = {m.organisation_id: m.user for m in staff if m.role in STAFF_ROLES}
        self.mentors = {
            o.pk: [m.user_id for m in staff if m.role == Role.MENTOR and m.organisation_id == o.pk] for o in self.orgs
        }
        self.emails = {m.user_id: m.user.email for m in staff}
        self.names = {m.user_id: m.user.get_full_name() for m in staff}
        self.templates = {
            p.pk: list(ChecklistTemplateItem.objects.filter(partnership=p).order_by("order", "id"))
            for p in (self.vision, self.current)
        }
        self.questions = {
            p.pk: list(SurveyQuestion.objects.filter(partnership=p, is_active=True).order_by("order", "id"))
            for p in (self.vision, self.current)
        }
        # Each school's qualifications with their units and the units' statements (the agreed learning outcomes).
        self.qualifications = {org.pk: [] for org in self.orgs}
        for q in Qualification.objects.filter(organisation__in=self.orgs).prefetch_related("units").order_by("pk"):
            units = sorted(q.units.all(), key=lambda u: (u.order, u.reference))
            if units:
                self.qualifications[q.organisation_id].append(
                    (q, units, {u.pk: default_learning_outcomes(u) for u in units})
                )
        self.memo = Memorandum.objects.filter(status=Memorandum.Status.IN_FORCE).order_by("-valid_from").first()
        memo = self.memo
        self.memo_points = dict(memo.memorandum_units.values_list("unit_id", "ecvet_points")) if memo else {}
        self.memo_orgs = set(memo.parties.values_list("organisation_id", flat=True)) if memo else set()
        self.la_type = ContentType.objects.get_for_model(LearningAgreementVersion).pk
        self.transcript_type = ContentType.objects.get_for_model(Transcript).pk

    def at(self, day: date, hour: int = 12) -> datetime:
        """`hour` o'clock on `day`, never in the future."""
        moment = self._at.get((day, hour))
        if moment is None:
            moment = min(datetime(day.year, day.month, day.day, hour, tzinfo=self.tz), self.now)
            self._at[day, hour] = moment
        return moment


class Mob:
    """What the rows hanging on one mobility need to know of it."""

    def __init__(self, **values):
        self.__dict__.update(values)
        self.units: list[tuple] = []  # (unit, statements, points) of the agreement in force
        self.in_force = None  # stand-in of the version in force (for the transcript's content)
        self.submitted = None  # (assessment id, version, [(unit, statement, result)], assessed on)


class _Rows(list):
    """Rows of a stand-in document, answering the related-manager calls ecvet's content functions make."""

    def all(self):
        return self

    def select_related(self, *fields):
        return self

    def order_by(self, *fields):
        return self  # built in the order those functions ask for


def frozen(content: dict) -> tuple[dict, str]:
    """As ecvet.services.approvals.freeze: the canonical JSON of the content, and its SHA-256."""
    from documents.canonical import canonical_json, content_sha256

    value = json.loads(canonical_json(content))
    return value, content_sha256(value)


class Grower:
    def __init__(self, ctx: Ctx, rng: random.Random, n: int):
        from django.urls import reverse

        self.ctx, self.rng, self.n = ctx, rng, n
        self.w = Writer(ctx.now)
        self.agreements = 0
        self.in_force: dict[int, SimpleNamespace] = {}  # mobility id -> stand-in of its version in force
        nil = "00000000-0000-0000-0000-000000000000"

        def path(name):
            return reverse(name, kwargs={"code": nil}).replace(nil, "{}")

        self.version_url = path("ecvet:agreement_version")
        self.transcript_url = path("ecvet:transcript_detail")
        self.report_url = path("mobility:report")
        self.assessment_url = path("mobility:assessment")

    def approval(self, content_type: int, object_id: int, party: str, m: Mob, sha: str, day: date) -> None:
        from ecvet.models import Approval

        if party == "learner":
            org, signer, name, email = None, m.learner_user, m.learner_name, m.learner_email
        else:
            org = m.sending if party == "sending" else m.receiving
            user = self.ctx.coordinator[org.pk]
            org, signer, name, email = org.pk, user.pk, user.get_full_name(), user.email
        self.w.add(Approval, content_type_id=content_type, object_id=object_id, party=party, organisation_id=org,
                   decision="approved", content_sha256=sha, signer_id=signer, signer_name=name, signer_email=email,
                   at=self.ctx.at(min(day, self.ctx.today)), ip_address="127.0.0.1")  # fmt: skip

    # -- people ---------------------------------------------------------------------------------------------------
    def user(self, email: str, first: str, last: str, org_id: int, role: str, joined: datetime) -> int:
        from allauth.account.models import EmailAddress

        from partners.models import Membership, User
        from partners.models.people import Right

        unusable = "!bench"  # noqa: S105 - an unusable password (Django's "!" prefix): nobody signs in as these
        # Every other column (active, not staff, no administrator rights) takes the model's default.
        uid = self.w.add(User, email=email, first_name=first, last_name=last, password=unusable, date_joined=joined)
        membership = Membership(role=role)
        membership.apply_default_rights()
        rights = {right: getattr(membership, right) for right in Right.values}
        self.w.add(Membership, user_id=uid, organisation_id=org_id, role=role, is_active=True, **rights)
        self.w.add(EmailAddress, user_id=uid, email=email, verified=True, primary=True)
        self.ctx.names[uid] = f"{first} {last}"
        self.ctx.emails[uid] = email
        return uid

    def mentors(self) -> None:
        from partners.models.people import Role

        for org in self.ctx.orgs:
            first_names, last_names = NAMES[org.country.code]
            for k in range(max(1, self.n // 500)):
                first, last = self.rng.choice(first_names), self.rng.choice(last_names)
                email = f"mentor.{self.ctx.offset + k}@{org.slug}.bench.example"
                uid = self.user(email, first, last, org.pk, Role.MENTOR, self.ctx.at(date(2019, 9, 1)))
                self.ctx.mentors[org.pk].append(uid)

    # -- one mobility and everything that hangs on it -------------------------------------------------------------
    def mobility(self, i: int) -> None:
        from mobility.models import Learner, Mobility, MobilityStatusChange
        from partners.models import AuditEntry
        from partners.models.people import Role

        ctx, rng, w = self.ctx, self.rng, self.w
        partnership = ctx.current if rng.random() < 0.6 else ctx.vision
        days = rng.randint(90, 120) if rng.random() < 0.07 else rng.choice((14, 14, 21, 21, 21, 28, 28, 28, 35, 42))
        first_day = partnership.start_date + timedelta(days=30)
        last_start = partnership.end_date - timedelta(days=days + 5)
        start = first_day + timedelta(days=rng.randint(0, (last_start - first_day).days))
        end = start + timedelta(days=days - 1)
        sending, receiving = rng.sample(ctx.orgs, 2)
        ecvet = rng.random() < 0.9
        status = status_for(rng, start, end, ctx.today, ecvet)
        created = ctx.at(min(start - timedelta(days=120), ctx.today), hour=9)

        country = sending.country.code
        first, last = rng.choice(NAMES[country][0]), rng.choice(NAMES[country][1])
        age = rng.choice((16, 17, 18, 18, 19, 19, 20, 21, 22, 24))
        born = start - timedelta(days=age * 365 + rng.randint(30, 330))
        email = f"{ascii_name(first)}.{ascii_name(last)}.{ctx.offset + i}@learners.{sending.slug}.example"
        learner_user = self.user(email, first, last, sending.pk, Role.LEARNER, created) if rng.random() < 0.1 else None
        fewer = rng.random() < 0.15
        minor = (start - born).days < 18 * 365
        person = dict(first_name=first, last_name=last, date_of_birth=born, email=email,
                      gender=rng.choice(("female", "female", "male", "male", "other", "undisclosed")),
                      guardian_name=f"Guardian of {first} {last}" if minor else "")  # fmt: skip
        learner = w.add(
            Learner, home_organisation_id=sending.pk, nationality=country, qualification_title="Beauty therapist",
            eqf_level=rng.choice((3, 4, 4, 5)), fewer_opportunities=fewer, special_needs=rng.random() < 0.04,
            emergency_contact_name=f"Parent of {first}", emergency_contact_phone="+000 600 00000",
            consent_given_on=min(start - timedelta(days=90), ctx.today), user_id=learner_user, created_at=created,
            updated_at=created, **person,
        )  # fmt: skip

        coordinator = ctx.coordinator[sending.pk].pk
        tutor = coordinator if rng.random() < 0.7 else None
        mentor = None if status == S_DRAFT and rng.random() < 0.5 else rng.choice(ctx.mentors[receiving.pk])
        green = partnership is ctx.current and rng.random() < 0.15
        company, address = HOSTS[receiving.country.code]
        n_host = rng.randrange(len(HOST_NAMES))
        code = uuid.UUID(int=rng.getrandbits(128), version=4)
        virtual = {}
        if rng.random() < 0.25:
            virtual = dict(virtual_start=start - timedelta(days=28), virtual_end=start - timedelta(days=3),
                           virtual_platform=rng.choice(("Moodle", "Microsoft Teams", "eTwinning")),
                           virtual_hours=12)  # fmt: skip
        no_assessment = ecvet and status == S_DONE and rng.random() < 0.03
        current = partnership is ctx.current
        mobility = w.add(
            Mobility, code=code, learner_id=learner, partnership_id=partnership.pk, sending_organisation_id=sending.pk,
            receiving_organisation_id=receiving.pk, kind="erasmus_pro" if days >= 90 else "short_term",
            status=status, uses_ecvet=ecvet, start_date=start, end_date=end, travel_days=4 if green else 2,
            green_travel=green, host_company=f"{company} {HOST_NAMES[n_host]}",
            host_address=address.format(n=10 + 7 * n_host), host_sector=rng.choice(SECTORS),
            planned_activities=ACTIVITIES, tutor_id=tutor, mentor_id=mentor,
            virtual_activities="Online induction to the host salon and product modules." if virtual else "",
            distance_km=ctx.distance[sending.pk, receiving.pk], ols_licence=current and days >= 19,
            inclusion_support_costs=Decimal("420.00") if fewer and current else Decimal("0"),
            no_assessment_reason="The host mentor left the company before the end." if no_assessment else "",
            created_at=created, updated_at=ctx.at(min(end + timedelta(days=30), ctx.today)), **virtual,
        )  # fmt: skip
        m = Mob(id=mobility, code=code, partnership=partnership, sending=sending, receiving=receiving, start=start,
                end=end, status=status, ecvet=ecvet, learner_user=learner_user, learner_name=f"{first} {last}",
                learner_email=email, coordinator=coordinator, host_staff=ctx.coordinator[receiving.pk].pk,
                mentor=mentor, tutor=tutor)  # fmt: skip
        if ecvet:  # the documents' content reads the mobility and the learner as model instances
            m.model = Mobility(pk=mobility, learner=Learner(pk=learner, **person), sending_organisation=sending,
                               receiving_organisation=receiving, start_date=start, end_date=end, **virtual)  # fmt: skip

        # History: the moves to the status, dated as in the story, each also in the audit log.
        actor = tutor or coordinator
        audit = dict(actor_id=actor, actor_email=ctx.emails[actor], object_type="mobility.mobility",
                     object_code=str(code), object_repr=f"{first} {last} → {receiving} ({start:%Y-%m-%d})"[:255],
                     partnership_id=partnership.pk, organisation_id=sending.pk)  # fmt: skip
        w.add(AuditEntry, verb="created", at=created, details={}, **audit)
        if status == S_CANCELLED:
            moves = [(S_DRAFT, S_PLANNED, start - timedelta(days=75)),
                     (S_PLANNED, S_CANCELLED, start - timedelta(days=20))]  # fmt: skip
        else:
            when = {S_PLANNED: start - timedelta(days=75), S_AGREED: start - timedelta(days=40), S_IN: start,
                    S_DONE: end + timedelta(days=1), S_RECOGNISED: end + timedelta(days=35)}  # fmt: skip
            path = PATH[: PATH.index(status) + 1]
            moves = [(a, b, when[b]) for a, b in zip(path, path[1:], strict=False)]
        for source, target, day in moves:
            moment = ctx.at(min(day, ctx.today), hour=10)
            reason = "The learner withdrew for family reasons." if target == S_CANCELLED else ""
            w.add(MobilityStatusChange, mobility_id=mobility, from_status=source, to_status=target, by_id=actor,
                  at=moment, reason=reason)  # fmt: skip
            w.add(AuditEntry, verb="state_changed", at=moment,
                  details={"field": "status", "from": source, "to": target}, **audit)  # fmt: skip

        events = {}  # chain event -> (day, evidence path)
        if ecvet:
            self.agreement(m, events)
        self.assessment(m, events, no_assessment)
        if ecvet and m.submitted and (status == S_RECOGNISED or (status == S_DONE and rng.random() < 0.35)):
            self.transcript(m, events)
        if status in (S_DONE, S_RECOGNISED) and rng.random() < 0.65:
            self.report(m, events)
        self.checklist(m, events)
        self.in_force.pop(mobility, None)  # read by this mobility's transcript only

    def agreement(self, m: Mob, events: dict) -> None:
        from ecvet.models import LearningAgreement, LearningAgreementUnit, LearningAgreementVersion
        from ecvet.services.agreements import version_content

        ctx, rng, w = self.ctx, self.rng, self.w
        V = LearningAgreementVersion.Status
        if m.status in (S_AGREED, S_IN, S_DONE, S_RECOGNISED):
            roll = rng.random()
            if roll < 0.08:
                plan = [V.SUPERSEDED, V.APPROVED]
            elif roll < 0.12 and m.status in (S_AGREED, S_IN):
                plan = [V.APPROVED, V.AWAITING]  # a change proposal against the version in force
            else:
                plan = [V.APPROVED]
        elif m.status == S_PLANNED and rng.random() < 0.7:
            plan = [rng.choice((V.DRAFT, V.AWAITING, V.AWAITING))]
        elif m.status == S_CANCELLED and rng.random() < 0.2:
            plan = [V.WITHDRAWN]
        elif m.status == S_DRAFT and rng.random() < 0.1:
            plan = [V.DRAFT]
        else:
            return
        self.agreements += 1
        qualification, units, statements = rng.choice(ctx.qualifications[m.sending.pk])
        chosen = units[:2] if rng.random() < 0.6 else rng.sample(units, min(len(units), rng.choice((1, 2, 3))))
        covered = bool(ctx.memo) and {m.sending.pk, m.receiving.pk} <= ctx.memo_orgs
        memorandum = ctx.memo if covered and all(u.pk in ctx.memo_points for u in chosen) else None
        created = ctx.at(min(m.start - timedelta(days=90), ctx.today))
        agreement_code = uuid.UUID(int=rng.getrandbits(128), version=4)
        agreement = w.add(LearningAgreement, code=agreement_code, mobility_id=m.id, created_at=created,
                          updated_at=created)  # fmt: skip
        stand_in_agreement = SimpleNamespace(code=agreement_code, mobility=m.model)
        mentor_name = ctx.names.get(m.mentor, "")
        previous = None
        for number, status in enumerate(plan, start=1):
            sent = status != V.DRAFT and not (status == V.WITHDRAWN and rng.random() < 0.5)
            sent_day = min(m.start - timedelta(days=60 - 20 * (number - 1)), ctx.today)
            fields = dict(
                number=number,
                reason_code="extending-mobility" if previous else "",
                reason_text="The host offers two more weeks of practice with clients." if previous else "",
                learner_progress="Second year of the programme; the salon basics and hygiene units are completed.",
                enclosures="Europass Mobility",
                assessment_documentation="Observation at work by the host mentor; results in the Personal Transcript.",
                validation_recognition="The home school validates the transcript and recognises the units.",
            )
            agreed, rows = [], []
            for order, unit in enumerate(chosen):
                points = min(unit.ecvet_points, Decimal(rng.choice((3, 4, 5, 6))))
                if memorandum is not None and ctx.memo_points.get(unit.pk) is not None:
                    points = min(points, ctx.memo_points[unit.pk])
                agreed.append((unit, statements[unit.pk], points))
                rows.append(dict(ecvet_points=points, learning_outcomes=statements[unit.pk], order=order,
                                 learning_activities=ACTIVITIES, assessment_method=f"{METHOD} on a client",
                                 assessor=mentor_name))  # fmt: skip
            version = SimpleNamespace(
                agreement=stand_in_agreement, based_on_id=previous and previous.pk, based_on=previous,
                memorandum_id=memorandum and memorandum.pk, memorandum=memorandum, qualification=qualification,
                units=_Rows(SimpleNamespace(unit=u, **row) for (u, _s, _p), row in zip(agreed, rows, strict=True)),
                **fields,
            )  # fmt: skip
            content, sha = frozen(version_content(version)) if sent else (None, "")
            code = uuid.UUID(int=rng.getrandbits(128), version=4)
            version.pk = w.add(
                LearningAgreementVersion, code=code, agreement_id=agreement, status=status,
                based_on_id=version.based_on_id, qualification_id=qualification.pk,
                memorandum_id=version.memorandum_id, created_by_id=m.coordinator,
                sent_at=ctx.at(sent_day, hour=11) if sent else None, frozen_content=content, content_sha256=sha,
                created_at=created, updated_at=ctx.at(sent_day), **fields,
            )  # fmt: skip
            for (unit, _s, _p), row in zip(agreed, rows, strict=True):
                w.add(LearningAgreementUnit, version_id=version.pk, unit_id=unit.pk, **row)
            if status in (V.APPROVED, V.SUPERSEDED):
                parties = ["learner", "sending", "receiving"]
                m.units = agreed
                if status == V.APPROVED:
                    m.in_force = self.in_force[m.id] = version
                    events["la_signed"] = (sent_day + timedelta(days=20), self.version_url.format(code))
            elif status == V.AWAITING:
                parties = rng.choice(([], ["sending"], ["sending"], ["sending", "receiving"]))
            else:
                parties = []
            for k, party in enumerate(parties):
                self.approval(ctx.la_type, version.pk, party, m, sha, sent_day + timedelta(days=5 + 5 * k))
            previous = version

    def assessment(self, m: Mob, events: dict, no_assessment: bool) -> None:
        from mobility.models import AssessmentItem, AssessmentResult, MentorAssessment, SoftSkill, SoftSkillRating

        ctx, rng, w = self.ctx, self.rng, self.w
        if not m.units:
            return
        items = []
        for unit, lines, _points in m.units:
            for n, line in enumerate(x.strip() for x in lines.splitlines() if x.strip()):
                pk = w.add(AssessmentItem, mobility_id=m.id, text=line, unit_code=unit.reference,
                           source="learning_agreement", external_ref=f"{unit.code}:{n}", order=len(items))  # fmt: skip
                items.append((pk, unit, line))
        if m.status in (S_DONE, S_RECOGNISED) and not no_assessment:
            versions = ["superseded", "submitted"] if rng.random() < 0.08 else ["submitted"]
        elif m.status == S_IN and rng.random() < (0.5 if m.end < ctx.today else 0.2):
            versions = ["draft"]
        else:
            return
        assessed_on = min(m.end - timedelta(days=1), ctx.today)
        for number, status in enumerate(versions, start=1):
            day = min(m.end + timedelta(days=2 + 10 * (number - 1)), ctx.today)
            pk = w.add(MentorAssessment, mobility_id=m.id, version=number, status=status, assessor_id=m.mentor,
                       overall_comment="Settled in quickly and worked carefully with clients.",
                       correction_reason="A result was entered for the wrong outcome." if number > 1 else "",
                       submitted_at=ctx.at(day) if status != "draft" else None)  # fmt: skip
            results = []
            for item, unit, line in items:
                result = rng.choice(RESULTS) if status != "draft" or rng.random() < 0.5 else ""
                results.append((unit, line, result))
                w.add(AssessmentResult, assessment_id=pk, item_id=item, result=result, method=METHOD if result else "",
                      evidence=EVIDENCE if result else "", assessed_on=assessed_on if result else None)  # fmt: skip
            for skill in SoftSkill.values:
                rating = rng.choice((2, 3, 3, 4)) if status != "draft" or rng.random() < 0.5 else None
                w.add(SoftSkillRating, assessment_id=pk, skill=skill, rating=rating)
            if status == "submitted":
                m.submitted = (pk, number, results, assessed_on)
                events["assessment_submitted"] = (m.end + timedelta(days=2), self.assessment_url.format(m.code))

    def transcript(self, m: Mob, events: dict) -> None:
        from ecvet.models import Transcript, TranscriptEntry, TranscriptUnit
        from ecvet.services.transcripts import transcript_content

        ctx, rng, w = self.ctx, self.rng, self.w
        assessment, assessment_version, results, assessed_on = m.submitted
        status = "approved" if m.status == S_RECOGNISED else rng.choice(("draft", "draft", "awaiting", "approved"))
        by_unit: dict[int, list[str]] = {}
        for unit, _line, result in results:
            by_unit.setdefault(unit.pk, []).append(result)
        points = {}
        for unit, _lines, agreed in m.units:
            unit_results = by_unit.get(unit.pk, [])
            if unit_results and all(r == "achieved" for r in unit_results):
                points[unit.pk] = agreed
            elif status != "draft" and any(r in ("achieved", "partly") for r in unit_results):
                points[unit.pk] = (agreed / 2).quantize(Decimal("0.1"))  # the host's decision on a mixed unit
            else:
                points[unit.pk] = Decimal("0")
        total = sum(points.values(), Decimal("0"))
        decision = {}
        if m.status == S_RECOGNISED:
            full = all(all(r == "achieved" for r in by_unit.get(u.pk, [""])) for u, _l, _p in m.units)
            choice = "recognised" if full else ("partly" if total > 0 else "not_recognised")
            decision = dict(decision=choice, decided_on=min(m.end + timedelta(days=35), ctx.today),
                            decided_by_id=m.coordinator, decided_by_name=ctx.names[m.coordinator],
                            points_recognised=total if choice != "not_recognised" else Decimal("0"),
                            how_it_counts="The units count as completed; no assessment at home.")  # fmt: skip
        assessor = ctx.names.get(m.mentor, "")
        entries = [
            dict(unit_reference=unit.reference, outcome=line, method=METHOD, assessed_on=assessed_on,
                 assessor=assessor, result=result, evidence=EVIDENCE, order=order)
            for order, (unit, line, result) in enumerate(results)
        ]  # fmt: skip
        units = sorted(
            (SimpleNamespace(unit=unit, points_awarded=points[unit.pk]) for unit, _l, _p in m.units),
            key=lambda u: u.unit.reference,
        )
        code = uuid.UUID(int=rng.getrandbits(128), version=4)
        remarks = "Punctual and careful; very good client contact."
        content, sha = None, ""
        if status != "draft":
            stand_in = SimpleNamespace(code=code, mobility=m.model, host_remarks=remarks, units=_Rows(units),
                                       assessment=SimpleNamespace(version=assessment_version),
                                       entries=_Rows(SimpleNamespace(**e) for e in entries))  # fmt: skip
            content, sha = frozen(transcript_content(stand_in))
        transcript = w.add(Transcript, code=code, mobility_id=m.id, assessment_id=assessment, status=status,
                           host_remarks=remarks, frozen_content=content, content_sha256=sha, **decision)  # fmt: skip
        for entry, (unit, _line, _result) in zip(entries, results, strict=True):
            w.add(TranscriptEntry, transcript_id=transcript, unit_id=unit.pk, **entry)
        for unit in units:
            w.add(TranscriptUnit, transcript_id=transcript, unit_id=unit.unit.pk, points_awarded=unit.points_awarded)
        if status == "approved":
            day = min(m.end + timedelta(days=20), ctx.today)
            self.approval(ctx.transcript_type, transcript, "receiving", m, sha, day)
            events["transcript_approved"] = (day, self.transcript_url.format(code))
        if m.status == S_RECOGNISED:
            events["recognition_recorded"] = (m.end + timedelta(days=35), self.transcript_url.format(code))

    def report(self, m: Mob, events: dict) -> None:
        from mobility.models import LearnerAnswer, LearnerReport

        rng, w = self.rng, self.w
        day = min(m.end + timedelta(days=10), self.ctx.today)
        report = w.add(LearnerReport, mobility_id=m.id, submitted_at=self.ctx.at(day, hour=18))
        for question in self.ctx.questions[m.partnership.pk]:
            if question.kind == "scale":
                answer = {"scale_value": rng.choice((3, 4, 4, 5, 5))}
            else:
                answer = {"text": rng.choice(VALUABLE if "valuable" in question.text else IMPROVE)}
            w.add(LearnerAnswer, report_id=report, question_id=question.pk, **answer)
        events["report_filed"] = (day, self.report_url.format(m.code))

    def checklist(self, m: Mob, events: dict) -> None:
        from mobility.models import ChecklistItem

        ctx, rng, w = self.ctx, self.rng, self.w
        today = ctx.today
        who = {"sending": m.tutor or m.coordinator, "receiving": m.host_staff, "mentor": m.mentor or m.host_staff,
               "learner": m.learner_user}  # fmt: skip
        manual_done = DONE_BY_STATUS.get(m.status, set())
        for t in ctx.templates[m.partnership.pk]:
            due = (m.start if t.anchor == "start" else m.end) + timedelta(days=t.offset_days)
            done_day, automatic, evidence = None, False, ""
            if t.chain_event:  # ticked by its document, with the document as evidence
                if t.chain_event in events:
                    done_day, evidence = events[t.chain_event]
                    automatic = True
            elif m.status == S_RECOGNISED and t.responsible != "learner":
                done_day = due
            elif not m.ecvet and m.status == S_DONE and due <= m.end:
                done_day = due  # completing a stay without ECVET needs every item due by its end
            elif t.category in manual_done and due <= today and rng.random() < 0.93:
                done_day = due
            elif m.status == S_CANCELLED and due <= today and rng.random() < 0.5:
                done_day = due
            w.add(ChecklistItem, mobility_id=m.id, template_item_id=t.pk, title=t.title, guidance=t.guidance,
                  category=t.category, responsible=t.responsible, due_date=due, order=t.order,
                  chain_event=t.chain_event, done_automatically=automatic, evidence_url=evidence,
                  done_at=ctx.at(min(done_day, today), hour=8 + t.order % 9) if done_day else None,
                  done_by_id=who[t.responsible] if done_day else None,
                  note="Done." if done_day and not automatic else "")  # fmt: skip

    # -- training and dissemination -------------------------------------------------------------------------------
    def training(self) -> None:
        from training_events.models import (
            Attendance,
            EvaluationAnswer,
            EvaluationQuestion,
            EvaluationResponse,
            Participant,
            Session,
            TrainingEvent,
        )

        ctx, rng, w = self.ctx, self.rng, self.w
        questions_text = [("How useful was the training?", "scale"), ("How good was the organisation?", "scale"),
                          ("What will you apply at work?", "text")]  # fmt: skip
        for partnership in (ctx.vision, ctx.current):
            for k in range(max(2, self.n // 2500)):
                host = rng.choice(ctx.orgs)
                span = (partnership.end_date - partnership.start_date).days - 40
                start = partnership.start_date + timedelta(days=20 + rng.randint(0, span))
                days = rng.choice((2, 3, 3, 5))
                event = w.add(TrainingEvent, partnership_id=partnership.pk, host_organisation_id=host.pk,
                              title=f"Joint staff training {k + 1}: quality in learner mobility", topic="ECVET",
                              format=rng.choice(("on_site", "on_site", "blended", "online")), city=host.city,
                              venue=host.legal_name[:200], start_date=start, end_date=start + timedelta(days=days - 1),
                              capacity_per_organisation=20, description="Workshops, peer learning, site visits.",
                              learning_outcomes="Plans a quality mobility\nUses the ECVET instruments",
                              is_public=rng.random() < 0.5)  # fmt: skip
                sessions = [
                    w.add(Session, event_id=event, day=start + timedelta(days=d), start_time=f"{h}:00",
                          end_time=f"{h + 2}:30", title=f"Session {d + 1}.{h}")
                    for d in range(days)
                    for h in (9, 13)
                ]  # fmt: skip
                questions = [
                    w.add(EvaluationQuestion, event_id=event, order=q, text=text, kind=kind, required=True)
                    for q, (text, kind) in enumerate(questions_text)
                ]
                over = start + timedelta(days=days) <= ctx.today
                for p in range(rng.randint(15, 60)):
                    org = ctx.orgs[p % 4]
                    first, last = rng.choice(NAMES[org.country.code][0]), rng.choice(NAMES[org.country.code][1])
                    status = "cancelled" if rng.random() < 0.08 else "registered"
                    participant = w.add(Participant, event_id=event, organisation_id=org.pk, first_name=first,
                                        last_name=last, email=f"staff.{p}@{org.slug}.bench.example",
                                        position="Teacher", status=status,
                                        registered_by_id=ctx.coordinator[org.pk].pk)  # fmt: skip
                    if not over or status == "cancelled":
                        continue
                    for session in sessions:
                        w.add(Attendance, participant_id=participant, session_id=session, present=rng.random() < 0.9,
                              marked_by_id=ctx.coordinator[host.pk].pk, marked_at=ctx.at(start))  # fmt: skip
                    if rng.random() < 0.6:
                        response = w.add(EvaluationResponse, event_id=event, participant_id=participant,
                                         submitted_at=ctx.at(start + timedelta(days=days)))  # fmt: skip
                        for q, question in enumerate(questions):
                            answer = {"scale": rng.choice((3, 4, 4, 5))} if q < 2 else {"text": "The checklists."}
                            w.add(EvaluationAnswer, response_id=response, question_id=question, **answer)

    def dissemination(self) -> None:
        from dissemination.models import Activity, Audience, DisseminationEvent, ReachTarget

        ctx, rng, w = self.ctx, self.rng, self.w
        groups = ["learners", "vet_staff", "employers", "policy_makers", "parents", "other"]
        channels = ["publication", "article", "social_media", "website", "newsletter", "other"]

        def when():
            partnership = ctx.current if rng.random() < 0.6 else ctx.vision
            days = (partnership.end_date - partnership.start_date).days
            return partnership, partnership.start_date + timedelta(days=rng.randint(0, days))

        for k in range(max(4, self.n // 100)):
            partnership, day = when()
            org = rng.choice(ctx.orgs)
            event = w.add(DisseminationEvent, partnership_id=partnership.pk, organisation_id=org.pk,
                          title=f"Mobility results day {k + 1}", date=day, place=org.city, country=org.country.code,
                          kind=rng.choice(("national", "multiplier", "conference", "other")),
                          format=rng.choice(("on_site", "online", "blended")),
                          agenda="Results of the mobilities; learners tell their story.",
                          outcomes="Employers offered new placements.", is_public=rng.random() < 0.5)  # fmt: skip
            for group in rng.sample(groups, rng.randint(2, 4)):
                w.add(Audience, event_id=event, group=group, national=rng.randint(5, 120),
                      international=rng.randint(0, 20))  # fmt: skip
        for k in range(max(10, self.n // 10)):
            partnership, day = when()
            w.add(Activity, partnership_id=partnership.pk, organisation_id=rng.choice(ctx.orgs).pk,
                  channel=rng.choice(channels), title=f"Post {k + 1}: our learners abroad", date=day,
                  language=rng.choice(("en", "lt", "it", "nl", "fi")), reach=int(rng.lognormvariate(5, 1.2)),
                  audience=rng.choice(groups), is_public=rng.random() < 0.4)  # fmt: skip
        if not ReachTarget.objects.filter(partnership=ctx.current).exists():
            for group in groups[:4]:
                w.add(ReachTarget, partnership_id=ctx.current.pk, group=group, channel="", target=1000)
            for channel in channels[:3]:
                w.add(ReachTarget, partnership_id=ctx.current.pk, group="", channel=channel, target=5000)


@contextmanager
def versions_in_force(grower: Grower):
    """`transcript_content` asks the database for the Learning Agreement in force (one query per transcript);
    while the rows are built, the stand-in of the version just written answers instead."""
    from ecvet.services import transcripts

    original = transcripts.approved_version
    transcripts.approved_version = lambda mobility: grower.in_force.get(mobility.pk)
    try:
        yield
    finally:
        transcripts.approved_version = original


def check_frozen(sample: int = 100) -> None:
    """A sample of the frozen documents, frozen again from the database by ecvet itself, must match."""
    from documents.canonical import content_sha256
    from ecvet.models import LearningAgreementVersion, Transcript
    from ecvet.services import approvals

    for model in (LearningAgreementVersion, Transcript):
        for document in model.objects.exclude(frozen_content=None).order_by("?")[:sample]:
            stored = content_sha256(document.frozen_content)
            if approvals.freeze(document) != stored:
                raise RuntimeError(f"{model.__name__} {document.pk}: the frozen content differs from ecvet's")


def grow(n: int, *, seed: int = 15, out=print) -> dict[str, int]:
    """Add `n` mobilities and their rows to the demo in the default database; returns rows written per model."""
    from django.core.cache import cache
    from django.core.management.color import no_style
    from django.db import connection, transaction

    ctx = Ctx()
    began = time.perf_counter()
    with transaction.atomic():
        with connection.cursor() as cursor:
            # Per-row foreign-key triggers off for this transaction (superuser only; checked below in one pass).
            try:
                with transaction.atomic():
                    cursor.execute("SET LOCAL session_replication_role = replica")
            except Exception:  # noqa: BLE001 - not a superuser: the deferred per-row checks run at commit instead
                out("  (not a superuser: foreign keys are checked row by row at commit)")
        grower = Grower(ctx, random.Random(seed + ctx.offset), n)  # a second run draws other codes
        grower.mentors()
        with versions_in_force(grower):
            for i in range(n):
                grower.mobility(i)
        grower.training()
        grower.dissemination()
        grower.w.flush()
        out(f"  rows built and written in {time.perf_counter() - began:.1f} s")
        models = list(grower.w.tables)
        check_foreign_keys(models)
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)
    out(f"  foreign keys checked, committed in {time.perf_counter() - began:.1f} s")
    with connection.cursor() as cursor:
        # What autovacuum does to a live database soon after a bulk load: statistics, and the visibility map
        # without which every count reads the heap instead of an index (5 x slower at 25,000 rows).
        cursor.execute("VACUUM ANALYZE")
    cache.clear()  # dashboards and rules cached before the load
    check_frozen()
    out(f"  vacuumed and analysed, frozen documents checked in {time.perf_counter() - began:.1f} s")
    counts = grower.w.counts()
    counts["learning agreements (share of mobilities, %)"] = round(100 * grower.agreements / max(n, 1))
    return counts


def base() -> None:
    """Migrate the (empty) database, create the cache table and a seal certificate, seed the demo."""
    from django.conf import settings
    from django.core.management import call_command

    if not settings.DEBUG:
        raise SystemExit("seed_demo needs DEBUG on: run with vision.settings.local and DEBUG=1.")
    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    if not Path(settings.VISION_SIGNING_P12).exists():
        call_command("create_signing_certificate", verbosity=0)
    with open(os.devnull, "w") as quiet:  # the demo narrates every step
        call_command("seed_demo", verbosity=0, stdout=quiet)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("step", choices=["base", "grow"])
    parser.add_argument("--mobilities", type=int, default=25_000)
    parser.add_argument("--seed", type=int, default=15)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vision.settings.local")
    import logging

    import django

    django.setup()
    logging.getLogger("celery").setLevel(logging.WARNING)  # a line per sealed demo document otherwise
    began = time.perf_counter()
    if args.step == "base":
        base()
        print(f"base: migrated and seeded the demo in {time.perf_counter() - began:.1f} s", flush=True)
        return
    from django.conf import settings

    settings.DEBUG = False  # no query log while loading
    counts = grow(args.mobilities, seed=args.seed, out=lambda line: print(line, flush=True))
    total = sum(v for k, v in counts.items() if "." in k)
    print(f"grow: {args.mobilities:,} mobilities, {total:,} rows in {time.perf_counter() - began:.1f} s")
    for label, count in sorted(counts.items(), key=lambda kv: -kv[1]):
        print(f"  {label:<46}{count:>10,}")


if __name__ == "__main__":
    main()
