"""The exports of a partnership (under "reports/"): the page, the reporting-tool files and the archive."""

from django.urls import path

from ..views import exports, imports

urlpatterns = [
    path("<slug:slug>/exports/", exports.exports_page, name="exports"),
    path("<slug:slug>/exports/mobilities.<str:fmt>", exports.export_mobilities, name="export_mobilities"),
    path("<slug:slug>/exports/participants.<str:fmt>", exports.export_participants, name="export_participants"),
    path("<slug:slug>/exports/mobility-activities.<str:fmt>", exports.export_activities, name="export_activities"),
    path("<slug:slug>/exports/archive.zip", exports.archive, name="archive"),
    path("<slug:slug>/exports/import/", imports.import_activities, name="import_activities"),
    path("<slug:slug>/exports/import/confirm/", imports.confirm_activities, name="confirm_activities"),
]
