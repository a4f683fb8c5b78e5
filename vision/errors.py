"""The 500 page, with the request's Content Security Policy nonce for its inline style."""

from django.http import HttpResponseServerError
from django.template import loader


def server_error(request):
    """Django's own handler renders 500.html without the request; this one passes the nonce alone, so that the
    page still needs no context processor, URL or static file (any of which may be what failed)."""
    try:
        nonce = str(request.csp_nonce)
    except Exception:  # noqa: BLE001 - no nonce (the error came before django-csp's middleware): unstyled page
        nonce = ""
    return HttpResponseServerError(loader.get_template("500.html").render({"csp_nonce": nonce}))
