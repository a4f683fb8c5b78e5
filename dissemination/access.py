"""Who may see and do what in dissemination: the one place the app decides.

Built on `partners.access` (the scope and its named questions; only that module reads the superuser flag).
Views, forms, templates and services ask these functions and nothing else. Scope first: everything of a
partnership is read by the staff of its organisations (`visible_to`, out of scope → 404); these rules then
decide within scope (refused → 403). Templates ask the same rules through `rules`:
`{% load rules %}{% test_rule "dissemination.may_edit_event" request.user event as can %}`.

- each partner's staff record their own organisation's events and activities and their files;
- the project coordinator (`can_manage_partnership`) records for every partner, sets the reach targets,
  writes and switches the public results page, and publishes results.
"""

from __future__ import annotations

from partners.access import get_scope, register
from partners.models import Organisation, Partnership, PartnershipMember, Right


def may_coordinate(user, partnership) -> bool:
    """The project coordinator's part: reach targets, the public results page and its results."""
    return get_scope(user).has_right(Right.MANAGE_PARTNERSHIP, partnership=partnership)


def editable_organisations(user, partnership) -> list[int]:
    """The partner organisations this user records dissemination for in `partnership` (or its id): all of
    them for the project coordinator, else their own."""
    pk = getattr(partnership, "pk", partnership)
    return sorted(editable_organisations_by_partnership(user, [pk])[pk])


def editable_organisations_by_partnership(user, partnership_ids) -> dict[int, set[int]]:
    """`editable_organisations` for several partnerships at once (a list page): one query whatever their number."""
    ids = set(partnership_ids)
    members: dict[int, set[int]] = {pk: set() for pk in ids}
    if ids:
        for partnership_id, org_id in PartnershipMember.objects.filter(partnership_id__in=ids).values_list(
            "partnership_id", "organisation_id"
        ):
            members[partnership_id].add(org_id)
    staff = get_scope(user).staff_org_ids
    return {pk: orgs if may_coordinate(user, pk) else orgs & staff for pk, orgs in members.items()}


def organisation_choices(user, partnership):
    """The organisations the recording forms offer (`editable_organisations`), as a queryset."""
    return Organisation.objects.filter(pk__in=editable_organisations(user, partnership)).order_by("short_name")


def may_edit_for(user, partnership, organisation_id) -> bool:
    return organisation_id in editable_organisations(user, partnership)


def may_record_in(user, partnership) -> bool:
    """Record an event or activity in `partnership` (for at least one organisation)."""
    return bool(editable_organisations(user, partnership))


def may_record_somewhere(user) -> bool:
    """The "Record an event / activity" buttons of the lists: staff of an organisation in a partnership."""
    scope = get_scope(user)
    return scope.unrestricted or bool(scope.staff_org_ids and scope.partnership_ids)


def recording_partnerships(user):
    """The partnerships (visible to the user) where they record for an organisation: the choice before a
    new event or activity."""
    scope = get_scope(user)
    partnerships = Partnership.objects.visible_to(user).filter(members__isnull=False).distinct()
    if scope.unrestricted:
        return partnerships
    return partnerships.filter(members__organisation_id__in=scope.staff_org_ids)


def may_edit_event(user, event) -> bool:
    """Edit or delete a dissemination event, upload and delete its files."""
    return may_edit_for(user, event.partnership_id, event.organisation_id)


def may_edit_activity(user, activity) -> bool:
    return may_edit_for(user, activity.partnership_id, activity.organisation_id)


def may_delete_file(user, event_file) -> bool:
    return may_edit_event(user, event_file.event)


register(
    "dissemination",
    may_coordinate,
    may_record_in,
    may_record_somewhere,
    may_edit_event,
    may_edit_activity,
    may_delete_file,
)
