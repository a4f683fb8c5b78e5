"""GDPR for learners: export everything the portal holds about one learner, and erase a learner.

Both start from one collection (`collect`), so "everything about the learner" means the same for the
export and for the erasure. Erasure anonymises in place instead of deleting: what the grant reporting
must keep (dates, organisations, partnership, type, status, duration, distance, results, counts,
inclusion flags) stays; whatever identifies the person goes, including copies in history, free text,
evidence files and audit details (docs/decisions.md, "GDPR").

Apps above mobility (ecvet, ...) that hold learner data plug in through the two signals below; mobility
never imports them.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import Prefetch, Q
from django.dispatch import Signal
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django_countries.fields import Country

from partners import audit
from partners.models import AuditEntry, Invitation, Membership, User

from ..access import is_work_account
from ..models import (
    AssessmentItem,
    AssessmentResult,
    ChecklistItem,
    Learner,
    LearnerAnswer,
    LearnerReport,
    MentorAssessment,
    Mobility,
    MobilityStatusChange,
    SoftSkillRating,
)

EXPORT_FORMAT = "vision-learner-export/1"
# What replaces an identifier or an erased free-text value. Stored data, so not translated.
ERASED = "[erased]"
# Parts of a name shorter than this are only erased as part of the whole name ("van", "de" are kept
# inside other words' text; a whole last name "Li" is still erased).
MIN_NAME_PART = 3
DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y", "%d-%m-%Y", "%m/%d/%Y", "%Y/%m/%d", "%d.%m.%y", "%Y%m%d")
# Audit details under keys containing one of these are free text or personal values: erased whole.
PERSONAL_KEY_PARTS = (
    "name",
    "mail",
    "phone",
    "birth",
    "reason",
    "note",
    "comment",
    "evidence",
    "text",
    "answer",
    "guardian",
    "emergency",
    "nationality",
    "gender",
    "address",
)

# Sent while collecting an export: receivers return {key: {"title": str, "data": <JSON-able>}}.
collecting_learner_data = Signal()
# Sent inside the erasure transaction, before the learner's own fields change: receivers anonymise
# their records about `learner`, using `scrub` (a Scrubber) for free text they keep.
erasing_learner = Signal()


# --- identifiers -------------------------------------------------------------------------------------


def _fold(text: str) -> str:
    """Without accents, in lower case: "Kairytė-Ölund" → "kairyte-olund"."""
    return unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii").casefold()


class Scrubber:
    """Replaces one person's identifiers (names, email addresses, phone numbers, birth date in the usual
    notations) with ERASED, in text and in JSON."""

    def __init__(
        self,
        *,
        names: Iterable[str] = (),
        emails: Iterable[str] = (),
        literals: Iterable[str] = (),
        dates: Iterable[date | None] = (),
    ):
        words: set[str] = set()
        for name in names:
            name = (name or "").strip()
            if name:
                words.add(name)
                words.update(part for part in re.findall(r"\w+", name) if len(part) >= MIN_NAME_PART)
        plain = {e.strip() for e in emails if e and e.strip()}
        plain |= {s.strip() for s in literals if s and len(s.strip()) >= 5}
        numeric: set[str] = set()
        for day in dates:
            if day:
                numeric.update(day.strftime(f) for f in DATE_FORMATS)
                numeric.update({f"{day.day}.{day.month}.{day.year}", f"{day.day}/{day.month}/{day.year}"})
        # The name parts as they appear in slugs and file names: without accents, in any case, run together.
        self.folded_parts = sorted({_fold(w) for w in words if len(_fold(w)) >= MIN_NAME_PART}, key=len, reverse=True)
        by_length = lambda items: sorted(items, key=len, reverse=True)  # noqa: E731 - longest first wins
        parts = [re.escape(p) for p in by_length(plain)]
        parts += [rf"(?<!\d){re.escape(p)}(?!\d)" for p in by_length(numeric)]
        parts += [rf"(?<!\w){re.escape(w)}(?!\w)" for w in by_length(words)]
        self.pattern = re.compile("|".join(parts), re.IGNORECASE) if parts else None

    def text(self, value: str) -> str:
        if not value or self.pattern is None:
            return value
        return self.pattern.sub(ERASED, value)

    def mentions(self, value: str) -> bool:
        """Whether `value` holds one of the person's name parts anywhere, also inside a slug or a file name
        ("mobility-kairyte-1a2b.zip" mentions "Kairytė"): a part of four letters or more anywhere, a shorter one
        between non-letters."""
        if not value or not isinstance(value, str):
            return False
        folded = _fold(value)
        return any(
            part in folded if len(part) >= 4 else re.search(rf"(?<![a-z]){re.escape(part)}(?![a-z])", folded)
            for part in self.folded_parts
        )

    def audit_text(self, value: str) -> str:
        """A value of an audit entry: identifiers replaced, and the whole value erased if it still mentions the
        person (issue 17: whatever its key, e.g. a ZIP file name made of the surname)."""
        cleaned = self.text(value)
        return ERASED if self.mentions(cleaned) else cleaned

    def audit_json(self, value: Any) -> Any:
        """`json()` for audit details, erasing whole every value that mentions the person."""
        return self.json(value, audit=True)

    def json(self, value: Any, personal: bool = False, *, audit: bool = False) -> Any:
        """Scrub identifiers everywhere; erase whole every text under a key that names personal data
        or free text (e.g. {"first_name": {"from": "Zeph", "to": ...}}), and with `audit` every text that still
        mentions the person (`audit_text`)."""
        words = self.audit_text if audit else self.text
        if isinstance(value, dict):
            return {
                words(str(k)): self.json(
                    v, personal or any(p in str(k).lower() for p in PERSONAL_KEY_PARTS), audit=audit
                )
                for k, v in value.items()
            }
        if isinstance(value, list | tuple):
            return [self.json(v, personal, audit=audit) for v in value]
        if isinstance(value, str):
            return ERASED if value and personal else words(value)
        return value


# --- collection --------------------------------------------------------------------------------------


@dataclass
class LearnerDossier:
    """Everything the portal holds about one learner, loaded in a fixed number of queries."""

    learner: Learner
    account: User | None
    email_addresses: list = field(default_factory=list)
    memberships: list[Membership] = field(default_factory=list)
    mobilities: list[Mobility] = field(default_factory=list)
    invitations: list[Invitation] = field(default_factory=list)
    audit_entries: list[AuditEntry] = field(default_factory=list)
    extra: dict[str, dict] = field(default_factory=dict)
    collected_at: datetime = field(default_factory=timezone.now)

    @property
    def emails(self) -> set[str]:
        found = {self.learner.email}
        if self.account:
            found.add(self.account.email)
        found.update(address.email for address in self.email_addresses)
        return {e for e in found if e}

    def scrubber(self) -> Scrubber:
        learner, account = self.learner, self.account
        names = [learner.first_name, learner.last_name, f"{learner.first_name} {learner.last_name}"]
        names += [learner.guardian_name, learner.emergency_contact_name]
        if account:
            names += [account.first_name, account.last_name, account.get_full_name()]
        # Invitations to the learner's addresses carry the learner's name as the inviter typed it.
        for invitation in self.invitations:
            names += [invitation.first_name, invitation.last_name]
        literals = [learner.guardian_phone, learner.emergency_contact_phone, account.phone if account else ""]
        return Scrubber(
            names=names,
            emails=[*self.emails, learner.guardian_email, *(i.email for i in self.invitations)],
            literals=literals,
            dates=[learner.date_of_birth],
        )


def _fk_names(model, exclude: Iterable[str] = ()) -> list[str]:
    return [f.name for f in model._meta.concrete_fields if f.is_relation and f.name not in exclude]


def _mobilities(learner: Learner) -> list[Mobility]:
    assessments = MentorAssessment.objects.select_related("assessor").prefetch_related(
        Prefetch("results", queryset=AssessmentResult.objects.select_related("item")), "soft_skills"
    )
    return list(
        Mobility.objects.filter(learner=learner)
        .select_related(*_fk_names(Mobility, exclude=["learner"]), "learner_report")
        .prefetch_related(
            Prefetch("status_changes", queryset=MobilityStatusChange.objects.select_related("by").order_by("at", "id")),
            Prefetch("checklist", queryset=ChecklistItem.objects.select_related("done_by")),
            "assessment_items",
            Prefetch("assessments", queryset=assessments.order_by("version")),
            Prefetch("learner_report__answers", queryset=LearnerAnswer.objects.select_related("question")),
        )
        .order_by("start_date", "id")
    )


def report_of(mobility: Mobility) -> LearnerReport | None:
    try:
        return mobility.learner_report
    except ObjectDoesNotExist:
        return None


def _object_keys(dossier: LearnerDossier) -> dict[str, set[str]]:
    """Audit/admin keys (model label → codes) of every record about the learner."""
    keys: dict[str, set[str]] = {
        Learner._meta.label_lower: {str(dossier.learner.code)},
        Mobility._meta.label_lower: set(),
        ChecklistItem._meta.label_lower: set(),
        AssessmentItem._meta.label_lower: set(),
        MentorAssessment._meta.label_lower: set(),
        LearnerReport._meta.label_lower: set(),
        Membership._meta.label_lower: {str(m.code) for m in dossier.memberships},
        Invitation._meta.label_lower: {str(i.code) for i in dossier.invitations},
    }
    if dossier.account:
        keys[User._meta.label_lower] = {str(dossier.account.code)}
    for mobility in dossier.mobilities:
        keys[Mobility._meta.label_lower].add(str(mobility.code))
        keys[ChecklistItem._meta.label_lower].update(str(i.code) for i in mobility.checklist.all())
        keys[AssessmentItem._meta.label_lower].update(str(i.code) for i in mobility.assessment_items.all())
        keys[MentorAssessment._meta.label_lower].update(str(a.code) for a in mobility.assessments.all())
        report = report_of(mobility)
        if report:
            keys[LearnerReport._meta.label_lower].add(str(report.code))
    return keys


def _json_contains(name: str, needle: str) -> Q:
    # SQLite stores JSON with non-ASCII characters escaped (\u00e9), PostgreSQL as they are: try both.
    query = Q(**{f"{name}__icontains": needle})
    escaped = json.dumps(needle)[1:-1]
    return query | Q(**{f"{name}__icontains": escaped}) if escaped != needle else query


def _audit_entries(dossier: LearnerDossier) -> list[AuditEntry]:
    query = Q()
    for label, codes in _object_keys(dossier).items():
        if codes:
            query |= Q(object_type=label, object_code__in=codes)
    if dossier.account:
        query |= Q(actor=dossier.account)
    # Entries about other records that name the learner (e.g. an import listing the new learners), and those that
    # carry a mobility's code in a file name (older releases named a mobility's ZIP after the learner).
    for mobility in dossier.mobilities:
        query |= _json_contains("details", str(mobility.code)[:8])
    full_name = f"{dossier.learner.first_name} {dossier.learner.last_name}"
    query |= Q(object_repr__icontains=full_name) | _json_contains("details", full_name)
    for email in dossier.emails:
        query |= Q(actor_email__iexact=email) | Q(object_repr__icontains=email) | _json_contains("details", email)
    return list(AuditEntry.objects.filter(query).select_related("organisation", "partnership").order_by("at", "id"))


def collect(learner: Learner) -> LearnerDossier:
    """Load the dossier. Fixed number of queries, whatever the size of the learner's history."""
    learner = Learner.objects.select_related(*_fk_names(Learner)).get(pk=learner.pk)
    account = learner.user
    dossier = LearnerDossier(learner=learner, account=account)
    if account:
        dossier.memberships = list(Membership.objects.filter(user=account).select_related("organisation"))
        if apps.is_installed("allauth.account"):
            email_address = apps.get_model("account", "EmailAddress")
            dossier.email_addresses = list(email_address.objects.filter(user=account).order_by("email"))
    dossier.mobilities = _mobilities(learner)
    invitation_q = Q(pk__in=[])
    for email in dossier.emails:
        invitation_q |= Q(email__iexact=email)
    if account:
        invitation_q |= Q(accepted_by=account)
    dossier.invitations = list(
        Invitation.objects.filter(invitation_q).select_related("organisation", "invited_by").order_by("created_at")
    )
    dossier.audit_entries = _audit_entries(dossier)
    for _receiver, sections in collecting_learner_data.send(sender=Learner, learner=learner):
        dossier.extra.update(sections or {})
    return dossier


