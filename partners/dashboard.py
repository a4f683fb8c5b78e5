"""Home-page panels. Apps higher up (mobility, ecvet, …) register panels here so
that `partners` never imports them.

A panel is a function ``panel(request, scope) -> dict | None`` returning the
template to include and its context, or None when it has nothing for this user.
"""

from collections.abc import Callable

_panels: list[tuple[int, Callable]] = []


def register_panel(order: int):
    def decorator(func: Callable) -> Callable:
        _panels.append((order, func))
        _panels.sort(key=lambda item: item[0])
        return func

    return decorator


def panels_for(request, scope) -> list[dict]:
    out = []
    for _order, panel in _panels:
        result = panel(request, scope)
        if result:
            out.append(result)
    return out
