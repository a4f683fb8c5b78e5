import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..access import ADMINISTRATOR_FLAGS
from ..querysets import InvitationQuerySet, MembershipQuerySet, UserQuerySet
from .base import TimeStampedModel, code_field
from .organisations import Organisation


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        # The administrator's flags are named in partners/access.py, the one module that speaks of them.
        return self._create_user(email, password, **{**ADMINISTRATOR_FLAGS, **extra_fields})


class User(AbstractUser):
    """A person who signs in: staff of a partner organisation, a mentor or a learner."""

    username = None
    code = code_field()
    email = models.EmailField(_("email address"), unique=True)
    position = models.CharField(
        _("position"), max_length=160, blank=True, help_text=_("Job title, printed beside signatures.")
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    language = models.CharField(
        _("preferred language"),
        max_length=5,
        choices=settings.LANGUAGES,
        default="en",
        help_text=_("Language of the emails the portal sends you."),
    )
    receives_digest = models.BooleanField(
        _("daily e-mail of what waits for me"),
        default=True,
        help_text=_(
            "Each morning, one e-mail listing what waits for you (approvals, assessments, checklist items, "
            "reports, evaluations), only on days when something does."
        ),
    )
    # The day of the last digest sent (partners.tasks.send_digest): set in the transaction that sends it,
    # with the row locked, so that a second run on the same day sends nothing.
    last_digest_on = models.DateField(_("last daily e-mail"), null=True, blank=True, editable=False)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["last_name", "first_name", "email"]

    def __str__(self) -> str:
        return self.get_full_name() or self.email


class Role(models.TextChoices):
    PROJECT_COORDINATOR = "project_coordinator", _("Project coordinator")
    PARTNER_COORDINATOR = "partner_coordinator", _("Partner coordinator")
    MENTOR = "mentor", _("Mentor")
    LEARNER = "learner", _("Learner")


class Right(models.TextChoices):
    """Named rights; each is a boolean flag of the same name on Membership."""

    MANAGE_PARTNERSHIP = "can_manage_partnership", _("Manage partnerships (members, strategy templates)")
    MANAGE_ORGANISATION = "can_manage_organisation", _("Edit the organisation profile and strategy")
    MANAGE_MOBILITIES = "can_manage_mobilities", _("Manage mobilities")
    SIGN_DOCUMENTS = "can_sign_documents", _("Sign documents for the organisation")
    INVITE = "can_invite", _("Invite people")
    VIEW_AUDIT = "can_view_audit", _("Read the audit log")


# The rights a new membership gets unless the inviter chooses otherwise.
DEFAULT_RIGHTS: dict[str, set[str]] = {
    Role.PROJECT_COORDINATOR: {r.value for r in Right},
    Role.PARTNER_COORDINATOR: {
        Right.MANAGE_ORGANISATION,
        Right.MANAGE_MOBILITIES,
        Right.SIGN_DOCUMENTS,
        Right.INVITE,
        Right.VIEW_AUDIT,
    },
    Role.MENTOR: set(),
    Role.LEARNER: set(),
}

STAFF_ROLES = (Role.PROJECT_COORDINATOR, Role.PARTNER_COORDINATOR)


class RightsMixin(models.Model):
    can_manage_partnership = models.BooleanField(
        _("can manage partnerships"),
        default=False,
        help_text=_("Only meaningful for project coordinators: edit partnerships their organisation coordinates."),
    )
    can_manage_organisation = models.BooleanField(_("can edit the organisation"), default=False)
    can_manage_mobilities = models.BooleanField(_("can manage mobilities"), default=False)
    can_sign_documents = models.BooleanField(
        _("can sign documents"),
        default=False,
        help_text=_("Approve Memoranda, Learning Agreements and Transcripts on behalf of the organisation."),
    )
    can_invite = models.BooleanField(_("can invite people"), default=False)
    can_view_audit = models.BooleanField(_("can read the audit log"), default=False)

    class Meta:
        abstract = True

    def apply_default_rights(self) -> None:
        for right in Right:
            setattr(self, right.value, right.value in DEFAULT_RIGHTS[self.role])

    @property
    def rights(self) -> list[str]:
        return [right.value for right in Right if getattr(self, right.value)]


class Membership(RightsMixin, TimeStampedModel):
    """Ties a person to an organisation with a role and named rights."""

    code = code_field()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("organisation")
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("An inactive membership gives no access; it is kept for the record.")
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["organisation__short_name", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="membership_unique_user_org"),
        ]
        indexes = [
            # Every request loads the signed-in user's active memberships.
            models.Index(fields=["user", "is_active"], name="membership_user_active"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} @ {self.organisation}"


def _invitation_expiry():
    return timezone.now() + timedelta(days=settings.VISION_INVITATION_DAYS)


class Invitation(RightsMixin, TimeStampedModel):
    """A one-time link that lets a person set a password and join an organisation."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        REVOKED = "revoked", _("Revoked")
        EXPIRED = "expired", _("Expired")

    code = code_field()
    email = models.EmailField(_("email"))
    first_name = models.CharField(_("first name"), max_length=150, blank=True)
    last_name = models.CharField(_("last name"), max_length=150, blank=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("organisation")
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    # Only the SHA-256 of the secret token is stored; the token itself is in the email.
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    expires_at = models.DateTimeField(_("expires"), default=_invitation_expiry)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by"),
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation}"

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    def new_token(self) -> str:
        """Give the invitation a fresh secret and return it (to be emailed, never stored)."""
        token = secrets.token_urlsafe(32)
        self.token_hash = self.hash_token(token)
        return token

    @property
    def status(self) -> str:
        if self.accepted_at:
            return self.Status.ACCEPTED
        if self.revoked_at:
            return self.Status.REVOKED
        if self.expires_at <= timezone.now():
            return self.Status.EXPIRED
        return self.Status.PENDING

    def get_status_display(self) -> str:
        return self.Status(self.status).label
