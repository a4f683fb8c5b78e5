"""/api/: version 1 of the REST API, its OpenAPI schema and documentation, and the token page."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from . import views, views_tokens

app_name = "api"

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("organisations", views.OrganisationViewSet, basename="organisation")
router.register("partnerships", views.PartnershipViewSet, basename="partnership")
router.register("learners", views.LearnerViewSet, basename="learner")
router.register("mobilities", views.MobilityViewSet, basename="mobility")
router.register("documents", views.DocumentViewSet, basename="document")
router.register("training-events", views.TrainingEventViewSet, basename="training-event")

urlpatterns = [
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(api_version="1.0.0"), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema", template_name="api/redoc.html"), name="redoc"),
    path("tokens/", views_tokens.token_list, name="tokens"),
    path("tokens/<uuid:code>/revoke/", views_tokens.token_revoke, name="token_revoke"),
]
