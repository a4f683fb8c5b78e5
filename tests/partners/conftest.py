import pytest
from django.core.cache import cache


@pytest.fixture
def empty_cache(db):
    """allauth keeps rate-limit counters and TOTP replay markers in the cache: start each test without any."""
    cache.clear()
    yield
    cache.clear()
