"""State changes of the partners app. Each is atomic and writes an audit row."""

from __future__ import annotations

from decimal import Decimal

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import audit
from .access import clear_scope
from .models import (
    AuditEntry,
    Indicator,
    InternationalisationStrategy,
    Invitation,
    Membership,
    Organisation,
    Partnership,
    PartnershipMember,
    Right,
    User,
)
from .signals import invitation_accepted


class InvitationError(Exception):
    """An invitation link that cannot be used; the message says why, plainly."""


def _send_invitation_email(invitation: Invitation, token: str, request) -> None:
    path = reverse("partners:invitation_accept", kwargs={"token": token})
    link = request.build_absolute_uri(path) if request is not None else path
    context = {"invitation": invitation, "link": link, "days": settings.VISION_INVITATION_DAYS}
    with translation.override(invitation.invited_by.language if invitation.invited_by else None):
        subject = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + _("You are invited to the VISION portal")
        body = render_to_string("partners/email/invitation.txt", context)
    send_mail(subject, body, None, [invitation.email])


@transaction.atomic
def create_invitation(
    *,
    by: User | None,
    organisation: Organisation,
    email: str,
    role: str,
    rights: dict[str, bool],
    first_name: str = "",
    last_name: str = "",
    request=None,
    send: bool = True,
) -> Invitation:
    """A new invitation (any pending one for the same person and organisation revoked), e-mailed after the commit.
    `send` False: the caller writes its own e-mail (a selected applicant's outcome, selection.panel_tasks) with
    the link from `invitation.token`, the secret this call made (kept on the instance, never stored). `by` None:
    the portal invites on the organisation's behalf."""
    email = email.strip().lower()
    if Membership.objects.filter(user__email__iexact=email, organisation=organisation).exists():
        raise ValidationError(_("%(email)s is already a member of %(org)s.") % {"email": email, "org": organisation})
    # A new invitation replaces any pending one for the same person and organisation.
    Invitation.objects.filter(
        email__iexact=email, organisation=organisation, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    invitation = Invitation(
        email=email,
        organisation=organisation,
        role=role,
        invited_by=by,
        first_name=first_name,
        last_name=last_name,
        **{right.value: bool(rights.get(right.value)) for right in Right},
    )
    token = invitation.new_token()
    invitation.save()
    invitation.token = token
    audit.record(
        actor=by,
        verb=AuditEntry.Verb.INVITED,
        obj=invitation,
        request=request,
        organisation=organisation,
        details={"email": email, "role": role, "rights": invitation.rights},
    )
    if send:
        transaction.on_commit(lambda: _send_invitation_email(invitation, token, request))
    return invitation


@transaction.atomic
def resend_invitation(*, invitation: Invitation, by: User, request=None) -> Invitation:
    """Issue a fresh link (the old one stops working) with a new expiry date."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.status == Invitation.Status.ACCEPTED:
        raise ValidationError(_("This invitation has already been accepted."))
    token = invitation.new_token()
    invitation.expires_at = timezone.now() + timezone.timedelta(days=settings.VISION_INVITATION_DAYS)
    invitation.revoked_at = None
    invitation.save(update_fields=["token_hash", "expires_at", "revoked_at", "updated_at"])
    audit.record(
        actor=by,
        verb=AuditEntry.Verb.INVITED,
        obj=invitation,
        request=request,
        organisation=invitation.organisation,
        details={"resent": True},
    )
    transaction.on_commit(lambda: _send_invitation_email(invitation, token, request))
    return invitation


@transaction.atomic
def revoke_invitation(*, invitation: Invitation, by: User, request=None) -> None:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.status != Invitation.Status.PENDING:
        raise ValidationError(_("Only a pending invitation can be revoked."))
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at", "updated_at"])
    audit.record(
        actor=by, verb=AuditEntry.Verb.REVOKED, obj=invitation, request=request, organisation=invitation.organisation
    )


def invitation_for_token(token: str, *, for_update: bool = False) -> Invitation:
    """The invitation a link points to, or InvitationError saying plainly why it can't be used."""
    qs = Invitation.objects.select_related("organisation", "invited_by")
    if for_update:
        # Lock the invitation row only: invited_by is nullable, and PostgreSQL refuses
        # FOR UPDATE on the nullable side of the outer join select_related makes.
        qs = qs.select_for_update(of=("self",))
    try:
        invitation = qs.get(token_hash=Invitation.hash_token(token))
    except Invitation.DoesNotExist:
        raise InvitationError(
            _(
                "This invitation link is not valid. It may have been replaced by a newer one; "
                "use the link in the most recent email, or ask your coordinator to invite you again."
            )
        ) from None
    status = invitation.status
    if status == Invitation.Status.ACCEPTED:
        raise InvitationError(
            _(
                "This invitation has already been used. Sign in with your email address and password, "
                "or reset your password if you have forgotten it."
            )
        )
    if status == Invitation.Status.REVOKED:
        raise InvitationError(_("This invitation was withdrawn. Ask your coordinator to invite you again."))
    if status == Invitation.Status.EXPIRED:
        raise InvitationError(
            _("This invitation expired on %(date)s. Ask your coordinator to send you a new one.")
            % {"date": timezone.localtime(invitation.expires_at).strftime("%Y-%m-%d")}
        )
    return invitation


@transaction.atomic
def accept_invitation(
    *,
    token: str,
    user: User | None = None,
    password: str = "",
    first_name: str = "",
    last_name: str = "",
    request=None,
) -> User:
    """Use an invitation once: add the membership it describes.

    A person new to the portal gets an account with the password they chose (`user` None); a
    person who already has an account accepts while signed in as that account (`user`), and
    their password is left alone.
    """
    invitation = invitation_for_token(token, for_update=True)
    existing = User.objects.filter(email__iexact=invitation.email).first()
    if existing is not None and (user is None or user.pk != existing.pk):
        raise InvitationError(
            _("An account for %(email)s already exists: sign in with it to accept this invitation.")
            % {"email": invitation.email}
        )
    if existing is None and user is not None:
        raise InvitationError(
            _("This invitation is for %(email)s; sign out to accept it.") % {"email": invitation.email}
        )
    if existing is None:
        user = User.objects.create_user(
            email=invitation.email, password=password, first_name=first_name, last_name=last_name
        )
    # The person received the link at this address, which verifies it.
    EmailAddress.objects.update_or_create(
        user=user,
        email__iexact=invitation.email,
        defaults={"email": invitation.email, "verified": True, "primary": True},
    )
    membership, _created = Membership.objects.update_or_create(
        user=user,
        organisation=invitation.organisation,
        defaults={
            "role": invitation.role,
            "is_active": True,
            **{right.value: getattr(invitation, right.value) for right in Right},
        },
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by", "updated_at"])
    audit.record(
        actor=user,
        verb=AuditEntry.Verb.ACCEPTED,
        obj=invitation,
        request=request,
        organisation=invitation.organisation,
        details={"membership": str(membership.code), "new_account": existing is None},
    )
    clear_scope(user)
    invitation_accepted.send(sender=Invitation, invitation=invitation, user=user)
    return user


@transaction.atomic
def update_membership(*, membership: Membership, by: User, changes: dict, request=None) -> Membership:
    before = {name: getattr(membership, name) for name in changes}
    for name, value in changes.items():
        setattr(membership, name, value)
    membership.save(update_fields=[*changes, "updated_at"])
    audit.record(
        actor=by,
        verb=AuditEntry.Verb.UPDATED,
        obj=membership,
        request=request,
        organisation=membership.organisation,
        details={"from": _jsonable(before), "to": _jsonable(changes)},
    )
    return membership


@transaction.atomic
def save_with_audit(
    *,
    form,
    by: User,
    request=None,
    partnership: Partnership | None = None,
    organisation: Organisation | None = None,
    extra_details: dict | None = None,
):
    """Save a ModelForm and record which fields changed."""
    created = form.instance._state.adding
    obj = form.save()
    audit.record(
        actor=by,
        verb=AuditEntry.Verb.CREATED if created else AuditEntry.Verb.UPDATED,
        obj=obj,
        request=request,
        partnership=partnership,
        organisation=organisation,
        details={"fields": sorted(form.changed_data), **(extra_details or {})},
    )
    return obj


@transaction.atomic
def create_partnership(*, form, by: User, request=None) -> Partnership:
    """A new partnership from the NewPartnershipForm, with the chosen organisation as its coordinator."""
    partnership = form.save(commit=False)
    partnership.slug = form.cleaned_data["slug"]
    partnership.save()
    form.save_m2m()
    add_partnership_member(
        partnership=partnership,
        organisation=form.cleaned_data["coordinator"],
        role=PartnershipMember.Role.COORDINATOR,
        by=by,
        request=request,
    )
    return partnership


@transaction.atomic
def add_partnership_member(
    *, partnership: Partnership, organisation: Organisation, role: str, by: User, request=None
) -> PartnershipMember:
    member = PartnershipMember.objects.create(partnership=partnership, organisation=organisation, role=role)
    audit.record(
        actor=by,
        verb=AuditEntry.Verb.CREATED,
        obj=member,
        request=request,
        partnership=partnership,
        organisation=organisation,
        details={"role": role},
    )
    return member


@transaction.atomic
def start_strategy(
    *, partnership: Partnership, organisation: Organisation, by: User, request=None
) -> InternationalisationStrategy:
    """The organisation's strategy in the partnership, created (and audited) if it has none yet; starting
    it twice (a double click, two tabs) gives the same one."""
    strategy, created = InternationalisationStrategy.objects.get_or_create(
        partnership=partnership, organisation=organisation
    )
    if created:
        audit.record(
            actor=by,
            verb=AuditEntry.Verb.CREATED,
            obj=strategy,
            request=request,
            partnership=partnership,
            organisation=organisation,
        )
    return strategy


@transaction.atomic
def update_indicator_value(*, indicator: Indicator, value: Decimal, by: User, request=None) -> Indicator:
    indicator = Indicator.objects.select_for_update().select_related("goal__strategy").get(pk=indicator.pk)
    old = indicator.current_value
    indicator.current_value = value
    indicator.value_updated_at = timezone.now()
    indicator.value_updated_by = by
    indicator.save(update_fields=["current_value", "value_updated_at", "value_updated_by", "updated_at"])
    strategy = indicator.goal.strategy
    audit.record(
        actor=by,
        verb=AuditEntry.Verb.UPDATED,
        obj=indicator,
        request=request,
        partnership=strategy.partnership,
        organisation=strategy.organisation,
        details={"current_value": {"from": str(old), "to": str(value)}},
    )
    return indicator


def _jsonable(values: dict) -> dict:
    return {k: (v if isinstance(v, bool | int | str | None) else str(v)) for k, v in values.items()}
