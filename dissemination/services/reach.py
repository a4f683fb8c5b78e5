"""The reach report of a partnership and the targets its project coordinator sets."""

from __future__ import annotations

from collections import defaultdict

from django.core.exceptions import PermissionDenied
from django.db import transaction

from partners import audit
from partners.models import AuditEntry

from .. import access
from ..models import Activity, Audience, Channel, DisseminationEvent, ReachTarget, StakeholderGroup


@transaction.atomic
def save_targets(partnership, targets: dict[tuple[str, str], int | None], *, by, request=None) -> dict:
    """Set the targets: (group, channel) → a whole number from 1, or None for no target. Returns what changed
    (label → new value or None); one audit row when anything did."""
    if not access.may_coordinate(by, partnership):
        raise PermissionDenied
    stored = {(t.group, t.channel): t for t in ReachTarget.objects.select_for_update().filter(partnership=partnership)}
    changed = {}
    for (group, channel), value in targets.items():
        if (group and group not in StakeholderGroup.values) or (channel and channel not in Channel.values):
            continue
        row = stored.get((group, channel))
        label = f"group:{group}" if group else f"channel:{channel}"
        if value is None:
            if row is not None:
                row.delete()
                changed[label] = None
        elif row is None:
            ReachTarget.objects.create(partnership=partnership, group=group, channel=channel, target=value)
            changed[label] = value
        elif row.target != value:
            row.target = value
            row.save(update_fields=["target"])
            changed[label] = value
    if changed:
        audit.record(
            actor=by,
            verb=AuditEntry.Verb.UPDATED,
            obj=partnership,
            request=request,
            partnership=partnership,
            details={"reach_targets": changed},
        )
    return changed


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
