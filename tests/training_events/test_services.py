"""Service rules not covered through the pages: stay dates, grants from the staff tables, cancelling twice,
certificates only from the event's last day, the certificate's content."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError

from partners.models import AuditEntry
from training_events import services
from training_events.models import Participant, TrainingEvent

P = Participant.Status


def person(email, **extra):
    return {"first_name": "Ona", "last_name": "Petraitė", "email": email, **extra}


@pytest.mark.parametrize(
    ("arrival", "departure", "field"),
    [
        (date(2025, 3, 7), date(2025, 3, 12), "arrival_date"),  # three days early
        (date(2025, 3, 13), date(2025, 3, 14), "arrival_date"),  # after the last day
        (date(2025, 3, 9), date(2025, 3, 15), "departure_date"),  # three days late
        (date(2025, 3, 11), date(2025, 3, 10), "departure_date"),  # before the arrival
    ],
)
def test_stay_dates_must_fit_the_event(world, te, arrival, departure, field):
    with pytest.raises(ValidationError) as error:
        services.register(
            te.ev_a,
            organisation_id=world.org_b.pk,
            data=person("ona@example.org", arrival_date=arrival, departure_date=departure),
            by=world.partner_b,
        )
    assert field in error.value.message_dict
    assert not Participant.objects.filter(email="ona@example.org").exists()


def test_a_stay_two_days_around_the_event_is_accepted_and_priced_from_the_staff_tables(world, te):
    participant = services.register(
        te.ev_a,
        organisation_id=world.org_b.pk,
        data=person("ona@example.org", arrival_date=date(2025, 3, 8), departure_date=date(2025, 3, 14)),
        by=world.partner_b,
    )
    grant = services.grant_for(participant)
    # Amsterdam → Vilnius ≈ 1,250 km: the 2019 band 500–1999 km (275 EUR); 7 days × 100 EUR (staff, days 1–14).
    assert 500 <= grant.distance_km <= 1999
    assert grant.travel == Decimal("275") and grant.days == 7 and grant.support == Decimal("700")
    assert grant.total == Decimal("975")


def test_an_online_event_has_no_grant(world, te):
    TrainingEvent.objects.filter(pk=te.ev_a.pk).update(format=TrainingEvent.Format.ONLINE)
    te.p_staff_b.refresh_from_db()
    assert services.grant_for(te.p_staff_b).total == 0


def test_cancelling_twice_changes_nothing_the_second_time(world, te):
    services.cancel(te.p_staff_b, by=world.partner_b)
    entries = AuditEntry.objects.count()
    services.cancel(Participant.objects.get(pk=te.p_staff_b.pk), by=world.partner_b)
    assert AuditEntry.objects.count() == entries
    assert Participant.objects.get(pk=te.p_staff_b.pk).status == P.CANCELLED


def test_certificates_wait_for_the_events_last_day_and_fix_the_issue_date(world, te):
    services.mark_attendance(te.ev_a, {(te.p_staff_b.pk, te.s1.pk): True}, by=world.pc_a)
    with time_machine.travel(date(2025, 3, 11)), pytest.raises(ValidationError):
        services.issue_certificates(te.ev_a, by=world.pc_a)
    with time_machine.travel(date(2025, 3, 12)):
        (certificate,) = services.issue_certificates(te.ev_a, by=world.pc_a)
    assert certificate.content["issued"] == {"by": world.org_a.legal_name, "on": "2025-03-12"}
    assert certificate.content["hours"] == "3.00" and certificate.hours == Decimal("3.00")
    assert [s["title"] for s in certificate.content["sessions"]] == ["Opening"]


def test_accepting_an_invitation_links_the_registrations_made_before_the_account_existed(world, te):
    from partners import services as partner_services
    from partners.models.people import Role
    from tests.factories import InvitationFactory

    participant = services.register(
        te.ev_a, organisation_id=world.org_b.pk, data=person("Femke.Dekker@example.org"), by=world.partner_b
    )
    assert participant.user is None
    other_event = TrainingEvent.objects.create(
        partnership=world.p1,
        host_organisation=world.org_a,
        title="Another",
        start_date=date(2025, 5, 5),
        end_date=date(2025, 5, 6),
    )
    elsewhere = services.register(
        other_event, organisation_id=world.org_a.pk, data=person("femke.dekker@example.org"), by=world.pc_a
    )
    invitation = InvitationFactory(organisation=world.org_b, role=Role.MENTOR, email="femke.dekker@example.org")
    user = partner_services.accept_invitation(token=invitation.token, password="a-long-test-password-42")
    participant.refresh_from_db()
    elsewhere.refresh_from_db()
    assert participant.user == user
    assert elsewhere.user is None  # registered by another organisation: not linked by this invitation
