"""CACHE_URL=redis://... turns on the shared cache, cached_db sessions and cached rbac snapshots."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.test import Client

from tests.factories import UserFactory
from tests.redis_support import REDIS_URL, redis_caches, redis_only

ROOT = Path(__file__).resolve().parents[2]


def _settings_under(env: dict) -> dict:
    code = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.CACHES['default']['BACKEND'], s.SESSION_ENGINE, getattr(s, 'RBAC_SNAPSHOT_CACHE', None)]))"
    )
    base = {k: v for k, v in os.environ.items() if k not in {"CACHE_URL", "DATABASE_URL"}}
    out = subprocess.run(  # noqa: S603 - our own interpreter and a fixed snippet
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "luffy_crm.settings", "DEBUG": "1", **env},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    backend, engine, snapshot_cache = json.loads(out.stdout.strip().splitlines()[-1])
    return {"backend": backend, "engine": engine, "snapshot_cache": snapshot_cache}


def test_without_cache_url_the_embedded_defaults_stay():
    assert _settings_under({}) == {
        "backend": "django.core.cache.backends.locmem.LocMemCache",
        "engine": "luffy_crm.sessions",
        "snapshot_cache": None,
    }


def test_a_redis_cache_url_shares_cache_sessions_and_permission_snapshots():
    assert _settings_under({"CACHE_URL": "redis://127.0.0.1:6379/8"}) == {
        "backend": "django.core.cache.backends.redis.RedisCache",
        "engine": "django.contrib.sessions.backends.cached_db",
        "snapshot_cache": "default",
    }


@pytest.fixture
def redis_sessions(settings):
    settings.CACHES = redis_caches()
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    settings.RBAC_SNAPSHOT_CACHE = "default"
    caches["default"].clear()
    yield caches["default"]
    caches["default"].clear()


@redis_only
@pytest.mark.django_db
def test_a_login_lives_in_redis_and_in_the_database(redis_sessions):
    user = UserFactory(username="redis-user", password="S3cure-pass-word")
    browser = Client()
    response = browser.post("/login/", {"username": "redis-user", "password": "S3cure-pass-word"})
    assert response.status_code == 302, REDIS_URL
    key = browser.cookies["sessionid"].value
    assert redis_sessions.get(f"django.contrib.sessions.cached_db{key}") is not None
    assert Session.objects.filter(session_key=key).exists()
    assert browser.get("/").status_code == 200

    # Redis flushed (restart, eviction): the session is read back from the database.
    redis_sessions.clear()
    assert browser.get("/").status_code == 200
    assert str(user.pk) == Session.objects.get(session_key=key).get_decoded()["_auth_user_id"]
