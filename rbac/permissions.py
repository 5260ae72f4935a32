"""The permission check stark calls (settings.STARK_PERMISSION_CHECK)."""

from django.http import HttpRequest

from rbac.services.access import has_permission


def stark_has_permission(request: HttpRequest, url_name: str) -> bool:
    """stark's hook: the same rule as the middleware (whitelist, login-only, superuser setting, roles)."""
    return has_permission(request, url_name)
