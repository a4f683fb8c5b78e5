"""Small helpers the ECVET pages share."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from mobility.models import Mobility
from partners.access import get_scope


def is_learner(user, mobility: Mobility) -> bool:
    return mobility.learner.user_id is not None and mobility.learner.user_id == user.pk


def sees_personal_details(user, mobility: Mobility) -> bool:
    """Date of birth, gender and guardian: the parties (staff of both organisations, the project
    coordinator, the learner) and admins; a mentor reads the documents without them."""
    scope = get_scope(user)
    return (
        scope.is_superuser
        or bool({mobility.sending_organisation_id, mobility.receiving_organisation_id} & scope.staff_org_ids)
        or mobility.partnership_id in scope.coordinated_partnership_ids
        or is_learner(user, mobility)
    )


def add_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: on its fields where they exist, else on the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)
