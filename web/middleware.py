"""Response headers no library sets for us (Permissions-Policy, no caching of logged-in pages), the
session timeouts (idle and absolute), and a clear page for a service that lost every retry."""

import time

from auditlog.middleware import AuditlogMiddleware
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext

from web.security import client_ip
from web.services.locks import ServiceBusy
from web.services.sessions import LAST_SEEN_KEY, LOGIN_AT_KEY, session_forget, session_touch


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


class SessionTimeoutMiddleware:
    """Log out a session idle for ``SESSION_IDLE_TIMEOUT`` seconds, or older than ``SESSION_COOKIE_AGE``.

    Hand-written: Django has only one expiry, which is either absolute (the default) or sliding
    (``SESSION_SAVE_EVERY_REQUEST``), not both. The last activity is written at most once a
    minute, so an active user costs one session save per minute rather than one per request.
    """

    #: Seconds between two writes of the last activity.
    TOUCH_EVERY = 60

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            expired = self._check(request)
            if expired is not None:
                return expired
        return self.get_response(request)

    def _check(self, request):
        session = request.session
        now = int(time.time())
        login_at = session.get(LOGIN_AT_KEY)
        last_seen = session.get(LAST_SEEN_KEY, login_at)
        idle = getattr(settings, "SESSION_IDLE_TIMEOUT", 2 * 60 * 60)
        too_old = login_at is not None and now - login_at > settings.SESSION_COOKIE_AGE
        if too_old or (last_seen is not None and now - last_seen > idle):
            key = session.session_key
            logout(request)
            session_forget(session_key=key)
            messages.info(request, gettext("Your session ended after a time without activity. Please log in again."))
            return redirect_to_login(request.get_full_path())
        if login_at is None:
            session[LOGIN_AT_KEY] = now  # a session opened before this middleware existed
        if last_seen is None or now - last_seen >= self.TOUCH_EVERY:
            session[LAST_SEEN_KEY] = now
            session_touch(session_key=session.session_key)
        return None


class AuditMiddleware(AuditlogMiddleware):
    """django-auditlog's middleware (actor and address of every log entry of the request), with the
    client address from ``web.security.client_ip``: auditlog's own believes any X-Forwarded-For."""

    @staticmethod
    def _get_remote_addr(request):
        return client_ip(request)

    @staticmethod
    def _get_remote_port(request):
        return None


class ServiceBusyMiddleware:
    """``ServiceBusy`` (``web.services.locks``) → 503 "nothing was saved, try again" with Retry-After."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, ServiceBusy):
            return None
        response = render(request, "503.html", {"message": ServiceBusy.message}, status=503)
        response["Retry-After"] = "2"
        return response
