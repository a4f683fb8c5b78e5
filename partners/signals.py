"""Signals other apps listen to, so partners never imports a domain app above it."""

from django.dispatch import Signal

# Sent by services.accept_invitation inside its transaction, with `invitation` and `user`
# (the account that now holds the membership). A receiver that raises rolls the acceptance back.
invitation_accepted = Signal()
