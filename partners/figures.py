"""A short cache for the figures of a partnership (dashboards, budgets, learner-report results) and for what waits
for a person, dropped on change.

At network scale these pages aggregate tens of thousands of rows per request (issue 15). Their figures are kept
in the cache for VISION_FIGURES_CACHE_SECONDS (60 in production; 0 turns the cache off, as the test settings do)
under a key made of:
- the figures' name and the partnership;
- the reader (what `visible_to(reader)` returns differs per person) and the active language (the figures carry
  translated labels and workings);
- the data version: a token that any save or delete of the portal's own data replaces (`post_save`,
  `post_delete` and `m2m_changed` of every model of DATA_APPS). A change made in the portal therefore shows as
  soon as it is committed, on every web process (the token lives in the shared cache). Only rows changed without
  signals (`QuerySet.update()`, bulk writes) can be seen late, by at most the cache's lifetime; the portal's
  services save row by row, and those that bulk-create call `drop_on_commit()`.

The token is deleted, not rewritten, once the transaction that changed something commits (`on_commit`; the first
of its callbacks does it, the others find nothing pending): one cache query per writing transaction while the
cache is on, none when off. Deleting it inside the transaction would lock the token's row until the commit and
make every other writer of the portal wait for it.
"""

from __future__ import annotations

import hashlib
import threading
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import translation

# The apps whose rows the figures are made of (not documents, which renders files, nor Django's own).
DATA_APPS = frozenset({"partners", "mobility", "ecvet", "training_events", "dissemination", "funding", "reporting"})
VERSION_KEY = "vision:figures:version"


def seconds() -> int:
    return int(getattr(settings, "VISION_FIGURES_CACHE_SECONDS", 0))


def _version() -> str:
    token = cache.get(VERSION_KEY)
    if token is None:
        token = uuid.uuid4().hex
        # add(), not set(): when two processes start a version at once, both then read the one that won.
        if not cache.add(VERSION_KEY, token, None):
            token = cache.get(VERSION_KEY) or token
    return token


def changed() -> None:
    """Forget every cached figure (the next reader computes them again)."""
    if seconds() > 0:
        cache.delete(VERSION_KEY)


def cached(name: str, partnership_id: int, reader, compute: Callable[[], object]):
    """`compute()`, or what it returned for the same reader, partnership (or, for figures named so, the
    organisation; 0 for a reader's own lists) and language since the last change."""
    lifetime = seconds()
    if lifetime <= 0:
        return compute()
    key = ":".join(
        (
            "vision:figures",
            name,
            str(partnership_id),
            str(getattr(reader, "pk", None)),
            translation.get_language() or "",
            _version(),
        )
    )
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, lifetime)
    return value


def _tracked(sender) -> bool:
    # Migrations save through historical models (module "__fake__"), possibly before the cache table exists.
    return sender._meta.app_label in DATA_APPS and sender.__module__ != "__fake__"


_pending = threading.local()


def _drop_once() -> None:
    # The first of a transaction's callbacks drops the figures; the others find nothing pending.
    if getattr(_pending, "drop", False):
        _pending.drop = False
        changed()


def drop_on_commit() -> None:
    """Forget every cached figure once the current transaction commits (at once outside a transaction)."""
    if seconds() <= 0:
        return
    _pending.drop = True
    transaction.on_commit(_drop_once)


def _on_change(sender, **kwargs) -> None:
    if _tracked(sender):
        drop_on_commit()


def _on_m2m(sender, action, **kwargs) -> None:
    if action in ("post_add", "post_remove", "post_clear") and _tracked(sender):
        drop_on_commit()


def connect() -> None:
    """Called once from PartnersConfig.ready()."""
    post_save.connect(_on_change, dispatch_uid="partners.figures.save")
    post_delete.connect(_on_change, dispatch_uid="partners.figures.delete")
    m2m_changed.connect(_on_m2m, dispatch_uid="partners.figures.m2m")


def filter_form(name: str, request, form) -> str:
    """A list's GET filter form as `{{ form|crispy }}` renders it, kept like the figures: per reader, language and query
    string, dropped on any change (its choices — mentors of the list's rows, the reader's partnerships — are data).
    Rendering the form's seven fields and reading its choices took 10–15 ms of every list page at 25,000
    mobilities (issue 15); the cached copy is a plain string."""
    from crispy_forms.templatetags.crispy_forms_filters import as_crispy_form
    from django.utils.safestring import mark_safe

    values = request.GET.copy()
    values.pop("page", None)  # the same form on every page of the list
    query = hashlib.sha256(values.urlencode().encode()).hexdigest()[:32]
    html = cached(f"filter-form:{name}:{query}", 0, request.user, lambda: str(as_crispy_form(form)))
    return mark_safe(html)  # noqa: S308 — the `|crispy` filter's own output, escaped when it was rendered
