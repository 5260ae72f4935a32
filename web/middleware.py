"""Response headers no library sets for us: Permissions-Policy, and no caching of logged-in pages."""

from django.conf import settings
from django.utils.cache import patch_cache_control


class SecurityHeadersMiddleware:
    """Add ``Permissions-Policy`` to every response and ``Cache-Control: no-store, private`` to a
    logged-in user's.

    Hand-written because each is one header: a customer list must not stay in the browser's
    (or a shared proxy's) cache after logout, and Django has no Permissions-Policy setting.
    Static files never get here (whitenoise answers them earlier), so they stay cacheable.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = getattr(settings, "PERMISSIONS_POLICY", "")
        if policy:
            response.headers.setdefault("Permissions-Policy", policy)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True, no_cache=True, max_age=0)
        return response
