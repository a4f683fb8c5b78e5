"""Keyset (cursor) pagination for the API lists, with `?page=N` kept for the clients that count pages.

`next` and `previous` carry an opaque `cursor`: DRF's cursor encoding (base64 of a small query string)
holding the list's ordering and the values of the row where the page ended, primary key included. The
following page is then `WHERE (ordering) > (values) ORDER BY ordering LIMIT n`, an index range scan however
deep the page: no OFFSET. DRF's own CursorPagination keys on the first ordering field only and counts ties
with an offset (capped at 1,000); ordering by status ties thousands of rows, so the whole ordering is keyed
here, the primary key last, which makes every position unique and the offset always zero.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import Cursor, CursorPagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param

from partners.pagination import DeferredJoinPaginator


def _positive(request, name: str, default: int | None, maximum: int | None = None) -> int | None:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    if not raw.isascii() or not raw.isdigit() or int(raw) < 1 or (maximum is not None and int(raw) > maximum):
        limit = _("a whole number from 1 to %(max)s") % {"max": maximum} if maximum else _("a whole number from 1")
        raise ValidationError({name: [_("Must be %(limit)s.") % {"limit": limit}]})
    return int(raw)


@dataclass(frozen=True)
class Key:
    """One column of the ordering. NULL sorts as the largest value (PostgreSQL's default, so its indexes
    serve the order; SQLite is told explicitly)."""

    name: str
    field: models.Field
    descending: bool

    def flipped(self) -> Key:
        return Key(self.name, self.field, not self.descending)

    def order_by(self):
        if not self.field.null:
            return f"-{self.name}" if self.descending else self.name
        expression = F(self.name)
        return expression.desc(nulls_first=True) if self.descending else expression.asc(nulls_last=True)

    def after(self, value) -> Q | None:
        """Rows strictly after `value` in this key's direction (None: there are none)."""
        if value is None:
            return Q(**{f"{self.name}__isnull": False}) if self.descending else None
        beyond = Q(**{f"{self.name}__{'lt' if self.descending else 'gt'}": value})
        if self.field.null and not self.descending:
            beyond |= Q(**{f"{self.name}__isnull": True})
        return beyond

    def at_or_after(self, value) -> Q | None:
        """The range condition an index can start from (None: no bound)."""
        if value is None:
            return None if self.descending else Q(**{f"{self.name}__isnull": True})
        bound = Q(**{f"{self.name}__{'lte' if self.descending else 'gte'}": value})
        if self.field.null and not self.descending:
            bound |= Q(**{f"{self.name}__isnull": True})
        return bound

    def equal(self, value) -> Q:
        return Q(**{f"{self.name}__isnull": True}) if value is None else Q(**{self.name: value})

    def dump(self, instance):
        value = instance.pk if self.name == "pk" else self.field.value_from_object(instance)
        if value is None or isinstance(value, int | str):
            return value
        if isinstance(value, datetime.date | datetime.datetime):
            return value.isoformat()  # microseconds kept: a created_at key must match exactly
        return self.field.value_to_string(instance)

    def load(self, raw):
        """The value from a cursor, checked as the field checks input; DjangoValidationError otherwise."""
        if raw is None:
            if self.field.null:
                return None
            raise DjangoValidationError("null")
        if isinstance(raw, bool) or not isinstance(raw, int | str) or (isinstance(raw, str) and "\x00" in raw):
            raise DjangoValidationError("type")
        value = self.field.to_python(raw)
        if isinstance(value, datetime.datetime) and timezone.is_naive(value):
            raise DjangoValidationError("naive")
        self.field.run_validators(value)
        return value


def after_position(keys: list[Key], values: list) -> Q:
    """(k1, k2, …, pk) > (v1, v2, …, id) in the keys' mixed directions, led by a plain range on the first
    key so that PostgreSQL scans the matching index from the position instead of filtering the table."""
    branches = Q(pk__in=[])
    equal_so_far = Q()
    for key, value in zip(keys, values, strict=True):
        beyond = key.after(value)
        if beyond is not None:
            branches |= equal_so_far & beyond
        equal_so_far &= key.equal(value)
    bound = keys[0].at_or_after(values[0])
    return branches if bound is None else bound & branches


