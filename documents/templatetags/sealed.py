from django import template

from ..access import may_download_document
from ..registry import is_renderable, renderable_for
from ..services import current_row

register = template.Library()


@register.inclusion_tag("documents/_pdf_panel.html", takes_context=True)
def sealed_pdf(context, document, level=2):
    """The sealed-PDF box of a document page: request, status (queued / rendering / ready / failed / withdrawn)
    and retry. One query, and the document's learner where the page has not read it."""
    if document is None or not is_renderable(document):
        return {"show": False}
    spec = renderable_for(document)
    final = spec.is_final(document)
    request = context.get("request")
    user = getattr(request, "user", None)
    erased = final and spec.names_erased_person(document)
    return {
        "show": final,
        "erased": erased,
        "row": current_row(document) if final else None,
        "slug": spec.slug,
        "document": document,
        "level": level,
        "request": request,
        "can_download": user is not None and may_download_document(user, document),
        "csrf_token": context.get("csrf_token"),
    }
