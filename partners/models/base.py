import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


def new_code() -> uuid.UUID:
    return uuid.uuid4()


def code_field() -> models.UUIDField:
    """The public identifier used in URLs (never the integer primary key)."""
    return models.UUIDField(_("code"), default=new_code, unique=True, editable=False)
