"""A document's headings and labels in each of its languages (documents.languages; issue 16, point 2).

`{% say _("Date of birth") %}` writes "Date of birth / Gimimo data / Geboortedatum": the message in each language
of `document_languages` (the context variable the printable views and the PDF pipeline set), each part marked
with its language for screen readers, hyphenation and the tagged PDF. Where the context has no
`document_languages` (an ordinary page sharing the template) it is the message in the reader's language, as
`{% translate %}` would write it. Placeholders as in `{% blocktranslate %}`: `{% say _("Version %(n)s") n=c.version %}`
(the values are escaped; the message, as in blocktranslate, is ours). makemessages finds `_("…")` in any tag.

`{% say texts %}` writes texts already in each language ([(language, text), …], e.g. ecvet.printing.in_languages);
`{% say labels key %}` the one of `key` in such a map; `{% say label %}` with a lazy translation (a TextChoices
label) writes it in each language of the document. `{% say _("…") … as texts %}` sets [(language, text), …]
instead, for a sentence to lay out one paragraph per language.
"""

import re

from django import template
from django.utils.functional import Promise
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext

from documents.languages import in_each, translated

register = template.Library()

_MESSAGE = re.compile(r"""_\((?P<quote>["'])(?P<msgid>.*)(?P=quote)\)""", re.DOTALL)


class _Escaped:
    """A value for a placeholder, escaped when written: a lazy translation (a status label) is written in the
    language of the text it fills."""

    def __init__(self, value):
        self.value = value

    def __str__(self):
        return conditional_escape(self.value)


def spans(texts) -> str:
    """[(language, text), …] → the first in full, the others after a slash, muted; text escaped unless safe."""
    if not texts:
        return ""
    (first_lang, first), *others = texts
    head = format_html('<span lang="{}">{}</span>', first_lang, first)
    if not others:
        return head
    tail = format_html_join("", ' / <span lang="{}" class="other-language">{}</span>', others)
    return format_html("{}{}", head, tail)


class SayNode(template.Node):
    def __init__(self, msgid=None, values=None, texts=None, key=None, name=None):
        self.msgid, self.values, self.texts, self.key, self.name = msgid, values or {}, texts, key, name

    def render(self, context):
        languages = context.get("document_languages")
        if self.msgid is not None:
            # The message is ours (a catalogue's, like blocktranslate's): safe; the values are escaped.
            values = {name: _Escaped(value.resolve(context)) for name, value in self.values.items()}
            if languages:
                texts = translated(self.msgid, languages, values or None)
            else:
                text = gettext(self.msgid)
                texts = [(get_language() or "en", text % values if values else text)]
            texts = [(lang, mark_safe(text)) for lang, text in texts]  # noqa: S308
            if self.name:  # `as name`: the [(language, text), …] for the template to lay out (a sentence each)
                context[self.name] = texts
                return ""
            return spans(texts) if languages else texts[0][1]
        texts = self.texts.resolve(context)
        if self.key is not None:
            key = self.key.resolve(context)
            texts = texts.get(key) if isinstance(texts, dict) else None
        if isinstance(texts, Promise):  # a lazy translation: in each language of the document
            return spans(in_each(languages, lambda: texts)) if languages else conditional_escape(texts)
        if isinstance(texts, str):
            return conditional_escape(texts)
        return spans(texts)


@register.tag
def say(parser, token):
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError(f"'{bits[0]}' takes a message, _(\"…\"), or texts")
    message = _MESSAGE.fullmatch(bits[1])
    if message:
        name = None
        if len(bits) > 3 and bits[-2] == "as":
            bits, name = bits[:-2], bits[-1]
        values = template.base.token_kwargs(bits[2:], parser)
        if len(bits) > 2 and len(values) != len(bits) - 2:
            raise template.TemplateSyntaxError(f"'{bits[0]}': after the message only name=value pairs")
        return SayNode(msgid=message["msgid"], values=values, name=name)
    if len(bits) > 3:
        raise template.TemplateSyntaxError(f"'{bits[0]}' takes texts and at most a key")
    key = parser.compile_filter(bits[2]) if len(bits) == 3 else None
    return SayNode(texts=parser.compile_filter(bits[1]), key=key)


@register.filter
def in_language(texts: dict, language: str) -> str:
    """The text of a {language: text} map in `language`, else in English, else the first there is."""
    if not isinstance(texts, dict):
        return texts or ""
    return texts.get(language) or texts.get("en") or next(iter(texts.values()), "")
