"""Small helpers the ECVET pages share."""

from __future__ import annotations

from django.core.exceptions import ValidationError


def add_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: on its fields where they exist, else on the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)
