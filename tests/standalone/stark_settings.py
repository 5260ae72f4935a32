"""stark alone: Django's contrib apps, stark, its test app. No rbac, no web."""

from tests.standalone.common import *  # noqa: F403

# stark's form template renders fields with django-bootstrap4.
INSTALLED_APPS = [*DJANGO_APPS, "bootstrap4", "stark", "tests.stark.testapp"]  # noqa: F405
ROOT_URLCONF = "tests.standalone.stark_urls"
DATABASES = sqlite("standalone_stark")  # noqa: F405
# No STARK_PERMISSION_CHECK: stark allows everything a logged-in user reaches.
