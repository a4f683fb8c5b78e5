from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .. import figures
from ..waiting import groups_for, summary

# Items shown per group; the rest behind "Show all" (?kind=<key>), so that a long list stays readable.
GROUP_LIMIT = 20


@login_required
@require_GET
def waiting(request):
    """What waits for the signed-in person, grouped by kind (partners.waiting's providers): the most urgent
    GROUP_LIMIT of each kind, all of one kind up to COUNT_CAP with ?kind=<key>."""
    expanded = request.GET.get("kind", "")
    # Kept a minute for this reader, dropped as soon as anything changes (partners.figures): a reload is free.
    groups = figures.cached("waiting", 0, request.user, lambda: groups_for(request.user))
    for group in groups:
        if group.kind != expanded:
            group.items = group.items[:GROUP_LIMIT]
    total, capped = summary(groups)
    return render(
        request,
        "partners/waiting.html",
        {"groups": groups, "total": total, "capped": capped, "expanded": expanded},
    )
