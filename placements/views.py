"""The placements pages: the keeping organisation's host companies and their placements, the partnership's
catalogue of published placements, a placement with its host and past learners' feedback, placing a learner.

Objects are found through `visible_to` (out of scope → 404); what the reader may do is `placements.access`
(in scope without the right → 403); every change is a `placements.services` function.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from mobility.models import Learner
from partners.models import Organisation, Partnership
from partners.pagination import paginate
from partners.workflow import available_moves

from . import access, services
from .feedback import host_feedback
from .forms import CatalogueFilter, HostCompanyForm, PlaceLearnerForm, PlacementForm, add_service_errors
from .models import HostCompany, Placement


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def scoped_host(request, code) -> HostCompany:
    return get_object_or_404(HostCompany.objects.visible_to(request.user).select_related("organisation"), code=code)


def scoped_placement(request, code) -> Placement:
    placements = Placement.objects.visible_to(request.user).select_related(
        "host", "host__organisation", "partnership", "mentor"
    )
    return get_object_or_404(placements.with_places_taken(), code=code)


# --- the catalogue ---------------------------------------------------------------------------------------------


@login_required
@require_safe
def index(request):
    """The partnerships whose catalogue the reader may browse (straight there if only one)."""
    keeps_hosts = access.may_keep_hosts_somewhere(request.user)
    require(keeps_hosts or access.may_browse_some_catalogue(request.user))
    partnerships = list(Partnership.objects.visible_to(request.user).order_by("acronym", "pk")[:50])
    if len(partnerships) == 1 and not keeps_hosts:
        return redirect("placements:catalogue", slug=partnerships[0].slug)
    return render(
        request,
        "placements/index.html",
        {"partnerships": partnerships, "keeps_hosts": keeps_hosts},
    )


@login_required
@require_safe
def catalogue(request, slug):
    partnership = get_object_or_404(Partnership.objects.visible_to(request.user), slug=slug)
    require(access.may_browse_catalogue(request.user, partnership))
    published = (
        Placement.objects.visible_to(request.user).published().filter(partnership=partnership).with_places_taken()
    )
    filterset = CatalogueFilter(request.GET or None, queryset=published)
    placements = filterset.qs.select_related("host", "host__organisation", "mentor").order_by(
        "host__country", "host__city", "start_date", "title", "pk"
    )
    return render(
        request,
        "placements/catalogue.html",
        {"partnership": partnership, "filter": filterset, "page": paginate(request, placements)},
    )


@login_required
@require_safe
def placement_detail(request, code):
    placement = scoped_placement(request, code)
    may_manage = access.may_manage_placement(request.user, placement)
    return render(
        request,
        "placements/placement_detail.html",
        {
            "placement": placement,
            "host": placement.host,
            "may_manage": may_manage,
            "may_place": access.may_place(request.user, placement) and placement.places_free() > 0,
            "moves": available_moves(placement, request.user) if may_manage else [],
            "feedback": host_feedback(placement.host),
        },
    )


# --- host companies ----------------------------------------------------------------------------------------------


@login_required
@require_safe
def host_list(request):
    require(access.may_keep_hosts_somewhere(request.user))
    hosts = (
        HostCompany.objects.visible_to(request.user)
        .select_related("organisation")
        .order_by("organisation__short_name", "name", "pk")
    )
    return render(
        request,
        "placements/host_list.html",
        {"page": paginate(request, hosts)},
    )


@login_required
@require_safe
def host_detail(request, code):
    host = scoped_host(request, code)
    placements = (
        host.placements.all().with_places_taken().select_related("partnership", "mentor").order_by("-start_date", "pk")
    )
    return render(
        request,
        "placements/host_detail.html",
        {
            "host": host,
            "mentors": host.mentors.order_by("last_name", "first_name", "email"),
            "may_manage": access.may_manage_host(request.user, host),
            "page": paginate(request, placements),
            "feedback": host_feedback(host),
        },
    )


def save_host(request, form: HostCompanyForm, changed=()) -> HostCompany | None:
    try:
        return services.save_host(
            form.instance, mentors=form.cleaned_data["mentors"], by=request.user, changed=changed, request=request
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return None


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def host_create(request):
    organisations = access.keeping_organisations(request.user).order_by("short_name", "pk")
    slug = request.GET.get("organisation")
    if not slug:
        choices = list(organisations[:50])
        require(bool(choices))
        if len(choices) == 1:
            return redirect(f"{reverse('placements:host_create')}?organisation={choices[0].slug}")
        return render(request, "placements/choose_organisation.html", {"organisations": choices})
    organisation = get_object_or_404(Organisation.objects.visible_to(request.user), slug=slug)
    require(access.may_keep_hosts(request.user, organisation))
    form = HostCompanyForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        host = save_host(request, form)
        if host is not None:
            messages.success(request, _("The host company was saved. You can now offer placements at it."))
            return redirect(host)
    return render(request, "placements/host_form.html", {"form": form, "host": None, "organisation": organisation})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def host_edit(request, code):
    host = scoped_host(request, code)
    require(access.may_manage_host(request.user, host))
    form = HostCompanyForm(request.POST or None, instance=host, organisation=host.organisation)
    if request.method == "POST" and form.is_valid():
        if save_host(request, form, changed=form.changed_data) is not None:
            messages.success(request, _("The host company was saved."))
            return redirect(host)
    return render(request, "placements/host_form.html", {"form": form, "host": host, "organisation": host.organisation})


# --- placements ----------------------------------------------------------------------------------------------------


def save_placement(request, form: PlacementForm, changed=()) -> Placement | None:
    try:
        return services.save_placement(form.instance, by=request.user, changed=changed, request=request)
    except ValidationError as error:
        add_service_errors(form, error)
        return None


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def placement_create(request, code):
    host = scoped_host(request, code)
    require(access.may_manage_host(request.user, host))
    form = PlacementForm(
        request.POST or None, host=host, partnerships=access.placement_partnerships(request.user, host)
    )
    if request.method == "POST" and form.is_valid():
        placement = save_placement(request, form)
        if placement is not None:
            messages.success(request, _("The placement was saved as a draft. Publish it to offer it to the partners."))
            return redirect(placement)
    return render(request, "placements/placement_form.html", {"form": form, "host": host, "placement": None})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def placement_edit(request, code):
    placement = scoped_placement(request, code)
    require(access.may_manage_placement(request.user, placement))
    form = PlacementForm(
        request.POST or None,
        instance=placement,
        host=placement.host,
        partnerships=access.placement_partnerships(request.user, placement.host),
    )
    if request.method == "POST" and form.is_valid():
        if save_placement(request, form, changed=form.changed_data) is not None:
            messages.success(request, _("The placement was saved."))
            return redirect(placement)
    return render(
        request, "placements/placement_form.html", {"form": form, "host": placement.host, "placement": placement}
    )


@login_required
@require_POST
def placement_move(request, code):
    placement = scoped_placement(request, code)
    require(access.may_manage_placement(request.user, placement))
    name, reason = request.POST.get("move", ""), request.POST.get("reason", "")
    try:
        services.move_placement(placement, name, by=request.user, reason=reason, request=request)
    except ValidationError as error:  # partners.workflow.Refused included
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The placement is now “%(status)s”.") % {"status": placement.get_status_display()})
    return redirect(placement)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def place_learner(request, code):
    placement = scoped_placement(request, code)
    require(access.may_place(request.user, placement))
    sending_ids = access.placing_organisations(request.user, placement)
    learners = (
        Learner.objects.visible_to(request.user)
        .filter(home_organisation_id__in=sending_ids, anonymised_at__isnull=True)
        .select_related("home_organisation")
        .order_by("last_name", "first_name", "pk")
    )
    form = PlaceLearnerForm(request.POST or None, learners=learners)
    if request.method == "POST" and form.is_valid():
        learner = form.cleaned_data["learner"]
        try:
            mobility = services.place(
                placement, learner, sending_organisation=learner.home_organisation, by=request.user, request=request
            )
        except ValidationError as error:
            form.add_error("learner", error.messages)
        else:
            messages.success(request, _("The learner was placed: a draft mobility was created."))
            return redirect(mobility)
    return render(request, "placements/place_learner.html", {"form": form, "placement": placement})
