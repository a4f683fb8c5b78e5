from partners.access import get_scope
from partners.models import Role

from . import access


def navigation(request):
    """Which mobility links the base layout shows (`mobility_nav`): the same rules the pages enforce."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    scope = get_scope(user)
    lists = access.mobility_lists(user)
    return {
        "mobility_nav": {
            "outgoing": "outgoing" in lists,
            "incoming": "incoming" in lists,
            "learners": access.may_list_learners(user),
            "all": "all" in lists,
            "my_learners": scope.has_role(Role.MENTOR),
            "my_mobility": scope.has_role(Role.LEARNER),
        }
    }
