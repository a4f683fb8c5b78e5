from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination


def _positive(request, name: str, default: int | None, maximum: int | None = None) -> int | None:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    if not raw.isascii() or not raw.isdigit() or int(raw) < 1 or (maximum is not None and int(raw) > maximum):
        limit = _("a whole number from 1 to %(max)s") % {"max": maximum} if maximum else _("a whole number from 1")
        raise ValidationError({name: [_("Must be %(limit)s.") % {"limit": limit}]})
    return int(raw)


class Pagination(PageNumberPagination):
    """?page=N&page_size=M (1–200, default 50). A malformed number is a 400; a page past the end gives the
    last page, as the portal's lists do."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request):
        return _positive(request, self.page_size_query_param, self.page_size, self.max_page_size)

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        page_size = self.get_page_size(request)
        number = _positive(request, self.page_query_param, 1)
        paginator = self.django_paginator_class(queryset, page_size)
        self.page = paginator.get_page(number)
        return list(self.page)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["maximum"] = self.max_page_size
        return parameters
