"""Template helpers of the money area: the grant of one mobility and readable distance bands."""

from django import template
from django.utils.translation import gettext as _

from ..services.money import grant_for

register = template.Library()


@register.simple_tag
def mobility_grant(mobility):
    """`{% mobility_grant mobility as grant %}`: the unit-cost grant (two small queries for the tables)."""
    return grant_for(mobility)


@register.filter
def band_label(band) -> str:
    if band is None:
        return ""
    if band.max_km is None:
        return _("%(min)s km or more") % {"min": band.min_km}
    return _("%(min)s–%(max)s km") % {"min": band.min_km, "max": band.max_km}
