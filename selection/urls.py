from django.urls import path  # noqa: F401

from .urlconf import panel as panel_urls

app_name = "selection"

urlpatterns: list = []
urlpatterns += panel_urls.urlpatterns
