"""Who sees a sealed PDF: whoever sees its document (the document type's own `visible_to`)."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models

from partners.querysets import ScopedQuerySet


class RenderedDocumentQuerySet(ScopedQuerySet):
    def scope_filter(self, scope):
        from .registry import Renderable

        q = models.Q(pk__in=[])
        for model in Renderable.registry:
            documents = model._default_manager.all()
            q |= models.Q(
                content_type=ContentType.objects.get_for_model(model),
                object_id__in=documents.filter(documents.scope_filter(scope)).values("pk"),
            )
        return q
