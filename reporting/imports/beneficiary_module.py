"""Import a Beneficiary Module export of mobility activities into the project's mobilities (issue 14, point 4).

The file is matched to the portal by Grant Agreement No. (this project's number) and Mobility activity ID
(given by the portal's export, kept by the BM). `plan()` reads every row and says, before anything is saved,
what would change (per mobility, per field: old → new) and which rows are rejected and why; `apply()` saves
the plan **all or nothing**: one transaction, every mobility re-validated as the mobility form validates it
(`mobility.services.mobilities.update_mobility`), any error rolls everything back.

What the import takes back: the columns `beneficiary_module.IMPORTED` declares (dates, funded travel days,
sustainable transport, inclusion support for participants) and, from the itinerary row, the receiving
organisation (by OID, among the project's members). Everything else in the file is the BM's business and is
left alone. A file with the same Mobility activity ID on two main rows is refused whole, as the BM does."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from funding.projects import rules_for
from mobility.models import Mobility
from mobility.services.mobilities import update_mobility, validate_mobility
from partners import audit
from partners.models import AuditEntry, Organisation, PartnershipMember

from ..exports import beneficiary_module as bm

MAX_BYTES = 5 * 1024 * 1024
KEYS = ("Data type", "Grant Agreement No.", "Mobility activity ID")


class FileRefused(Exception):
    """The whole file is refused (unreadable, wrong columns, duplicated IDs): nothing is read further."""

    def __init__(self, messages):
        super().__init__(messages)
        self.messages = [str(message) for message in messages]


@dataclass(frozen=True)
class Change:
    field: str
    label: str
    old: object
    new: object

    @property
    def old_shown(self) -> str:
        return shown(self.old)

    @property
    def new_shown(self) -> str:
        return shown(self.new)


def shown(value) -> str:
    """A value as the preview shows it: yes/no, a date as the reader's locale writes it, euro with cents."""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, date):
        return date_format(value, "DATE_FORMAT")
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return str(value)


@dataclass(frozen=True)
class Rejected:
    line: int  # the row's line in the file (the header is line 1)
    activity_id: str
    reason: str


@dataclass
class Plan:
    changes: dict = field(default_factory=dict)  # Mobility -> [Change]
    rejected: list = field(default_factory=list)
    unchanged: int = 0
    rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.rejected

    @property
    def changed(self) -> int:
        return len(self.changes)


# --- reading -------------------------------------------------------------------------------------------------


def read(upload) -> list[dict[str, str]]:
    """The rows of an uploaded CSV (semicolon or comma, UTF-8) or XLSX file as dicts by header, with the
    file's line number under "__line__". Refuses a file that is too big, of another type or unreadable."""
    name = (getattr(upload, "name", "") or "").lower()
    if upload.size > MAX_BYTES:
        raise FileRefused([_("The file is larger than 5 MB.")])
    data = upload.read()
    if name.endswith(".xlsx"):
        table = _xlsx_rows(data)
    elif name.endswith(".csv"):
        table = _csv_rows(data)
    else:
        raise FileRefused([_("Upload the Beneficiary Module export as a CSV or XLSX file.")])
    if not table:
        raise FileRefused([_("The file is empty.")])
    header = [str(cell or "").strip() for cell in table[0]]
    missing = [key for key in KEYS if key not in header]
    if missing:
        raise FileRefused(
            [
                _("The file lacks the column “%(column)s” of the Beneficiary Module export.") % {"column": key}
                for key in missing
            ]
        )
    rows = []
    for number, cells in enumerate(table[1:], start=2):
        values = [str(cell).strip() if cell is not None else "" for cell in cells]
        if not any(values):
            continue
        row = dict(zip(header, values + [""] * (len(header) - len(values)), strict=False))
        row["__line__"] = number
        rows.append(row)
    return rows


