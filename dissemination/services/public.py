"""The partnership's public results page: the coordinator's settings and published results, and what the
page may show. Each change is one transaction that re-checks the rule (`access.may_coordinate`) and writes
its audit row with one `partners.audit.record` call."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from partners import audit
from partners.models import AuditEntry, PartnershipMember

from .. import access
from ..models import DisseminationEvent, PublicPage, PublicResult


@transaction.atomic
def save_public_page(page: PublicPage, *, by, request=None) -> PublicPage:
    """Save the page's switch and summary (the page is made on its first save)."""
    if not access.may_coordinate(by, page.partnership_id):
        raise PermissionDenied
    created = page.pk is None
    page.full_clean()
    page.save()
    audit.record(
        actor=by,
        verb=AuditEntry.Verb.CREATED if created else AuditEntry.Verb.UPDATED,
        obj=page,
        request=request,
        partnership=page.partnership,
        details={"enabled": page.enabled},
    )
    return page


def _delete_stored(file, name: str) -> None:
    if name:
        transaction.on_commit(lambda: file.storage.delete(name))


@transaction.atomic
def create_result(result: PublicResult, *, by, request=None) -> PublicResult:
    if result.pk is not None or not access.may_coordinate(by, result.partnership_id):
        raise PermissionDenied
    result.save()
    audit.record(actor=by, verb=AuditEntry.Verb.CREATED, obj=result, request=request, partnership=result.partnership)
    return result


@transaction.atomic
def update_result(result: PublicResult, *, by, fields: list[str] | None = None, request=None) -> PublicResult:
    """Save the changes; a file replaced or removed leaves the storage once committed."""
    if not access.may_coordinate(by, result.partnership_id):
        raise PermissionDenied
    stored = PublicResult.objects.select_for_update().get(pk=result.pk)
    old_file, old_name = stored.file, stored.file.name
    result.save()
    audit.record(
        actor=by,
        verb=AuditEntry.Verb.UPDATED,
        obj=result,
        request=request,
        partnership=result.partnership,
        details={"fields": list(fields)} if fields else None,
    )
    if old_name and result.file.name != old_name:
        _delete_stored(old_file, old_name)
    return result


@transaction.atomic
def delete_result(result: PublicResult, *, by, request=None) -> None:
    if not access.may_coordinate(by, result.partnership_id):
        raise PermissionDenied
    file, name = result.file, result.file.name
    audit.record(
        actor=by,
        verb=AuditEntry.Verb.DELETED,
        obj=result,
        request=request,
        partnership=result.partnership,
        details={"title": result.title},
    )
    result.delete()
    _delete_stored(file, name)


# --- what the public page shows -------------------------------------------------------------------------------


def public_page_for(partnership) -> PublicPage | None:
    """The page if it is switched on, else None (the view answers 404)."""
    return PublicPage.objects.filter(partnership=partnership, enabled=True).first()


def public_content(partnership) -> dict:
    """Only what is marked public, and nothing about people: organisations (names, countries, websites),
    published results, upcoming public events (training and dissemination), past public dissemination events."""
    from training_events.models import TrainingEvent

    today = timezone.localdate()
    members = PartnershipMember.objects.filter(partnership=partnership).select_related("organisation")
    return {
        "partners": [
            {
                "name": m.organisation.legal_name,
                "country": m.organisation.country,
                "city": m.organisation.city,
                "website": m.organisation.website,
                "coordinator": m.role == PartnershipMember.Role.COORDINATOR,
            }
            for m in sorted(
                members, key=lambda m: (m.role != PartnershipMember.Role.COORDINATOR, m.organisation.legal_name)
            )
        ],
        "results": list(partnership.public_results.filter(is_public=True)),
        "upcoming_training": list(
            TrainingEvent.objects.filter(partnership=partnership, is_public=True, end_date__gte=today).order_by(
                "start_date"
            )
        ),
        "upcoming_events": list(
            DisseminationEvent.objects.filter(partnership=partnership, is_public=True, date__gte=today).order_by("date")
        ),
        "past_events": list(
            DisseminationEvent.objects.filter(partnership=partnership, is_public=True, date__lt=today)
            .prefetch_related("audience")
            .order_by("-date")[:20]
        ),
    }