# --- export ------------------------------------------------------------------------------------------

# Fields left out of the readable page (still in the JSON): identifiers and bookkeeping.
TECHNICAL = {"code", "order", "created_at", "updated_at", "external_ref", "token_hash"}
ACCOUNT_FIELDS = ["email", "first_name", "last_name", "phone", "position", "language", "is_active"]
ACCOUNT_FIELDS += ["date_joined", "last_login"]
AUDIT_FIELDS = ["at", "actor_email", "verb", "object_type", "object_code", "object_repr", "organisation"]
AUDIT_FIELDS += ["partnership", "details"]


def _fields(model, exclude: Iterable[str] = (), only: Iterable[str] | None = None) -> list[models.Field]:
    if only is not None:
        return [model._meta.get_field(name) for name in only]
    skip = {"id", *exclude}
    return [f for f in model._meta.concrete_fields if f.name not in skip]


def _value(obj, f: models.Field) -> Any:
    """The value for the JSON file (dates and UUIDs are encoded by DjangoJSONEncoder)."""
    if f.is_relation:
        related = getattr(obj, f.name)
        return str(related) if related is not None else None
    value = getattr(obj, f.attname)
    if isinstance(f, models.FileField):
        return value.name or ""
    if isinstance(value, Country):
        return value.code or ""
    return value


