"""Request facts the security features share: the client's address, the lockout page.

Both django-axes (login lockout) and the audit trail ask ``client_ip`` for the address of
a request, so one rule decides what counts as "the client" everywhere.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def _valid_ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: ``REMOTE_ADDR``, unless ``TRUSTED_PROXY_COUNT`` proxies stand in front.

    ``X-Forwarded-For`` is written by every proxy on the way, each appending the address it
    received the request from; anything to the left of what *our* proxies appended was sent by
    the client and can be forged. So with N trusted proxies the client is the N-th address from
    the right, and with none the header is ignored. Hand-written (rather than django-ipware)
    because the whole rule is these few lines and axes and the audit trail must agree on it.
    """
    remote = _valid_ip(request.META.get("REMOTE_ADDR", "") or "")
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if count <= 0:
        return remote
    chain = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(chain) < count:
        return remote
    return _valid_ip(chain[-count]) or remote


#: Longest user name kept in the lockout tables (axes' column is 255; the user model allows 150).
USERNAME_MAX_LENGTH = 150


def lockout_username(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """The user name axes counts failures for, cut to a length its columns hold.

    A 10,000-character user name posted to the login page must not become a 500 on MariaDB
    (strict mode refuses to store it); no real user name is that long.
    """
    if credentials:
        value = credentials.get("username")
    else:
        value = request.POST.get("username") if request is not None else None
    return None if value is None else str(value)[:USERNAME_MAX_LENGTH]


def lockout_response(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """django-axes' answer to a locked-out login: a page saying why and for how long, status 429."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {"failure_limit": settings.AXES_FAILURE_LIMIT, "cooloff_minutes": minutes}
    # render(), not a TemplateResponse: axes returns this from its middleware, where nothing renders it.
    response = render(request, "registration/lockout.html", context, status=429)
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response
