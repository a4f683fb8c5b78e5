"""Every page in the reader's language (issue 16, point 4).

One account of each demo role walks the portal from its dashboard (links and GET forms, one URL per view:
see `LanguageCrawl`) with its language set to Lithuanian; the pages it reached are then fetched again in
Italian, Dutch and Finnish. In every page, each visible text node (outside <script>, <style> and form fields'
typed values) that equals an English msgid the language's catalogue translates is English the reader should
not see: a string the template does not translate, or a default the portal wrote in English. The failure
lists them, page by page.

What users typed stays as typed, and names, codes, numbers and dates are never msgids, so they never match.
"""

from __future__ import annotations

import re
import time
from collections import defaultdict
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.utils.translation import trans_real

from .accounts import ADMIN, PROJECT_COORDINATOR
from .crawler import DOWNLOAD_VIEWS, Crawl
from .pages import squash

LANGUAGES = ["lt", "it", "nl", "fi"]

# One account per role of the demo (demo/partners.py: ACCOUNTS).
ROLES = {
    "administrator": ADMIN,
    "project coordinator": PROJECT_COORDINATOR,
    "partner coordinator": "coordinator@nova.example",
    "mentor": "mentor@savo.example",
    "learner": "learner@kmpmc.example",
}

# Pages that show English on purpose, each with its reason.
ALLOWED_VIEWS = {
    # Django's admin: reached by the superuser only, its own framework; only its index is fetched.
    "admin:index": "Django admin",
    # Printable views are crawled like any page (bilingual rule, issue 16 point 2): their link back is in the
    # reader's language; the document itself is in its own languages (English and those of who signs it, never
    # the reader's), inside <article lang="en"> with each translation marked with its language, which TextNodes
    # leaves out as not in the reader's language on purpose.
}

# Texts users typed that happen to equal a msgid, by view, each with its reason.
ALLOWED_TEXTS: dict[tuple[str, str], str] = {
    **{
        (view, "Europass Mobility"): "the demo Learning Agreement's enclosures, as its coordinator typed them"
        for view in ("ecvet:agreement_detail", "ecvet:agreement_version")
    },
}

# What the reader cannot see, typed in themselves, or code (column names, identifiers) that is the same in
# every language.
HIDDEN = {"script", "style", "template", "textarea", "title", "code", "kbd", "samp"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class TextNodes(HTMLParser):
    """The visible text nodes of a page, whitespace squashed, with the labels of submit buttons, placeholders
    and titles. Text inside an element marked in another language (`lang="en"`: a language's own name in the
    language menu) or marked `translate="no"` (a record kept as written, e.g. the audit log's object names) is
    left out: the page says it is not in the reader's language on purpose."""

    def __init__(self, language: str):
        super().__init__(convert_charrefs=True)
        self.language = language
        self.stack: list[tuple[str, bool]] = []  # (tag, in another language)
        self.texts: list[str] = []

    def foreign(self) -> bool:
        return any(other for _tag, other in self.stack)

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        other = bool(a.get("lang")) and a["lang"].split("-")[0] != self.language and tag != "html"
        other = other or a.get("translate") == "no"
        if tag not in VOID:
            self.stack.append((tag, other))
        if other or self.foreign():
            return
        if tag == "input" and (a.get("type") or "").lower() in ("submit", "button") and a.get("value"):
            self.texts.append(squash(a["value"]))
        for name in ("placeholder", "aria-label", "title"):
            if a.get(name):
                self.texts.append(squash(a[name]))

    def handle_endtag(self, tag):
        if any(open_tag == tag for open_tag, _other in self.stack):
            while self.stack and self.stack.pop()[0] != tag:
                pass

    def handle_data(self, data):
        if self.foreign() or any(tag in HIDDEN for tag, _other in self.stack):
            return
        text = squash(data)
        if text:
            self.texts.append(text)


def visible_texts(html: str, language: str) -> list[str]:
    parser = TextNodes(language)
    parser.feed(html)
    parser.close()
    return parser.texts


def translated_msgids(language: str) -> set[str]:
    """The English msgids the language's catalogue (the project's, Django's and the apps') translates, less the
    words that are also a translation in it (Italian "Date" is the translation of "Dates")."""
    catalog = trans_real.translation(language)._catalog
    found, words = set(), set()
    for key in set(catalog.keys()):
        translated = catalog[key]  # what the reader sees: the first catalogue that has it (the project's)
        if isinstance(key, tuple):  # a plural form: (msgid, index)
            key = key[0]
        msgid = key.split("\x04", 1)[-1]  # without its context
        if isinstance(translated, str) and translated.strip() and translated != msgid:
            found.add(msgid.strip())
            words.add(translated.strip())
    assert "Quality checklist" in found, f"the project's {language} catalogue is not compiled: run compilemessages"
    return found - words


def english_in(texts: list[str], english: set[str], view: str | None) -> list[str]:
    """The texts that are a translated msgid (also with a closing colon dropped), left in English."""
    found = []
    for text in texts:
        if not re.search(r"[A-Za-z]{2}", text) or (view, text) in ALLOWED_TEXTS:
            continue
        if text in english or text.rstrip(":").strip() in english:
            found.append(text)
    return found


class LanguageCrawl(Crawl):
    """The link crawl, reading pages instead of following POSTs: one URL per view, GET forms submitted."""

    def _wanted(self, url, view, limit_views, seen):
        if view in DOWNLOAD_VIEWS:
            return False
        return super()._wanted(url, view, limit_views, seen) and limit_views[view] < 1

    def _post(self, *args, **kwargs):
        pass

    def _read(self, url, html):
        self.pages_read[url] = (self._view_name(url), html)
        super()._read(url, html)


def read_in(client, language: str, url: str) -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200, f"{url}: {response.status_code}"
    return response.content.decode(response.charset or "utf-8", "replace")


@pytest.mark.parametrize("role", ROLES)
def test_every_page_of_the_role_is_in_the_readers_language(demo, role):
    from partners.models import User

    started = time.perf_counter()
    user = User.objects.get(email=ROLES[role])
    first, *others = LANGUAGES
    user.language = first
    user.save(update_fields=["language"])
    crawl = LanguageCrawl(user, is_admin=role == "administrator")
    crawl.pages_read = {}
    crawl.client.cookies[settings.LANGUAGE_COOKIE_NAME] = first
    crawl.client.defaults["HTTP_ACCEPT_LANGUAGE"] = first
    crawl.run()
    assert not crawl.failures, crawl.report()
    pages = {url: view for url, (view, _html) in crawl.pages_read.items() if view not in ALLOWED_VIEWS}
    assert len(pages) >= 15, sorted(pages)

    offenders: dict[str, set[str]] = defaultdict(set)  # "lt /path/ (view)" -> texts
    for language in LANGUAGES:
        english = translated_msgids(language)
        if language != first:
            user.language = language
            user.save(update_fields=["language"])
        for url in pages:
            html = crawl.pages_read[url][1] if language == first else read_in(crawl.client, language, url)
            for text in english_in(visible_texts(html, language), english, pages[url]):
                offenders[f"{language} {urlsplit(url).path} ({pages[url]})"].add(text)
    print(f"{role}: {len(pages)} pages × {len(LANGUAGES)} languages in {time.perf_counter() - started:.1f} s")
    assert not offenders, f"English left on {len(offenders)} page(s) of the {role}:\n" + "\n".join(
        f"  {page}: {sorted(texts)}" for page, texts in sorted(offenders.items())
    )
