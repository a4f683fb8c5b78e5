"""Labels of a document in several languages (ecvet.printing.in_languages): `{% say L.total %}` writes
"Total grant / Bendra dotacija", each part marked with its language for screen readers and hyphenation."""

from django import template
from django.utils.html import format_html, format_html_join

register = template.Library()


@register.simple_tag
def say(texts, key=None):
    """`texts` = [(language, text), …]: the first in full, the others after a slash, muted. With `key`,
    `texts` is the whole map of labels and the one of that key is written (`{% say L line.category %}`)."""
    if key is not None:
        texts = texts.get(key) if isinstance(texts, dict) else None
    if not texts:
        return ""
    (first_lang, first), *others = texts
    head = format_html('<span lang="{}">{}</span>', first_lang, first)
    if not others:
        return head
    tail = format_html_join(" ", ' / <span lang="{}" class="other-language">{}</span>', others)
    return format_html("{}{}", head, tail)


@register.filter
def in_language(texts: dict, language: str) -> str:
    """The text of a {language: text} map in `language`, else in English, else the first there is."""
    if not isinstance(texts, dict):
        return texts or ""
    return texts.get(language) or texts.get("en") or next(iter(texts.values()), "")
