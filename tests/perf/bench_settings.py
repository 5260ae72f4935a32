"""Settings for ``tests/perf/bench_vs_admin.py`` only: the project's settings plus Django admin.

The product does not ship ``django.contrib.admin``; the benchmark adds it here, on a throwaway
``*_bench`` database, to compare stark's lists with a tuned ``ModelAdmin`` on the same tables.
"""

from tests.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "django.contrib.admin"]  # noqa: F405
ROOT_URLCONF = "tests.perf.bench_urls"
# The admin has its own permission checks (staff users); RBAC does not know its URL names.
RBAC_WHITELIST_PATHS = [*RBAC_WHITELIST_PATHS, "/bench-admin/"]  # noqa: F405
# Measure what a user waits for, not the test settings' debugging aids.
DEBUG = False
