"""Memoranda of Understanding: drafting, approval by every signing organisation, amendments, termination.

Lifecycle: draft → out for approval (≥ 2 parties, ≥ 1 qualification) → in force once every party has
approved the same content (its SHA-256) → terminated by the project coordinator, or expired.

- A refusal (with a reason) sends the memorandum back to draft; the reason shows on its page and is
  emailed to the other parties' signers.
- An amendment is a new row (version + 1, `previous` = the version in force, a required reason) with all
  content copied; the version in force stays in force until the amendment is, then becomes superseded.
- **Expiry is computed on read** (`effective_status`): a memorandum in force whose `valid_until` has passed
  shows and behaves as expired (no amendment, no termination) without a nightly job; the stored status
  stays `in_force`, so no clock-driven write is needed and nothing is out of date between runs.
- Approvals bind to the content, not to a round: sending unchanged content again keeps the approvals
  already given for exactly that content.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from partners import audit, workflow
from partners.models import AuditEntry

from ..access import may_manage_memorandum
from ..models import Approval, Memorandum, MemorandumParty, MemorandumUnit
from .approvals import DocumentKind, Party
from .notify import notify

S = Memorandum.Status


# --- Reading -------------------------------------------------------------------------------------


def with_content(queryset):
    """A memorandum queryset with everything the content, the page and the approvals need."""
    return queryset.select_related("partnership", "previous").prefetch_related(
        Prefetch("parties", queryset=MemorandumParty.objects.select_related("organisation").order_by("order", "id")),
        "qualifications__organisation",
        Prefetch(
            "memorandum_units",
            queryset=MemorandumUnit.objects.select_related("unit__qualification").order_by(
                "unit__qualification__title_en", "unit__reference"
            ),
        ),
    )


def is_expired(memorandum: Memorandum, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    return memorandum.status == S.IN_FORCE and memorandum.valid_until < today


def effective_status(memorandum: Memorandum, today: dt.date | None = None) -> tuple[str, str]:
    """(status, label) as shown: an in-force memorandum past its validity reads as expired."""
    if is_expired(memorandum, today):
        return S.EXPIRED, S.EXPIRED.label
    return memorandum.status, S(memorandum.status).label


def _organisation(org) -> dict:
    return {
        "name": org.legal_name,
        "short_name": org.short_name,
        "country": org.country.code,
        "city": org.city,
        "address": org.address,
        "phone": org.phone,
        "website": org.website,
        "oid": org.oid,
        "pic": org.pic,
    }


def memorandum_content(memorandum: Memorandum) -> dict:
    """The canonical content every party approves: every field, the parties, qualifications and units,
    sorted so the same content always gives the same bytes. Status and termination are not content."""
    parties = sorted(memorandum.parties.all(), key=lambda p: (p.order, p.organisation.slug))
    qualifications = sorted(memorandum.qualifications.all(), key=lambda q: (q.country.code, q.title_en, str(q.code)))
    units = sorted(
        memorandum.memorandum_units.all(), key=lambda mu: (str(mu.unit.qualification.code), mu.unit.reference)
    )
    return {
        "document": "ECVET Memorandum of Understanding",
        "memorandum": str(memorandum.code),
        "title": memorandum.title,
        "version": memorandum.version,
        "amends_version": memorandum.previous.version if memorandum.previous_id else None,
        "amendment_reason": memorandum.amendment_reason or None,
        "partnership": {
            "acronym": memorandum.partnership.acronym,
            "title": memorandum.partnership.title,
            "project_number": memorandum.partnership.project_number,
        }
        if memorandum.partnership_id
        else None,
        "objectives": {"standard": memorandum.objectives_standard, "other": memorandum.objectives_other},
        "parties": [
            {
                "organisation": _organisation(p.organisation),
                "contact": {
                    "name": p.contact_name,
                    "position": p.contact_position,
                    "email": p.contact_email,
                    "phone": p.contact_phone,
                },
                "signing_place": p.signing_place,
            }
            for p in parties
        ],
        "other_organisations": memorandum.other_organisations,
        "qualifications": [
            {
                "code": str(q.code),
                "title": q.title_original,
                "title_en": q.title_en,
                "country": q.country.code,
                "eqf_level": q.eqf_level,
                "nqf_level": q.nqf_level,
                "awarding_body": q.awarding_body,
            }
            for q in qualifications
        ],
        "units": [
            {
                "qualification": str(mu.unit.qualification.code),
                "reference": mu.unit.reference,
                "title": mu.unit.title,
                "unit_ecvet_points": mu.unit.ecvet_points,
                "ecvet_points_in_mobility": mu.ecvet_points,
            }
            for mu in units
        ],
        "assessment": memorandum.assessment,
        "documentation": memorandum.documentation,
        "validation": memorandum.validation,
        "recognition": memorandum.recognition,
        "duration_weeks": {"min": memorandum.duration_min_weeks, "max": memorandum.duration_max_weeks},
        "validity": {"from": memorandum.valid_from, "until": memorandum.valid_until},
        "evaluation_revision": memorandum.evaluation_revision,
        "other_actors": memorandum.other_actors,
    }


# --- Rights --------------------------------------------------------------------------------------


def require_manage(user, memorandum: Memorandum) -> None:
    if not may_manage_memorandum(user, memorandum):
        raise PermissionDenied


def ensure_editable(memorandum: Memorandum) -> None:
    if memorandum.status != S.DRAFT:
        raise ValidationError(
            _("This memorandum is “%(status)s” and cannot be edited; amend the version in force instead.")
            % {"status": memorandum.get_status_display()}
        )


# --- Approval ------------------------------------------------------------------------------------


class MemorandumKind(DocumentKind):
    model = Memorandum

    def parties(self, memorandum):
        return [
            Party(f"org:{p.organisation_id}", p.organisation.legal_name, organisation=p.organisation)
            for p in memorandum.parties.all()
        ]

    def content(self, memorandum):
        return memorandum_content(memorandum)

    def title(self, memorandum):
        return _("Memorandum of Understanding “%(title)s”, version %(n)s") % {
            "title": memorandum.title,
            "n": memorandum.version,
        }

    def is_open(self, memorandum):
        return memorandum.status == S.OUT_FOR_APPROVAL

    def partnership_for_audit(self, memorandum):
        return memorandum.partnership

    def on_fully_approved(self, memorandum, *, by, request):
        workflow.move(memorandum, "approve", by=by, request=request, system=True)
        if memorandum.previous_id:
            previous = Memorandum.objects.select_related("partnership").get(pk=memorandum.previous_id)
            workflow.move(
                previous,
                "supersede",
                by=by,
                request=request,
                system=True,
                details={"by_version": memorandum.version},
            )
        notify(memorandum, gettext_noop("Every party has approved the %(document)s: it is now in force."))

    def on_refused(self, memorandum, *, by, reason, request):
        # The move empties frozen_content: the draft is editable again.
        workflow.move(memorandum, "refuse", by=by, reason=reason, request=request, system=True)
        notify(
            memorandum,
            gettext_noop("%(who)s refused the %(document)s, which is back in draft. Reason: %(reason)s"),
            exclude=by,
            who=by.get_full_name() or by.email,
            reason=reason,
        )


def latest_refusal(memorandum: Memorandum, decisions) -> Approval | None:
    """The refusal that sent a draft back, to show its reason; None once the draft was sent again."""
    if memorandum.status != S.DRAFT or not decisions:
        return None
    last = decisions[-1]
    return last if last.decision == Approval.Decision.REFUSED else None


# --- State changes -------------------------------------------------------------------------------


@transaction.atomic
def save_draft(form, parties, units, *, by, request=None) -> Memorandum:
    """Save the memorandum form with its party and unit formsets (all already valid)."""
    created = form.instance._state.adding
    if not created:
        ensure_editable(Memorandum.objects.select_for_update().get(pk=form.instance.pk))
    memorandum = form.save()
    parties.instance = memorandum
    parties.save()
    units.instance = memorandum
    units.save()
    audit.record(
        actor=by,
        verb=AuditEntry.Verb.CREATED if created else AuditEntry.Verb.UPDATED,
        obj=memorandum,
        request=request,
        partnership=memorandum.partnership,
        details={
            "fields": sorted(form.changed_data),
            "parties_changed": parties.has_changed(),
            "units_changed": units.has_changed(),
        },
    )
    return memorandum


@transaction.atomic
def send_for_approval(memorandum: Memorandum, *, by, request=None) -> Memorandum:
    memorandum = Memorandum.objects.select_for_update().get(pk=memorandum.pk)
    require_manage(by, memorandum)
    ensure_editable(memorandum)
    from .approvals import FROZEN_FIELDS, freeze

    sha256 = freeze(memorandum)
    workflow.move(
        memorandum,
        "send_for_approval",
        by=by,
        request=request,
        details={"sha256": sha256},
        update_fields=FROZEN_FIELDS,
    )
    notify(memorandum, gettext_noop("The %(document)s waits for your organisation's approval."), exclude=by)
    return memorandum


def open_amendment(memorandum: Memorandum) -> Memorandum | None:
    return memorandum.amendments.filter(status__in=[S.DRAFT, S.OUT_FOR_APPROVAL]).first()


@transaction.atomic
def start_amendment(memorandum: Memorandum, *, by, reason: str, request=None) -> Memorandum:
    """A new draft version of the memorandum in force, with all its content copied."""
    memorandum = Memorandum.objects.select_for_update().get(pk=memorandum.pk)
    require_manage(by, memorandum)
    if not reason.strip():
        raise ValidationError(_("Give the reason for the amendment."))
    if memorandum.status != S.IN_FORCE or is_expired(memorandum):
        raise ValidationError(_("Only a memorandum in force can be amended."))
    if open_amendment(memorandum) is not None:
        raise ValidationError(_("An amendment of this memorandum is already being prepared or approved."))
    copy_fields = [
        "partnership_id",
        "title",
        "objectives_standard",
        "objectives_other",
        "other_organisations",
        "assessment",
        "documentation",
        "validation",
        "recognition",
        "duration_min_weeks",
        "duration_max_weeks",
        "valid_from",
        "valid_until",
        "evaluation_revision",
        "other_actors",
    ]
    amendment = Memorandum.objects.create(
        version=memorandum.version + 1,
        previous=memorandum,
        amendment_reason=reason.strip(),
        **{name: getattr(memorandum, name) for name in copy_fields},
    )
    amendment.qualifications.set(memorandum.qualifications.all())
    MemorandumParty.objects.bulk_create(
        [
            MemorandumParty(
                memorandum=amendment,
                organisation_id=p.organisation_id,
                contact_name=p.contact_name,
                contact_position=p.contact_position,
                contact_email=p.contact_email,
                contact_phone=p.contact_phone,
                signing_place=p.signing_place,
                order=p.order,
            )
            for p in memorandum.parties.all()
        ]
    )
    MemorandumUnit.objects.bulk_create(
        [
            MemorandumUnit(memorandum=amendment, unit_id=mu.unit_id, ecvet_points=mu.ecvet_points)
            for mu in memorandum.memorandum_units.all()
        ]
    )
    audit.record(
        actor=by,
        verb=AuditEntry.Verb.CREATED,
        obj=amendment,
        request=request,
        partnership=amendment.partnership,
        details={"amends": str(memorandum.code), "version": amendment.version, "reason": amendment.amendment_reason},
    )
    return amendment


@transaction.atomic
def terminate(memorandum: Memorandum, *, by, reason: str, request=None) -> Memorandum:
    """End a memorandum in force early. An amendment still in preparation ends with it."""
    memorandum = Memorandum.objects.select_for_update().get(pk=memorandum.pk)
    require_manage(by, memorandum)
    if not reason.strip():
        raise ValidationError(_("Give the reason for the termination."))
    if memorandum.status != S.IN_FORCE or is_expired(memorandum):
        raise ValidationError(_("Only a memorandum in force can be terminated."))
    memorandum.terminated_reason = reason.strip()
    workflow.move(memorandum, "terminate", by=by, reason=reason, request=request, update_fields=["terminated_reason"])
    # An amendment still in preparation or out for approval ends with it, one recorded move each.
    for amendment in memorandum.amendments.filter(status__in=[S.DRAFT, S.OUT_FOR_APPROVAL]).select_related(
        "partnership"
    ):
        amendment.terminated_reason = reason.strip()
        workflow.move(
            amendment,
            "end_with_amended",
            by=by,
            reason=reason,
            request=request,
            system=True,
            details={"with": str(memorandum.code)},
            update_fields=["terminated_reason"],
        )
    notify(
        memorandum,
        gettext_noop("The %(document)s was terminated. Reason: %(reason)s"),
        exclude=by,
        reason=reason.strip(),
    )
    return memorandum
