"""Mounted at /calls/: the public pages first (no sign-in), then the coordinators' pages under manage/."""

from django.urls import path

from .urlconf import panel as panel_urls
from .views import manage, public

app_name = "selection"

urlpatterns = [
    # Public: open calls, a call's page and form, the privacy notice, the applicant's signed links.
    path("", public.open_calls, name="open_calls"),
    path("privacy/", public.privacy_notice, name="privacy"),
    path("confirm/<str:token>/", public.confirm, name="confirm"),
    path("status/<str:token>/", public.status, name="status"),
    path("<uuid:code>/", public.call_page, name="public_call"),
    path("<uuid:code>/apply/", public.apply, name="apply"),
    path("<uuid:code>/apply/sent/", public.applied, name="applied"),
    # Coordinators (and the panel, reading).
    path("manage/", manage.call_list, name="call_list"),
    path("manage/new/", manage.call_create, name="call_create"),
    path("manage/<uuid:code>/", manage.call_detail, name="call_detail"),
    path("manage/<uuid:code>/edit/", manage.call_edit, name="call_edit"),
    path("manage/<uuid:code>/criteria/", manage.call_criteria, name="call_criteria"),
    path("manage/<uuid:code>/move/<slug:name>/", manage.call_move, name="call_move"),
    path("manage/<uuid:code>/applications/new/", manage.application_create, name="application_create"),
    path("manage/applications/<uuid:code>/", manage.application_detail, name="application_detail"),
    path("manage/applications/<uuid:code>/move/<slug:name>/", manage.application_move, name="application_move"),
    path(
        "manage/applications/<uuid:code>/documents/<uuid:document>/",
        manage.document_download,
        name="document_download",
    ),
]
urlpatterns += panel_urls.urlpatterns  # the panel, ranking and decision (selection/urlconf/panel.py)
