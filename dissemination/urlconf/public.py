"""The public results page (no sign-in) and the coordinator's settings for it."""

from django.urls import path

from ..views import public

urlpatterns = [
    path("results/<slug:slug>/", public.public_page, name="public_page"),
    path("results/<slug:slug>/files/<uuid:code>/", public.public_result_file, name="public_result_file"),
    path("dissemination/public/<slug:slug>/", public.public_settings, name="public_settings"),
    path("dissemination/public/<slug:slug>/preview/", public.public_preview, name="public_preview"),
    path("dissemination/public/<slug:slug>/results/new/", public.public_result_create, name="public_result_create"),
    path(
        "dissemination/public/<slug:slug>/results/<uuid:code>/edit/",
        public.public_result_edit,
        name="public_result_edit",
    ),
    path(
        "dissemination/public/<slug:slug>/results/<uuid:code>/delete/",
        public.public_result_delete,
        name="public_result_delete",
    ),
    path(
        "dissemination/public/<slug:slug>/results/<uuid:code>/file/",
        public.public_result_download,
        name="public_result_download",
    ),
]
