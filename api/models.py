"""A name for each API token, so a user can tell "our school system" from "the test laptop".

Tokens themselves are django-rest-knox's `AuthToken` (stored as a digest, with an expiry); this row adds
the name and a UUID `code`, so the portal never puts the digest in a URL. It refers to the token by its
digest rather than by a foreign key: knox declares its model swappable through a setting this project does
not define, which a foreign key's migration would need.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from partners.models.base import code_field


class TokenLabel(models.Model):
    code = code_field()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_token_labels")
    digest = models.CharField(max_length=128, unique=True)
    name = models.CharField(_("name"), max_length=80)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return self.name
