"""A person registered for training before they had a portal account gets their registrations when they
accept an invitation with the same e-mail (so they can answer the evaluation and read their certificate)."""

from django.dispatch import receiver

from partners.models.people import Role
from partners.signals import invitation_accepted

from . import services


@receiver(invitation_accepted, dispatch_uid="training_events.link_participations")
def link_participations(sender, invitation, user, **kwargs):
    # Staff of the organisation that registered them, never a learner account.
    if invitation.role == Role.LEARNER:
        return
    services.link_participations(user, invitation.organisation_id)
