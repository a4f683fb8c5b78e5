"""Template helpers of the money area: the grant of one mobility and readable distance bands."""

from django import template

from funding.pricing import band_text

from ..services.money import grant_for

register = template.Library()


@register.simple_tag
def mobility_grant(mobility):
    """`{% mobility_grant mobility as grant %}`: the grant under the project's funding rules, with its working."""
    return grant_for(mobility)


@register.filter
def band_label(band) -> str:
    return band_text(band) if band is not None else ""
