"""Who may see and do what in mobility: learners, mobilities, assessments, checklists, reports, money.

Built on `partners.access` (scope and named rights). Views, forms, templates, serializers and exports ask
these functions; nothing else in the app decides access.
"""

from __future__ import annotations

from partners.access import get_scope
from partners.models import Organisation, Right


def organisations_with_right(user, right: str = Right.MANAGE_MOBILITIES):
    """Organisations (visible to the user) for which the user holds `right`."""
    scope = get_scope(user)
    organisations = Organisation.objects.visible_to(user).order_by("short_name")
    if scope.is_superuser:
        return organisations
    return organisations.filter(pk__in=[oid for oid, rights in scope.rights_by_org.items() if right in rights])


def home_organisation_choices(user, current=None):
    """Where the user may enrol a learner: organisations they manage mobilities for and whose learners they
    see (their own staff organisations), so a learner they create never drops out of their sight."""
    scope = get_scope(user)
    organisations = organisations_with_right(user)
    if scope.is_superuser:
        return organisations
    return organisations.filter(pk__in=set(scope.staff_org_ids) | ({current.pk} if current else set()))
