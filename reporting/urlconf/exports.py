"""The exports of a partnership (under "reports/"): the page, the reporting-tool files and the archive."""

from django.urls import path

from ..views import exports

urlpatterns = [
    path("<slug:slug>/exports/", exports.exports_page, name="exports"),
    path("<slug:slug>/exports/mobilities.<str:fmt>", exports.export_mobilities, name="export_mobilities"),
    path("<slug:slug>/exports/participants.<str:fmt>", exports.export_participants, name="export_participants"),
    path("<slug:slug>/exports/archive.zip", exports.archive, name="archive"),
]
