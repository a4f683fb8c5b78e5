"""The participant's grant agreement URLs (namespace "ecvet")."""

from django.urls import path

from ..views import grants

urlpatterns = [
    path("grant-agreements/mobility/<uuid:code>/", grants.grant_for_mobility, name="grant_for_mobility"),
    path("grant-agreements/<uuid:code>/", grants.grant_detail, name="grant_detail"),
    path("grant-agreements/<uuid:code>/terms/", grants.grant_edit, name="grant_edit"),
    path("grant-agreements/<uuid:code>/send/", grants.grant_send, name="grant_send"),
    path("grant-agreements/<uuid:code>/decide/", grants.grant_decide, name="grant_decide"),
    path("grant-agreements/<uuid:code>/amend/", grants.grant_amend, name="grant_amend"),
    path("grant-agreements/<uuid:code>/payments/new/", grants.grant_payment, name="grant_payment"),
    path("grant-agreements/<uuid:code>/report/", grants.grant_report, name="grant_report"),
    path("grant-agreements/<uuid:code>/print/", grants.grant_print, name="grant_print"),
]