def _display(obj, f: models.Field) -> str:
    """The value as a person reads it on the page."""
    if f.is_relation:
        related = getattr(obj, f.name)
        return str(related) if related is not None else "—"
    value = getattr(obj, f.attname)
    if f.choices and value not in (None, ""):
        return str(getattr(obj, f"get_{f.name}_display")())
    if isinstance(f, models.FileField):
        return value.name.rsplit("/", 1)[-1] if value else "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if value in (None, "", [], {}):
        return "—"
    if isinstance(value, datetime):
        return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, date):
        return date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, cls=DjangoJSONEncoder)
    return str(value)


def _record(obj, fields: list[models.Field]) -> dict[str, Any]:
    return {f.name: _value(obj, f) for f in fields}


@dataclass
class Table:
    columns: list[str]
    rows: list[list[str]]


def _rows(obj, fields: list[models.Field]) -> list[tuple[str, str]]:
    return [(capfirst(str(f.verbose_name)), _display(obj, f)) for f in fields if f.name not in TECHNICAL]


def _table(objs: Iterable, fields: list[models.Field]) -> Table:
    shown = [f for f in fields if f.name not in TECHNICAL]
    return Table(
        columns=[capfirst(str(f.verbose_name)) for f in shown],
        rows=[[_display(obj, f) for f in shown] for obj in objs],
    )


