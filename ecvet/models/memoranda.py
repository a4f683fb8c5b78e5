from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mobility.models.defaults import in_every_language
from partners.models import Organisation, Partnership, TimeStampedModel
from partners.models.base import code_field
from partners.workflow import Missing, WorkflowModel, guard, rule, state_field, system_only, transition

from ..querysets import MemorandumQuerySet
from .approvals import Approval
from .catalogue import Qualification, Unit

STANDARD_OBJECTIVES = _(
    "To establish a framework for cooperation and networking among the partners, to create mutual trust, "
    "and to set out the conditions of ECVET credit transfer for learners in geographical mobility: the "
    "assessment of learning outcomes at the host, and their validation and recognition at home."
)


def _two_parties(memorandum) -> list[Missing]:
    if memorandum.parties.count() >= 2:
        return []
    url = reverse("ecvet:memorandum_edit", kwargs={"code": memorandum.code})
    return [Missing(gettext("A memorandum needs at least two signing organisations."), url, gettext("Edit the draft"))]


def _a_qualification(memorandum) -> list[Missing]:
    if memorandum.qualifications.exists():
        return []
    url = reverse("ecvet:memorandum_edit", kwargs={"code": memorandum.code})
    return [
        Missing(gettext("Add at least one qualification covered by the memorandum."), url, gettext("Edit the draft"))
    ]


def _not_expired(memorandum) -> list[Missing]:
    # Expiry is computed on read (ecvet.services.memoranda.effective_status): an expired memorandum ends
    # by itself and is not terminated.
    if memorandum.valid_until >= timezone.localdate():
        return []
    return [
        Missing(
            gettext("The memorandum expired on %(date)s.") % {"date": formats.date_format(memorandum.valid_until)},
            memorandum.get_absolute_url(),
            gettext("Open the memorandum"),
        )
    ]


def _amended_version_terminated(memorandum) -> list[Missing]:
    previous = Memorandum.objects.filter(pk=memorandum.previous_id).values_list("status", flat=True).first()
    if previous == Memorandum.Status.TERMINATED:
        return []
    return [Missing(gettext("Only the amendment of a terminated memorandum ends with it."))]


