from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ..waiting import groups_for

# Items shown per group; the rest behind "Show all" (?kind=<key>), so that a long list stays readable.
GROUP_LIMIT = 20


@login_required
@require_GET
def waiting(request):
    """Everything waiting for the signed-in person, grouped by kind (partners.waiting's providers)."""
    expanded = request.GET.get("kind", "")
    groups = groups_for(request.user)
    for group in groups:
        group.total = len(group.items)
        if group.kind != expanded:
            group.items = group.items[:GROUP_LIMIT]
    return render(
        request,
        "partners/waiting.html",
        {"groups": groups, "total": sum(group.total for group in groups), "expanded": expanded},
    )
