"""Who sees which ECVET document (docs/access.md):

- the catalogue: every organisation maintains its own qualifications; staff of organisations that
  share a partnership read each other's;
- a memorandum: staff of its signing organisations (and the project coordinator of its partnership);
- a learning agreement follows its mobility (mobility.querysets): sending and receiving staff, the
  project coordinator, the mentor (read only) and the learner.
"""

from django.db import models

from mobility.querysets import mobility_q, own_learners
from partners.querysets import ScopedQuerySet


class QualificationQuerySet(ScopedQuerySet):
    def scope_filter(self, scope):
        return models.Q(organisation_id__in=scope.network_org_ids | scope.staff_org_ids)


class UnitQuerySet(ScopedQuerySet):
    def scope_filter(self, scope):
        return models.Q(qualification__organisation_id__in=scope.network_org_ids | scope.staff_org_ids)


class MemorandumQuerySet(ScopedQuerySet):
    def scope_filter(self, scope):
        from .models import MemorandumParty

        parties = MemorandumParty.objects.filter(organisation_id__in=scope.staff_org_ids).values("memorandum_id")
        return models.Q(pk__in=parties) | models.Q(partnership_id__in=scope.coordinated_partnership_ids)


class LearningAgreementQuerySet(ScopedQuerySet):
    def scope_filter(self, scope):
        return mobility_q(scope, prefix="mobility__")


class LearningAgreementVersionQuerySet(ScopedQuerySet):
    def scope_filter(self, scope):
        return mobility_q(scope, prefix="agreement__mobility__")


class TranscriptQuerySet(ScopedQuerySet):
    def scope_filter(self, scope):
        return mobility_q(scope, prefix="mobility__")


class EuropassQuerySet(ScopedQuerySet):
    def scope_filter(self, scope):
        return mobility_q(scope, prefix="mobility__")


def grant_q(scope, prefix: str = "") -> models.Q:
    """A participant's grant (mobility.access.may_read_grant): the learner, the sending organisation's staff and
    the partnership's project coordinators; not the host or the mentor (it names inclusion support)."""
    p = prefix
    return (
        models.Q(**{f"{p}mobility__sending_organisation_id__in": scope.staff_org_ids})
        | models.Q(**{f"{p}mobility__partnership_id__in": scope.coordinated_partnership_ids})
        | models.Q(**{f"{p}mobility__learner_id__in": own_learners(scope.user_id)})
    )


class GrantAgreementQuerySet(ScopedQuerySet):
    def scope_filter(self, scope):
        return grant_q(scope)


class GrantPaymentQuerySet(ScopedQuerySet):
    def scope_filter(self, scope):
        return grant_q(scope, prefix="agreement__")
