"""Changes to calls and applications: each one transaction that re-checks its rule (`selection.access`) and writes
its audit row; statuses move only through `partners.workflow.move`; e-mails are sent after the commit by
`selection.tasks`.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partners import audit
from partners.models import AuditEntry
from partners.workflow import move

from . import access
from .eligibility import unmet_conditions
from .models import Application, ApplicationDocument, Call, Criterion

# The version of the privacy notice (templates/selection/public/privacy.html) an applicant agrees to; change it
# whenever the notice's text changes, so each application records which one was shown.
PRIVACY_NOTICE_VERSION = "2026-12"


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


# --- calls -------------------------------------------------------------------------------------------------------


def placement_errors(call: Call, placements: Iterable) -> list[str]:
    """Offered placements must be published ones of the call's partnership."""
    current = set(call.placements.values_list("pk", flat=True)) if call.pk else set()
    wrong = [
        p
        for p in placements
        if p.partnership_id != call.partnership_id or (p.status != "published" and p.pk not in current)
    ]
    if wrong:
        return [_("Only published placements of the call's partnership can be offered.")]
    return []


@transaction.atomic
def save_call(call: Call, *, placements=None, by, request=None) -> Call:
    """Create or edit a call (a new call: `by` manages mobilities at its organisation, a member of the
    partnership)."""
    _require(access.may_manage_call(by, call))
    if not call.partnership.organisations.filter(pk=call.organisation_id).exists():
        raise ValidationError({"partnership": _("The sending organisation is not a member of this partnership.")})
    if call.status not in (Call.Status.DRAFT, Call.Status.PUBLISHED):
        raise ValidationError(_("A closed, decided or cancelled call cannot be changed."))
    placements = list(placements) if placements is not None else None
    if placements:
        errors = placement_errors(call, placements)
        if errors:
            raise ValidationError({"placements": errors})
    created = call.pk is None
    if created:
        call.created_by = by
    call.full_clean()
    call.save()
    if placements is not None:
        call.placements.set(placements)
    audit.record(
        actor=by,
        verb=AuditEntry.Verb.CREATED if created else AuditEntry.Verb.UPDATED,
        obj=call,
        request=request,
        partnership=call.partnership,
        organisation=call.organisation,
    )
    return call


@transaction.atomic
def save_criteria(call: Call, formset, *, by, request=None) -> None:
    """Save the criteria formset (weights, points, order) while the call is a draft: published criteria stay as
    applicants read them."""
    _require(access.may_manage_call(by, call))
    if call.status != Call.Status.DRAFT:
        raise ValidationError(_("The criteria are fixed once the call is published."))
    formset.save()
    audit.record(
        actor=by,
        verb=AuditEntry.Verb.UPDATED,
        obj=call,
        request=request,
        partnership=call.partnership,
        organisation=call.organisation,
        details={"criteria": [[c.name, str(c.weight), c.max_points] for c in Criterion.objects.filter(call=call)]},
    )


CALL_MOVES = ("publish", "close", "cancel")


def move_call(call: Call, name: str, *, by, reason: str = "", request=None) -> None:
    if name not in CALL_MOVES:
        raise ValidationError(_("Unknown action."))
    move(call, name, by=by, reason=reason, request=request)


# --- applications ------------------------------------------------------------------------------------------------


def _store_documents(application: Application, files: dict[str, object]) -> None:
    for kind, upload in files.items():
        if upload:
            ApplicationDocument.objects.create(
                application=application, kind=kind, file=upload, size=getattr(upload, "size", 0) or 0
            )


@transaction.atomic
def submit_application(application: Application, files: dict[str, object], *, request=None) -> Application:
    """A public application: stored `unverified`, with its documents and the consent given now; the e-mail with
    the confirmation link goes out after the commit."""
    call = Call.objects.select_for_update().get(pk=application.call_id)
    if not call.is_open:
        raise ValidationError(_("This call no longer takes applications."))
    application.call = call
    application.consent_at = timezone.now()
    application.privacy_notice_version = PRIVACY_NOTICE_VERSION
    application.entered_by = None
    application.full_clean(exclude=["call"])
    application.save()
    _store_documents(application, files)
    audit.record(
        actor=None,
        verb=AuditEntry.Verb.CREATED,
        obj=application,
        request=request,
        partnership=call.partnership,
        organisation=call.organisation,
        details={"source": "public form"},
    )
    from .tasks import send_applicant_mail

    transaction.on_commit(lambda: send_applicant_mail.delay(application.pk, "confirm"))
    return application


