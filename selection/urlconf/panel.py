"""The panel's pages, under /calls/panel/ (selection/views/panel.py)."""

from django.urls import path

from ..views import panel

urlpatterns = [
    path("panel/<uuid:code>/", panel.panel_home, name="panel"),
    path("panel/<uuid:code>/members/", panel.panel_members, name="panel_members"),
    path("panel/<uuid:code>/declare/", panel.declare, name="panel_declare"),
    path("panel/<uuid:code>/ranking/", panel.ranking, name="panel_ranking"),
    path("panel/<uuid:code>/decision/", panel.decision, name="panel_decision"),
    path("panel/applications/<uuid:code>/", panel.application, name="panel_application"),
    path(
        "panel/applications/<uuid:code>/documents/<uuid:document>/",
        panel.document_download,
        name="panel_document",
    ),
    path("panel/applications/<uuid:code>/placement/", panel.offer_placement, name="panel_offer"),
]
