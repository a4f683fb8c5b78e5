from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from .. import access
from ..filters import OrganisationFilter
from ..forms import ContactPersonFormSet, OrganisationForm
from ..models import Membership, Organisation, PartnershipMember
from ..services import save_with_audit
from .common import paginate


@login_required
def organisation_list(request):
    visible = Organisation.objects.visible_to(request.user)
    filterset = OrganisationFilter(request.GET or None, queryset=visible)
    organisations = filterset.qs.annotate(partnership_count=Count("partnership_memberships", distinct=True)).order_by(
        "short_name"
    )
    return render(
        request,
        "partners/organisation_list.html",
        {
            "page": paginate(request, organisations),
            "filter": filterset,
        },
    )


@login_required
def organisation_detail(request, slug):
    organisation = get_object_or_404(Organisation.objects.visible_to(request.user), slug=slug)
    memberships = (
        PartnershipMember.objects.visible_to(request.user)
        .filter(organisation=organisation)
        .select_related("partnership")
    )
    return render(
        request,
        "partners/organisation_detail.html",
        {
            "organisation": organisation,
            "contacts": organisation.contacts.all(),
            "partnership_members": memberships,
            "can_edit": access.may_edit_organisation(request.user, organisation),
            "can_see_people": access.sees_people(request.user, organisation),
            "can_view_audit": access.may_view_audit(request.user, organisation),
        },
    )


@login_required
def organisation_edit(request, slug):
    organisation = get_object_or_404(Organisation.objects.visible_to(request.user), slug=slug)
    if not access.may_edit_organisation(request.user, organisation):
        raise PermissionDenied
    form = OrganisationForm(request.POST or None, instance=organisation)
    formset = ContactPersonFormSet(request.POST or None, instance=organisation, prefix="contacts")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        with transaction.atomic():
            formset.save()
            save_with_audit(
                form=form,
                by=request.user,
                request=request,
                organisation=organisation,
                extra_details={"contacts_changed": formset.has_changed()},
            )
        messages.success(request, _("The organisation was saved."))
        if form.city_lookup_message:
            messages.warning(request, form.city_lookup_message)
        return redirect(organisation)
    return render(
        request,
        "partners/organisation_form.html",
        {
            "organisation": organisation,
            "form": form,
            "formset": formset,
        },
    )


@login_required
def organisation_people(request, slug):
    """The people of one organisation; only for those who manage it."""
    organisation = get_object_or_404(Organisation.objects.visible_to(request.user), slug=slug)
    if not access.sees_people(request.user, organisation):
        # The organisation is in scope (its profile is visible) but its staff
        # list is for those who manage it.
        raise PermissionDenied
    memberships = (
        Membership.objects.visible_to(request.user)
        .filter(organisation=organisation)
        .select_related("user")
        .order_by("-is_active", "role", "user__last_name")
    )
    return render(
        request,
        "partners/organisation_people.html",
        {
            "organisation": organisation,
            "page": paginate(request, memberships),
            "can_invite": access.may_invite(request.user, organisation),
        },
    )
