"""The project's URLs plus the benchmark's admin site (tests/perf/bench_settings.py)."""

from django.urls import path

from luffy_crm.urls import urlpatterns as project_urlpatterns
from tests.perf.bench_admin import site

urlpatterns = [*project_urlpatterns, path("bench-admin/", site.urls)]
