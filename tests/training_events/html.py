"""Reading pages as a browser does, for the tests that drive what users see: the links of a page, and its
forms with the fields the HTML actually contains (so a required field the template drops fails the test).

Plain stdlib (`html.parser`); used by the training-event and dissemination tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Field:
    name: str
    tag: str  # input, select, textarea
    type: str = "text"
    value: str = ""
    checked: bool = False
    required: bool = False
    options: list[tuple[str, bool]] = field(default_factory=list)  # (value, selected)


@dataclass
class Form:
    action: str
    method: str
    fields: list[Field] = field(default_factory=list)
    enctype: str = ""

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)

    @property
    def names(self) -> set[str]:
        return {f.name for f in self.fields}


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Field | None = None
        self._option: list | None = None
        self._textarea: Field | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            self._form = Form(
                action=a.get("action", ""), method=a.get("method", "get").lower(), enctype=a.get("enctype", "")
            )
            self.forms.append(self._form)
        elif self._form is None or "name" not in a and tag in ("input", "select", "textarea"):
            return
        elif tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "reset", "image"):
                return
            self._form.fields.append(
                Field(
                    name=a["name"],
                    tag="input",
                    type=kind,
                    value=a.get("value", ""),
                    checked="checked" in a,
                    required="required" in a,
                )
            )
        elif tag == "select":
            self._select = Field(name=a["name"], tag="select", type="select", required="required" in a)
            self._form.fields.append(self._select)
        elif tag == "option" and self._select is not None:
            self._option = [a.get("value"), "selected" in a, ""]
        elif tag == "textarea":
            self._textarea = Field(name=a["name"], tag="textarea", type="textarea", required="required" in a)
            self._form.fields.append(self._textarea)

    def handle_data(self, data):
        if self._option is not None:
            self._option[2] += data
        if self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag):
        if tag == "option" and self._option is not None and self._select is not None:
            value, selected, text = self._option
            self._select.options.append((value if value is not None else text.strip(), selected))
            self._option = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            if self._textarea is not None:
                self._textarea.value = self._textarea.value.lstrip("\n")
            self._textarea = None
        elif tag == "form":
            self._form = None


def parse(html: str) -> _Parser:
    parser = _Parser()
    parser.feed(html)
    return parser


def links(html: str) -> list[str]:
    return parse(html).links


def forms(html: str) -> list[Form]:
    return parse(html).forms


def post_form(html: str, *, containing: str) -> Form:
    """The page's POST form that has a field named `containing`."""
    return next(f for f in forms(html) if f.method == "post" and containing in f.names)


SAMPLE = {
    "date": "2027-05-10",
    "time": "10:00",
    "number": "2",
    "email": "sample.person@example.org",
    "url": "https://example.org/",
}


def fill(form: Form, values: dict | None = None) -> dict:
    """The data a person submits: every field the form renders, those given in `values` with that value,
    the others with what the page already holds, empty required ones filled with a sample of their type
    (optional ones left empty, as people do),
    a select left at its selected option (a required one with its empty option selected gets its first real
    option, as a person must pick one). Unchecked boxes are not sent."""
    values = values or {}
    data: dict = {}
    for f in form.fields:
        if f.name in values:
            data[f.name] = values[f.name]
            continue
        if f.type in ("checkbox", "radio"):
            if f.checked:
                data[f.name] = f.value or "on"
            continue
        if f.type == "file":
            continue
        if f.tag == "select":
            selected = [v for v, is_selected in f.options if is_selected]
            non_empty = [v for v, _selected in f.options if v]
            value = selected[0] if selected else ""
            if not value and (f.required or not selected) and non_empty:
                value = non_empty[0]
            data[f.name] = value
            continue
        if f.value:
            data[f.name] = f.value
            continue
        if f.type == "hidden" or not f.required:
            data[f.name] = ""
            continue
        data[f.name] = SAMPLE.get(f.type, f"Sample {f.name}")
    return data
