"""rbac alone: Django's contrib apps, rbac, a host app with the user model. No stark, no web."""

from tests.standalone.common import *  # noqa: F403

# rbac's forms render with django-bootstrap4.
INSTALLED_APPS = [*DJANGO_APPS, "bootstrap4", "rbac", "tests.standalone.rbac_host"]  # noqa: F405
AUTH_USER_MODEL = "rbac_host.User"
MIDDLEWARE = [*MIDDLEWARE, "rbac.middleware.RbacMiddleware"]  # noqa: F405
ROOT_URLCONF = "tests.rbac.urls"
DATABASES = sqlite("standalone_rbac")  # noqa: F405
RBAC_WHITELIST = ["login", "logout", "health"]
RBAC_LOGIN_ONLY = ["home", "password_change"]
RBAC_WHITELIST_PATHS = ["/" + STATIC_URL]  # noqa: F405
# The host's base.html shows rbac's menu and breadcrumb (found first); the login page is shared.
TEMPLATES[0]["DIRS"] = [HERE / "templates_rbac", HERE / "templates"]  # noqa: F405
