"""The decision: statuses through the workflow with reasons, learners and draft mobilities from a placement,
the reserve list moving up, the outcome e-mails in each applicant's language."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from mobility.models import Learner, Mobility
from partners import services as partner_services
from partners.models import AuditEntry, StatusChange
from partners.workflow import move
from selection import panel
from selection.models import Call, Score
from tests.factories_placements import HostCompanyFactory, PlacementFactory, mentor_at

from .panel_support import A, scored_call

pytestmark = pytest.mark.django_db


def fresh(application):
    return type(application).objects.get(pk=application.pk)


def decide(scored, by, django_capture_on_commit_callbacks, reserve=2, reasons=None):
    with django_capture_on_commit_callbacks(execute=True):
        return panel.record_decision(scored.call, reserve_size=reserve, reasons=reasons, by=by)


@pytest.fixture
def no_pdf(monkeypatch):
    """The report's PDF is queued, not rendered (test_panel_report renders it)."""
    monkeypatch.setattr("documents.services.enqueue", lambda pk: False)


def test_the_decision_selects_reserves_and_refuses_in_ranking_order(world, django_capture_on_commit_callbacks, no_pdf):
    scored = scored_call(world)
    decide(scored, world.partner_b, django_capture_on_commit_callbacks, reasons={str(scored.apps["Fay"].code): "Late."})
    apps = {name: fresh(a) for name, a in scored.apps.items()}
    assert [apps[n].status for n in ("Bea", "Ada")] == [A.SELECTED, A.SELECTED]
    assert [(apps[n].status, apps[n].reserve_rank) for n in ("Cas", "Dan")] == [(A.RESERVE, 1), (A.RESERVE, 2)]
    assert {apps[n].status for n in ("Gus", "Eva", "Fay")} == {A.NOT_SELECTED}
    assert apps["Fay"].decision_reason == "Late."
    # The default reason, in Gus's language (the e-mail and his status page show it as stored).
    with translation.override(apps["Gus"].language):
        expected = gettext("Ranked %(rank)s of %(count)s with %(total)s points: below the places and the reserve list.")
    assert apps["Gus"].decision_reason == expected % {"rank": 5, "count": 7, "total": "17.00"}
    assert fresh(scored.call).status == Call.Status.DECIDED
    assert fresh(scored.hal).status == A.INELIGIBLE  # not ranked, not moved
    # Through the workflow: history with the reason, and audit rows by the coordinator.
    change = StatusChange.objects.get(object_id=apps["Cas"].pk, to_state=A.RESERVE)
    assert change.by == world.partner_b and "place 1 on the reserve list" in change.reason
    assert AuditEntry.objects.filter(actor=world.partner_b, object_code=str(apps["Dan"].code)).exists()
    # Selected applicants are learners of the sending organisation, with the application's data.
    learner = apps["Bea"].learner
    assert learner.home_organisation == world.org_b and learner.fewer_opportunities is True
    assert (learner.first_name, learner.email) == ("Bea", apps["Bea"].email)
    assert Learner.objects.filter(applications__call=scored.call).count() == 2


def test_outcome_emails_in_each_applicants_language_with_the_status_link(
    world, django_capture_on_commit_callbacks, no_pdf
):
    scored = scored_call(world)
    decide(scored, world.partner_b, django_capture_on_commit_callbacks)
    by_address = {message.to[0]: message for message in mail.outbox}
    assert len(mail.outbox) == 7  # every ranked applicant, nobody else
    ada, cas, gus = (by_address[scored.apps[n].email] for n in ("Ada", "Cas", "Gus"))
    assert "/calls/status/" in ada.body
    assert "reserve list" in cas.body and "place 1" in cas.body  # Cas writes in English
    assert "not selected" in gus.body or "niet" in gus.body
    # The outcome goes once: a redelivered task sends nothing.
    from selection.panel_tasks import deliver_outcome

    assert deliver_outcome(scored.apps["Ada"].pk) == "already sent"


