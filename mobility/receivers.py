"""Receivers of signals sent by partners (partners never imports mobility)."""

from __future__ import annotations

from django.dispatch import receiver

from partners import audit
from partners.models import AuditEntry, Role
from partners.signals import invitation_accepted

from .models import Learner


@receiver(invitation_accepted, dispatch_uid="mobility.link_learner_account")
def link_learner_account(sender, invitation, user, **kwargs) -> None:
    """A learner who accepts their invitation gets their learner record linked to the new account,
    so they see their own mobility. Only an unambiguous match is linked: same organisation, same
    email, no account yet, and the account not already linked to another learner record."""
    if invitation.role != Role.LEARNER or Learner.objects.filter(user=user).exists():
        return
    candidates = list(
        Learner.objects.select_for_update().filter(
            home_organisation=invitation.organisation,
            email__iexact=invitation.email,
            user__isnull=True,
            anonymised_at__isnull=True,
        )[:2]
    )
    if len(candidates) != 1:
        return
    learner = candidates[0]
    learner.user = user
    learner.save(update_fields=["user", "updated_at"])
    audit.record(
        actor=user,
        verb=AuditEntry.Verb.UPDATED,
        obj=learner,
        organisation=learner.home_organisation,
        details={"fields": ["user"], "linked_by": "invitation"},
    )