@functools.cache
def export_fields() -> dict[str, list[models.Field]]:
    """The fields exported per record: all of them but the links back to the parent (and secrets)."""
    return {
        "learner": _fields(Learner, exclude=["user"]),
        "account": _fields(User, only=ACCOUNT_FIELDS),
        "membership": _fields(Membership, exclude=["user"]),
        "invitation": _fields(Invitation, exclude=["token_hash", "accepted_by"]),
        "mobility": _fields(Mobility, exclude=["learner"]),
        "status_change": _fields(MobilityStatusChange, exclude=["mobility"]),
        "checklist_item": _fields(ChecklistItem, exclude=["mobility", "template_item"]),
        "assessment_item": _fields(AssessmentItem, exclude=["mobility"]),
        "assessment": _fields(MentorAssessment, exclude=["mobility"]),
        "result": _fields(AssessmentResult, exclude=["assessment"]),
        "soft_skill": _fields(SoftSkillRating, exclude=["assessment"]),
        "report": _fields(LearnerReport, exclude=["mobility"]),
        "answer": _fields(LearnerAnswer, exclude=["report"]),
        "audit": _fields(AuditEntry, only=AUDIT_FIELDS),
        "own_audit": _fields(AuditEntry, only=[*AUDIT_FIELDS, "ip_address", "user_agent"]),
    }


def _audit_fields(dossier: LearnerDossier, entry: AuditEntry) -> list[models.Field]:
    # The network and browser of the learner's own actions are theirs; those of staff are not.
    own = dossier.account is not None and entry.actor_id == dossier.account.pk
    return export_fields()["own_audit" if own else "audit"]


