"""The invitation flow through the views: invite → email → accept link → account, membership, sign-in."""

import re
from datetime import timedelta

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from partners.models import AuditEntry, Invitation, Membership, Right, User
from partners.models.people import DEFAULT_RIGHTS, Role
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "Tulip-harbour-lantern-42"
LINK = re.compile(
    re.escape("http://testserver" + reverse("partners:invitation_accept", kwargs={"token": "TOKEN"})).replace(
        "TOKEN", r"(?P<token>[\w-]+)"
    )
)
ALL_RIGHTS = [right.value for right in Right]


def invitation_data(organisation, email="nina.novak@example.org", role=Role.MENTOR, **extra):
    return {
        "email": email,
        "first_name": "Nina",
        "last_name": "Novak",
        "organisation": organisation.pk,
        "role": role,
        **extra,
    }


def accept_path(token: str) -> str:
    return reverse("partners:invitation_accept", kwargs={"token": token})


def link_in(message) -> str:
    """The accept link's path from an invitation email."""
    match = LINK.search(message.body)
    assert match, message.body
    return accept_path(match["token"])


def acceptance(password=GOOD_PASSWORD, password2=None, first_name="Nina", last_name="Novak"):
    return {
        "first_name": first_name,
        "last_name": last_name,
        "password1": password,
        "password2": password if password2 is None else password2,
    }


@pytest.fixture
def send_invitation(client_for, django_capture_on_commit_callbacks):
    """send_invitation(inviter, **form data) -> the response; the email is sent on commit."""

    def send(inviter, **data):
        client = client_for(inviter)
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("partners:invitation_create"), data)

    return send


@pytest.fixture
def invited(world, send_invitation, client):
    """A mentor invited to organisation B by its partner coordinator; returns (invitation, link path)."""
    response = send_invitation(
        world.partner_b, **invitation_data(world.org_b, can_manage_mobilities="on", can_sign_documents="on")
    )
    assert response.status_code == 302
    client.logout()
    invitation = Invitation.objects.get(email="nina.novak@example.org")
    return invitation, link_in(mail.outbox[-1])


def test_partner_coordinator_invitation_emails_a_one_time_accept_link(world, send_invitation):
    response = send_invitation(world.partner_b, **invitation_data(world.org_b, email="Nina.Novak@Example.org"))

    assert response.status_code == 302
    assert response["Location"] == reverse("partners:invitation_list")
    invitation = Invitation.objects.get(email="nina.novak@example.org")
    assert invitation.organisation == world.org_b
    assert invitation.role == Role.MENTOR
    assert invitation.invited_by == world.partner_b
    assert invitation.status == Invitation.Status.PENDING
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nina.novak@example.org"]
    assert message.subject.startswith("[VISION] ")
    token = LINK.search(message.body)["token"]
    # Only the hash of the secret is stored.
    assert invitation.token_hash == Invitation.hash_token(token)
    assert token not in invitation.token_hash


def test_invitation_is_not_emailed_before_the_transaction_commits(world, client_for):
    response = client_for(world.partner_b).post(reverse("partners:invitation_create"), invitation_data(world.org_b))
    assert response.status_code == 302
    assert Invitation.objects.filter(email="nina.novak@example.org").exists()
    # Outside django_capture_on_commit_callbacks the test transaction never commits.
    assert mail.outbox == []


def test_invitation_link_shows_the_form_with_the_organisation_name(world, invited, client):
    invitation, link = invited
    response = client.get(link)
    assert response.status_code == 200
    assert response.context["invitation"] == invitation
    assert set(response.context["form"].fields) == {"first_name", "last_name", "password1", "password2"}
    assert response.context["form"].initial == {"first_name": "Nina", "last_name": "Novak"}
    assert world.org_b.short_name in response.content.decode()


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("password1234", "common"),
        ("Short-pw-1", "shorter than 12"),
        ("123456789012345", "entirely numeric"),
        ("nina.novak@example", "too similar to the email"),
    ],
)
def test_weak_password_gives_a_field_error_and_creates_no_user(invited, client, password, why):
    invitation, link = invited
    users = User.objects.count()

    response = client.post(link, acceptance(password))

    assert response.status_code == 200, why
    assert response.context["form"].errors["password1"], why
    assert User.objects.count() == users
    assert not Membership.objects.filter(user__email=invitation.email).exists()
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.PENDING
    assert "_auth_user_id" not in client.session


