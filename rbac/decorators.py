"""rbac's own pages guard themselves: a project that forgets the middleware does not expose them."""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from rbac.services import access


def permission_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Let the request through only for a signed-in user holding the view's own URL name.

    The same rule as ``RbacMiddleware`` (whitelist, login-only, superuser setting, roles); with the
    middleware installed the check runs twice on the session's snapshot, which costs no query.
    """

    @functools.wraps(view)
    def guarded(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        match = request.resolver_match
        if match is None or not access.has_permission(request, match.view_name):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return guarded
