"""Who sees what of the calls (docs/selection.md, docs/access.md):

- a call and everything in it (criteria, applications and their documents): the staff (project or partner
  coordinators) of its sending organisation, and the call's panel members;
- scores: the call's panel members only (the panel's own pages ask `selection.access`);
- a published call's public page (`CallQuerySet.public()`): anyone, without the applicants' data.
"""

from django.db import models

from partners.querysets import ScopedQuerySet


def call_q(scope, prefix: str = "") -> models.Q:
    from .models import PanelMember

    seats = PanelMember.objects.filter(user_id=scope.user_id).values("call_id")
    return models.Q(**{f"{prefix}organisation_id__in": scope.staff_org_ids}) | models.Q(**{f"{prefix}pk__in": seats})


class CallQuerySet(ScopedQuerySet):
    def scope_filter(self, scope):
        return call_q(scope)

    def public(self):
        """Calls with a public page: published, or closed/decided (the page then says so)."""
        return self.filter(status__in=["published", "closed", "decided"])

    def open_now(self):
        from django.utils import timezone

        now = timezone.now()
        return self.filter(status="published", deadline__gt=now).filter(
            models.Q(opens_at__isnull=True) | models.Q(opens_at__lte=now)
        )


class CallChildQuerySet(ScopedQuerySet):
    """Criteria and panel seats: as their call."""

    def scope_filter(self, scope):
        from .models import Call

        return models.Q(call_id__in=Call.objects.filter(call_q(scope)).values("pk"))


class ApplicationQuerySet(ScopedQuerySet):
    def scope_filter(self, scope):
        from .models import Call

        return models.Q(call_id__in=Call.objects.filter(call_q(scope)).values("pk"))

    def not_erased(self):
        return self.filter(erased_at__isnull=True)


class ApplicationChildQuerySet(ScopedQuerySet):
    """Documents: as their application."""

    def scope_filter(self, scope):
        from .models import Call

        return models.Q(application__call_id__in=Call.objects.filter(call_q(scope)).values("pk"))


class ScoreQuerySet(ScopedQuerySet):
    """Scores: the panel of the call only (not the coordinators who are not on it)."""

    def scope_filter(self, scope):
        from .models import PanelMember

        seats = PanelMember.objects.filter(user_id=scope.user_id).values("call_id")
        return models.Q(application__call_id__in=seats)