def as_json(dossier: LearnerDossier) -> dict[str, Any]:
    """The machine-readable export (encode with DjangoJSONEncoder: dates come out in ISO 8601)."""
    f = export_fields()
    account = dossier.account
    mobilities = []
    for m in dossier.mobilities:
        report = report_of(m)
        mobilities.append(
            {
                **_record(m, f["mobility"]),
                "status_history": [_record(c, f["status_change"]) for c in m.status_changes.all()],
                "checklist": [_record(i, f["checklist_item"]) for i in m.checklist.all()],
                "assessment_items": [_record(i, f["assessment_item"]) for i in m.assessment_items.all()],
                "assessments": [
                    {
                        **_record(a, f["assessment"]),
                        "results": [_record(r, f["result"]) for r in a.results.all()],
                        "soft_skills": [_record(s, f["soft_skill"]) for s in a.soft_skills.all()],
                    }
                    for a in m.assessments.all()
                ],
                "learner_report": (
                    {
                        **_record(report, f["report"]),
                        "answers": [
                            {**_record(a, f["answer"]), "question_kind": a.question.kind} for a in report.answers.all()
                        ],
                    }
                    if report
                    else None
                ),
            }
        )
    return {
        "format": EXPORT_FORMAT,
        "exported_at": dossier.collected_at,
        "learner": _record(dossier.learner, f["learner"]),
        "account": (
            {
                **_record(account, f["account"]),
                "email_addresses": [
                    {"email": a.email, "verified": a.verified, "primary": a.primary} for a in dossier.email_addresses
                ],
                "memberships": [_record(m, f["membership"]) for m in dossier.memberships],
            }
            if account
            else None
        ),
        "mobilities": mobilities,
        "invitations": [{**_record(i, f["invitation"]), "status": i.status} for i in dossier.invitations],
        "audit_entries": [_record(e, _audit_fields(dossier, e)) for e in dossier.audit_entries],
        "other": {key: section.get("data") for key, section in dossier.extra.items()},
    }


def _yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


def readable(dossier: LearnerDossier) -> dict[str, Any]:
    """The same content for the HTML page: labelled rows and tables, values as people read them."""
    f = export_fields()
    account = dossier.account
    mobilities = []
    for m in dossier.mobilities:
        report = report_of(m)
        answers = report.answers.all() if report else []
        mobilities.append(
            {
                "mobility": m,
                "rows": _rows(m, f["mobility"]),
                "status_history": _table(m.status_changes.all(), f["status_change"]),
                "checklist": _table(m.checklist.all(), f["checklist_item"]),
                "assessment_items": _table(m.assessment_items.all(), f["assessment_item"]),
                "assessments": [
                    {
                        "assessment": a,
                        "rows": _rows(a, f["assessment"]),
                        "results": _table(a.results.all(), f["result"]),
                        "soft_skills": _table(a.soft_skills.all(), f["soft_skill"]),
                    }
                    for a in m.assessments.all()
                ],
                "report": _rows(report, f["report"]) if report else None,
                "answers": Table(
                    columns=[_("Question"), _("Answer")],
                    rows=[[a.question.text, a.text or _display(a, a._meta.get_field("scale_value"))] for a in answers],
                ),
            }
        )
    addresses = dossier.email_addresses
    return {
        "learner": _rows(dossier.learner, f["learner"]),
        "account": _rows(account, f["account"]) if account else None,
        "email_addresses": Table(
            columns=[_("Email"), _("Verified"), _("Primary")],
            rows=[[a.email, _yes_no(a.verified), _yes_no(a.primary)] for a in addresses],
        ),
        "memberships": _table(dossier.memberships, f["membership"]),
        "mobilities": mobilities,
        "invitations": _table(dossier.invitations, f["invitation"]),
        "audit_entries": _table(dossier.audit_entries, f["audit"]),
        "other": [
            (
                section.get("title", key),
                json.dumps(section.get("data"), ensure_ascii=False, indent=2, cls=DjangoJSONEncoder),
            )
            for key, section in dossier.extra.items()
        ],
    }


def export_learner(learner: Learner, *, by, fmt: str, request=None) -> LearnerDossier:
    """Collect the dossier and record that it was exported (an access to personal data)."""
    dossier = collect(learner)
    audit.record(
        actor=by,
        verb=AuditEntry.Verb.EXPORTED,
        obj=dossier.learner,
        request=request,
        organisation=dossier.learner.home_organisation,
        details={"format": fmt, "gdpr": True},
    )
    return dossier


# --- erasure -----------------------------------------------------------------------------------------

