"""Who reports on what (docs/access.md, "Reporting"): the one place the reporting pages ask.

- `partnership_in_scope(user, slug)`: the partnership, if the user sees it (its organisations' staff,
  superusers), else 404;
- `sees_whole_partnership(user, partnership)`: the project coordinators (and superusers) see every
  organisation's figures, rows and costs; everyone else their own organisation's part.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from partners.access import get_scope
from partners.models import Partnership


def partnership_in_scope(user, slug: str) -> Partnership:
    return get_object_or_404(Partnership.objects.visible_to(user), slug=slug)


def sees_whole_partnership(user, partnership: Partnership) -> bool:
    scope = get_scope(user)
    return scope.is_superuser or partnership.pk in scope.coordinated_partnership_ids
