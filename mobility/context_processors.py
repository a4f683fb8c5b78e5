from partners.access import get_scope
from partners.models import Role


def navigation(request):
    """Which mobility links the base layout shows (`mobility_nav`); reads the scope cached for the request."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    scope = get_scope(user)
    staff = scope.is_staff
    return {
        "mobility_nav": {
            "outgoing": staff,
            "incoming": staff,
            "learners": staff,
            "all": scope.coordinates_any(),
            "my_learners": scope.has_role(Role.MENTOR),
            "my_mobility": scope.has_role(Role.LEARNER),
        }
    }
