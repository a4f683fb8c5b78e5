"""Who sees what of dissemination (docs/access.md): everything of a partnership is read by the staff of its
organisations; the public results page shows only what is marked public, without signing in."""

from django.db import models

from partners.querysets import ScopedQuerySet


class DisseminationEventQuerySet(ScopedQuerySet):
    def scope_filter(self, scope):
        return models.Q(partnership_id__in=scope.partnership_ids)


class ActivityQuerySet(ScopedQuerySet):
    def scope_filter(self, scope):
        return models.Q(partnership_id__in=scope.partnership_ids)


class EventChildQuerySet(ScopedQuerySet):
    def scope_filter(self, scope):
        return models.Q(event__partnership_id__in=scope.partnership_ids)


class PartnershipChildQuerySet(ScopedQuerySet):
    def scope_filter(self, scope):
        return models.Q(partnership_id__in=scope.partnership_ids)
