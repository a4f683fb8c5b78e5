from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import access, audit, services
from ..forms import AcceptInvitationForm, InvitationForm, MembershipForm, ProfileForm
from ..models import AuditEntry, Invitation, Membership, Organisation, Right, Role, User
from .common import paginate, scope_of


def _invitable_organisations(request):
    organisations = Organisation.objects.visible_to(request.user)
    allowed = access.invitable_organisation_ids(request.user)
    return organisations if allowed is None else organisations.filter(pk__in=allowed)


def _assignable_roles(request) -> list[str]:
    roles = [Role.PARTNER_COORDINATOR, Role.MENTOR, Role.LEARNER]
    if access.may_assign_project_coordinator(request.user):
        roles.insert(0, Role.PROJECT_COORDINATOR)
    return roles


@login_required
def invitation_list(request):
    if not access.may_invite_anyone(request.user):
        raise PermissionDenied
    invitations = Invitation.objects.visible_to(request.user).select_related("organisation", "invited_by")
    return render(
        request,
        "partners/invitation_list.html",
        {
            "page": paginate(request, invitations),
        },
    )


@login_required
def invitation_create(request):
    organisations = _invitable_organisations(request)
    if not organisations.exists():
        raise PermissionDenied
    initial = {}
    if request.GET.get("organisation"):
        initial["organisation"] = organisations.filter(slug=request.GET["organisation"]).first()
    # Prefill from a link such as "Invite to the portal" on a learner's page; the form still validates.
    for name in ("email", "role"):
        if request.GET.get(name):
            initial[name] = request.GET[name]
    form = InvitationForm(
        request.POST or None,
        organisations=organisations,
        roles=_assignable_roles(request),
        initial=initial,
        scope=scope_of(request),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.create_invitation(
                by=request.user,
                organisation=data["organisation"],
                email=data["email"],
                role=data["role"],
                rights={name: data[name] for name in (r.value for r in Right)},
                first_name=data["first_name"],
                last_name=data["last_name"],
                request=request,
            )
        except ValidationError as error:
            form.add_error("email", error)
        else:
            messages.success(request, _("An invitation was emailed to %(email)s.") % {"email": data["email"]})
            return redirect("partners:invitation_list")
    return render(request, "partners/invitation_form.html", {"form": form, "days": settings.VISION_INVITATION_DAYS})


def _scoped_invitation(request, code) -> Invitation:
    invitation = get_object_or_404(Invitation.objects.visible_to(request.user), code=code)
    if not access.may_manage_invitation(request.user, invitation):
        raise PermissionDenied
    return invitation


@login_required
@require_POST
def invitation_resend(request, code):
    invitation = _scoped_invitation(request, code)
    try:
        services.resend_invitation(invitation=invitation, by=request.user, request=request)
        messages.success(request, _("A new invitation link was emailed to %(email)s.") % {"email": invitation.email})
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("partners:invitation_list")


@login_required
@require_POST
def invitation_revoke(request, code):
    invitation = _scoped_invitation(request, code)
    try:
        services.revoke_invitation(invitation=invitation, by=request.user, request=request)
        messages.success(request, _("The invitation was withdrawn."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("partners:invitation_list")


def invitation_accept(request, token):
    """Public: the link from the invitation email.

    Someone new sets a name and password and is signed in; someone who already has an
    account signs in with it and accepts with one click.
    """
    try:
        invitation = services.invitation_for_token(token)
    except services.InvitationError as error:
        return render(request, "partners/invitation_invalid.html", {"reason": str(error)}, status=410)
    has_account = User.objects.filter(email__iexact=invitation.email).exists()
    signed_in_as_invitee = request.user.is_authenticated and request.user.email.lower() == invitation.email.lower()
    if has_account or request.user.is_authenticated:
        if request.method == "POST" and signed_in_as_invitee:
            try:
                services.accept_invitation(token=token, user=request.user, request=request)
            except services.InvitationError as error:
                return render(request, "partners/invitation_invalid.html", {"reason": str(error)}, status=410)
            messages.success(request, _("You have joined %(org)s.") % {"org": invitation.organisation})
            return redirect("home")
        return render(
            request,
            "partners/invitation_accept_existing.html",
            {
                "invitation": invitation,
                "signed_in_as_invitee": signed_in_as_invitee,
                "login_url": f"{reverse('account_login')}?{urlencode({'next': request.path})}",
            },
        )
    form = AcceptInvitationForm(
        request.POST or None,
        email=invitation.email,
        initial={"first_name": invitation.first_name, "last_name": invitation.last_name},
    )
    if request.method == "POST" and form.is_valid():
        try:
            user = services.accept_invitation(
                token=token,
                password=form.cleaned_data["password1"],
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                request=request,
            )
        except services.InvitationError as error:
            return render(request, "partners/invitation_invalid.html", {"reason": str(error)}, status=410)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome to the VISION portal, %(name)s.") % {"name": user.get_full_name()})
        return redirect("home")
    return render(request, "partners/invitation_accept.html", {"invitation": invitation, "form": form})


@login_required
def membership_edit(request, code):
    membership = get_object_or_404(
        Membership.objects.visible_to(request.user).select_related("user", "organisation"), code=code
    )
    if not access.may_edit_membership(request.user, membership):
        # Nobody changes their own role or rights; the others need can_invite there.
        raise PermissionDenied
    form = MembershipForm(
        request.POST or None, instance=membership, roles=_assignable_roles(request), scope=scope_of(request)
    )
    if request.method == "GET":
        audit.record(
            actor=request.user,
            verb=AuditEntry.Verb.VIEWED,
            obj=membership.user,
            request=request,
            organisation=membership.organisation,
        )
    if request.method == "POST" and form.is_valid():
        services.update_membership(
            membership=Membership.objects.get(pk=membership.pk),
            by=request.user,
            request=request,
            changes={name: form.cleaned_data[name] for name in form.changed_data},
        )
        messages.success(request, _("The membership was saved."))
        return redirect("partners:organisation_people", slug=membership.organisation.slug)
    return render(request, "partners/membership_form.html", {"membership": membership, "form": form})


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        services.save_with_audit(form=form, by=request.user, request=request)
        messages.success(request, _("Your profile was saved."))
        return redirect("partners:profile")
    memberships = Membership.objects.filter(user=request.user).select_related("organisation")
    return render(request, "partners/profile.html", {"form": form, "memberships": memberships})