def test_accepting_creates_a_verified_account_with_the_invited_membership_and_signs_in(world, invited, client):
    invitation, link = invited

    response = client.post(link, acceptance(), follow=True)

    user = User.objects.get(email="nina.novak@example.org")
    assert (user.first_name, user.last_name) == ("Nina", "Novak")
    assert user.check_password(GOOD_PASSWORD)
    address = EmailAddress.objects.get(user=user)
    assert (address.email, address.verified, address.primary) == ("nina.novak@example.org", True, True)
    membership = Membership.objects.get(user=user)
    assert (membership.organisation, membership.role, membership.is_active) == (world.org_b, Role.MENTOR, True)
    assert set(membership.rights) == {Right.MANAGE_MOBILITIES, Right.SIGN_DOCUMENTS}
    # Signed in and on the dashboard.
    assert response.redirect_chain == [(reverse("home"), 302)]
    assert response.status_code == 200
    assert response.context["user"] == user
    assert int(client.session["_auth_user_id"]) == user.pk
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.ACCEPTED
    assert invitation.accepted_by == user
    entries = AuditEntry.objects.filter(object_code=str(invitation.code)).order_by("id")
    assert [(e.verb, e.actor, e.organisation) for e in entries] == [
        (AuditEntry.Verb.INVITED, world.partner_b, world.org_b),
        (AuditEntry.Verb.ACCEPTED, user, world.org_b),
    ]