class Pagination(CursorPagination):
    """`next`/`previous` links carry a cursor; `?page=N` still selects a page by number (OFFSET, as before);
    `page_size` is 1–200 (default 50). The answer is `{count, next, previous, results}`; `count` is the
    whole filtered list, counted once. A page number past the end gives the last page, as the portal's lists
    do. A malformed, tampered or foreign cursor (another list's or another ordering's) is a 400."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    page_query_param = "page"
    ordering = ("pk",)
    cursor_query_description = gettext_lazy("Where to continue: the cursor of a `next` or `previous` link (opaque).")

    def get_page_size(self, request):
        return _positive(request, self.page_size_query_param, self.page_size, self.max_page_size)

    def keys_for(self, model, ordering) -> list[Key]:
        keys: list[Key] = []
        for term in ordering:
            name = term.lstrip("-")
            if name in ("pk", model._meta.pk.name):
                keys.append(Key("pk", model._meta.pk, term.startswith("-")))
                break  # unique: later terms never decide anything
            if any(key.name == name for key in keys):
                continue
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            keys.append(Key(name, field, term.startswith("-")))
        else:
            keys.append(Key("pk", model._meta.pk, False))  # ties broken by creation order
        return keys

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.page_size = self.get_page_size(request)
        self.keys = self.keys_for(queryset.model, self.get_ordering(request, queryset, view))
        self.signature = [f"-{key.name}" if key.descending else key.name for key in self.keys]
        self.base_url = remove_query_param(request.build_absolute_uri(), self.page_query_param)
        self.cursor = self.decode_cursor(request)
        if self.page_query_param in request.query_params:
            if self.cursor is not None:
                raise ValidationError({self.cursor_query_param: [_("Give either a cursor or a page, not both.")]})
            return self.paginate_by_number(queryset, request)

        reverse = self.cursor is not None and self.cursor.reverse
        keys = [key.flipped() for key in self.keys] if reverse else self.keys
        self.count = queryset.count()
        queryset = queryset.order_by(*(key.order_by() for key in keys))
        if self.cursor is not None:
            queryset = queryset.filter(after_position(keys, self.cursor.position))
        rows = list(queryset[: self.page_size + 1])
        self.page = rows[: self.page_size]
        more = len(rows) > self.page_size
        if reverse:
            self.page.reverse()
            self.has_next, self.has_previous = True, more
        else:
            self.has_next, self.has_previous = more, self.cursor is not None
        self.display_page_controls = self.has_next or self.has_previous
        return self.page

    def paginate_by_number(self, queryset, request):
        number = _positive(request, self.page_query_param, 1)
        # Deep pages read their keys first, then the rows (partners.pagination): an OFFSET over the joined rows cost
        # the 200th page of mobilities 60-90 ms.
        paginator = DeferredJoinPaginator(queryset.order_by(*(key.order_by() for key in self.keys)), self.page_size)
        page = paginator.get_page(number)
        self.page = list(page)
        self.count = paginator.count
        self.has_next, self.has_previous = page.has_next(), page.has_previous()
        self.display_page_controls = self.has_next or self.has_previous
        return self.page

    # --- The cursor: DRF's encoding; its position holds the ordering and the row's values as JSON ---------

    def decode_cursor(self, request):
        if self.cursor_query_param not in request.query_params:
            return None
        invalid = ValidationError({self.cursor_query_param: [_("Not a cursor of this list: follow a link.")]})
        try:
            cursor = super().decode_cursor(request)
            position = json.loads(cursor.position) if cursor.position is not None else None
        except (NotFound, ValueError):
            raise invalid from None
        if cursor.offset or not isinstance(position, dict) or not isinstance(position.get("v"), list):
            raise invalid
        if position.get("o") != self.signature:
            raise ValidationError(
                {self.cursor_query_param: [_("This cursor belongs to another ordering: start again without a cursor.")]}
            )
        if len(position["v"]) != len(self.keys):
            raise invalid
        try:
            values = [key.load(raw) for key, raw in zip(self.keys, position["v"], strict=True)]
        except DjangoValidationError:
            raise invalid from None
        self.cursor_values = position["v"]
        return Cursor(offset=0, reverse=cursor.reverse, position=values)

    def link(self, instance, *, reverse: bool) -> str:
        position = {"o": self.signature, "v": [key.dump(instance) for key in self.keys]}
        return self.encode_cursor(Cursor(offset=0, reverse=reverse, position=json.dumps(position)))

    def link_at_cursor(self, *, reverse: bool) -> str:
        # An empty page (its rows deleted meanwhile): continue from the cursor's own position.
        position = {"o": self.signature, "v": self.cursor_values}
        return self.encode_cursor(Cursor(offset=0, reverse=reverse, position=json.dumps(position)))

    def get_next_link(self):
        if not self.has_next:
            return None
        return self.link(self.page[-1], reverse=False) if self.page else self.link_at_cursor(reverse=False)

    def get_previous_link(self):
        if not self.has_previous:
            return None
        return self.link(self.page[0], reverse=True) if self.page else self.link_at_cursor(reverse=True)

    def get_paginated_response(self, data):
        return Response(
            {"count": self.count, "next": self.get_next_link(), "previous": self.get_previous_link(), "results": data}
        )

    # --- Schema -------------------------------------------------------------------------------------------

    def get_paginated_response_schema(self, schema):
        link = {"type": "string", "nullable": True, "format": "uri"}
        return {
            "type": "object",
            "required": ["count", "next", "previous", "results"],
            "properties": {
                "count": {"type": "integer", "minimum": 0, "example": 123},
                "next": {**link, "example": "https://vision.example/api/v1/mobilities/?cursor=cD0lNUIlNUQ%3D"},
                "previous": {**link, "example": "https://vision.example/api/v1/mobilities/?cursor=cj0xJnA9JTVC"},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": str(self.cursor_query_description),
                "schema": {"type": "string"},
            },
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": _("A page number (instead of a cursor); past the end gives the last page."),
                "schema": {"type": "integer", "minimum": 1},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": _("Rows per page."),
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
            },
        ]
