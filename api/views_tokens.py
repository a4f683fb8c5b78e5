"""The user's API tokens: create (the secret is shown once, on this response only), list, revoke.

A token acts as its user: it reaches exactly what the user sees in the portal. Every signed-in user may
hold tokens (a learner's token reads only their own data), except one who must still set up two-factor
authentication: the page then offers the set-up instead of a new token."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from partners.access import must_set_up_mfa
from partners.files import no_store

from . import services
from .access import own_tokens
from .forms import TokenForm


@login_required
def token_list(request):
    # RequireMFAMiddleware sends such users to the TOTP set-up page first; the page asks the same question itself
    # so that the rule holds wherever the page is reached from (and says why no token can be made).
    mfa_missing = must_set_up_mfa(request.user)
    form = TokenForm(None if mfa_missing else request.POST or None)
    secret = None
    if form.is_bound and form.is_valid():
        try:
            label, secret = services.create_token(
                user=request.user,
                name=form.cleaned_data["name"],
                by=request.user,
                request=request,
                expiry=timedelta(days=form.cleaned_data["days"]),
            )
        except services.TokenLimitReached:
            form.add_error(None, _("You hold the maximum number of tokens: revoke one first."))
        else:
            messages.success(request, _("The token “%(name)s” was created.") % {"name": label.name})
            form = TokenForm()
    response = render(
        request,
        "api/tokens.html",
        {"form": form, "secret": secret, "tokens": services.tokens_of(request.user), "mfa_missing": mfa_missing},
        status=403 if mfa_missing and request.method == "POST" else 200,
    )
    # The page may hold a secret: never cached.
    return no_store(response)


@login_required
@require_POST
def token_revoke(request, code):
    # Only one's own tokens: another user's token code answers 404.
    label = get_object_or_404(own_tokens(request.user), code=code)
    services.revoke_token(label=label, by=request.user, request=request)
    messages.success(request, _("The token “%(name)s” was revoked.") % {"name": label.name})
    return redirect("api:tokens")
