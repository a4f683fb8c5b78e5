from django.conf import settings

from . import access
from .models import Role


def navigation(request):
    """What the base layout needs to draw role-aware navigation."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"LANGUAGES": settings.LANGUAGES}
    scope = access.get_scope(user)
    staff = access.sees_staff_pages(user)
    return {
        "LANGUAGES": settings.LANGUAGES,
        "nav": {
            "partnerships": staff,
            "organisations": staff,
            "invitations": access.may_invite_anyone(user),
            "mentor": scope.has_role(Role.MENTOR),
            "learner": scope.has_role(Role.LEARNER),
            "admin": access.may_open_admin(user),
        },
    }
