"""Bulk import of learners and planned mobilities from CSV or XLSX.

- `read_upload(file)` checks the file itself (extension, size, real CSV/XLSX content) and turns it into
  a `Table` of text cells keyed by normalised column names; a problem with the file is a ValidationError
  for the form's file field.
- `LEARNERS` and `MOBILITIES` describe the two imports: their columns (also the downloadable templates)
  and a ModelForm per row, so a row gets the same field errors and model rules (`full_clean`) as the
  portal's own forms.
- `mobility.services.imports.run_import` runs the rows: a dry run in a rolled-back transaction first,
  then, once confirmed, the import in one transaction.

Read with tablib's companions directly (csv, openpyxl) rather than django-import-export's resources:
scoping every look-up to the user and one organisation, and reporting errors by spreadsheet row and
column, is simpler with plain forms.
"""

from __future__ import annotations

import csv
import io
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from partners.models import Organisation, Partnership, PartnershipMember

from .models import Learner, Mobility
from .services.checklists import generate_checklist

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_ROWS = 1000
# An XLSX is a zip: refuse one that unpacks to far more than any real list of learners would (zip bomb).
MAX_XLSX_UNPACKED_BYTES = 40 * 1024 * 1024
EXTENSIONS = ("csv", "xlsx")
FORMULA_START = "="


@dataclass(frozen=True)
class RowError:
    row: int  # as the spreadsheet numbers it: the header is row 1
    column: str  # "" when the message is about the whole row
    message: str


@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, dict[str, str]]]
    cell_errors: list[RowError] = field(default_factory=list)

    def to_session(self) -> dict:
        return {
            "headers": self.headers,
            "rows": [[number, values] for number, values in self.rows],
            "cell_errors": [[e.row, e.column, e.message] for e in self.cell_errors],
        }

    @classmethod
    def from_session(cls, data: dict) -> Table:
        return cls(
            headers=list(data["headers"]),
            rows=[(int(number), dict(values)) for number, values in data["rows"]],
            cell_errors=[RowError(int(r), c, m) for r, c, m in data["cell_errors"]],
        )


# --- Reading the file ------------------------------------------------------------------------------


