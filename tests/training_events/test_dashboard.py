"""The "My training" panel on the dashboard of a registered participant."""

from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partners.access import get_scope
from training_events import services
from training_events.dashboard import my_training_panel
from training_events.models import TrainingEvent


def home(client_for, user):
    return client_for(user).get(reverse("home")).content.decode()


def test_a_participant_sees_their_event_the_evaluation_to_answer_and_then_the_certificate(world, te, client_for):
    page = home(client_for, te.staff_b)
    assert 'data-testid="dashboard-my-training"' in page and te.ev_a.title in page
    answer_url = reverse("training_events:evaluation_answer", kwargs={"code": te.ev_a.code})
    assert answer_url in page  # the event is over and they have not answered yet
    services.submit_evaluation(te.p_staff_b, {te.q_scale.pk: 4}, by=te.staff_b)
    services.mark_attendance(te.ev_a, {(te.p_staff_b.pk, te.s1.pk): True}, by=world.pc_a)
    (certificate,) = services.issue_certificates(te.ev_a, by=world.pc_a)
    page = home(client_for, te.staff_b)
    assert answer_url not in page and certificate.get_absolute_url() in page
    assert te.ev_c.title not in page


def test_people_who_are_not_registered_have_no_training_panel(world, te, client_for):
    for user in (world.partner_b, world.learner_b, world.outsider):
        assert 'data-testid="dashboard-my-training"' not in home(client_for, user)


def test_the_panel_runs_one_query_whatever_the_number_of_events(world, te):
    request = RequestFactory().get("/")
    request.user = te.staff_b
    scope = get_scope(te.staff_b)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            panel = my_training_panel(request, scope)
        return len(ctx.captured_queries), panel

    small, panel = count()
    for i in range(8):
        event = TrainingEvent.objects.create(
            partnership=world.p1,
            host_organisation=world.org_a,
            title=f"Event {i}",
            start_date=te.ev_a.start_date,
            end_date=te.ev_a.end_date,
        )
        services.register(
            event,
            organisation_id=world.org_b.pk,
            data={"first_name": "S", "last_name": "B", "email": te.staff_b.email},
            by=world.partner_b,
        )
    large, panel = count()
    assert small == large == 1
    assert len(panel["items"]) == 6
