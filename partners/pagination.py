"""One page of a list, the same way on every page of the portal (every app's views use it)."""

from django.core.paginator import Paginator

PAGE_SIZE = 25


def paginate(request, queryset, per_page: int = PAGE_SIZE):
    """A page of `queryset` for ?page=N; an out-of-range or bad number gives the nearest valid page."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))
