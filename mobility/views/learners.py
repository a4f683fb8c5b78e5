"""Learners: list, detail, create, edit. Staff of the home organisation with can_manage_mobilities manage them."""

import uuid
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from partners import audit
from partners.access import get_scope, may_invite
from partners.models import AuditEntry, Organisation, Role
from partners.pagination import paginate
from partners.services import save_with_audit

from .. import access
from ..access import home_organisation_choices
from ..filters import LearnerFilter
from ..forms.learners import LearnerForm
from ..models import Learner, Mobility


def scoped_learner(request, code) -> Learner:
    try:
        uuid.UUID(str(code))
    except ValueError:
        raise Http404 from None
    return get_object_or_404(
        Learner.objects.visible_to(request.user).select_related("home_organisation", "user"), code=code
    )


def _mobility_count():
    return Coalesce(
        Subquery(
            Mobility.objects.filter(learner=OuterRef("pk"))
            .order_by()
            .values("learner")
            .annotate(n=Count("pk"))
            .values("n")
        ),
        0,
    )


@login_required
def learner_list(request):
    if not access.may_list_learners(request.user):
        raise PermissionDenied
    scope = get_scope(request.user)
    learners = Learner.objects.visible_to(request.user)
    organisations = Organisation.objects.visible_to(request.user).order_by("short_name")
    if not scope.unrestricted:
        # "Our learners": those enrolled at the user's own organisations (incoming learners are
        # reached through the incoming mobility list).
        learners = learners.filter(home_organisation_id__in=scope.staff_org_ids)
        organisations = organisations.filter(pk__in=scope.staff_org_ids)
    filterset = LearnerFilter(request.GET or None, queryset=learners, organisations=organisations)
    learners = (
        filterset.qs.select_related("home_organisation")
        # Counted for the rows of the page only (a subquery per row shown), not by grouping every learner.
        .annotate(mobility_count=_mobility_count())
        .order_by("last_name", "first_name", "id")
    )
    return render(
        request,
        "mobility/learners/list.html",
        {
            "page": paginate(request, learners),
            "filter": filterset,
            "can_create": home_organisation_choices(request.user).exists(),
        },
    )


@login_required
def learner_detail(request, code):
    learner = scoped_learner(request, code)
    can_manage = access.may_manage_learner(request.user, learner)
    is_self = learner.user_id is not None and learner.user_id == request.user.pk
    mobilities = (
        Mobility.objects.visible_to(request.user).filter(learner=learner).with_list_related().order_by("-start_date")
    )
    invite_url = None
    if (
        can_manage
        and learner.email
        and learner.user_id is None
        and may_invite(request.user, learner.home_organisation_id)
    ):
        query = urlencode(
            {"organisation": learner.home_organisation.slug, "email": learner.email, "role": Role.LEARNER}
        )
        invite_url = f"{reverse('partners:invitation_create')}?{query}"
    if not is_self:
        # Reading a person's record is recorded (docs/decisions.md: the audit trail covers views).
        audit.record(
            actor=request.user,
            verb=AuditEntry.Verb.VIEWED,
            obj=learner,
            request=request,
            organisation=learner.home_organisation,
        )
    return render(
        request,
        "mobility/learners/detail.html",
        {
            "learner": learner,
            "can_manage": can_manage,
            # Date of birth, guardian, inclusion flags and consent: for the home organisation and the learner.
            "show_personal": access.sees_personal_details(request.user, learner),
            "mobilities": mobilities,
            "invite_url": invite_url,
            "can_add_mobility": can_manage and learner.anonymised_at is None,
        },
    )


@login_required
def learner_create(request):
    organisations = home_organisation_choices(request.user)
    if not organisations.exists():
        raise PermissionDenied
    form = LearnerForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        learner = save_with_audit(
            form=form, by=request.user, request=request, organisation=form.cleaned_data["home_organisation"]
        )
        messages.success(request, _("The learner %(name)s was added.") % {"name": learner})
        return redirect(learner)
    return render(request, "mobility/learners/form.html", {"form": form, "learner": None})


@login_required
def learner_edit(request, code):
    learner = scoped_learner(request, code)
    if not access.may_manage_learner(request.user, learner):
        raise PermissionDenied
    if learner.anonymised_at is not None:
        messages.warning(request, _("This learner's data was erased; the record can no longer be edited."))
        return redirect(learner)
    form = LearnerForm(
        request.POST or None,
        instance=learner,
        organisations=home_organisation_choices(request.user, current=learner.home_organisation),
        lock_home_organisation=learner.mobilities.exists(),
    )
    if request.method == "POST" and form.is_valid():
        save_with_audit(form=form, by=request.user, request=request, organisation=learner.home_organisation)
        messages.success(request, _("The learner's record was saved."))
        return redirect(learner)
    return render(request, "mobility/learners/form.html", {"form": form, "learner": learner})
