from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("documents/<slug:slug>/<uuid:code>/pdf/", views.request_pdf, name="request"),
    path("documents/pdf/<uuid:code>/", views.download, name="download"),
    path("documents/partnerships/<slug:slug>/zip/", views.partnership_zip, name="partnership_zip"),
    path("documents/mobilities/<uuid:code>/zip/", views.mobility_zip, name="mobility_zip"),
    path("verify/<str:token>/", views.verify, name="verify"),
]
