"""`{{ percent|bar_width }}`: the class that gives a bar its share of the track, without a style attribute.

The Content Security Policy forbids inline styles (docs/decisions.md), so a bar's width is one of 101 classes
of static/css/bars.css, `bar-w-0` … `bar-w-100`: whole percents, which is finer than a bar can show.
"""

from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


@register.filter
def bar_width(percent) -> str:
    """`bar-w-N` for `percent` rounded to a whole number and kept within 0–100 (nothing or junk: 0)."""
    try:
        value = Decimal(str(percent))
    except (InvalidOperation, ValueError):
        return "bar-w-0"
    if not value.is_finite():
        return "bar-w-0"
    whole = int(value.quantize(Decimal(1), rounding="ROUND_HALF_UP"))
    return f"bar-w-{max(0, min(100, whole))}"
