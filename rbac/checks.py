"""System checks for what rbac needs from its host project (see docs/rbac.md, "What the host provides")."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import checks
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import NoReverseMatch, reverse

MIDDLEWARE_PATH = "rbac.middleware.RbacMiddleware"
AUTH_MIDDLEWARE_PATH = "django.contrib.auth.middleware.AuthenticationMiddleware"


@checks.register(checks.Tags.models)
def check_user_model(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    from rbac.models import RbacUserMixin

    if issubclass(get_user_model(), RbacUserMixin):
        return []
    return [
        checks.Error(
            f"AUTH_USER_MODEL ({settings.AUTH_USER_MODEL}) does not include rbac.models.RbacUserMixin.",
            hint="Define the user model as class User(RbacUserMixin, AbstractUser) before its first migration.",
            id="rbac.E001",
        )
    ]


@checks.register(checks.Tags.security)
def check_middleware(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    middleware = list(settings.MIDDLEWARE)
    if MIDDLEWARE_PATH not in middleware:
        return [
            checks.Warning(
                f"{MIDDLEWARE_PATH} is not in MIDDLEWARE: only rbac's own pages check permissions; "
                "every other page is open to whoever reaches it.",
                hint=f"Add {MIDDLEWARE_PATH!r} to MIDDLEWARE after {AUTH_MIDDLEWARE_PATH!r}.",
                id="rbac.W001",
            )
        ]
    if AUTH_MIDDLEWARE_PATH not in middleware or middleware.index(AUTH_MIDDLEWARE_PATH) > middleware.index(
        MIDDLEWARE_PATH
    ):
        return [
            checks.Error(
                f"{MIDDLEWARE_PATH} runs before {AUTH_MIDDLEWARE_PATH}: it cannot see who is signed in.",
                hint=f"Put {MIDDLEWARE_PATH!r} after {AUTH_MIDDLEWARE_PATH!r} in MIDDLEWARE.",
                id="rbac.E002",
            )
        ]
    return []


@checks.register(checks.Tags.urls)
def check_home_url(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    try:
        reverse("home")
    except NoReverseMatch:
        return [
            checks.Error(
                "No URL is named 'home': rbac's breadcrumb starts there.",
                hint="Name the project's start page: path('', home, name='home').",
                id="rbac.E003",
            )
        ]
    return []


@checks.register(checks.Tags.templates)
def check_base_template(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    try:
        get_template("base.html")
    except TemplateDoesNotExist:
        return [
            checks.Error(
                "No template 'base.html': rbac's pages extend it.",
                hint="Provide base.html with the blocks title, extra_head, content and extra_js "
                "(and render {% rbac_menu request %} and {% rbac_breadcrumb request %} in it).",
                id="rbac.E004",
            )
        ]
    return []
