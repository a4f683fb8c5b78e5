"""What waits for a person: the registry behind the "Waiting for you" page and the daily digest.

Apps higher up (ecvet, mobility, training_events) register providers here, the way they register dashboard
panels (partners.dashboard), so that `partners` never imports them. A provider is a function
``provider(user, limit) -> list[WaitingItem]`` returning at most `limit` items of each kind it produces,
the most urgent first; it reads only what `visible_to(user)` returns and runs a fixed number of queries whatever
the number of items. The page and the e-mail ask for COUNT_CAP + 1 of each kind, so that they show how many
there are up to COUNT_CAP ("more than 99" beyond) without reading thousands of rows. Providers register the kinds
of item they produce (`register_kind`) so that the page and the e-mail group and order them the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

# How far a count of waiting things goes before it says "more than": also the dashboards' panels.
COUNT_CAP = 99

_providers: list[Callable] = []
_kinds: dict[str, tuple[int, object]] = {}


@dataclass(frozen=True)
class WaitingItem:
    kind: str  # a registered kind's key, e.g. "approval"
    title: str  # what it is about: "Learning Agreement — Lina Bakker"
    url: str  # absolute path on the portal ("/ecvet/agreements/…/")
    due: date | None  # when it is due, if there is such a date
    why: str  # what the person must do, in a sentence


@dataclass
class WaitingGroup:
    kind: str
    label: str  # in the active language
    items: list[WaitingItem] = field(default_factory=list)
    total: int = 0  # how many items of this kind, up to COUNT_CAP
    capped: bool = False  # more than COUNT_CAP wait (only COUNT_CAP + 1 were read); `items` holds COUNT_CAP


def register_kind(key: str, label, order: int) -> None:
    """Declare a kind of item: its heading (a lazy translation) and its place on the page."""
    _kinds[key] = (order, label)


def register_provider(func: Callable) -> Callable:
    """Decorator: `func(user, limit) -> list[WaitingItem]`. Registering the same function again is a no-op."""
    if func not in _providers:
        _providers.append(func)
    return func


def items_for(user, limit: int = COUNT_CAP + 1) -> list[WaitingItem]:
    """What waits for `user`, at most `limit` of each kind (the most urgent), by kind (in the registered order),
    then due date (undated last)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    out: list[WaitingItem] = []
    for provider in _providers:
        out.extend(provider(user, limit))
    return sorted(out, key=_sort_key)


def groups_for(user) -> list[WaitingGroup]:
    return group(items_for(user))


def group(items: list[WaitingItem]) -> list[WaitingGroup]:
    groups: dict[str, WaitingGroup] = {}
    for item in items:
        if item.kind not in groups:
            # The label in the active language, as a plain string (groups are cached: partners.figures).
            groups[item.kind] = WaitingGroup(item.kind, str(_kinds.get(item.kind, (0, item.kind))[1]))
        groups[item.kind].items.append(item)
    for g in groups.values():
        g.capped = len(g.items) > COUNT_CAP
        g.items = g.items[:COUNT_CAP]
        g.total = len(g.items)
    return list(groups.values())


def summary(groups: list[WaitingGroup]) -> tuple[int, bool]:
    """How many things wait in all (capped per kind) and whether that is only a lower bound."""
    return sum(g.total for g in groups), any(g.capped for g in groups)


def _sort_key(item: WaitingItem):
    order = _kinds.get(item.kind, (1000, item.kind))[0]
    return (order, item.kind, item.due is None, item.due or date.max, item.title, item.url)
