"""Who may see and do what with training events: the one place the app decides.

Built on `partners.access` (the scope and its named questions; only that module reads the superuser flag).
Views, forms, templates, services and the certificate renderer ask these functions and nothing else.
Scope first: objects are found through `visible_to(user)` (out of scope → 404); these rules then decide
within scope (refused → 403). Templates ask the same rules through `rules`:
`{% load rules %}{% test_rule "training_events.may_manage" request.user event as can %}`.

- creating an event: the project coordinator (`can_manage_partnership` on the partnership);
- managing an event (edit, agenda, questions, materials): the host's staff and the project coordinator;
- attendance and issuing certificates: the host's staff only (the host sees who is in the room);
- registering: each partner's staff, for their own organisation only; the people registered are staff of
  that organisation (an active membership other than learner) or colleagues without a portal account;
- answering the evaluation: the registered participant themself;
- evaluation results: those who manage the event and the staff of the partnership's organisations;
- the certificate list of an event: the host's staff, and a partner's staff for their own organisation;
- a certificate and its sealed PDF: the participant, their organisation's staff and the host's staff.
"""

from __future__ import annotations

from django.db import models

from partners.access import get_scope, register
from partners.models import Membership, Partnership, PartnershipMember, Right
from partners.models.people import Role

# --- creating --------------------------------------------------------------------------------------------


def may_create(user, partnership) -> bool:
    """Create a training event in `partnership` (a Partnership or its id)."""
    return get_scope(user).has_right(Right.MANAGE_PARTNERSHIP, partnership=partnership)


def creatable_partnerships(user):
    """The partnerships (visible to the user) they may create events in."""
    scope = get_scope(user)
    partnerships = Partnership.objects.visible_to(user)
    if scope.unrestricted:
        return partnerships
    return partnerships.filter(pk__in=[pk for pk in scope.rights_by_partnership if may_create(user, pk)])


def may_create_somewhere(user) -> bool:
    """The "New training event" button of the list."""
    scope = get_scope(user)
    return scope.unrestricted or any(may_create(user, pk) for pk in scope.rights_by_partnership)


# --- managing ----------------------------------------------------------------------------------------------


def may_manage(user, event) -> bool:
    """Edit the event, its agenda, evaluation questions and materials: the host's staff and the project
    coordinator."""
    scope = get_scope(user)
    return scope.is_staff_of(event.host_organisation_id) or scope.has_right(
        Right.MANAGE_PARTNERSHIP, partnership=event.partnership_id
    )


def may_mark_attendance(user, event) -> bool:
    """Only the host marks attendance (it is the host that sees who is in the room)."""
    return get_scope(user).is_staff_of(event.host_organisation_id)


def may_issue_certificates(user, event) -> bool:
    """Certificates follow the attendance: the host issues them."""
    return may_mark_attendance(user, event)


# --- registering --------------------------------------------------------------------------------------------


def registering_organisations(user, event) -> list[int]:
    """The partner organisations of the event's partnership whose staff this user is (one query)."""
    scope = get_scope(user)
    if not scope.staff_org_ids:
        return []
    members = set(
        PartnershipMember.objects.filter(partnership_id=event.partnership_id).values_list("organisation_id", flat=True)
    )
    return sorted(members & scope.staff_org_ids)


def may_register(user, event) -> bool:
    """Register people for the event (for one's own organisation only)."""
    return bool(registering_organisations(user, event))


def may_register_for(user, event, organisation_id) -> bool:
    return organisation_id in registering_organisations(user, event)


def may_cancel(user, participant) -> bool:
    """Cancel a registration: the registering organisation's staff and those who manage the event."""
    event = participant.event
    return may_register_for(user, event, participant.organisation_id) or may_manage(user, event)


def registrable_people(organisation_ids):
    """The portal accounts an organisation may register: its staff (active memberships other than learner).

    The picker of the registration form and the check of `services.register` both start here."""
    from django.contrib.auth import get_user_model

    staff = Membership.objects.filter(organisation_id__in=organisation_ids, is_active=True).exclude(role=Role.LEARNER)
    return get_user_model().objects.filter(is_active=True, pk__in=staff.values("user_id")).distinct()


def is_registrable(user_account, organisation_id) -> bool:
    """May `user_account` be registered by `organisation_id` (staff of it, not a learner)?"""
    return registrable_people([organisation_id]).filter(pk=user_account.pk).exists()


# --- evaluation ------------------------------------------------------------------------------------------------


def participation(user, event):
    """The user's own registration for the event (status registered), or None."""
    from .models import Participant

    if user is None or not user.is_authenticated:
        return None
    return (
        Participant.objects.filter(event=event, user=user, status=Participant.Status.REGISTERED)
        .select_related("organisation")
        .first()
    )


def may_answer_evaluation(user, event) -> bool:
    """The evaluation is answered by the registered participant themself."""
    return participation(user, event) is not None


def sees_evaluation_results(user, event) -> bool:
    return may_manage(user, event) or get_scope(user).in_partnership(event.partnership_id)


# --- certificates ----------------------------------------------------------------------------------------------


def sees_certificate_list(user, event) -> bool:
    """The event's certificate page: the host (everyone's) and a partner's staff (their own people's)."""
    return may_issue_certificates(user, event) or may_register(user, event)


def sees_certificate(user, certificate) -> bool:
    """As `Certificate.objects.visible_to`: the participant, their organisation's staff, the host's staff."""
    scope = get_scope(user)
    participant = certificate.participant
    return (
        scope.unrestricted
        or (scope.user_id is not None and participant.user_id == scope.user_id)
        or participant.organisation_id in scope.staff_org_ids
        or participant.event.host_organisation_id in scope.staff_org_ids
    )


def may_download_certificate(user, certificate) -> bool:
    """A certificate carries nothing its readers may not see: every reader takes the sealed PDF."""
    return sees_certificate(user, certificate)


# --- materials and calendars ----------------------------------------------------------------------------------


def may_manage_materials(user, event) -> bool:
    return may_manage(user, event)


def may_delete_material(user, material) -> bool:
    return may_manage(user, material.event)


def feed_events(user):
    """The events of a user's personal calendar feed: those they are registered for, those hosted by an
    organisation where they are staff, and those of partnerships they coordinate (`may_manage` without the
    unrestricted reach over every event). Within what they may see."""
    from .models import Participant, TrainingEvent

    scope = get_scope(user)
    managed_partnerships = [
        pid for pid, rights in scope.rights_by_partnership.items() if Right.MANAGE_PARTNERSHIP in rights
    ]
    registered = Participant.objects.filter(user_id=user.pk, status=Participant.Status.REGISTERED).values("event_id")
    condition = (
        models.Q(pk__in=registered)
        | models.Q(host_organisation_id__in=scope.staff_org_ids)
        | models.Q(partnership_id__in=managed_partnerships)
    )
    return TrainingEvent.objects.visible_to(user).filter(condition)


register(
    "training_events",
    may_create,
    may_create_somewhere,
    may_manage,
    may_mark_attendance,
    may_issue_certificates,
    may_register,
    may_cancel,
    may_answer_evaluation,
    sees_evaluation_results,
    sees_certificate_list,
    sees_certificate,
    may_download_certificate,
    may_manage_materials,
    may_delete_material,
)
