"""GDPR views: export everything the portal holds about one learner (JSON or HTML), and erase a learner.

Both need can_manage_mobilities on the learner's home organisation (a project coordinator holds it for
the member organisations of the partnerships they coordinate)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from .. import access
from ..forms.gdpr import ErasureForm
from ..models import Learner
from ..services import gdpr


def _managed_learner(request, code) -> Learner:
    learner = get_object_or_404(Learner.objects.visible_to(request.user).select_related("home_organisation"), code=code)
    if not access.may_manage_learner(request.user, learner):
        raise PermissionDenied
    return learner


@login_required
@require_GET
def learner_export(request, code):
    learner = _managed_learner(request, code)
    fmt = "json" if request.GET.get("format") == "json" else "html"
    dossier = gdpr.export_learner(learner, by=request.user, fmt=fmt, request=request)
    if fmt == "json":
        response = JsonResponse(
            gdpr.as_json(dossier), encoder=DjangoJSONEncoder, json_dumps_params={"ensure_ascii": False, "indent": 2}
        )
        response["Content-Disposition"] = f'attachment; filename="learner-{learner.code}.json"'
        return response
    return render(
        request,
        "mobility/gdpr/learner_export.html",
        {"learner": dossier.learner, "dossier": dossier, "data": gdpr.readable(dossier)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def learner_erase(request, code):
    learner = _managed_learner(request, code)
    if learner.anonymised_at:
        if request.method == "POST":
            messages.info(request, _("This learner's personal data has already been erased."))
            return redirect(learner)
        return render(request, "mobility/gdpr/learner_erase.html", {"learner": learner})
    dossier = gdpr.collect(learner)
    refusal = gdpr.erasure_refusal(dossier)
    form = ErasureForm(request.POST or None, learner=learner)
    if request.method == "POST" and not refusal and form.is_valid():
        try:
            result = gdpr.erase_learner(learner, by=request.user, reason=form.cleaned_data["reason"], request=request)
        except ValidationError as error:
            refusal = " ".join(error.messages)
        else:
            messages.success(
                request,
                ngettext(
                    "The learner's personal data was erased. %(count)s mobility record was kept, anonymised, "
                    "for the grant reporting.",
                    "The learner's personal data was erased. %(count)s mobility records were kept, anonymised, "
                    "for the grant reporting.",
                    result.mobilities,
                )
                % {"count": result.mobilities},
            )
            return redirect(learner)
    return render(
        request,
        "mobility/gdpr/learner_erase.html",
        {"learner": learner, "dossier": dossier, "form": form, "refusal": refusal},
    )