def test_each_outcome_email_is_written_in_the_applicants_language(
    world, django_capture_on_commit_callbacks, no_pdf, monkeypatch
):
    from django.utils import translation

    from selection import panel_tasks

    seen = {}
    real = panel_tasks.render_to_string

    def spy(template, context):
        seen[context["application"].first_name] = translation.get_language()
        return real(template, context)

    monkeypatch.setattr(panel_tasks, "render_to_string", spy)
    scored = scored_call(world)
    decide(scored, world.partner_b, django_capture_on_commit_callbacks)
    assert seen == {"Bea": "nl", "Ada": "lt", "Cas": "en", "Dan": "fi", "Gus": "nl", "Eva": "nl", "Fay": "nl"}


def test_the_decision_waits_for_every_declaration_and_score(world, django_capture_on_commit_callbacks, no_pdf):
    scored = scored_call(world)
    Score.objects.filter(application=scored.apps["Eva"], assessor=scored.y).delete()
    with pytest.raises(ValidationError, match="26 of 28"):
        decide(scored, world.partner_b, django_capture_on_commit_callbacks)
    assert fresh(scored.call).status == Call.Status.CLOSED
    assert {fresh(a).status for a in scored.apps.values()} == {A.ELIGIBLE}


def test_only_the_sending_organisations_coordinators_decide(world, django_capture_on_commit_callbacks, no_pdf):
    scored = scored_call(world)
    for user in (scored.x, world.pc_a, world.partner_c):
        with pytest.raises(PermissionDenied):
            decide(scored, user, django_capture_on_commit_callbacks)


def placement_at_a(world, places=2):
    mentor = mentor_at(world.org_a, user__first_name="Mia", user__last_name="Mentor")
    host = HostCompanyFactory(organisation=world.org_a, name="Grožio studija", mentors=[mentor])
    return PlacementFactory(host=host, partnership=world.p1, mentor=mentor, places=places)


def test_a_selected_applicant_gets_a_draft_mobility_from_the_placement(
    world, django_capture_on_commit_callbacks, no_pdf
):
    scored = scored_call(world)
    placement = placement_at_a(world)
    scored.call.placements.add(placement)
    decide(scored, world.partner_b, django_capture_on_commit_callbacks)
    ada = fresh(scored.apps["Ada"])
    mobility = panel.offer_placement(ada, placement, by=world.partner_b)
    ada = fresh(ada)
    assert ada.mobility == mobility and ada.placement == placement
    assert mobility.status == Mobility.Status.DRAFT
    assert mobility.learner == ada.learner and mobility.mentor == placement.mentor
    assert (mobility.start_date, mobility.end_date) == (placement.start_date, placement.end_date)
    assert mobility.sending_organisation == world.org_b and mobility.receiving_organisation == world.org_a
    # A reserve, or a placement the call does not offer, is refused.
    with pytest.raises(PermissionDenied):
        panel.offer_placement(fresh(scored.apps["Cas"]), placement, by=world.partner_b)
    other = placement_at_a(world)
    with pytest.raises(ValidationError):
        panel.offer_placement(fresh(scored.apps["Bea"]), other, by=world.partner_b)


