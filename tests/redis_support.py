"""A real Redis for the tests that need one: ``TEST_REDIS_URL`` (``.ci/run`` sets it)."""

import os

import pytest

#: e.g. redis://127.0.0.1:6379/8 — a database number the tests may flush.
REDIS_URL = os.environ.get("TEST_REDIS_URL", "")

redis_only = pytest.mark.skipif(not REDIS_URL, reason="needs a Redis server: set TEST_REDIS_URL=redis://host:port/db")


def redis_caches() -> dict:
    from django.conf import settings

    # The project's other aliases (the layout's own memory) stay as they are.
    return {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL},
    }
