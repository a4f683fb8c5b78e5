"""The participant's money: the grant agreement between the sending organisation and the participant, the
payments made under it and the EU participant report that releases the balance (docs/participant-grant.md).

The agreement's amounts are the mobility's grant under its project's funding rules (mobility.services.money),
minus the organisational support and the inclusion support for organisations, which stay with the
organisation. They are frozen when the agreement is sent for approval; the learner and a signer of the sending
organisation approve exactly that content, and the portal seals it. Bank details are never stored: a payment
records its date, amount and the organisation's own reference only.
"""

from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mobility.models import Mobility
from partners.models import TimeStampedModel
from partners.models.base import code_field
from partners.workflow import Missing, WorkflowModel, guard, rule, state_field, system_only, transition

from ..querysets import GrantAgreementQuerySet, GrantPaymentQuerySet
from .approvals import Approval

# The pre-financing share the EU template of the participant's grant agreement allows (KA1 VET learners).
PREFINANCING_MIN, PREFINANCING_MAX = 70, 100
# Days the organisation has to pay: the pre-financing after both parties signed (and before the start), the
# balance after the participant submitted the EU survey (participant report).
PREFINANCING_DAYS, BALANCE_DAYS = 30, 45


def grant_agreement_computable(agreement: "GrantAgreement") -> list[Missing]:
    """The grant must be computable (rates, distance, days) before anyone is asked to sign it."""
    from ..services.grants import participant_grant

    problems = participant_grant(agreement.mobility).problems
    return [
        Missing(problem, url=agreement.mobility.get_absolute_url(), link_text=gettext("Open the mobility"))
        for problem in problems
    ]


def grant_agreement_learner_has_account(agreement: "GrantAgreement") -> list[Missing]:
    """The learner approves in the portal, so they need an account."""
    if agreement.mobility.learner.user_id is not None:
        return []
    return [
        Missing(
            gettext("The learner has no account in the portal yet: invite them so that they can approve."),
            url=agreement.mobility.learner.get_absolute_url(),
            link_text=gettext("Open the learner"),
        )
    ]


def grant_agreement_mobility_open(agreement: "GrantAgreement") -> list[Missing]:
    if agreement.mobility.status != Mobility.Status.CANCELLED:
        return []
    return [Missing(gettext("The mobility is cancelled."), url=agreement.mobility.get_absolute_url())]


def grant_agreement_in_kind_described(agreement: "GrantAgreement") -> list[Missing]:
    if agreement.support == GrantAgreement.Support.FINANCIAL or agreement.in_kind_description.strip():
        return []
    return [
        Missing(
            gettext("Say what the organisation provides in kind (e.g. the return flight, the accommodation)."),
            url=reverse("ecvet:grant_edit", kwargs={"code": agreement.code}),
            link_text=gettext("Edit the terms"),
        )
    ]


