"""Checks every request's URL name against the current user's permissions."""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.utils.deprecation import MiddlewareMixin

from rbac.services import access


class RbacMiddleware(MiddlewareMixin):
    """Let a request through only when its URL name is whitelisted, login-only or held by the user.

    Runs in ``process_view`` so the URL is already resolved (``request.resolver_match``);
    unknown paths therefore still reach Django's 404 handling. A URL pattern without a
    name cannot be granted, so logged-in users are refused it unless its path is in
    ``RBAC_WHITELIST_PATHS``.
    """

    def process_view(self, request, view_func, view_args, view_kwargs):
        path = request.path_info
        if any(path.startswith(prefix) for prefix in access.whitelisted_paths()):
            return None
        match = request.resolver_match
        url_name = match.view_name if match and match.url_name else None
        if url_name and url_name in access.whitelist():
            return None
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        if url_name is None:
            raise PermissionDenied
        if access.has_permission(request, url_name):
            return None
        raise PermissionDenied