def extension_of(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def read_upload(uploaded) -> Table:
    """The file's cells as text, or a ValidationError saying what is wrong with the file."""
    ext = extension_of(uploaded.name or "")
    if ext not in EXTENSIONS:
        raise ValidationError(_("Upload a .csv or .xlsx file."), code="extension")
    too_big = ValidationError(
        _("The file is larger than %(limit)s; split it into several files.")
        % {"limit": filesizeformat(MAX_UPLOAD_BYTES)},
        code="size",
    )
    if uploaded.size is not None and uploaded.size > MAX_UPLOAD_BYTES:
        raise too_big
    uploaded.seek(0)
    data = uploaded.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise too_big
    raw_rows = _read_csv(data) if ext == "csv" else _read_xlsx(data)
    return _to_table(raw_rows)


# A raw row is a list of (text, is_formula) cells.
RawRows = list[list[tuple[str, bool]]]


def _read_csv(data: bytes) -> RawRows:
    try:
        text = data.decode("utf-8-sig")  # with or without a byte-order mark
    except UnicodeDecodeError:
        raise ValidationError(
            _("The CSV file is not UTF-8 text. In your spreadsheet program, save it as “CSV UTF-8”."),
            code="encoding",
        ) from None
    if "\x00" in text:
        raise ValidationError(_("This is not a CSV text file."), code="content")
    header_line = text.lstrip().split("\n", 1)[0]
    # Spreadsheet programs in much of Europe write semicolons.
    delimiter = max([",", ";", "\t"], key=header_line.count)
    rows: RawRows = []
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            rows.append([(cell.strip(), cell.strip().startswith(FORMULA_START)) for cell in row])
            if len(rows) > MAX_ROWS + 1:
                break
    except csv.Error as error:
        raise ValidationError(
            _("The CSV file could not be read: %(error)s") % {"error": error}, code="content"
        ) from None
    return rows


def _read_xlsx(data: bytes) -> RawRows:
    import openpyxl

    not_xlsx = ValidationError(
        _("This is not an XLSX workbook. Save the file as “Excel Workbook (.xlsx)” or as “CSV UTF-8”."),
        code="content",
    )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise not_xlsx from None
    names = {info.filename for info in infos}
    if not {"[Content_Types].xml", "xl/workbook.xml"} <= names:
        raise not_xlsx
    if sum(info.file_size for info in infos) > MAX_XLSX_UNPACKED_BYTES:
        raise ValidationError(_("The workbook is too large once unpacked; split it into several files."), code="size")
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:
        raise not_xlsx from None
    rows: RawRows = []
    try:
        if not workbook.worksheets:
            raise not_xlsx
        for row in workbook.worksheets[0].iter_rows():
            rows.append([(_cell_text(cell.value), getattr(cell, "data_type", None) == "f") for cell in row])
            if len(rows) > MAX_ROWS + 1:
                break
    except ValidationError:
        raise
    except Exception:
        # A damaged sheet inside a valid zip: report it on the field, never a 500.
        raise not_xlsx from None
    finally:
        workbook.close()
    return rows


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def normalise_header(text: str) -> str:
    return "_".join(text.strip().lstrip("\ufeff").casefold().replace("-", " ").split())


def _to_table(raw_rows: RawRows) -> Table:
    if not raw_rows or not any(text for text, _formula in raw_rows[0]):
        raise ValidationError(_("The file is empty: the first row must hold the column names."), code="empty")
    headers = [normalise_header(text) for text, _formula in raw_rows[0]]
    named = [h for h in headers if h]
    duplicates = sorted({h for h in named if named.count(h) > 1})
    if duplicates:
        raise ValidationError(
            _("These columns appear more than once: %(columns)s.") % {"columns": ", ".join(duplicates)},
            code="columns",
        )
    rows: list[tuple[int, dict[str, str]]] = []
    cell_errors: list[RowError] = []
    for number, raw in enumerate(raw_rows[1:], start=2):
        if not any(text for text, _formula in raw):
            continue  # blank lines between or after the data
        values = {}
        unnamed = any(text for text, _formula in raw[len(headers) :])
        for header, (text, formula) in zip(headers, raw, strict=False):
            if not header:
                unnamed = unnamed or bool(text)
                continue
            if formula:
                cell_errors.append(
                    RowError(number, header, _("Formulas are not accepted: type the value itself into the cell."))
                )
                text = ""
            values[header] = text
        if unnamed:
            cell_errors.append(RowError(number, "", _("This row has values in a column without a name.")))
        rows.append((number, values))
    if len(rows) > MAX_ROWS or len(raw_rows) > MAX_ROWS + 1:
        raise ValidationError(
            _("The file has more than %(max)s rows; split it into several files.") % {"max": MAX_ROWS}, code="rows"
        )
    if not rows:
        raise ValidationError(_("The file has no rows below the column names."), code="empty")
    return Table(headers=named, rows=rows, cell_errors=cell_errors)


# --- Row forms -------------------------------------------------------------------------------------

YES = {"yes", "y", "true", "1", "x"}
NO = {"", "no", "n", "false", "0"}


class YesNoField(forms.Field):
    """A yes/no cell: “yes”, “no”, or empty (no). Anything else is an error rather than a guess."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value):
        text = (value or "").strip().casefold()
        if text in YES:
            return True
        if text in NO:
            return False
        raise ValidationError(_("Enter yes or no."), code="invalid")


@dataclass
class ImportContext:
    """What every row of one import shares: who imports, for which organisation, and look-up caches."""

    user: object
    organisation: Organisation
    cache: dict = field(default_factory=dict)

    def cached(self, key, compute: Callable):
        if key not in self.cache:
            self.cache[key] = compute()
        return self.cache[key]


class RowForm(forms.ModelForm):
    """Base of the row forms: ISO dates, trimmed text, and model errors for columns the row does not have
    reported on the row instead of crashing."""

    def __init__(self, *args, context: ImportContext, **kwargs):
        self.context = context
        kwargs.setdefault("instance", self.new_instance(context))
        super().__init__(*args, **kwargs)
        for form_field in self.fields.values():
            if isinstance(form_field, forms.DateField):
                form_field.input_formats = ["%Y-%m-%d"]
                form_field.error_messages["invalid"] = _("Enter the date as YYYY-MM-DD, e.g. 2026-09-14.")

    def new_instance(self, context: ImportContext):
        return self._meta.model()

    def add_error(self, field_name, error):
        if field_name is None and isinstance(error, ValidationError) and hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                target = name if name in self.fields else None
                super().add_error(target, ValidationError(errors))
            return
        if field_name is not None and field_name != NON_FIELD_ERRORS and field_name not in self.fields:
            field_name = None
        super().add_error(field_name, error)


class LearnerRowForm(RowForm):
    fewer_opportunities = YesNoField()
    special_needs = YesNoField()

    class Meta:
        model = Learner
        fields = [
            "first_name",
            "last_name",
            "date_of_birth",
            "gender",
            "nationality",
            "email",
            "qualification_title",
            "eqf_level",
            "fewer_opportunities",
            "special_needs",
            "emergency_contact_name",
            "emergency_contact_phone",
            "guardian_name",
            "guardian_email",
            "guardian_phone",
            "consent_given_on",
        ]

    def new_instance(self, context: ImportContext) -> Learner:
        return Learner(home_organisation=context.organisation)

    def clean(self):
        cleaned = super().clean()
        first, last, born = cleaned.get("first_name"), cleaned.get("last_name"), cleaned.get("date_of_birth")
        if first and last and born:
            # Also catches the same learner twice in one file: the dry run saves the rows as it goes.
            exists = Learner.objects.filter(
                home_organisation=self.context.organisation,
                first_name__iexact=first,
                last_name__iexact=last,
                date_of_birth=born,
            ).exists()
            if exists:
                self.add_error(
                    "last_name",
                    _("%(name)s, born %(born)s, is already a learner of %(organisation)s.")
                    % {"name": f"{first} {last}", "born": born.isoformat(), "organisation": self.context.organisation},
                )
        return cleaned


IMPORTABLE_STATUSES = (Mobility.Status.DRAFT, Mobility.Status.PLANNED)


class MobilityRowForm(RowForm):
    learner_email = forms.EmailField(required=False)
    learner_code = forms.CharField(required=False)
    partnership = forms.CharField()
    # Same name as the model field, so the model's own rule (“must differ from the sending one”) lands here.
    receiving_organisation = forms.CharField()
    status = forms.ChoiceField(choices=[(s.value, s.label) for s in IMPORTABLE_STATUSES])

    class Meta:
        model = Mobility
        fields = [
            "kind",
            "start_date",
            "end_date",
            "travel_days",
            "host_company",
            "host_address",
            "host_sector",
            "host_contact_name",
            "host_contact_email",
            "host_contact_phone",
            "virtual_start",
            "virtual_end",
            "virtual_platform",
            "virtual_hours",
            "virtual_activities",
            "planned_activities",
        ]

    def new_instance(self, context: ImportContext) -> Mobility:
        return Mobility(sending_organisation=context.organisation)

    def clean(self):
        cleaned = super().clean()
        ctx = self.context
        organisation = ctx.organisation
        self.instance.sending_organisation = organisation

        learner = self._learner(cleaned.get("learner_email"), cleaned.get("learner_code"))
        if learner is not None:
            self.instance.learner = learner

        partnership = None
        reference = cleaned.get("partnership")
        if reference:
            partnership = ctx.cached(
                ("partnership", reference),
                lambda: (
                    Partnership.objects.visible_to(ctx.user)
                    .filter(Q(slug=reference) | Q(project_number=reference))
                    .first()
                ),
            )
            if partnership is None:
                self.add_error("partnership", _("No partnership “%(ref)s” that you can see.") % {"ref": reference})
            elif not ctx.cached(
                ("member", partnership.pk),
                lambda: PartnershipMember.objects.filter(partnership=partnership, organisation=organisation).exists(),
            ):
                self.add_error(
                    "partnership",
                    _("%(organisation)s is not a member of %(partnership)s.")
                    % {"organisation": organisation, "partnership": partnership},
                )
                partnership = None
            else:
                self.instance.partnership = partnership

        slug = cleaned.get("receiving_organisation")
        if slug and partnership is not None:
            receiving = ctx.cached(
                ("receiving", partnership.pk, slug),
                lambda: (
                    Organisation.objects.visible_to(ctx.user)
                    .filter(slug=slug, partnership_memberships__partnership=partnership)
                    .first()
                ),
            )
            if receiving is None:
                self.add_error(
                    "receiving_organisation",
                    _("No organisation “%(slug)s” among the partners of %(partnership)s.")
                    % {"slug": slug, "partnership": partnership},
                )
            else:
                self.instance.receiving_organisation = receiving

        start = cleaned.get("start_date")
        if learner is not None and partnership is not None and start is not None:
            if Mobility.objects.filter(learner=learner, partnership=partnership, start_date=start).exists():
                self.add_error(
                    "start_date",
                    _("%(learner)s already has a mobility in %(partnership)s starting on %(start)s.")
                    % {"learner": learner, "partnership": partnership, "start": start.isoformat()},
                )
        return cleaned

    def _learner(self, email: str, code: str):
        ctx = self.context
        learners = Learner.objects.visible_to(ctx.user).filter(
            home_organisation=ctx.organisation, anonymised_at__isnull=True
        )
        if code:
            try:
                code_value = uuid.UUID(code)
            except ValueError:
                self.add_error("learner_code", _("This is not a learner code."))
                return None
            learner = learners.filter(code=code_value).first()
            if learner is None:
                self.add_error(
                    "learner_code",
                    _("No learner of %(organisation)s has this code.") % {"organisation": ctx.organisation},
                )
            return learner
        if not email:
            self.add_error("learner_email", _("Give the learner's email (or their learner code)."))
            return None
        found = list(learners.filter(email__iexact=email)[:2])
        if not found:
            self.add_error(
                "learner_email",
                _("No learner of %(organisation)s has this email; import the learners first.")
                % {"organisation": ctx.organisation},
            )
            return None
        if len(found) > 1:
            self.add_error("learner_email", _("Several learners share this email; use the learner code instead."))
            return None
        return found[0]


# --- The two imports -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    example: str
    help: str | Promise
    default: str = ""


@dataclass(frozen=True)
class ImportKind:
    key: str
    label: str | Promise
    done_message: Callable[[int, object], str]
    columns: tuple[Column, ...]
    form_class: type[RowForm]
    save: Callable
    preview_headers: tuple[str | Promise, ...]
    preview: Callable
    normalise: Callable[[dict[str, str]], dict[str, str]] = lambda data: data

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    def header_errors(self, headers: list[str]) -> list[str]:
        out = []
        missing = [name for name in self.required_columns if name not in headers]
        if missing:
            out.append(_("Columns missing: %(columns)s.") % {"columns": ", ".join(missing)})
        unknown = [h for h in headers if h not in self.column_names]
        if unknown:
            out.append(
                _("Unknown columns: %(columns)s. Use the column names of the template.")
                % {"columns": ", ".join(unknown)}
            )
        return out

    def row_data(self, values: dict[str, str]) -> dict[str, str]:
        """Every column of the import, blanks filled with the column's default, codes in their usual case."""
        data = {}
        for column in self.columns:
            value = (values.get(column.name) or "").strip()
            data[column.name] = value or column.default
        return self.normalise(data)


def _yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


def _normalise_learner(data: dict[str, str]) -> dict[str, str]:
    data["gender"] = data["gender"].casefold()
    data["nationality"] = data["nationality"].upper()
    return data


def _save_learner(form: LearnerRowForm, *, context: ImportContext, filename: str) -> Learner:
    return form.save()


def _preview_learner(learner: Learner) -> list[str]:
    return [
        learner.first_name,
        learner.last_name,
        learner.date_of_birth.isoformat() if learner.date_of_birth else "",
        learner.nationality.code if learner.nationality else "",
        learner.email,
        learner.qualification_title,
        "" if learner.eqf_level is None else str(learner.eqf_level),
        _yes_no(learner.fewer_opportunities),
        _yes_no(bool(learner.guardian_name)),
    ]


def _save_mobility(form: MobilityRowForm, *, context: ImportContext, filename: str) -> Mobility:
    mobility = form.save()
    status = form.cleaned_data["status"]
    if status != Mobility.Status.DRAFT:
        # Created as a draft and moved to the state the file gives through the workflow (history + audit);
        # only states that need no document can be imported (IMPORTABLE_STATUSES).
        from .services.lifecycle import transition

        transition(
            mobility,
            status,
            by=context.user,
            system=True,
            reason=_("Imported from the file %(file)s.") % {"file": filename},
        )
        mobility.refresh_from_db()
    generate_checklist(mobility)
    return mobility


def _preview_mobility(mobility: Mobility) -> list[str]:
    return [
        str(mobility.learner),
        mobility.partnership.acronym,
        mobility.receiving_organisation.short_name,
        mobility.start_date.isoformat(),
        mobility.end_date.isoformat(),
        str(mobility.get_kind_display()),
        str(mobility.get_status_display()),
        _yes_no(mobility.is_blended),
    ]


def _normalise_mobility(data: dict[str, str]) -> dict[str, str]:
    data["kind"] = data["kind"].casefold()
    data["status"] = data["status"].casefold()
    return data


LEARNERS = ImportKind(
    key="learners",
    label=gettext_lazy("Learners"),
    done_message=lambda n, org: (
        ngettext(
            "%(count)d learner was imported into %(organisation)s.",
            "%(count)d learners were imported into %(organisation)s.",
            n,
        )
        % {"count": n, "organisation": org}
    ),
    columns=(
        Column("first_name", True, "Eglė", gettext_lazy("As in the passport.")),
        Column("last_name", True, "Kazlauskaitė", gettext_lazy("As in the passport.")),
        Column("date_of_birth", True, "2007-03-14", gettext_lazy("YYYY-MM-DD.")),
        Column("gender", False, "female", gettext_lazy("female, male, other or undisclosed; may stay empty.")),
        Column("nationality", False, "LT", gettext_lazy("Two-letter country code (ISO 3166), e.g. LT, NL.")),
        Column("email", False, "egle@example.org", gettext_lazy("The learner's own email.")),
        Column("qualification_title", False, "Beauty therapist", gettext_lazy("Qualification being studied.")),
        Column("eqf_level", False, "4", gettext_lazy("EQF level, 1 to 8.")),
        Column("fewer_opportunities", False, "no", gettext_lazy("yes or no (Erasmus+ inclusion).")),
        Column("special_needs", False, "no", gettext_lazy("yes or no.")),
        Column("emergency_contact_name", False, "Rasa Kazlauskienė", ""),
        Column("emergency_contact_phone", False, "+370 600 00000", ""),
        Column("guardian_name", False, "Rasa Kazlauskienė", gettext_lazy("Required for learners under 18.")),
        Column("guardian_email", False, "", ""),
        Column("guardian_phone", False, "", ""),
        Column("consent_given_on", False, "2026-09-01", gettext_lazy("Date of consent to data processing.")),
    ),
    form_class=LearnerRowForm,
    normalise=_normalise_learner,
    save=_save_learner,
    preview_headers=(
        gettext_lazy("First name"),
        gettext_lazy("Last name"),
        gettext_lazy("Date of birth"),
        gettext_lazy("Nationality"),
        gettext_lazy("Email"),
        gettext_lazy("Qualification"),
        gettext_lazy("EQF"),
        gettext_lazy("Fewer opportunities"),
        gettext_lazy("Guardian"),
    ),
    preview=_preview_learner,
)

MOBILITIES = ImportKind(
    key="mobilities",
    label=gettext_lazy("Planned mobilities"),
    done_message=lambda n, org: (
        ngettext(
            "%(count)d mobility sent by %(organisation)s was imported.",
            "%(count)d mobilities sent by %(organisation)s were imported.",
            n,
        )
        % {"count": n, "organisation": org}
    ),
    columns=(
        Column("learner_email", False, "egle@example.org", gettext_lazy("The learner's email (or learner_code).")),
        Column("learner_code", False, "", gettext_lazy("The learner's code, if several learners share an email.")),
        Column(
            "partnership",
            True,
            "2025-1-LT01-KA122-VET-000123",
            gettext_lazy("Project number or short name (slug) of the partnership."),
        ),
        Column(
            "receiving_organisation",
            True,
            "nova",
            gettext_lazy("Short name (slug) of the host partner, as in its address on the portal."),
        ),
        Column("start_date", True, "2027-03-01", gettext_lazy("First day of activities, YYYY-MM-DD.")),
        Column("end_date", True, "2027-03-26", gettext_lazy("Last day of activities, YYYY-MM-DD.")),
        Column("travel_days", False, "2", gettext_lazy("Funded travel days, 0 to 4 (default 2)."), default="2"),
        Column(
            "kind",
            False,
            "short_term",
            gettext_lazy("short_term or erasmus_pro (90 days or more); default short_term."),
            default=Mobility.Kind.SHORT_TERM,
        ),
        Column("status", False, "planned", gettext_lazy("draft or planned; default draft."), default="draft"),
        Column("host_company", False, "Salon Bella", ""),
        Column("host_address", False, "", ""),
        Column("host_sector", False, "Beauty salon", ""),
        Column("host_contact_name", False, "", ""),
        Column("host_contact_email", False, "", ""),
        Column("host_contact_phone", False, "", ""),
        Column("virtual_start", False, "", gettext_lazy("Blended mobility: start of the virtual part.")),
        Column("virtual_end", False, "", gettext_lazy("Blended mobility: end of the virtual part.")),
        Column("virtual_platform", False, "", gettext_lazy("E.g. Moodle, Microsoft Teams.")),
        Column("virtual_hours", False, "", gettext_lazy("Hours of the virtual part.")),
        Column("virtual_activities", False, "", ""),
        Column("planned_activities", False, "", gettext_lazy("Planned learning activities at the host.")),
    ),
    form_class=MobilityRowForm,
    normalise=_normalise_mobility,
    save=_save_mobility,
    preview_headers=(
        gettext_lazy("Learner"),
        gettext_lazy("Partnership"),
        gettext_lazy("Receiving organisation"),
        gettext_lazy("Start"),
        gettext_lazy("End"),
        gettext_lazy("Type"),
        gettext_lazy("Status"),
        gettext_lazy("Blended"),
    ),
    preview=_preview_mobility,
)

KINDS: dict[str, ImportKind] = {kind.key: kind for kind in (LEARNERS, MOBILITIES)}


def template_dataset_rows(kind: ImportKind) -> tuple[list[str], list[list[str]]]:
    """The template's header row, and the help rows (column, required, example, explanation)."""
    help_rows = [
        [column.name, _("required") if column.required else _("optional"), column.example, str(column.help)]
        for column in kind.columns
    ]
    return kind.column_names, help_rows
