"""Widgets shared by the apps' forms."""

from __future__ import annotations

from django import forms
from django.utils.html import format_html, format_html_join


def _attrs(attrs: dict) -> str:
    # As Django's attrs.html, in the same order: True → the bare name, False or None → left out.
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, str(value)),)
            for name, value in attrs.items()
            if value is not False and value is not None
        ),
    )


class FastSelect(forms.Select):
    """A Select that writes its options in Python, as Django's select.html and select_option.html would: a filter
    offering two hundred mentors cost ~60 ms of template includes per list page at 25,000 mobilities (issue 15).
    Same markup (name, id, attributes, option groups, selected), so labels, crispy-forms' classes and
    assistive technologies see no difference."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        groups = []
        for group_name, options, _index in widget["optgroups"]:
            rendered = format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                ((str(option["value"]), _attrs(option["attrs"]), option["label"]) for option in options),
            )
            groups.append(
                format_html('<optgroup label="{}">{}</optgroup>', group_name, rendered) if group_name else rendered
            )
        return format_html(
            '<select name="{}"{}>{}</select>',
            widget["name"],
            _attrs(widget["attrs"]),
            format_html_join("", "{}", ((g,) for g in groups)),
        )
