"""Which rows a user exports for a partnership. Everything starts from `visible_to(user)`.

Who may open the exports of a partnership: the staff (project and partner coordinators) of its member
organisations, i.e. those who see the partnership (`Partnership.objects.visible_to`), and superusers.
Mentors, learners and outsiders do not see the partnership: 404.

What the reporting-tool files hold: the organisation that *sends* a participant reports them, so
- the project coordinator (and a superuser) exports every mobility and staff participant of the partnership;
- a partner coordinator exports those their own organisation sends (outgoing mobilities, their staff at
  training events) — never another organisation's learners, even those hosted by them.
Cancelled mobilities and cancelled registrations are not reported.
"""

from __future__ import annotations

from mobility.models import Mobility
from partners.access import get_scope
from partners.models import Partnership
from training_events.models import Participant

from ..access import sees_whole_partnership

MOBILITY_CHUNK = 2000


def reported_mobilities(user, partnership: Partnership):
    mobilities = (
        Mobility.objects.visible_to(user)
        .filter(partnership=partnership)
        .exclude(status=Mobility.Status.CANCELLED)
        .select_related("learner", "partnership", "sending_organisation", "receiving_organisation")
        .order_by("start_date", "id")
    )
    if not sees_whole_partnership(user, partnership):
        mobilities = mobilities.filter(sending_organisation_id__in=get_scope(user).staff_org_ids)
    return mobilities


def reported_staff(user, partnership: Partnership):
    participants = (
        Participant.objects.visible_to(user)
        .filter(event__partnership=partnership, status=Participant.Status.REGISTERED)
        .select_related("event", "event__partnership", "event__host_organisation", "organisation")
        .order_by("event__start_date", "event_id", "last_name", "first_name", "id")
    )
    if not sees_whole_partnership(user, partnership):
        participants = participants.filter(organisation_id__in=get_scope(user).staff_org_ids)
    return participants
