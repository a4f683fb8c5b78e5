"""Who sees the money (docs/access.md, "Reporting"): the project coordinators of a partnership see every
organisation's budget lines and costs; a partner's coordinators see their own organisation's. Mentors and
learners see none."""

from django.db import models

from partners.querysets import ScopedQuerySet


class OrganisationMoneyQuerySet(ScopedQuerySet):
    def scope_filter(self, scope):
        return models.Q(partnership_id__in=scope.coordinated_partnership_ids) | models.Q(
            organisation_id__in=scope.staff_org_ids, partnership_id__in=scope.partnership_ids
        )
