"""Dissemination: who may do what, saving an event with its audience in one transaction, the reach report,
and what the public results page may show.

Rights (docs/access.md):
- each partner's staff record their own organisation's events and activities (`may_edit_for`);
- the project coordinator (`can_manage_partnership`) records for any partner, sets the reach targets,
  writes and switches the public results page, and publishes results.
"""

from __future__ import annotations

from collections import defaultdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partners import audit
from partners.access import get_scope
from partners.models import AuditEntry, PartnershipMember, Right

from .models import Activity, Audience, Channel, DisseminationEvent, PublicPage, ReachTarget, StakeholderGroup


def may_coordinate(user, partnership) -> bool:
    return get_scope(user).has_right(Right.MANAGE_PARTNERSHIP, partnership=partnership)


def editable_organisations(user, partnership) -> list[int]:
    """The partner organisations this user records dissemination for: all of them for the project coordinator,
    else their own."""
    members = set(PartnershipMember.objects.filter(partnership=partnership).values_list("organisation_id", flat=True))
    if may_coordinate(user, partnership):
        return sorted(members)
    return sorted(members & get_scope(user).staff_org_ids)


def may_edit_for(user, partnership, organisation_id) -> bool:
    return organisation_id in editable_organisations(user, partnership)


@transaction.atomic
def save_event(event: DisseminationEvent, audience: dict[str, tuple[int, int]], *, by, request=None):
    """Save the event and its audience (group → (national, international)); counts must be whole numbers ≥ 0."""
    if not may_edit_for(by, event.partnership, event.organisation_id):
        raise PermissionDenied
    if event.pk is not None:
        # Moving an event away from another partner is taking it over: the original organisation counts too.
        original = DisseminationEvent.objects.filter(pk=event.pk).values_list("organisation_id", flat=True).first()
        if original is not None and not may_edit_for(by, event.partnership, original):
            raise PermissionDenied
    errors = {}
    for group, (national, international) in audience.items():
        if group not in StakeholderGroup.values:
            errors["__all__"] = _("Unknown stakeholder group.")
            continue
        for key, value in (("national", national), ("international", international)):
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                errors[f"{group}-{key}"] = _("Counts are whole numbers from 0.")
    if errors:
        raise ValidationError(errors)
    created = event.pk is None
    event.full_clean()
    event.save()
    for group, (national, international) in audience.items():
        if national or international:
            Audience.objects.update_or_create(
                event=event, group=group, defaults={"national": national, "international": international}
            )
        else:
            Audience.objects.filter(event=event, group=group).delete()
    audit.record(
        actor=by,
        verb=AuditEntry.Verb.CREATED if created else AuditEntry.Verb.UPDATED,
        obj=event,
        request=request,
        partnership=event.partnership,
        organisation=event.organisation,
    )
    return event


# --- the reach report -----------------------------------------------------------------------------------------


def reach_report(partnership) -> dict:
    """Reach by country, organisation, stakeholder group and channel, with the partnership's targets.
    Event audience counts are people; activity reach is an estimate: both are shown, never mixed silently."""
    events = list(DisseminationEvent.objects.filter(partnership=partnership).select_related("organisation"))
    audience = list(Audience.objects.filter(event__partnership=partnership))
    activities = list(Activity.objects.filter(partnership=partnership).select_related("organisation"))
    by_event = defaultdict(list)
    for row in audience:
        by_event[row.event_id].append(row)

    by_group = {g: {"national": 0, "international": 0} for g in StakeholderGroup.values}
    by_org: dict[int, dict] = {}
    by_country: dict[str, dict] = {}
    for event in events:
        people = sum(a.total for a in by_event[event.pk])
        org = by_org.setdefault(
            event.organisation_id, {"organisation": event.organisation, "events": 0, "people": 0, "reach": 0}
        )
        org["events"] += 1
        org["people"] += people
        country = event.country.code or event.organisation.country.code
        c = by_country.setdefault(country, {"country": country, "events": 0, "people": 0, "reach": 0})
        c["events"] += 1
        c["people"] += people
        for a in by_event[event.pk]:
            by_group[a.group]["national"] += a.national
            by_group[a.group]["international"] += a.international
    by_channel = {c: {"items": 0, "reach": 0} for c in Channel.values}
    by_channel[Channel.EVENT] = {"items": len(events), "reach": sum(a.total for a in audience)}
    for activity in activities:
        by_channel[activity.channel]["items"] += 1
        by_channel[activity.channel]["reach"] += activity.reach
        org = by_org.setdefault(
            activity.organisation_id, {"organisation": activity.organisation, "events": 0, "people": 0, "reach": 0}
        )
        org["reach"] += activity.reach
        country = activity.organisation.country.code
        c = by_country.setdefault(country, {"country": country, "events": 0, "people": 0, "reach": 0})
        c["reach"] += activity.reach
    targets = list(ReachTarget.objects.filter(partnership=partnership))
    group_targets = {t.group: t.target for t in targets if t.group}
    channel_targets = {t.channel: t.target for t in targets if t.channel}
    groups = [
        {
            "group": g,
            "label": StakeholderGroup(g).label,
            **counts,
            "total": counts["national"] + counts["international"],
            "target": group_targets.get(g),
        }
        for g, counts in by_group.items()
    ]
    channels = [
        {"channel": c, "label": Channel(c).label, **counts, "target": channel_targets.get(c)}
        for c, counts in by_channel.items()
    ]
    for row in groups + channels:
        value = row.get("total", row.get("reach", 0))
        row["percent"] = round(100 * value / row["target"]) if row["target"] else None
    return {
        "groups": groups,
        "channels": channels,
        "organisations": sorted(by_org.values(), key=lambda r: r["organisation"].short_name or ""),
        "countries": sorted(by_country.values(), key=lambda r: r["country"]),
        "people": sum(a.total for a in audience),
        "reach": sum(a.reach for a in activities),
        "events": len(events),
        "activities": len(activities),
    }


# --- the public results page -----------------------------------------------------------------------------------


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
