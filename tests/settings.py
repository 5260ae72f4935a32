"""Test settings: the real settings, with a fast hasher and DEBUG off."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-" + "x" * 40)

from luffy_crm.settings import *  # noqa: E402,F403

# MD5 is only acceptable because these are throwaway test users: it makes the suite fast.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
LANGUAGE_CODE = "zh-hans"
WHITENOISE_USE_FINDERS = True

# stark's test-only models (tests/stark/testapp), registered through its stark.py.
INSTALLED_APPS = [*INSTALLED_APPS, "tests.stark.testapp"]  # noqa: F405