class Memorandum(WorkflowModel, TimeStampedModel):
    """A multi-party ECVET Memorandum of Understanding. Each row is one version; an amendment is a new
    row whose `previous` is the version in force."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OUT_FOR_APPROVAL = "out_for_approval", _("Out for approval")
        IN_FORCE = "in_force", _("In force")
        SUPERSEDED = "superseded", _("Superseded by an amendment")
        EXPIRED = "expired", _("Expired")
        TERMINATED = "terminated", _("Terminated")

    code = code_field()
    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.PROTECT,
        related_name="memoranda",
        null=True,
        blank=True,
        verbose_name=_("partnership"),
    )
    title = models.CharField(_("title"), max_length=255)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    previous = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="amendments", verbose_name=_("amends")
    )
    amendment_reason = models.TextField(_("reason for the amendment"), blank=True)
    status = state_field(Status.choices, Status.DRAFT, max_length=20)
    objectives_standard = models.TextField(_("objectives (standard text)"), default=STANDARD_OBJECTIVES)
    objectives_other = models.TextField(_("other agreed objectives"), blank=True)
    other_organisations = models.TextField(
        _("other organisations covered"),
        blank=True,
        help_text=_("Organisations covered by the MoU that do not sign it, e.g. host companies."),
    )
    qualifications = models.ManyToManyField(
        Qualification, blank=True, related_name="memoranda", verbose_name=_("qualifications covered")
    )
    units = models.ManyToManyField(
        Unit,
        through="MemorandumUnit",
        blank=True,
        related_name="memoranda",
        verbose_name=_("units relevant to mobility"),
    )
    assessment = models.TextField(
        _("assessment at the host"),
        blank=True,
        help_text=_("Procedures and methods: portfolio, skills demonstration, observation, self-evaluation…"),
    )
    documentation = models.TextField(
        _("documentation"),
        blank=True,
        help_text=_("How results are recorded, e.g. Personal Transcript, Europass Mobility."),
    )
    validation = models.TextField(_("validation"), blank=True)
    recognition = models.TextField(_("recognition"), blank=True)
    duration_min_weeks = models.PositiveSmallIntegerField(_("shortest mobility (weeks)"), null=True, blank=True)
    duration_max_weeks = models.PositiveSmallIntegerField(_("longest mobility (weeks)"), null=True, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    evaluation_revision = models.TextField(_("evaluation and revision"), blank=True)
    other_actors = models.TextField(_("roles of other actors"), blank=True)
    # The canonical content exactly as sent for approval. Approvals bind to its hash, so later edits
    # of an organisation's profile or a learner's details do not move what was approved.
    frozen_content = models.JSONField(_("content as sent for approval"), null=True, blank=True, editable=False)
    # SHA-256 of frozen_content, written with it (ecvet.services.approvals.freeze): lets "what waits for whom" find
    # the approvals of exactly this content in SQL.
    content_sha256 = models.CharField(
        max_length=64,
        blank=True,
        editable=False,
        help_text="Hash of the canonical content, frozen when sent for approval.",
    )
    terminated_reason = models.TextField(_("reason for termination"), blank=True)

    approvals = GenericRelation(Approval)
    objects = MemorandumQuerySet.as_manager()

    class Meta:
        verbose_name = _("memorandum of understanding")
        verbose_name_plural = _("memoranda of understanding")
        ordering = ["-valid_from", "title", "-version"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__gte=models.F("valid_from")), name="memorandum_valid_until_after_from"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"

    def get_absolute_url(self) -> str:
        return reverse("ecvet:memorandum_detail", kwargs={"code": self.code})

    def get_objectives_standard_display(self) -> str:
        """The standard objectives in the reader's language when they are the portal's standard text (in any
        of the portal's languages), else as the parties wrote them. Only pages show this: the approved content,
        its hash and its PDF keep the stored text."""
        if self.objectives_standard.strip() in in_every_language(STANDARD_OBJECTIVES, dict(settings.LANGUAGES)):
            return str(STANDARD_OBJECTIVES)
        return self.objectives_standard

    def workflow_scope(self):
        return self.partnership, None

    # --- Moves (made only through partners.workflow.move, by ecvet.services.memoranda) ---

    @transition(
        field=status,
        source=Status.DRAFT,
        target=Status.OUT_FOR_APPROVAL,
        conditions=[guard(_two_parties), guard(_a_qualification)],
        permission=rule("ecvet.access.may_manage_memorandum"),
        custom={"label": _("Send for approval")},
    )
    def send_for_approval(self):
        """The service freezes the content (frozen_content) just before the move."""

    @transition(
        field=status,
        source=Status.OUT_FOR_APPROVAL,
        target=Status.IN_FORCE,
        permission=system_only,
        custom={"label": _("Approved by every party")},
    )
    def approve(self):
        """The last signing organisation approved (ecvet.services.approvals.decide)."""

    @transition(
        field=status,
        source=Status.OUT_FOR_APPROVAL,
        target=Status.DRAFT,
        permission=system_only,
        custom={"label": _("Refused by a party"), "update_fields": ["frozen_content"]},
    )
    def refuse(self):
        # Editable again; sending it again freezes the new content.
        self.frozen_content = None

    @transition(
        field=status,
        source=Status.IN_FORCE,
        target=Status.SUPERSEDED,
        permission=system_only,
        custom={"label": _("Superseded by an amendment")},
    )
    def supersede(self):
        """Its amendment was approved by every party and is in force instead."""

    @transition(
        field=status,
        source=Status.IN_FORCE,
        target=Status.TERMINATED,
        conditions=[guard(_not_expired)],
        permission=rule("ecvet.access.may_manage_memorandum"),
        custom={"label": _("Terminate"), "reason_required": True},
    )
    def terminate(self):
        """Ended early by its coordinator (the service records the reason on the memorandum too)."""

    @transition(
        field=status,
        source=[Status.DRAFT, Status.OUT_FOR_APPROVAL],
        target=Status.TERMINATED,
        conditions=[guard(_amended_version_terminated)],
        permission=system_only,
        custom={"label": _("Ended with the memorandum it amends")},
    )
    def end_with_amended(self):
        """An amendment still in preparation ends when the memorandum it amends is terminated."""


class MemorandumParty(models.Model):
    """A signing organisation of a memorandum, with the details the EC template asks for."""

    memorandum = models.ForeignKey(Memorandum, on_delete=models.CASCADE, related_name="parties")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="memorandum_parties", verbose_name=_("organisation")
    )
    contact_name = models.CharField(_("contact person"), max_length=160, blank=True)
    contact_position = models.CharField(_("position"), max_length=160, blank=True)
    contact_email = models.EmailField(_("email"), blank=True)
    contact_phone = models.CharField(_("phone"), max_length=40, blank=True)
    signing_place = models.CharField(_("place of signature"), max_length=120, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("signing organisation")
        verbose_name_plural = _("signing organisations")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["memorandum", "organisation"], name="memorandumparty_unique_org"),
        ]

    def __str__(self) -> str:
        return str(self.organisation)


class MemorandumUnit(models.Model):
    memorandum = models.ForeignKey(Memorandum, on_delete=models.CASCADE, related_name="memorandum_units")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    ecvet_points = models.DecimalField(
        _("ECVET points in mobility"), max_digits=4, decimal_places=1, validators=[MinValueValidator(Decimal("0.5"))]
    )

    class Meta:
        verbose_name = _("unit covered")
        verbose_name_plural = _("units covered")
        constraints = [
            models.UniqueConstraint(fields=["memorandum", "unit"], name="memorandumunit_unique_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} ({self.ecvet_points})"
