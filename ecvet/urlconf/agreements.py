"""Learning Agreements: entry from a mobility, the agreement page, drafting, approvals, change proposals."""

from django.urls import path

from ..views import agreements as views

urlpatterns = [
    path("mobilities/<uuid:code>/agreement/", views.agreement_for_mobility, name="agreement_for_mobility"),
    path("agreements/<uuid:code>/", views.agreement_detail, name="agreement_detail"),
    path("agreements/<uuid:code>/propose/", views.agreement_propose, name="agreement_propose"),
    path("agreements/<uuid:code>/redraft/", views.agreement_redraft, name="agreement_redraft"),
    path("agreements/versions/<uuid:code>/", views.agreement_version, name="agreement_version"),
    path("agreements/versions/<uuid:code>/edit/", views.agreement_edit, name="agreement_edit"),
    path("agreements/versions/<uuid:code>/send/", views.agreement_send, name="agreement_send"),
    path("agreements/versions/<uuid:code>/decide/", views.agreement_decide, name="agreement_decide"),
    path("agreements/versions/<uuid:code>/json/", views.agreement_json, name="agreement_json"),
    path("agreements/versions/<uuid:code>/print/", views.agreement_print, name="agreement_print"),
]