def _csv_rows(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileRefused([_("The CSV file is not UTF-8 text.")]) from None
    if "\x00" in text:
        raise FileRefused([_("The CSV file is not UTF-8 text.")])
    first = text.splitlines()[0] if text else ""
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    try:
        # newline="": the csv module reads every line end (CR, LF, CRLF), also inside quoted cells.
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as error:
        raise FileRefused([_("The CSV file could not be read: %(error)s") % {"error": error}]) from None


def _xlsx_rows(data: bytes) -> list[list]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any unreadable workbook is the same answer to the user
        raise FileRefused([_("The XLSX file cannot be read.")]) from None
    sheet = book.worksheets[0]
    out = []
    for cells in sheet.iter_rows(values_only=True):
        out.append([bm.day(cell) if hasattr(cell, "strftime") else cell for cell in cells])
    book.close()
    return out


# --- planning ------------------------------------------------------------------------------------------------


def plan(partnership, rows: list[dict[str, str]], user) -> Plan:
    """What the rows would change; rejected rows with their reason. Reads the project's mobilities once."""
    result = Plan(rows=len(rows))
    mains = [row for row in rows if row.get("Data type") == bm.MAIN]
    seen: dict[str, int] = {}
    duplicates = []
    for row in mains:
        key = row.get("Mobility activity ID", "")
        if key in seen:
            duplicates.append(
                _("Mobility activity ID %(id)s is on lines %(first)s and %(second)s.")
                % {"id": key, "first": seen[key], "second": row["__line__"]}
            )
        seen.setdefault(key, row["__line__"])
    if duplicates:
        raise FileRefused([_("The file has the same Mobility activity ID twice; the BM refuses it too."), *duplicates])

    mobilities = {
        m.activity_id: m
        for m in Mobility.objects.visible_to(user)
        .filter(partnership=partnership)
        .exclude(activity_id="")
        .select_related("learner", "partnership", "sending_organisation", "receiving_organisation")
    }
    members = {
        org.oid: org
        for org in Organisation.objects.filter(
            pk__in=PartnershipMember.objects.filter(partnership=partnership).values("organisation_id")
        ).exclude(oid="")
    }
    rules = rules_for(partnership)
    by_id: dict[str, list] = {}
    for row in rows:
        reason = _row_key_problem(row, partnership, mobilities)
        if reason:
            result.rejected.append(Rejected(row["__line__"], row.get("Mobility activity ID", ""), reason))
            continue
        by_id.setdefault(row["Mobility activity ID"], []).append(row)

    for activity_id, activity_rows in by_id.items():
        mobility = mobilities[activity_id]
        main = next((row for row in activity_rows if row["Data type"] == bm.MAIN), None)
        changes, problems = [], []
        if main is not None:
            for column in bm.IMPORTED:
                if column.header not in main:
                    continue
                try:
                    new = column.parse(main[column.header])
                except (ValueError, TypeError):
                    problems.append(
                        (
                            main["__line__"],
                            _("“%(value)s” is not a valid %(column)s.")
                            % {"value": main[column.header], "column": column.header},
                        )
                    )
                    continue
                old = getattr(mobility, column.field)
                if column.field == "travel_days" and new == _funded_travel_days(mobility, rules):
                    continue  # the file repeats the funded days the portal exported: nothing changed
                if new != old:
                    changes.append(Change(column.field, column.header, old, new))
        if mobility.status == Mobility.Status.CANCELLED:
            result.rejected.append(
                Rejected(activity_rows[0]["__line__"], activity_id, _("The mobility is cancelled in the portal."))
            )
            continue
        oids = {
            row.get("Receiving Organisation OID", "") for row in activity_rows if "Receiving Organisation OID" in row
        }
        if len(oids) > 1:
            problems.append(
                (
                    activity_rows[0]["__line__"],
                    _("The main row and the itinerary row name different receiving organisations (%(oids)s).")
                    % {"oids": ", ".join(sorted(oids))},
                )
            )
            oids = set()
        for oid in oids:
            if oid == mobility.receiving_organisation.oid:
                continue
            row = activity_rows[0]
            organisation = members.get(oid)
            if organisation is None:
                problems.append(
                    (row["__line__"], _("No organisation of the project has the OID “%(oid)s”.") % {"oid": oid})
                )
            else:
                changes.append(
                    Change(
                        "receiving_organisation",
                        "Receiving Organisation OID",
                        mobility.receiving_organisation,
                        organisation,
                    )
                )
        if not problems and changes:
            problems += [
                (main["__line__"] if main else activity_rows[0]["__line__"], message)
                for message in _invalid(mobility, changes)
            ]
        for line, message in problems:
            result.rejected.append(Rejected(line, activity_id, message))
        if problems:
            continue
        if changes:
            result.changes[mobility] = changes
        else:
            result.unchanged += 1
    result.rejected.sort(key=lambda rejected: rejected.line)
    return result


def _funded_travel_days(mobility, rules) -> int:
    """The funded travel days the export wrote: those entered, capped by the rules (green or standard)."""
    rule_set = rules.rule_set
    if rule_set is None:
        return mobility.travel_days
    cap = rule_set.travel_days_green if mobility.green_travel else rule_set.travel_days_standard
    return min(mobility.travel_days, cap)


def _row_key_problem(row, partnership, mobilities) -> str:
    if row.get("Data type") not in (bm.MAIN, bm.ITINERARY):
        return _("Unknown Data type “%(value)s”.") % {"value": row.get("Data type", "")}
    if row.get("Grant Agreement No.") != partnership.project_number:
        return _("The Grant Agreement No. “%(value)s” is not this project's (%(number)s).") % {
            "value": row.get("Grant Agreement No.", ""),
            "number": partnership.project_number,
        }
    if row.get("Mobility activity ID", "") not in mobilities:
        return _("No mobility of this project has the Mobility activity ID “%(value)s”.") % {
            "value": row.get("Mobility activity ID", "")
        }
    return ""


def _invalid(mobility, changes) -> list[str]:
    """What the mobility's own rules (the mobility form's: `validate_mobility`) say about the changed values, on
    a fresh copy of the row: nothing is saved here, and the mobility of the plan keeps its current values."""
    copy = Mobility.objects.select_related("learner", "partnership").get(pk=mobility.pk)
    for change in changes:
        setattr(copy, change.field, change.new)
    try:
        validate_mobility(copy)
    except ValidationError as error:
        return [
            f"{_field_label(field)}: {message}" if field != "__all__" else str(message)
            for field, messages in error.message_dict.items()
            for message in messages
        ]
    return []


def _field_label(name: str) -> str:
    try:
        return str(Mobility._meta.get_field(name).verbose_name).capitalize()
    except FieldDoesNotExist:
        return name


def snapshot(mobilities) -> dict[str, dict[str, str]]:
    """What the preview was computed from: per Mobility activity ID, the current value of every field the
    import may set. The confirmation refuses the import if any of them changed meanwhile in the portal."""
    fields = [column.field for column in bm.IMPORTED] + ["receiving_organisation_id"]
    return {mobility.activity_id: {name: str(getattr(mobility, name)) for name in fields} for mobility in mobilities}


def file_mobilities(partnership, rows, user):
    ids = {row.get("Mobility activity ID", "") for row in rows}
    return Mobility.objects.visible_to(user).filter(partnership=partnership, activity_id__in=ids).order_by("pk")


# --- applying ------------------------------------------------------------------------------------------------


@transaction.atomic
def apply(partnership, planned: Plan, *, by, request=None, filename: str = "", previewed: dict | None = None) -> int:
    """Save every change of the plan, or none: a value changed in the portal since the preview (`previewed`:
    the `snapshot` taken then) or a mobility that fails its rules now rolls the whole import back with
    ValidationError. Returns the number of mobilities changed."""
    if not planned.ok:
        raise ValidationError(_("The file has rejected rows: nothing is imported."))
    errors = []
    if previewed is not None:
        ids = list(previewed)
        locked = Mobility.objects.select_for_update().filter(partnership=partnership, activity_id__in=ids)
        now = snapshot(locked)
        for activity_id in sorted(ids):
            if now.get(activity_id) != previewed[activity_id]:
                errors.append(
                    _("%(id)s changed in the portal since the preview: check the file again.") % {"id": activity_id}
                )
        if errors:
            raise ValidationError(errors)
    for mobility, changes in planned.changes.items():
        fresh = Mobility.objects.select_for_update().select_related("learner", "partnership").get(pk=mobility.pk)
        for change in changes:
            if getattr(fresh, change.field) != change.old:
                errors.append(
                    _("%(mobility)s: %(column)s changed in the portal since the preview.")
                    % {"mobility": mobility.activity_id, "column": change.label}
                )
            setattr(fresh, change.field, change.new)
        if errors:
            continue
        try:
            update_mobility(mobility=fresh, changed=[c.field for c in changes], by=by, request=request)
        except ValidationError as error:
            errors += [f"{mobility.activity_id}: {message}" for message in error.messages]
    if errors:
        raise ValidationError(errors)
    # Each mobility's change has its own audit row (update_mobility); this one says it came from the BM file.
    audit.record(
        actor=by,
        verb=AuditEntry.Verb.UPDATED,
        obj=partnership,
        request=request,
        partnership=partnership,
        details={"import": "beneficiary-module", "file": filename, "mobilities": len(planned.changes)},
    )
    return len(planned.changes)
