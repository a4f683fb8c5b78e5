"""Reading pages as a browser would: the links, the forms and their fields, the error messages.

Plain `html.parser`, no dependency: a rendered page is parsed, never the form class behind it, so a
field the template forgets is missing here too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@dataclass
class Link:
    href: str
    text: str


@dataclass
class Field:
    tag: str  # input, select, textarea
    name: str
    type: str = "text"
    value: str = ""
    checked: bool = False
    required: bool = False
    disabled: bool = False
    multiple: bool = False
    id: str = ""
    attrs: dict = field(default_factory=dict)
    options: list[tuple[str, bool]] = field(default_factory=list)  # (value, selected) for a select


@dataclass
class Button:
    name: str
    value: str
    text: str
    formaction: str | None = None
    formmethod: str | None = None


@dataclass
class Form:
    action: str | None
    method: str
    enctype: str
    id: str
    fields: list[Field] = field(default_factory=list)
    buttons: list[Button] = field(default_factory=list)
    required_labels: set[str] = field(default_factory=set)  # ids of fields whose label says "required"

    def values(self, button: Button | None = None) -> list[tuple[str, str]]:
        """What the browser sends as rendered: enabled fields, checked boxes, selected options."""
        pairs: list[tuple[str, str]] = []
        for f in self.fields:
            if f.disabled or not f.name:
                continue
            if f.tag == "select":
                chosen = [v for v, selected in f.options if selected]
                if not chosen and f.options and not f.multiple:
                    chosen = [f.options[0][0]]  # a browser sends the first option when none is selected
                pairs += [(f.name, v) for v in chosen]
            elif f.type in ("checkbox", "radio"):
                if f.checked:
                    pairs.append((f.name, f.value or "on"))
            elif f.type in ("submit", "button", "reset", "image", "file"):
                continue
            else:
                pairs.append((f.name, f.value))
        if button is not None and button.name:
            pairs.append((button.name, button.value))
        return pairs

    def default_button(self) -> Button | None:
        return self.buttons[0] if self.buttons else None


class PageParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[Link] = []
        self.forms: list[Form] = []
        self.labels: dict[str, str] = {}  # for-id -> label text
        self._outside: list[tuple[str, Field | Button]] = []  # fields with a form="id" attribute
        self._form: Form | None = None
        self._link: Link | None = None
        self._select: Field | None = None
        self._option: list | None = None
        self._textarea: Field | None = None
        self._button: Button | None = None
        self._label: list | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "a" and "href" in a:
            self._link = Link(href=a["href"], text="")
            self.links.append(self._link)
        elif tag == "form":
            self._form = Form(
                action=a.get("action"),
                method=(a.get("method") or "get").lower(),
                enctype=a.get("enctype", ""),
                id=a.get("id", ""),
            )
            self.forms.append(self._form)
        elif tag == "label":
            self._label = [a.get("for", ""), ""]
        elif tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "image"):
                self._add(
                    a,
                    Button(
                        a.get("name", ""),
                        a.get("value", ""),
                        a.get("value", ""),
                        a.get("formaction"),
                        a.get("formmethod"),
                    ),
                )
            else:
                self._add(
                    a,
                    Field(
                        "input",
                        a.get("name", ""),
                        kind,
                        a.get("value", ""),
                        "checked" in a,
                        "required" in a,
                        "disabled" in a,
                        "multiple" in a,
                        a.get("id", ""),
                        a,
                    ),
                )
        elif tag == "select":
            self._select = Field(
                "select",
                a.get("name", ""),
                "select",
                "",
                False,
                "required" in a,
                "disabled" in a,
                "multiple" in a,
                a.get("id", ""),
                a,
            )
            self._add(a, self._select)
        elif tag == "option" and self._select is not None:
            self._option = [a.get("value"), "selected" in a, ""]
        elif tag == "textarea":
            self._textarea = Field(
                "textarea",
                a.get("name", ""),
                "textarea",
                "",
                False,
                "required" in a,
                "disabled" in a,
                False,
                a.get("id", ""),
                a,
            )
            self._add(a, self._textarea)
        elif tag == "button":
            kind = (a.get("type") or "submit").lower()
            if kind == "submit":
                self._button = Button(
                    a.get("name", ""), a.get("value", ""), "", a.get("formaction"), a.get("formmethod")
                )
                self._add(a, self._button)

    def _add(self, attrs: dict, item: Field | Button):
        owner = attrs.get("form")
        if owner:
            self._outside.append((owner, item))
        elif self._form is not None:
            (self._form.buttons if isinstance(item, Button) else self._form.fields).append(item)

    def handle_endtag(self, tag):
        if tag == "a" and self._link is not None:
            self._link.text = squash(self._link.text)
            self._link = None
        elif tag == "form":
            self._form = None
        elif tag == "label" and self._label is not None:
            self.labels[self._label[0]] = self._label[1]
            self._label = None
        elif tag == "option" and self._option is not None:
            self._close_option()
        elif tag == "select":
            if self._option is not None:
                self._close_option()
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            # html.parser keeps the leading newline a browser drops
            self._textarea.value = self._textarea.value.removeprefix("\n")
            self._textarea = None
        elif tag == "button" and self._button is not None:
            self._button.text = squash(self._button.text)
            self._button = None

    def _close_option(self):
        value, selected, text = self._option
        self._select.options.append((squash(text) if value is None else value, selected))
        self._option = None

    def handle_data(self, data):
        if self._link is not None:
            self._link.text += data
        if self._option is not None:
            self._option[2] += data
        if self._textarea is not None:
            self._textarea.value += data
        if self._button is not None:
            self._button.text += data
        if self._label is not None:
            self._label[1] += data

    def close(self):
        super().close()
        by_id = {form.id: form for form in self.forms if form.id}
        for owner, item in self._outside:
            form = by_id.get(owner)
            if form is not None:
                (form.buttons if isinstance(item, Button) else form.fields).append(item)
        for form in self.forms:
            for f in form.fields:
                label = self.labels.get(f.id, "") if f.id else ""
                if f.id and label.rstrip().endswith("*"):
                    form.required_labels.add(f.id)


def parse(html: str) -> PageParser:
    parser = PageParser()
    parser.feed(html)
    parser.close()
    return parser


def same_site_path(base: str, href: str) -> str | None:
    """The path+query a link points at on this site, or None for mailto:, other hosts and '#' links."""
    href = href.strip()
    if not href or href.startswith("#") or href.lower().startswith(("javascript:", "mailto:", "tel:", "data:")):
        return None
    url = urljoin("http://testserver" + base, href)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or parts.netloc not in ("testserver", "testserver:80"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


class _ErrorParser(HTMLParser):
    """Collects the text of elements that carry form errors or alerts."""

    MARKERS = ("invalid-feedback", "errorlist", "alert-danger", "alert-warning", "alert-error", "text-danger")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []
        self.depth = 0
        self.current: list[str] = []
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        classes = dict(attrs).get("class") or ""
        marked = any(marker in classes.split() for marker in self.MARKERS)
        self.stack.append((tag, marked))
        if marked:
            self.depth += 1
            if self.depth == 1:
                self.current = []

    def handle_endtag(self, tag):
        while self.stack:
            open_tag, marked = self.stack.pop()
            if marked:
                self.depth -= 1
                if self.depth == 0:
                    text = squash("".join(self.current))
                    if text and text not in self.found:
                        self.found.append(text)
            if open_tag == tag:
                break

    def handle_data(self, data):
        if self.depth:
            self.current.append(data)


def form_errors(html: str) -> list[str]:
    parser = _ErrorParser()
    parser.feed(html)
    parser.close()
    return parser.found


# --- The Content Security Policy (issue 17, point 3) -----------------------------------------------------------
# Types of <script> that hold data, not code: the browser never runs them, so the policy does not apply.
SCRIPT_DATA_TYPES = {"application/json", "application/ld+json", "text/template"}


def policy_directives(header: str) -> dict[str, list[str]]:
    """`default-src 'self'; img-src 'self' data:` -> {"default-src": ["'self'"], "img-src": ["'self'", "data:"]}."""
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives


class _InlineCodeParser(HTMLParser):
    """What a page holds that the policy would refuse: style attributes, event-handler attributes, javascript:
    URLs, and <script> / <style> elements with their code inline, unless they carry the response's nonce."""

    def __init__(self, nonce: str):
        super().__init__(convert_charrefs=True)
        self.nonce = nonce
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = {k.lower(): (v or "") for k, v in attrs}
        where = f"<{tag}{' id=' + a['id'] if a.get('id') else ''}{' class=' + a['class'] if a.get('class') else ''}>"
        if "style" in a:
            self.found.append(f"style attribute on {where}: {a['style']}")
        self.found += [f"{name} attribute on {where}" for name in a if name.startswith("on")]
        for name in ("href", "src", "action", "formaction"):
            if re.sub(r"\s", "", a.get(name, "")).lower().startswith("javascript:"):
                self.found.append(f"javascript: URL in {name} of {where}")
        nonced = bool(self.nonce) and a.get("nonce") == self.nonce
        if tag == "script" and not a.get("src") and a.get("type", "").lower() not in SCRIPT_DATA_TYPES and not nonced:
            self.found.append(f"inline script without the nonce: {where}")
        if tag == "style" and not nonced:
            self.found.append(f"<style> element without the nonce: {where}")


def inline_code(html: str, nonce: str = "") -> list[str]:
    parser = _InlineCodeParser(nonce)
    parser.feed(html)
    parser.close()
    return parser.found


def policy_problems(response, html: str) -> list[str]:
    """Why this HTML page would not pass the enforced Content Security Policy: the header missing or reporting
    only, or inline code without the nonce the header names."""
    header = response.get("Content-Security-Policy")
    if not header:
        return ["no Content-Security-Policy header"]
    script_src = policy_directives(header).get("script-src", [])
    nonces = [source[len("'nonce-") : -1] for source in script_src if source.startswith("'nonce-")]
    return inline_code(html, nonces[0] if nonces else "")