class GrantAgreement(WorkflowModel, TimeStampedModel):
    """One per mobility: draft → awaiting approval (content frozen) → approved (sealed); refused → draft;
    an approved agreement is amended by reopening it as the next version (its sealed PDF stays on record)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        AWAITING = "awaiting", _("Awaiting approval")
        APPROVED = "approved", _("Approved")

    class Support(models.TextChoices):
        FINANCIAL = "financial", _("Paid to the participant")
        MIXED = "mixed", _("Partly paid, partly provided in kind")
        IN_KIND = "in_kind", _("Provided in kind by the organisation")

    code = code_field()
    mobility = models.OneToOneField(
        Mobility, on_delete=models.PROTECT, related_name="grant_agreement", verbose_name=_("mobility")
    )
    status = state_field(Status.choices, Status.DRAFT, max_length=10)
    version = models.PositiveSmallIntegerField(_("version"), default=1, editable=False)
    support = models.CharField(
        _("how the grant is provided"),
        max_length=10,
        choices=Support.choices,
        default=Support.FINANCIAL,
        help_text=_(
            "Whether the organisation pays the grant to the participant, or buys travel, accommodation or other "
            "services for them (support in kind), or both."
        ),
    )
    in_kind_description = models.TextField(
        _("what the organisation provides in kind"),
        blank=True,
        help_text=_("E.g. the return flight Vilnius–Amsterdam and the accommodation for the whole stay."),
    )
    in_kind_value = models.DecimalField(
        _("value of the support in kind (EUR)"),
        max_digits=10,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0.00"))],
        help_text=_("What the organisation spends for the participant; it is not paid to them."),
    )
    prefinancing_percent = models.PositiveSmallIntegerField(
        _("pre-financing, in per cent of the amount paid to the participant"),
        default=80,
        validators=[MinValueValidator(PREFINANCING_MIN), MaxValueValidator(PREFINANCING_MAX)],
        help_text=_("Between 70 % and 100 %, paid within 30 days of both signatures and no later than the start."),
    )
    frozen_content = models.JSONField(_("content as sent for approval"), null=True, blank=True, editable=False)
    # SHA-256 of frozen_content, written with it (ecvet.services.approvals.freeze): lets "what waits for whom" find
    # the approvals of exactly this content in SQL.
    content_sha256 = models.CharField(
        max_length=64,
        blank=True,
        editable=False,
        help_text="Hash of the canonical content, frozen when sent for approval.",
    )
    report_requested_on = models.DateField(
        _("EU participant report requested on"),
        null=True,
        blank=True,
        help_text=_("The day the EU survey reached the participant (the Beneficiary Module sends it)."),
    )
    report_submitted_on = models.DateField(
        _("EU participant report submitted on"),
        null=True,
        blank=True,
        help_text=_("Submitting the report is the participant's request for the balance."),
    )

    approvals = GenericRelation(Approval)
    objects = GrantAgreementQuerySet.as_manager()

    class Meta:
        verbose_name = _("participant grant agreement")
        verbose_name_plural = _("participant grant agreements")

    def __str__(self) -> str:
        return str(self.mobility)

    def get_absolute_url(self) -> str:
        return reverse("ecvet:grant_detail", kwargs={"code": self.code})

    def workflow_scope(self):
        # The sending organisation makes the agreement and pays: its history belongs there.
        return self.mobility.partnership, self.mobility.sending_organisation

    # --- the moves (made through partners.workflow.move, by ecvet.services.grants) ----------------------------

    @transition(
        field=status,
        source=Status.DRAFT,
        target=Status.AWAITING,
        conditions=[
            guard(grant_agreement_mobility_open),
            guard(grant_agreement_computable),
            guard(grant_agreement_in_kind_described),
            guard(grant_agreement_learner_has_account),
        ],
        permission=rule("ecvet.access.may_manage_grant_agreement", of="mobility"),
        custom={"label": _("Send for approval")},
    )
    def send_for_approval(self):
        """The service freezes the content (`approvals.freeze`) before the move and saves it with it."""

    @transition(
        field=status,
        source=Status.AWAITING,
        target=Status.APPROVED,
        permission=system_only,
        custom={"label": _("Approve")},
    )
    def approve(self):
        """Made by the approval service once the learner and the sending organisation have approved."""

    @transition(
        field=status,
        source=Status.AWAITING,
        target=Status.DRAFT,
        permission=system_only,
        custom={
            "label": _("Back to draft after a refusal"),
            "reason_required": True,
            "update_fields": ["frozen_content"],
        },
    )
    def refuse(self):
        """Made by the approval service when a party refuses, with the reason."""
        self.frozen_content = None

    @transition(
        field=status,
        source=Status.APPROVED,
        target=Status.DRAFT,
        permission=rule("ecvet.access.may_manage_grant_agreement", of="mobility"),
        custom={
            "label": _("Amend the agreement"),
            "reason_required": True,
            "update_fields": ["frozen_content", "version"],
        },
    )
    def amend(self):
        """The next version starts from the mobility as it is now; the approved one stays sealed on record."""
        self.frozen_content = None
        self.version += 1


class GrantPayment(TimeStampedModel):
    """A payment to the participant under the agreement, or a repayment by them. No bank details."""

    class Kind(models.TextChoices):
        PREFINANCING = "prefinancing", _("Pre-financing")
        BALANCE = "balance", _("Balance")
        REPAYMENT = "repayment", _("Repayment by the participant")

    code = code_field()
    agreement = models.ForeignKey(
        GrantAgreement, on_delete=models.PROTECT, related_name="payments", verbose_name=_("grant agreement")
    )
    kind = models.CharField(_("payment"), max_length=12, choices=Kind.choices)
    amount = models.DecimalField(
        _("amount (EUR)"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    paid_on = models.DateField(_("date"))
    reference = models.CharField(
        _("reference"),
        max_length=100,
        blank=True,
        help_text=_("The organisation's own reference (e.g. the payment order number). Never bank details."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("recorded by")
    )

    objects = GrantPaymentQuerySet.as_manager()

    class Meta:
        verbose_name = _("grant payment")
        verbose_name_plural = _("grant payments")
        ordering = ["paid_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} ({self.paid_on})"

    @property
    def signed_amount(self) -> Decimal:
        """What this payment adds to the amount the participant has received."""
        return -self.amount if self.kind == self.Kind.REPAYMENT else self.amount