def test_the_first_reserve_moves_up_when_a_selected_applicant_withdraws(
    world, django_capture_on_commit_callbacks, no_pdf
):
    scored = scored_call(world)
    decide(scored, world.partner_b, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        move(fresh(scored.apps["Ada"]), "withdraw", by=world.partner_b, reason="Moved abroad.")
    cas, dan = fresh(scored.apps["Cas"]), fresh(scored.apps["Dan"])
    assert fresh(scored.apps["Ada"]).status == A.WITHDRAWN
    assert (cas.status, cas.reserve_rank) == (A.SELECTED, None)
    assert cas.learner is not None and cas.learner.home_organisation == world.org_b
    assert "reserve list" in cas.decision_reason
    assert (dan.status, dan.reserve_rank) == (A.RESERVE, 2)
    assert StatusChange.objects.filter(object_id=cas.pk, to_state=A.SELECTED, by=None).exists()
    assert [m.to for m in mail.outbox] == [[cas.email]]
    assert "You were selected" in mail.outbox[0].subject


def test_a_cancelled_draft_mobility_withdraws_the_application_and_moves_the_reserve_up(
    world, django_capture_on_commit_callbacks, no_pdf
):
    scored = scored_call(world)
    placement = placement_at_a(world)
    scored.call.placements.add(placement)
    decide(scored, world.partner_b, django_capture_on_commit_callbacks)
    mobility = panel.offer_placement(fresh(scored.apps["Bea"]), placement, by=world.partner_b)
    with django_capture_on_commit_callbacks(execute=True):
        move(Mobility.objects.get(pk=mobility.pk), "cancel", by=world.partner_b, reason="Family reasons.")
    assert fresh(scored.apps["Bea"]).status == A.WITHDRAWN
    assert fresh(scored.apps["Cas"]).status == A.SELECTED


def test_an_empty_reserve_list_promotes_nobody(world, django_capture_on_commit_callbacks, no_pdf):
    scored = scored_call(world)
    decide(scored, world.partner_b, django_capture_on_commit_callbacks, reserve=0)
    move(fresh(scored.apps["Ada"]), "withdraw", by=world.partner_b)
    assert sorted(a.status for a in map(fresh, scored.apps.values())) == sorted(
        [A.SELECTED, A.WITHDRAWN] + [A.NOT_SELECTED] * 5
    )


def test_a_selected_applicant_is_invited_to_the_portal_with_the_outcome(
    world, django_capture_on_commit_callbacks, no_pdf, client
):
    import re

    from partners.models import Invitation, Role

    accept = re.compile(
        re.escape(reverse("partners:invitation_accept", kwargs={"token": "TOKEN"})).replace("TOKEN", r"([\w-]+)")
    )
    scored = scored_call(world)
    decide(scored, world.partner_b, django_capture_on_commit_callbacks)
    by_address = {message.to[0]: message for message in mail.outbox}
    assert len(mail.outbox) == 7  # one e-mail each: the invitation is in the outcome, not a second message
    invited = {i.email: i for i in Invitation.objects.filter(organisation=world.org_b, role=Role.LEARNER)}
    assert set(invited) == {scored.apps["Ada"].email.lower(), scored.apps["Bea"].email.lower()}
    assert all(i.invited_by is None and not i.rights for i in invited.values())
    for name in ("Cas", "Gus"):  # the reserve list and the not selected get no account
        assert not accept.search(by_address[scored.apps[name].email].body)
    token = accept.search(by_address[scored.apps["Ada"].email].body).group(1)
    # Accepting it gives Ada her account, linked to the learner record the decision made.
    user = partner_services.accept_invitation(token=token, password="a-long-test-password-42")
    assert fresh(scored.apps["Ada"]).learner.user == user
    assert user.memberships.get().role == Role.LEARNER


def test_no_invitation_for_an_applicant_already_in_the_portal(world, django_capture_on_commit_callbacks, no_pdf):
    from partners.models import Invitation
    from selection.panel_tasks import portal_invitation

    scored = scored_call(world)
    decide(scored, world.partner_b, django_capture_on_commit_callbacks)
    ada = fresh(scored.apps["Ada"])
    Learner.objects.filter(pk=ada.learner_id).update(user=world.outsider)
    before = Invitation.objects.count()
    assert portal_invitation(fresh(scored.apps["Ada"])) == ""
    # An address that is already a member of the sending school is not invited again either.
    bea = fresh(scored.apps["Bea"])
    bea.email = world.mentor_b.email
    assert portal_invitation(bea) == ""
    assert Invitation.objects.count() == before
