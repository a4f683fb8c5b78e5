"""Who sees which host companies and placements (docs/placements.md):

- a host company: the keeping organisation's staff, and the project coordinator of a partnership that
  organisation belongs to (the same readers as the organisation's other internal data);
- a placement: while draft or withdrawn, the keeping organisation's staff and the project coordinator of the
  placement's partnership; once published, also the staff of every member organisation of that partnership,
  and its mentor. Learners do not browse the catalogue.
"""

from django.db import models
from django.db.models.functions import Coalesce

from partners.querysets import ScopedQuerySet


class HostCompanyQuerySet(ScopedQuerySet):
    def scope_filter(self, scope):
        return models.Q(organisation_id__in=scope.managed_org_ids)

    def active(self):
        return self.filter(is_active=True)


def placement_q(scope, prefix: str = "") -> models.Q:
    p = prefix
    published = models.Q(**{f"{p}status": "published"})
    return (
        models.Q(**{f"{p}host__organisation_id__in": scope.staff_org_ids})
        | models.Q(**{f"{p}partnership_id__in": scope.coordinated_partnership_ids})
        | (published & models.Q(**{f"{p}partnership_id__in": scope.partnership_ids}))
        | (published & models.Q(**{f"{p}mentor_id": scope.user_id}))
    )


class PlacementQuerySet(ScopedQuerySet):
    def scope_filter(self, scope):
        return placement_q(scope)

    def published(self):
        return self.filter(status="published")

    def with_places_taken(self):
        """Annotate `taken`: learners placed here whose mobility is not cancelled (one subquery per page, not one
        query per row)."""
        from mobility.models import Mobility

        taken = (
            Mobility.objects.filter(placement_id=models.OuterRef("pk"))
            .exclude(status=Mobility.Status.CANCELLED)
            .order_by()
            .values("placement_id")
            .annotate(n=models.Count("pk"))
            .values("n")
        )
        return self.annotate(taken=Coalesce(models.Subquery(taken), 0))
