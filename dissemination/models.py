"""Dissemination: events (national, multiplier, conferences) with their audience by stakeholder group,
other activities (publications, posts, newsletters…) with their estimated reach, the targets a partnership
sets, and the public results page."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from partners.models import Organisation, Partnership
from partners.models.base import TimeStampedModel, code_field

from .querysets import (
    ActivityQuerySet,
    DisseminationEventQuerySet,
    EventChildQuerySet,
    PartnershipChildQuerySet,
)


class StakeholderGroup(models.TextChoices):
    LEARNERS = "learners", _("Learners")
    VET_STAFF = "vet_staff", _("VET staff")
    EMPLOYERS = "employers", _("Employers")
    POLICY_MAKERS = "policy_makers", _("Policy makers")
    PARENTS = "parents", _("Parents")
    OTHER = "other", _("Other")


class Channel(models.TextChoices):
    EVENT = "event", _("Events")
    PUBLICATION = "publication", _("Publication")
    ARTICLE = "article", _("Article")
    SOCIAL_MEDIA = "social_media", _("Social media")
    WEBSITE = "website", _("Website")
    NEWSLETTER = "newsletter", _("Newsletter")
    OTHER = "other", _("Other")


class DisseminationEvent(TimeStampedModel):
    class Kind(models.TextChoices):
        NATIONAL = "national", _("National dissemination event")
        MULTIPLIER = "multiplier", _("Multiplier event")
        CONFERENCE = "conference", _("Conference")
        OTHER = "other", _("Other event")

    class Format(models.TextChoices):
        ON_SITE = "on_site", _("On site")
        ONLINE = "online", _("Online")
        BLENDED = "blended", _("Blended")

    code = code_field()
    partnership = models.ForeignKey(
        Partnership, on_delete=models.PROTECT, related_name="dissemination_events", verbose_name=_("partnership")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="dissemination_events", verbose_name=_("organiser")
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.NATIONAL)
    format = models.CharField(_("format"), max_length=10, choices=Format.choices, default=Format.ON_SITE)
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    country = CountryField(_("country"), blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    outcomes = models.TextField(_("outcomes"), blank=True)
    is_public = models.BooleanField(
        _("public"), default=False, help_text=_("Shown on the partnership's public results page (no personal data).")
    )

    objects = DisseminationEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("dissemination event")
        verbose_name_plural = _("dissemination events")
        ordering = ["-date", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("dissemination:event_detail", kwargs={"code": self.code})


class Audience(models.Model):
    """How many people of one stakeholder group came to an event, national and international."""

    event = models.ForeignKey(DisseminationEvent, on_delete=models.CASCADE, related_name="audience")
    group = models.CharField(_("stakeholder group"), max_length=16, choices=StakeholderGroup.choices)
    national = models.PositiveIntegerField(_("national participants"), default=0)
    international = models.PositiveIntegerField(_("international participants"), default=0)

    objects = EventChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("audience")
        verbose_name_plural = _("audience")
        constraints = [models.UniqueConstraint(fields=["event", "group"], name="audience_once_per_group")]

    def __str__(self) -> str:
        return f"{self.event}: {self.get_group_display()} {self.national}+{self.international}"

    @property
    def total(self) -> int:
        return self.national + self.international


def upload_path(instance, filename: str) -> str:
    return f"dissemination/{instance.event.code}/{secrets.token_hex(8)}/{filename}"


class EventFile(TimeStampedModel):
    """Agenda, materials and photos of a dissemination event."""

    class Kind(models.TextChoices):
        MATERIAL = "material", _("Material")
        PHOTO = "photo", _("Photo")

    code = code_field()
    event = models.ForeignKey(DisseminationEvent, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.MATERIAL)
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=upload_path, max_length=300)
    size = models.PositiveIntegerField(_("size in bytes"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = EventChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("event file")
        verbose_name_plural = _("event files")
        ordering = ["kind", "title"]

    def __str__(self) -> str:
        return self.title


class Activity(TimeStampedModel):
    """Publications, articles, social-media posts, websites, newsletters… with their estimated reach."""

    code = code_field()
    partnership = models.ForeignKey(
        Partnership, on_delete=models.PROTECT, related_name="dissemination_activities", verbose_name=_("partnership")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="dissemination_activities", verbose_name=_("organisation")
    )
    channel = models.CharField(
        _("channel"), max_length=16, choices=[c for c in Channel.choices if c[0] != Channel.EVENT]
    )
    title = models.CharField(_("title"), max_length=200)
    date = models.DateField(_("date"))
    language = models.CharField(_("language"), max_length=7, choices=settings.LANGUAGES, blank=True)
    link = models.URLField(_("link"), blank=True)
    reach = models.PositiveIntegerField(
        _("estimated reach"), default=0, help_text=_("People reached: readers, views, recipients (an estimate).")
    )
    audience = models.CharField(
        _("main stakeholder group"), max_length=16, choices=StakeholderGroup.choices, blank=True
    )
    is_public = models.BooleanField(_("public"), default=False)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("dissemination activity")
        verbose_name_plural = _("dissemination activities")
        ordering = ["-date", "title"]

    def __str__(self) -> str:
        return self.title


class ReachTarget(models.Model):
    """A number the partnership set itself to reach: per stakeholder group, or per channel."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="reach_targets")
    group = models.CharField(_("stakeholder group"), max_length=16, choices=StakeholderGroup.choices, blank=True)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices, blank=True)
    target = models.PositiveIntegerField(_("target"), validators=[MinValueValidator(1)])

    objects = PartnershipChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("reach target")
        verbose_name_plural = _("reach targets")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(group="") & ~models.Q(channel="")) | (~models.Q(group="") & models.Q(channel="")),
                name="reachtarget_group_xor_channel",
            ),
            models.UniqueConstraint(fields=["partnership", "group", "channel"], name="reachtarget_once"),
        ]

    def __str__(self) -> str:
        return f"{self.partnership}: {self.get_group_display() or self.get_channel_display()} {self.target}"


class PublicPage(models.Model):
    """The partnership's public results page (no login); the coordinator writes the summary and switches it
    on or off."""

    partnership = models.OneToOneField(Partnership, on_delete=models.CASCADE, related_name="public_page")
    enabled = models.BooleanField(_("published"), default=False)
    summary = models.TextField(_("project summary"), blank=True)

    objects = PartnershipChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("public results page")
        verbose_name_plural = _("public results pages")

    def __str__(self) -> str:
        return str(self.partnership)

    def get_absolute_url(self) -> str:
        return reverse("dissemination:public_page", kwargs={"slug": self.partnership.slug})


def result_path(instance, filename: str) -> str:
    return f"results/{instance.partnership.slug}/{secrets.token_hex(8)}/{filename}"


class PublicResult(TimeStampedModel):
    """A result or instrument the coordinator publishes (e.g. the Beauty-sector ECVET instruments): a file
    or a link, never personal data."""

    code = code_field()
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="public_results")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    file = models.FileField(_("file"), upload_to=result_path, max_length=300, blank=True)
    link = models.URLField(_("link"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_public = models.BooleanField(_("published"), default=True)

    objects = PartnershipChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("public result")
        verbose_name_plural = _("public results")
        ordering = ["order", "title"]

    def __str__(self) -> str:
        return self.title
