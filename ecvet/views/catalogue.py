"""The catalogue: qualifications and units. Partners read each other's; each organisation edits its own."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partners.pagination import paginate
from partners.services import save_with_audit

from .. import access
from ..forms.catalogue import QualificationFilter, QualificationForm, UnitDeleteForm, UnitForm
from ..models import Qualification, Unit
from ..services import catalogue

OUTCOME_LABELS = (
    ("knowledge", gettext_lazy("Knowledge")),
    ("skills", gettext_lazy("Skills")),
    ("competence", gettext_lazy("Competence")),
)


def require_staff(request) -> None:
    """The catalogue is a staff tool: mentors, learners and people without a membership get 403."""
    if not access.may_use_catalogue(request.user):
        raise PermissionDenied


def scoped_qualification(request, code) -> Qualification:
    return get_object_or_404(Qualification.objects.visible_to(request.user).select_related("organisation"), code=code)


def scoped_unit(request, code) -> Unit:
    return get_object_or_404(
        Unit.objects.visible_to(request.user).select_related("qualification__organisation"), code=code
    )


def require_edit(request, qualification: Qualification) -> None:
    if not access.may_edit_qualification(request.user, qualification):
        raise PermissionDenied


def outcome_groups(unit: Unit) -> list[tuple[str, list[str]]]:
    groups = []
    for field, label in OUTCOME_LABELS:
        lines = [line.strip() for line in getattr(unit, field).splitlines() if line.strip()]
        if lines:
            groups.append((label, lines))
    return groups


@login_required
def qualification_list(request):
    require_staff(request)
    filterset = QualificationFilter(
        request.GET or None, queryset=Qualification.objects.visible_to(request.user), user=request.user
    )
    qualifications = (
        filterset.qs.select_related("organisation")
        .annotate(unit_count=Count("units"))
        .order_by("organisation__short_name", "title_en", "id")
    )
    return render(
        request,
        "ecvet/catalogue/list.html",
        {
            "page": paginate(request, qualifications),
            "filter": filterset,
            "can_create": access.may_create_qualification(request.user),
        },
    )


@login_required
def qualification_detail(request, code):
    qualification = scoped_qualification(request, code)
    units = list(qualification.units.all())
    for unit in units:
        unit.outcome_groups = outcome_groups(unit)
    points = sum((u.ecvet_points for u in units), start=0)
    return render(
        request,
        "ecvet/catalogue/detail.html",
        {
            "qualification": qualification,
            "units": units,
            "unit_points": points,
            "can_edit": access.may_edit_qualification(request.user, qualification),
        },
    )


@login_required
def qualification_create(request):
    require_staff(request)
    organisations = access.qualification_owner_choices(request.user)
    if not organisations.exists():
        raise PermissionDenied
    form = QualificationForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        qualification = save_with_audit(
            form=form, by=request.user, request=request, organisation=form.cleaned_data["organisation"]
        )
        messages.success(request, _("The qualification was added to the catalogue. Now add its units."))
        return redirect(qualification)
    return render(request, "ecvet/catalogue/qualification_form.html", {"form": form, "qualification": None})


@login_required
def qualification_edit(request, code):
    qualification = scoped_qualification(request, code)
    require_edit(request, qualification)
    form = QualificationForm(
        request.POST or None, instance=qualification, organisations=access.qualification_owner_choices(request.user)
    )
    if request.method == "POST" and form.is_valid():
        save_with_audit(form=form, by=request.user, request=request, organisation=form.cleaned_data["organisation"])
        messages.success(request, _("The qualification was saved."))
        return redirect(qualification)
    return render(request, "ecvet/catalogue/qualification_form.html", {"form": form, "qualification": qualification})


@login_required
def unit_create(request, code):
    qualification = scoped_qualification(request, code)
    require_edit(request, qualification)
    form = UnitForm(request.POST or None, qualification=qualification)
    if request.method == "POST" and form.is_valid():
        save_with_audit(form=form, by=request.user, request=request, organisation=qualification.organisation)
        messages.success(request, _("The unit was added."))
        return redirect(qualification)
    return render(
        request, "ecvet/catalogue/unit_form.html", {"form": form, "qualification": qualification, "unit": None}
    )


@login_required
def unit_edit(request, code):
    unit = scoped_unit(request, code)
    qualification = unit.qualification
    require_edit(request, qualification)
    form = UnitForm(request.POST or None, instance=unit, qualification=qualification)
    if request.method == "POST" and form.is_valid():
        save_with_audit(form=form, by=request.user, request=request, organisation=qualification.organisation)
        messages.success(request, _("The unit was saved."))
        return redirect(qualification)
    return render(
        request, "ecvet/catalogue/unit_form.html", {"form": form, "qualification": qualification, "unit": unit}
    )


@login_required
def unit_delete(request, code):
    unit = scoped_unit(request, code)
    qualification = unit.qualification
    require_edit(request, qualification)
    form = UnitDeleteForm(request.POST if request.method == "POST" else None, unit=unit)
    if request.method == "POST" and form.is_valid():
        try:
            catalogue.delete_unit(unit, by=request.user, request=request)
        except ValidationError as error:
            form.add_error("confirm", error)
        else:
            messages.success(request, _("The unit was deleted."))
            return redirect(qualification)
    return render(
        request,
        "ecvet/catalogue/unit_delete.html",
        {"form": form, "qualification": qualification, "unit": unit, "in_use": catalogue.unit_in_use(unit)},
    )
