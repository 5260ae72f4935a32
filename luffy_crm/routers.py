"""Read replicas with read-your-writes (``DATABASE_REPLICA_URLS``; DESIGN.md §7).

Writes go to the primary (``default``). Reads go to a replica, except:

* inside a transaction on the primary: every service runs in one (``transaction.atomic``), so
  its reads, and above all its locking reads (``select_for_update``), use the primary;
* for the rest of a request (or thread) that has written: it must read what it just wrote;
* for sessions and staff users (who is logged in, their permission version stamp): a logout,
  a password reset or a role change must apply on the next request, not after the lag;
* for a few seconds after a browser's request wrote (the ``REPLICA_PIN_COOKIE`` set by
  :class:`PinPrimaryAfterWriteMiddleware`): the redirect after a POST lands on a page that must
  show the change, whatever the replica's lag.
"""

from __future__ import annotations

import contextvars
import random

from django.conf import settings
from django.db import connections

#: True when the browser wrote within REPLICA_PIN_SECONDS (its pin cookie), for the current request.
_pinned: contextvars.ContextVar[bool] = contextvars.ContextVar("luffy_primary_pinned", default=False)
#: True once the current request (or thread) wrote on the primary.
_wrote: contextvars.ContextVar[bool] = contextvars.ContextVar("luffy_primary_wrote", default=False)

PRIMARY = "default"


def replicas() -> list[str]:
    return list(getattr(settings, "DATABASE_REPLICAS", []))


def reads_use_primary() -> bool:
    return _pinned.get() or _wrote.get() or connections[PRIMARY].in_atomic_block


def _primary_only(model) -> bool:
    return model._meta.label_lower in {"sessions.session", settings.AUTH_USER_MODEL.lower()}


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        aliases = replicas()
        if not aliases or reads_use_primary() or _primary_only(model):
            return PRIMARY
        return random.choice(aliases)  # noqa: S311 - load spreading, not security

    def db_for_write(self, model, **hints):
        # Also asked for locking reads (select_for_update) and get_or_create: all primary from now on.
        _wrote.set(True)
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True  # replicas hold the same data as the primary

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY


class PinPrimaryAfterWriteMiddleware:
    """Scope the pin to one request; carry it over to the browser's next requests by a short cookie."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        cookie = getattr(settings, "REPLICA_PIN_COOKIE", "primary_pin")
        pinned, wrote = _pinned.set(request.COOKIES.get(cookie) == "1"), _wrote.set(False)
        try:
            response = self.get_response(request)
            if _wrote.get() or request.method not in ("GET", "HEAD", "OPTIONS"):
                response.set_cookie(
                    cookie,
                    "1",
                    max_age=getattr(settings, "REPLICA_PIN_SECONDS", 5),
                    httponly=True,
                    samesite="Lax",
                    secure=getattr(settings, "SESSION_COOKIE_SECURE", False),
                )
            return response
        finally:
            _pinned.reset(pinned)
            _wrote.reset(wrote)
