"""Who sees what of the training events (docs/access.md):

- an event: staff of the organisations of its partnership, and the people registered for it;
- a participant: the host's staff and the project coordinator see everyone at the event; a partner's
  staff see their own organisation's participants; a participant sees themself;
- a certificate: the participant, their organisation's staff and the host's staff (who issued it);
- sessions, questions, materials: as their event.
"""

from django.db import models

from partners.querysets import ScopedQuerySet


def event_q(scope, prefix: str = "") -> models.Q:
    from .models import Participant

    own = Participant.objects.filter(user_id=scope.user_id, status="registered").values("event_id")
    return models.Q(**{f"{prefix}partnership_id__in": scope.partnership_ids}) | models.Q(**{f"{prefix}pk__in": own})


class TrainingEventQuerySet(ScopedQuerySet):
    def scope_filter(self, scope):
        return event_q(scope)


class EventChildQuerySet(ScopedQuerySet):
    def scope_filter(self, scope):
        from .models import TrainingEvent

        return models.Q(event_id__in=TrainingEvent.objects.filter(event_q(scope)).values("pk"))


class ParticipantQuerySet(ScopedQuerySet):
    def scope_filter(self, scope):
        return (
            models.Q(event__host_organisation_id__in=scope.staff_org_ids)
            | models.Q(event__partnership_id__in=scope.coordinated_partnership_ids)
            | models.Q(organisation_id__in=scope.staff_org_ids, event__partnership_id__in=scope.partnership_ids)
            | models.Q(user_id=scope.user_id)
        )


class CertificateQuerySet(ScopedQuerySet):
    def scope_filter(self, scope):
        return (
            models.Q(participant__user_id=scope.user_id)
            | models.Q(participant__organisation_id__in=scope.staff_org_ids)
            # The host issued them.
            | models.Q(participant__event__host_organisation_id__in=scope.staff_org_ids)
        )
