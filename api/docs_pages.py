"""The API's documentation pages (Swagger UI, ReDoc): drf-spectacular's views, with the page's language named."""

from __future__ import annotations

from django.utils.translation import get_language
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerView


class NamedLanguage:
    """drf-spectacular's templates open with a bare `<html>`, outside any block an override could change: the
    rendered page gets the active language there (WCAG 3.1.1, Nu checker; issue 16). A page that already names one
    is left as it is."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        language = get_language() or "en"

        def name_language(rendered):
            rendered.content = rendered.content.replace(b"<html>", f'<html lang="{language}">'.encode(), 1)

        response.add_post_render_callback(name_language)
        return response


class SwaggerPage(NamedLanguage, SpectacularSwaggerView):
    pass


class RedocPage(NamedLanguage, SpectacularRedocView):
    pass