def test_accepted_account_signs_in_with_the_new_password(invited, client):
    _invitation, link = invited
    client.post(link, acceptance())
    client.logout()
    response = client.post(reverse("account_login"), {"login": "nina.novak@example.org", "password": GOOD_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_reusing_an_accepted_link_answers_410_and_says_it_was_already_used(invited, client):
    _invitation, link = invited
    client.post(link, acceptance())
    client.logout()

    for response in (client.get(link), client.post(link, acceptance("Another-long-passphrase-7"))):
        assert response.status_code == 410
        assert "already been used" in response.content.decode()
    user = User.objects.get(email="nina.novak@example.org")
    assert user.check_password(GOOD_PASSWORD)


def test_expired_invitation_link_says_so_plainly(invited, client):
    invitation, link = invited
    with time_machine.travel(invitation.expires_at + timedelta(minutes=1), tick=False):
        shown = client.get(link)
        posted = client.post(link, acceptance())
    for response in (shown, posted):
        assert response.status_code == 410
        assert "expired" in response.content.decode()
    assert not User.objects.filter(email=invitation.email).exists()


def test_invitation_link_still_works_just_before_it_expires(invited, client):
    invitation, link = invited
    with time_machine.travel(invitation.expires_at - timedelta(minutes=1), tick=False):
        assert client.get(link).status_code == 200


def test_revoked_invitation_link_says_it_was_withdrawn(world, invited, client_for):
    invitation, link = invited
    client = client_for(world.partner_b)
    response = client.post(reverse("partners:invitation_revoke", kwargs={"code": invitation.code}))
    assert response.status_code == 302
    client.logout()

    response = client.get(link)

    assert response.status_code == 410
    assert "withdrawn" in response.content.decode()
    assert AuditEntry.objects.filter(verb=AuditEntry.Verb.REVOKED, object_code=str(invitation.code)).exists()


def test_resend_issues_a_new_link_and_the_old_one_stops_working(
    world, invited, client_for, django_capture_on_commit_callbacks
):
    invitation, old_link = invited
    client = client_for(world.partner_b)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("partners:invitation_resend", kwargs={"code": invitation.code}))
    assert response.status_code == 302
    client.logout()

    assert len(mail.outbox) == 2
    new_link = link_in(mail.outbox[-1])
    assert new_link != old_link
    old = client.get(old_link)
    assert old.status_code == 410
    assert "not valid" in old.content.decode()
    assert client.get(new_link).status_code == 200
    assert client.post(new_link, acceptance()).status_code == 302
    assert Membership.objects.filter(user__email=invitation.email, organisation=world.org_b).exists()


def test_resend_of_an_expired_invitation_gives_a_fresh_expiry(world, invited, client_for):
    invitation, _link = invited
    with time_machine.travel(invitation.expires_at + timedelta(days=3), tick=False):
        client_for(world.partner_b).post(reverse("partners:invitation_resend", kwargs={"code": invitation.code}))
        invitation.refresh_from_db()
        assert invitation.status == Invitation.Status.PENDING


def test_new_invitation_for_the_same_person_withdraws_the_pending_one(world, invited, send_invitation, client):
    first, first_link = invited
    send_invitation(world.partner_b, **invitation_data(world.org_b))
    client.logout()
    first.refresh_from_db()
    assert first.status == Invitation.Status.REVOKED
    assert "withdrawn" in client.get(first_link).content.decode()
    assert client.get(link_in(mail.outbox[-1])).status_code == 200


def test_inviting_an_existing_member_gives_a_form_error(world, send_invitation):
    invitations = Invitation.objects.count()

    response = send_invitation(world.partner_b, **invitation_data(world.org_b, email=world.mentor_b.email.upper()))

    assert response.status_code == 200
    assert "already a member" in " ".join(response.context["form"].errors["email"])
    assert Invitation.objects.count() == invitations
    assert mail.outbox == []


def test_member_of_one_organisation_can_be_invited_to_another(world, send_invitation, client):
    # mentor_b works at B; the project coordinator invites them to A as well.
    response = send_invitation(world.pc_a, **invitation_data(world.org_a, email=world.mentor_b.email))
    assert response.status_code == 302
    link = link_in(mail.outbox[-1])
    client.logout()
    # Signed out, the link asks them to sign in with their existing account; a password POST changes nothing.
    response = client.get(link)
    assert response.status_code == 200
    assert reverse("account_login") in response.content.decode()
    client.post(link, acceptance(password="Someone-else-chose-this-99"))
    world.mentor_b.refresh_from_db()
    assert world.mentor_b.check_password(PASSWORD)
    assert not Membership.objects.filter(user=world.mentor_b, organisation=world.org_a).exists()
    # Signed in as themselves, one POST accepts.
    client.force_login(world.mentor_b)
    response = client.post(link)
    assert response.status_code == 302
    assert set(Membership.objects.filter(user=world.mentor_b).values_list("organisation", flat=True)) == {
        world.org_a.pk,
        world.org_b.pk,
    }
    assert User.objects.filter(email=world.mentor_b.email).count() == 1


@pytest.mark.parametrize("actor", ["mentor_b", "learner_b", "outsider"])
def test_people_without_the_invite_right_cannot_post_an_invitation(world, send_invitation, actor):
    response = send_invitation(world.actor(actor), **invitation_data(world.org_b))
    assert response.status_code == 403
    assert not Invitation.objects.filter(email="nina.novak@example.org").exists()
    assert mail.outbox == []


def test_partner_coordinator_is_offered_only_own_organisation_and_no_project_coordinator_role(world, client_for):
    form = client_for(world.partner_b).get(reverse("partners:invitation_create")).context["form"]
    assert [value for value, _label in form.fields["role"].choices] == [
        Role.PARTNER_COORDINATOR,
        Role.MENTOR,
        Role.LEARNER,
    ]
    assert list(form.fields["organisation"].queryset) == [world.org_b]
    assert form.fields["organisation"].initial == world.org_b


def test_project_coordinator_may_grant_the_project_coordinator_role_across_the_network(world, client_for):
    form = client_for(world.pc_a).get(reverse("partners:invitation_create")).context["form"]
    assert [value for value, _label in form.fields["role"].choices][0] == Role.PROJECT_COORDINATOR
    assert set(form.fields["organisation"].queryset) == {world.org_a, world.org_b}


@pytest.mark.parametrize("organisation", ["org_a", "org_c"])
def test_forged_post_for_another_organisation_gives_a_form_error(world, send_invitation, organisation):
    response = send_invitation(world.partner_b, **invitation_data(getattr(world, organisation)))
    assert response.status_code == 200
    assert "organisation" in response.context["form"].errors
    assert not Invitation.objects.filter(email="nina.novak@example.org").exists()
    assert mail.outbox == []


def test_forged_post_for_the_project_coordinator_role_gives_a_form_error(world, send_invitation):
    response = send_invitation(world.partner_b, **invitation_data(world.org_b, role=Role.PROJECT_COORDINATOR))
    assert response.status_code == 200
    assert "role" in response.context["form"].errors
    assert not Invitation.objects.filter(email="nina.novak@example.org").exists()


@pytest.mark.parametrize("role", [Role.PARTNER_COORDINATOR, Role.MENTOR, Role.LEARNER])
def test_leaving_every_right_unticked_gives_the_roles_default_rights(world, send_invitation, role):
    response = send_invitation(world.partner_b, **invitation_data(world.org_b, role=role))
    assert response.status_code == 302
    invitation = Invitation.objects.get(email="nina.novak@example.org")
    assert set(invitation.rights) == DEFAULT_RIGHTS[role]


def test_project_coordinator_invitation_with_no_rights_ticked_gets_every_right(world, send_invitation):
    send_invitation(world.pc_a, **invitation_data(world.org_a, role=Role.PROJECT_COORDINATOR))
    invitation = Invitation.objects.get(email="nina.novak@example.org")
    assert set(invitation.rights) == set(ALL_RIGHTS)


def test_ticked_rights_are_kept_as_chosen(world, send_invitation):
    send_invitation(world.partner_b, **invitation_data(world.org_b, role=Role.PARTNER_COORDINATOR, can_invite="on"))
    invitation = Invitation.objects.get(email="nina.novak@example.org")
    assert invitation.rights == [Right.INVITE]


def test_invitation_with_a_bad_email_gives_a_field_error(world, send_invitation):
    response = send_invitation(world.partner_b, **invitation_data(world.org_b, email="not-an-address"))
    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert mail.outbox == []


def test_unknown_token_answers_410_and_says_the_link_is_not_valid(client):
    response = client.get(accept_path("no-such-token"))
    assert response.status_code == 410
    assert "not valid" in response.content.decode()


# --- Nobody grants a right they do not hold -------------------------------------------------


def _invite(client, organisation, **rights):
    from django.urls import reverse

    data = {
        "email": "new.person@example.org",
        "first_name": "New",
        "last_name": "Person",
        "organisation": organisation.pk,
        "role": "mentor",
        **{k: "on" for k, v in rights.items() if v},
    }
    return client.post(reverse("partners:invitation_create"), data)


def test_partner_coordinator_without_signing_right_cannot_grant_it_by_invitation(world, client_for):
    from partners.models import Invitation, Membership

    Membership.objects.filter(user=world.partner_b).update(can_sign_documents=False)
    response = _invite(client_for(world.partner_b), world.org_b, can_sign_documents=True)
    assert response.status_code == 200
    assert "can_sign_documents" in response.context["form"].errors
    assert not Invitation.objects.filter(email="new.person@example.org").exists()


def test_default_rights_leave_out_those_the_inviter_lacks(world, client_for, django_capture_on_commit_callbacks):
    from partners.models import Invitation, Membership

    Membership.objects.filter(user=world.partner_b).update(can_sign_documents=False)
    client = client_for(world.partner_b)
    from django.urls import reverse

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("partners:invitation_create"),
            {"email": "coordinator2@example.org", "organisation": world.org_b.pk, "role": "partner_coordinator"},
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get(email="coordinator2@example.org")
    assert invitation.can_invite and invitation.can_manage_mobilities
    assert not invitation.can_sign_documents


def test_project_coordinator_may_set_up_a_partners_signer(world, client_for, django_capture_on_commit_callbacks):
    from partners.models import Invitation

    with django_capture_on_commit_callbacks(execute=True):
        response = _invite(client_for(world.pc_a), world.org_b, can_sign_documents=True)
    assert response.status_code == 302
    assert Invitation.objects.get(email="new.person@example.org").can_sign_documents


def test_membership_edit_refuses_to_grant_a_right_the_editor_lacks_but_keeps_existing_ones(world, client_for):
    from django.urls import reverse

    from partners.models import Membership

    Membership.objects.filter(user=world.partner_b).update(can_sign_documents=False)
    mentor = world.membership_mentor_b
    url = reverse("partners:membership_edit", kwargs={"code": mentor.code})
    client = client_for(world.partner_b)
    response = client.post(url, {"role": "mentor", "is_active": "on", "can_sign_documents": "on"})
    assert response.status_code == 200
    assert "can_sign_documents" in response.context["form"].errors
    mentor.refresh_from_db()
    assert not mentor.can_sign_documents
    # A right someone else granted earlier survives an unrelated edit.
    Membership.objects.filter(pk=mentor.pk).update(can_sign_documents=True)
    response = client.post(url, {"role": "mentor", "can_sign_documents": "on"})
    assert response.status_code == 302
    mentor.refresh_from_db()
    assert mentor.can_sign_documents and not mentor.is_active


def test_invitation_for_someone_else_is_refused_while_signed_in_as_another_person(world, invited, client_for):
    _invitation, link = invited
    client = client_for(world.partner_c)
    response = client.post(link)
    assert response.status_code == 200
    assert "signed in as" in response.content.decode()
    assert not User.objects.filter(email="nina.novak@example.org").exists()
