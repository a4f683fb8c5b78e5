from django.conf import settings

from .access import get_scope
from .models import Right, Role


def navigation(request):
    """What the base layout needs to draw role-aware navigation."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"LANGUAGES": settings.LANGUAGES}
    scope = get_scope(user)
    staff = scope.is_superuser or bool(scope.staff_org_ids)
    return {
        "LANGUAGES": settings.LANGUAGES,
        "nav": {
            "partnerships": staff,
            "organisations": staff,
            "invitations": scope.has_right(Right.INVITE),
            "mentor": scope.has_role(Role.MENTOR),
            "learner": scope.has_role(Role.LEARNER),
            "admin": user.is_staff,
        },
    }
