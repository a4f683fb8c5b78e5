"""The reports index and the coordinator dashboard (included under "reports/")."""

from django.urls import path

from ..views import dashboard

urlpatterns = [
    path("", dashboard.index, name="index"),
    path("<slug:slug>/dashboard/", dashboard.dashboard, name="dashboard"),
]
