"""Submitting a form as the page rendered it: keep what the HTML holds, fill what it marks required."""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import urlsplit

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.forms import BaseForm, BaseFormSet
from django.test import Client

from .pages import Field, Form, form_errors, parse, same_site_path

# The smallest file every upload validator in the portal accepts as a PDF.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000052 00000 n \n0000000101 00000 n \n"
    b"trailer<</Size 4/Root 1 0 R>>\nstartxref\n165\n%%EOF\n"
)

LATER = ("end", "until", "to", "departure", "finish", "last")


def is_later(name: str) -> bool:
    words = name.lower().replace("-", "_").split("_")
    return any(word in LATER for word in words)


def posting_forms(html: str, url: str, target: str | None = None) -> list[Form]:
    """The POST forms on the page that submit to `target` (by default the page itself)."""
    path = urlsplit(target or url).path
    found = []
    for form in parse(html).forms:
        if form.method != "post":
            continue
        target = same_site_path(url, form.action) if form.action else url
        if target and urlsplit(target).path == path:
            found.append(form)
    return found


def extra_formset_rows(form: Form) -> list[str]:
    """Name prefixes ("units-2-") of a formset's extra rows: a person leaves them empty, and so do we."""
    totals = {}
    for f in form.fields:
        for suffix in ("-INITIAL_FORMS", "-TOTAL_FORMS"):
            if f.name.endswith(suffix):
                totals.setdefault(f.name.removesuffix(suffix), {})[suffix] = int(f.value or 0)
    return [
        f"{prefix}-{n}-"
        for prefix, counts in totals.items()
        for n in range(counts.get("-INITIAL_FORMS", 0), counts.get("-TOTAL_FORMS", 0))
    ]


def required(form: Form, f: Field, extra_rows: list[str]) -> bool:
    """The `required` attribute, or a label marked required (crispy's asterisk) outside a formset's extra rows."""
    if f.required:
        return True
    return f.id in form.required_labels and not f.name.startswith(tuple(extra_rows))


def fill(form: Form, day: date, button=None, choose: dict | None = None) -> tuple[dict, list[str]]:
    """POST data from the rendered form: rendered values kept, empty required fields given a valid value.

    `choose` sets fields a person would pick on purpose (a host other than the sender); each must be a
    field of the rendered form. Returns the data and a note of what was filled, for the failure message.
    """
    data: dict[str, list] = {}
    for name, value in form.values(button if button is not None else form.default_button()):
        data.setdefault(name, []).append(value)
    filled = []
    rendered = {f.name for f in form.fields}
    for name, value in (choose or {}).items():
        assert name in rendered, f"the page does not render the field {name!r}"
        data[name] = [str(value)]
        filled.append(f"{name}={value!r} (chosen)")
    extra_rows = extra_formset_rows(form)
    radios_done = set()
    for f in form.fields:
        if f.disabled or not f.name or f.name in (choose or {}) or not required(form, f, extra_rows):
            continue
        if f.type == "radio":
            if f.name in data or f.name in radios_done:
                continue
            radios_done.add(f.name)
            data[f.name] = [f.value or "on"]
        elif f.type == "checkbox":
            if f.name in data:
                continue
            data[f.name] = [f.value or "on"]
        elif f.type == "file":
            data[f.name] = [SimpleUploadedFile("crawl-test.pdf", PDF, content_type="application/pdf")]
        elif f.tag == "select":
            if any(v for v in data.get(f.name, [])):
                continue
            options = [v for v, _selected in f.options if v]
            if not options:
                continue  # nothing to choose: the response will say so
            data[f.name] = [options[0]]
        else:
            if any(v.strip() for v in data.get(f.name, [])):
                continue
            data[f.name] = [value_for(f, day)]
        filled.append(f"{f.name}={data[f.name][0]!r}")
    return data, filled


def value_for(f: Field, day: date) -> str:
    later = is_later(f.name)
    kind = f.type
    name = f.name.lower()
    if kind == "date" and "birth" in name:
        return day.replace(year=day.year - 18, day=min(day.day, 28)).isoformat()
    if kind == "number" and "year" in name:
        return str(day.year)
    if name.endswith("slug"):
        return "crawl-test"
    if kind == "date":
        value = day + timedelta(days=2) if later else day
        low, high = f.attrs.get("min"), f.attrs.get("max")
        if low and value.isoformat() < low:
            value = date.fromisoformat(low)
        if high and value.isoformat() > high:
            value = date.fromisoformat(high)
        return value.isoformat()
    if kind == "datetime-local":
        return f"{(day + timedelta(days=2) if later else day).isoformat()}T{'12:00' if later else '10:00'}"
    if kind == "time":
        return "12:00" if later else "10:00"
    if kind in ("number", "range"):
        low = f.attrs.get("min")
        value = max(float(low), 1) if low not in (None, "") else 1
        high = f.attrs.get("max")
        if high not in (None, "") and value > float(high):
            value = float(high)
        return str(int(value)) if float(value).is_integer() else str(value)
    if kind == "email":
        return "crawl@example.org"
    if kind == "url":
        return "https://example.org"
    if kind == "tel":
        return "+3701234567"
    if kind == "month":
        return day.strftime("%Y-%m")
    if kind == "color":
        return "#336699"
    return "Crawl test"


def submit(client: Client, url: str, form: Form, day: date, choose=None, keep: bool = False):
    """POST the filled form; rolled back unless `keep` (for a step that prepares the next case)."""
    data, filled = fill(form, day, choose=choose)
    with transaction.atomic():
        response = client.post(url, data)
        if not keep:
            transaction.set_rollback(True)
    return response, data, filled


def unshown_errors(response) -> dict:
    """The errors of the forms the view rendered, read from the template context (the page may hide them)."""
    found = {}
    context = getattr(response, "context", None)
    if context is None:
        return found
    for key in context.keys():
        value = context[key]
        if isinstance(value, BaseForm) and value.errors:
            found[key] = {field: list(errors) for field, errors in value.errors.items()}
        elif isinstance(value, BaseFormSet) and (any(value.errors) or value.non_form_errors()):
            found[key] = [dict(errors) for errors in value.errors if errors] + list(value.non_form_errors())
    return found


def explain(response, data, filled) -> str:
    body = response.content.decode("utf-8", "replace") if not response.streaming else ""
    errors = form_errors(body) or ["(no error message on the page)"]
    shown = {k: [v if isinstance(v, str) else "<file>" for v in vs] for k, vs in data.items()}
    return (
        f"answered {response.status_code}; errors on the page: {errors}; "
        f"errors of the view's forms: {unshown_errors(response)}; "
        f"filled: {filled or 'nothing'}; posted: {shown}"
    )
