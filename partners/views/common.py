from django.core.paginator import Paginator

from ..access import get_scope

PAGE_SIZE = 25


def paginate(request, queryset, per_page: int = PAGE_SIZE):
    """A page of `queryset` for ?page=N; an out-of-range or bad number gives the nearest valid page."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def scope_of(request):
    return get_scope(request.user)
