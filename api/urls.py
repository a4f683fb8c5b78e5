"""/api/: version 1 of the REST API, its OpenAPI schema and documentation, and the token page."""

from csp.decorators import csp_update
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from . import views, views_tokens
from .docs_pages import RedocPage, SwaggerPage

app_name = "api"

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("organisations", views.OrganisationViewSet, basename="organisation")
router.register("partnerships", views.PartnershipViewSet, basename="partnership")
router.register("learners", views.LearnerViewSet, basename="learner")
router.register("mobilities", views.MobilityViewSet, basename="mobility")
router.register("documents", views.DocumentViewSet, basename="document")
router.register("training-events", views.TrainingEventViewSet, basename="training-event")

swagger_view = SwaggerPage.as_view(url_name="api:schema", template_name="api/swagger_ui.html")
# ReDoc's page (templates/api/redoc.html) adds to the policy, in its enforced and its reported form:
# - the two <style> elements ReDoc's bundle (drf-spectacular-sidecar, pinned) adds as it loads, before it is given
#   the nonce, by their SHA-256 (an empty one, then its scrollbar styles); a new bundle with other styles fails
#   tests/browser/test_content_security_policy.py, which prints the new hashes;
# - its search index's worker, started from a blob: URL.
REDOC_POLICY = {
    "style-src": [
        "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",
        "'sha256-QMIg+bpjm3JdElJ388KYke01izlUW0UoNOeKjpMxdgc='",
    ],
    "worker-src": ["'self'", "blob:"],
}
redoc_view = csp_update(REDOC_POLICY)(
    csp_update(REDOC_POLICY, REPORT_ONLY=True)(RedocPage.as_view(url_name="api:schema", template_name="api/redoc.html"))
)

urlpatterns = [
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(api_version="1.0.0"), name="schema"),
    path("docs/", swagger_view, name="docs"),
    path("redoc/", redoc_view, name="redoc"),
    path("tokens/", views_tokens.token_list, name="tokens"),
    path("tokens/<uuid:code>/revoke/", views_tokens.token_revoke, name="token_revoke"),
]