# Free text that is about the person as a whole: erased, not merely scrubbed of identifiers.
ERASE_WHOLE: dict[type[models.Model], tuple[str, ...]] = {
    MobilityStatusChange: ("reason",),
    ChecklistItem: ("note",),
    MentorAssessment: ("overall_comment", "correction_reason"),
    AssessmentResult: ("evidence",),
    SoftSkillRating: ("comment",),
    LearnerAnswer: ("text",),
}


@dataclass
class Erasure:
    already_done: bool = False
    mobilities: int = 0
    evidence_files: int = 0
    audit_entries: int = 0


# The learner's own fields the erasure changes; everything else on the record is kept.
ANONYMISED_LEARNER_FIELDS = [
    "first_name",
    "last_name",
    "date_of_birth",
    "gender",
    "nationality",
    "email",
    "qualification_title",
    "emergency_contact_name",
    "emergency_contact_phone",
    "guardian_name",
    "guardian_email",
    "guardian_phone",
    "anonymised_at",
]


def placeholder_email(learner: Learner) -> str:
    # Unique (User.email is) and undeliverable: ".invalid" is reserved (RFC 2606).
    return f"erased-{learner.code.hex}@erased.invalid"


def _text_fields(model) -> list[str]:
    return [
        f.name
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField) and not f.choices and f.name != "code"
    ]


class _Changes:
    """Collects changed rows per model, then saves each model with one bulk_update."""

    def __init__(self, scrub: Scrubber):
        self.scrub = scrub
        self.rows: dict[type[models.Model], dict[int, models.Model]] = {}
        self.fields: dict[type[models.Model], set[str]] = {}

    def clean(self, obj: models.Model) -> None:
        model = type(obj)
        whole = ERASE_WHOLE.get(model, ())
        for name in _text_fields(model):
            old = getattr(obj, name)
            new = (ERASED if old else old) if name in whole else self.scrub.text(old)
            self.set(obj, name, new)

    def set(self, obj: models.Model, name: str, value: Any) -> None:
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            self.rows.setdefault(type(obj), {})[obj.pk] = obj
            self.fields.setdefault(type(obj), set()).add(name)

    def save(self) -> None:
        for model, rows in self.rows.items():
            model.objects.bulk_update(list(rows.values()), sorted(self.fields[model]))


def erasure_refusal(dossier: LearnerDossier) -> str | None:
    """Why the learner cannot be erased here, if they cannot."""
    account = dossier.account
    if account and is_work_account(account, dossier.memberships):
        return _(
            "The learner's portal account also works as staff, mentor or administrator. Remove those roles "
            "(or unlink the account from the learner) first, so that nobody's work account is erased by mistake."
        )
    return None


