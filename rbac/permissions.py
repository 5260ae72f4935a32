"""The hooks stark calls: STARK_PERMISSION_CHECK and STARK_SCOPE_CHECK."""

from django.http import HttpRequest

from rbac.services.access import data_scope, has_permission


def stark_has_permission(request: HttpRequest, url_name: str) -> bool:
    """stark's hook: the same rule as the middleware (whitelist, login-only, superuser setting, roles)."""
    return has_permission(request, url_name)


def stark_scope(request: HttpRequest, url_name: str) -> str | None:
    """stark's data-scope hook: "all", "department" or "own" for the page, from the user's roles."""
    return data_scope(request, url_name)
