"""The permission check stark calls (settings.STARK_PERMISSION_CHECK)."""

from django.http import HttpRequest


def stark_has_permission(request: HttpRequest, url_name: str) -> bool:
    """Placeholder until the rbac issue: every logged-in user may use everything."""
    return bool(getattr(request, "user", None) and request.user.is_authenticated)