@transaction.atomic
def erase_learner(learner: Learner, *, by, reason: str, request=None) -> Erasure:
    """Anonymise the learner everywhere in one transaction. Erasing twice changes nothing."""
    learner = Learner.objects.select_for_update().get(pk=learner.pk)
    if learner.anonymised_at:
        return Erasure(already_done=True)
    dossier = collect(learner)
    refusal = erasure_refusal(dossier)
    if refusal:
        raise ValidationError(refusal)
    learner, account = dossier.learner, dossier.account
    scrub = dossier.scrubber()
    placeholder = placeholder_email(learner)
    erasing_learner.send(sender=Learner, learner=learner, scrub=scrub)
    changes = _Changes(scrub)
    files: list = []

    for mobility in dossier.mobilities:
        changes.clean(mobility)
        for change in mobility.status_changes.all():
            changes.clean(change)
        for item in mobility.checklist.all():
            changes.clean(item)
            if item.evidence:
                files.append((item.evidence.storage, item.evidence.name))
                changes.set(item, "evidence", "")
        for item in mobility.assessment_items.all():
            changes.clean(item)
        for assessment in mobility.assessments.all():
            changes.clean(assessment)
            for row in [*assessment.results.all(), *assessment.soft_skills.all()]:
                changes.clean(row)
        report = report_of(mobility)
        for answer in report.answers.all() if report else ():
            changes.clean(answer)

    now = timezone.now()
    for invitation in dossier.invitations:
        changes.set(invitation, "email", placeholder)
        changes.set(invitation, "first_name", "")
        changes.set(invitation, "last_name", "")
        if invitation.status == Invitation.Status.PENDING:
            changes.set(invitation, "revoked_at", now)

    for entry in dossier.audit_entries:
        changes.set(entry, "object_repr", scrub.audit_text(entry.object_repr)[:255])
        changes.set(entry, "details", scrub.audit_json(entry.details))
        own = account is not None and entry.actor_id == account.pk
        if own or scrub.text(entry.actor_email) != entry.actor_email:
            changes.set(entry, "actor_email", placeholder)
            changes.set(entry, "ip_address", None)
            changes.set(entry, "user_agent", "")
    changes.save()

    _erase_admin_log(dossier, scrub)
    if account:
        _erase_account(account, placeholder)

    learner.first_name = "Erased"
    learner.last_name = f"learner {learner.code.hex[:8]}"
    learner.date_of_birth = None
    learner.qualification_title = scrub.text(learner.qualification_title)
    for name in ("gender", "nationality", "email", "emergency_contact_name", "emergency_contact_phone"):
        setattr(learner, name, "")
    for name in ("guardian_name", "guardian_email", "guardian_phone"):
        setattr(learner, name, "")
    learner.anonymised_at = now
    learner.save(update_fields=[*ANONYMISED_LEARNER_FIELDS, "updated_at"])

    for storage, name in files:
        # After commit, so a rolled-back erasure keeps its files.
        transaction.on_commit(lambda storage=storage, name=name: storage.delete(name))

    result = Erasure(
        mobilities=len(dossier.mobilities), evidence_files=len(files), audit_entries=len(dossier.audit_entries)
    )
    audit.record(
        actor=by,
        verb=AuditEntry.Verb.DELETED,
        obj=learner,
        request=request,
        organisation=learner.home_organisation,
        details={
            "gdpr_erasure": True,
            "learner": str(learner.code),
            "reason": scrub.text(reason.strip()),
            "mobilities_kept": result.mobilities,
            "evidence_files_deleted": result.evidence_files,
            "audit_entries_anonymised": result.audit_entries,
        },
    )
    return result


def _erase_account(account: User, placeholder: str) -> None:
    """Anonymise and close the portal account. Its sessions stop working: an inactive user is not
    authenticated, and the new (unusable) password changes the session hash Django checks."""
    account.email = placeholder
    account.first_name = account.last_name = account.phone = account.position = ""
    account.is_active = False
    account.set_unusable_password()
    account.save(update_fields=["email", "first_name", "last_name", "phone", "position", "is_active", "password"])
    Membership.objects.filter(user=account).update(is_active=False)
    for label, model_name in (("account", "EmailAddress"), ("mfa", "Authenticator")):
        if apps.is_installed(f"allauth.{label}"):
            apps.get_model(label, model_name).objects.filter(user=account).delete()


def _erase_admin_log(dossier: LearnerDossier, scrub: Scrubber) -> None:
    """Django admin's history names objects (a mobility's name contains the learner's)."""
    by_model: dict[type[models.Model], list] = {Learner: [dossier.learner.pk]}
    by_model[Mobility] = [m.pk for m in dossier.mobilities]
    by_model[ChecklistItem] = [i.pk for m in dossier.mobilities for i in m.checklist.all()]
    by_model[MentorAssessment] = [a.pk for m in dossier.mobilities for a in m.assessments.all()]
    by_model[AssessmentItem] = [i.pk for m in dossier.mobilities for i in m.assessment_items.all()]
    by_model[LearnerReport] = [r.pk for m in dossier.mobilities if (r := report_of(m))]
    by_model[Invitation] = [i.pk for i in dossier.invitations]
    by_model[Membership] = [m.pk for m in dossier.memberships]
    if dossier.account:
        by_model[User] = [dossier.account.pk]
    types = ContentType.objects.get_for_models(*by_model)
    query = Q(object_repr__icontains=f"{dossier.learner.first_name} {dossier.learner.last_name}")
    for email in dossier.emails:
        query |= Q(object_repr__icontains=email)
    for model, pks in by_model.items():
        if pks:
            query |= Q(content_type=types[model], object_id__in=[str(pk) for pk in pks])
    entries = list(LogEntry.objects.filter(query))
    for entry in entries:
        entry.object_repr = scrub.text(entry.object_repr)[:200]
        entry.change_message = scrub.text(entry.change_message)
    LogEntry.objects.bulk_update(entries, ["object_repr", "change_message"])
