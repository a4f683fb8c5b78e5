"""The approve / refuse page shared by memoranda, transcripts and Europass Mobility.

Scope (404, by the caller's scoped lookup) and the right to decide (403) come first; only then does
allauth ask for a re-authentication within the last five minutes; the decision binds to the SHA-256
shown on the page (a stale one is refused by ecvet.services.approvals.decide).
"""

from __future__ import annotations

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from ..access import may_act_for
from ..forms.memoranda import DecisionForm
from ..services import approvals


def decision_page(
    request,
    document,
    *,
    template: str,
    url_name: str,
    not_waiting: str,
    context: dict,
    done=None,
    back=None,
    form_class=DecisionForm,
):
    """Render or process the decision on `document` (already scoped by the caller).

    `done`: the success message per decision (a dict), or a callable (document, decision) -> message
    called after the decision is recorded; `back`: where to go afterwards (default: the document);
    `form_class`: a form with `party`, `decision`, `comment` and `expected_sha256` fields."""
    back = back or document
    kind = approvals.kind_of(document)
    if not any(may_act_for(request.user, p) for p in kind.parties(document)):
        raise PermissionDenied
    if not kind.is_open(document):
        messages.info(request, not_waiting)
        return redirect(back)
    parties = approvals.parties_for(request.user, document)
    if not parties:
        messages.info(request, _("Your organisation has already approved this version."))
        return redirect(back)
    return _decide(
        request,
        document,
        parties,
        template=template,
        url_name=url_name,
        context=context,
        done=done or {},
        back=back,
        form_class=form_class,
    )


@reauthentication_required
def _decide(request, document, parties, *, template, url_name, context, done, back, form_class):
    sha = approvals.current_sha256(document)
    form = form_class(
        request.POST if request.method == "POST" else None, parties=parties, initial={"expected_sha256": sha}
    )
    if request.method == "POST" and form.is_valid():
        decision = form.cleaned_data["decision"]
        try:
            approvals.decide(
                document,
                party_key=form.cleaned_data["party"],
                by=request.user,
                expected_sha256=form.cleaned_data["expected_sha256"],
                decision=decision,
                comment=form.cleaned_data["comment"],
                request=request,
            )
        except approvals.ApprovalError as error:
            messages.error(request, str(error))
            return redirect(url_name, code=document.code)
        if callable(done):
            message = done(document, decision)
        else:
            message = done.get(decision, _("Your decision was recorded."))
        messages.success(request, message)
        return redirect(back)
    return render(request, template, {**context, "form": form, "sha256": sha})
