"""`{% chart chart %}`: draws a reporting.charts.Chart (inline SVG + its table) with the template of its kind."""

from django import template
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

register = template.Library()

TEMPLATES = {
    "bars": "reporting/charts/bars.html",
    "columns": "reporting/charts/columns.html",
    "progress": "reporting/charts/progress.html",
}


@register.simple_tag
def chart(chart):
    """The chart's figure: an SVG with role="img", <title> and <desc>, followed by a table of the same numbers."""
    return render_to_string(TEMPLATES[chart.kind], {"chart": chart, "empty_text": _("nothing to show yet.")})