@transaction.atomic
def enter_application(application: Application, files: dict[str, object], *, by, request=None) -> Application:
    """An application a coordinator enters on the applicant's behalf (a paper form with the signed consent):
    confirmed at once, then checked like any other."""
    call = application.call
    _require(access.may_manage_applications(by, call))
    if call.status not in (Call.Status.PUBLISHED, Call.Status.CLOSED):
        raise ValidationError(_("Applications can be entered while the call is published or closed."))
    application.consent_at = timezone.now()
    application.privacy_notice_version = PRIVACY_NOTICE_VERSION
    application.entered_by = by
    application.full_clean()
    application.save()
    _store_documents(application, files)
    audit.record(
        actor=by,
        verb=AuditEntry.Verb.CREATED,
        obj=application,
        request=request,
        partnership=call.partnership,
        organisation=call.organisation,
        details={"source": "entered by a coordinator", "consent": "given on paper"},
    )
    move(application, "verify", by=by, request=request, reason=_("Entered from a paper application."))
    check_eligibility(application, by=by, request=request)
    from .tasks import send_applicant_mail

    transaction.on_commit(lambda: send_applicant_mail.delay(application.pk, "received"))
    return application


def check_eligibility(application: Application, *, by=None, request=None) -> list[str]:
    """Move a submitted application to eligible or ineligible by `eligibility.unmet_conditions` (a system move:
    the portal checks, whoever triggered it)."""
    kinds = application.documents.values_list("kind", flat=True)
    reasons = unmet_conditions(application.call, application, kinds)
    if reasons:
        move(
            application,
            "mark_ineligible",
            by=by,
            system=True,
            request=request,
            reasons=reasons,
            details={"reasons": reasons},
        )
    else:
        move(application, "mark_eligible", by=by, system=True, request=request)
    return reasons


@transaction.atomic
def confirm_application(application: Application, *, request=None) -> bool:
    """The applicant opened the link of the e-mail: the address is confirmed, the application submitted and
    checked. False when it was confirmed already (a second click changes nothing)."""
    application = Application.objects.select_for_update().select_related("call").get(pk=application.pk)
    if application.status != Application.Status.UNVERIFIED:
        return False
    move(application, "verify", system=True, request=request, reason=_("E-mail address confirmed."))
    check_eligibility(application, request=request)
    from .tasks import send_applicant_mail

    transaction.on_commit(lambda: send_applicant_mail.delay(application.pk, "received"))
    return True


@transaction.atomic
def withdraw_application(application: Application, *, by=None, request=None, reason: str = "") -> None:
    """Withdrawn by the applicant (their signed link: `by` None) or by a coordinator told so; the application is
    kept with its date."""
    application = Application.objects.select_for_update().select_related("call").get(pk=application.pk)
    if application.status not in Application.OPEN_STATES:
        raise ValidationError(_("This application can no longer be withdrawn."))
    if by is None:
        move(application, "withdraw", system=True, request=request, reason=reason or _("Withdrawn by the applicant."))
    else:
        move(application, "withdraw", by=by, request=request, reason=reason)


APPLICATION_MOVES = ("mark_eligible", "mark_ineligible")


def move_application(application: Application, name: str, *, by, reason: str = "", request=None) -> None:
    """A coordinator's correction of the eligibility check (with a reason)."""
    if name not in APPLICATION_MOVES:
        raise ValidationError(_("Unknown action."))
    if not (reason or "").strip():
        raise ValidationError(_("Give a reason."))
    kwargs = {"reasons": [reason.strip()]} if name == "mark_ineligible" else {}
    move(application, name, by=by, reason=reason, request=request, **kwargs)
