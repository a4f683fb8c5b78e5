"""The reach report of a partnership and the targets its project coordinator sets."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, F, Sum, Value
from django.db.models.functions import Coalesce, NullIf

from partners import audit
from partners.models import AuditEntry, Organisation

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


def _n(value) -> int:
    return int(value or 0)


def with_targets(partnership, by_group: dict, by_channel: dict) -> tuple[list[dict], list[dict]]:
    """The rows per stakeholder group and per channel, each with its label, target and share of the target."""
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
    return groups, channels


def reach_report(partnership) -> dict:
    """Reach by country, organisation, stakeholder group and channel, with the partnership's targets.
    Event audience counts are people; activity reach is an estimate: both are shown, never mixed silently.

    Summed in SQL (issue 15): a handful of grouped queries whatever the number of events, audience rows and
    activities; the figures are those of the former row-by-row sums (tests/dissemination/test_reach_sql.py)."""
    events = DisseminationEvent.objects.filter(partnership=partnership)
    audience = Audience.objects.filter(event__partnership=partnership)
    activities = Activity.objects.filter(partnership=partnership)
    people_of = Sum(F("audience__national") + F("audience__international"))
    # An event counts in its own country, or its organisation's when it has none.
    event_country = Coalesce(NullIf(F("country"), Value("")), F("organisation__country"))

    by_org: dict[int, dict] = {}
    by_country: dict[str, dict] = {}

    def org_row(pk):
        return by_org.setdefault(pk, {"organisation": None, "events": 0, "people": 0, "reach": 0})

    def country_row(code):
        return by_country.setdefault(code, {"country": code, "events": 0, "people": 0, "reach": 0})

    # One query per source, grouped by organisation and country together: an event or an activity has one of
    # each, so the per-organisation and per-country sums add up from these groups.
    event_count = 0
    for row in (
        events.annotate(held_in=event_country)
        .values("organisation_id", "held_in")
        .annotate(n=Count("pk", distinct=True), people=people_of)
        .order_by()
    ):
        event_count += row["n"]
        for target in (org_row(row["organisation_id"]), country_row(row["held_in"])):
            target["events"] += row["n"]
            target["people"] += _n(row["people"])
    for row in activities.values("organisation_id", "organisation__country").annotate(reach=Sum("reach")).order_by():
        org_row(row["organisation_id"])["reach"] += _n(row["reach"])
        country_row(row["organisation__country"])["reach"] += _n(row["reach"])
    organisations = Organisation.objects.in_bulk(list(by_org))
    for pk, row in by_org.items():
        row["organisation"] = organisations[pk]

    by_group = {g: {"national": 0, "international": 0} for g in StakeholderGroup.values}
    for row in (
        audience.values("group").annotate(national=Sum("national"), international=Sum("international")).order_by()
    ):
        by_group[row["group"]] = {"national": _n(row["national"]), "international": _n(row["international"])}
    people = sum(counts["national"] + counts["international"] for counts in by_group.values())
    by_channel = {c: {"items": 0, "reach": 0} for c in Channel.values}
    by_channel[Channel.EVENT] = {"items": event_count, "reach": people}
    for row in activities.values("channel").annotate(items=Count("pk"), reach=Sum("reach")).order_by():
        by_channel[row["channel"]] = {"items": row["items"], "reach": _n(row["reach"])}

    groups, channels = with_targets(partnership, by_group, by_channel)
    return {
        "groups": groups,
        "channels": channels,
        "organisations": sorted(by_org.values(), key=lambda r: r["organisation"].short_name or ""),
        "countries": sorted(by_country.values(), key=lambda r: r["country"]),
        "people": people,
        "reach": sum(counts["reach"] for c, counts in by_channel.items() if c != Channel.EVENT),
        "events": event_count,
        "activities": sum(counts["items"] for c, counts in by_channel.items() if c != Channel.EVENT),
    }
