from django.urls import include, path

from .urlconf import budget, dashboard, exports

app_name = "reporting"

urlpatterns = [
    path("reports/", include(dashboard)),
    path("reports/", include(budget)),
    path("reports/", include(exports)),
]
