from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def _broker_status() -> str:
    if not settings.CELERY_BROKER_URL:
        return "eager"
    from vision.celery import app

    # Check the URL the decision above was made on (the app's configuration is
    # read once, when the Celery app is first used).
    try:
        with app.connection_for_write(settings.CELERY_BROKER_URL) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=2)
    except Exception:  # noqa: BLE001 - any failure to reach the broker means "down"
        return "down"
    return "ok"


@never_cache
@require_GET
def healthz(request):
    """Liveness for load balancers: 200 unless the database is unreachable (503)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = "ok"
    except Exception:  # noqa: BLE001
        database = "down"
    body = {"database": database, "broker": _broker_status()}
    return JsonResponse(body, status=200 if database == "ok" else 503)
