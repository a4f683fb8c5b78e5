from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from partners.views.dashboard import home
from vision.health import healthz

# Admin sign-in goes through the portal's login (allauth): the same rate limits,
# email verification and two-factor authentication apply.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "VISION portal administration"
admin.site.site_title = "VISION admin"

handler500 = "vision.errors.server_error"

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("partners.urls")),
    path("", include("mobility.urls")),
    path("ecvet/", include("ecvet.urls")),
    path("", include("documents.urls")),
    path("training/", include("training_events.urls")),
    path("", include("dissemination.urls")),
    path("", include("reporting.urls")),
    path("placements/", include("placements.urls")),
    path("calls/", include("selection.urls")),
    path("api/", include("api.urls")),
]
