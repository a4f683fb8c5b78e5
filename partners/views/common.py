"""Shared by the partners views only; other apps import `partners.pagination` and `partners.access`
(no app imports another app's views)."""

from ..access import get_scope
from ..pagination import PAGE_SIZE, paginate

__all__ = ["PAGE_SIZE", "paginate", "scope_of"]


def scope_of(request):
    return get_scope(request.user)
