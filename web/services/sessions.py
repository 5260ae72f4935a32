"""A staff member's logged-in sessions: recorded at login, listed and ended on the password page,
and all ended when their password changes or their account is deactivated."""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from web.models import UserInfo, UserSession
from web.security import client_ip

#: Session keys: when the session logged in, and its last activity (Unix seconds).
LOGIN_AT_KEY = "_luffy_login_at"
LAST_SEEN_KEY = "_luffy_last_seen"


def _session_store():
    return import_module(settings.SESSION_ENGINE).SessionStore


def session_record_login(*, request: HttpRequest, user: UserInfo) -> UserSession | None:
    """Remember the session a login just opened (called from the ``user_logged_in`` signal)."""
    session = getattr(request, "session", None)
    if session is None:
        return None
    if session.session_key is None:
        session.save()
    now = int(timezone.now().timestamp())
    session[LOGIN_AT_KEY] = session[LAST_SEEN_KEY] = now
    record, _created = UserSession.objects.update_or_create(
        session_key=session.session_key,
        defaults={
            "user": user,
            "ip_address": client_ip(request),
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:255],
            "created": timezone.now(),
            "last_seen": timezone.now(),
        },
    )
    return record


def sessions_of(*, user: UserInfo):
    """The user's recorded sessions, most recently used first."""
    return UserSession.objects.filter(user=user).order_by("-last_seen", "-id")


@transaction.atomic
def sessions_end(*, user: UserInfo, session_ids=None, keep_session_key: str | None = None) -> int:
    """End ``user``'s sessions (those of ``session_ids``, or all), except ``keep_session_key``.

    The session data is deleted from the session backend, so the browser holding it is logged out
    at its next request, on every app process. Returns how many were ended.
    """
    records = UserSession.objects.filter(user=user)
    if session_ids is not None:
        records = records.filter(pk__in=list(session_ids))
    if keep_session_key:
        records = records.exclude(session_key=keep_session_key)
    keys = list(records.values_list("session_key", flat=True))
    store = _session_store()
    for key in keys:
        store(session_key=key).delete()
    records.delete()
    return len(keys)


def session_forget(*, session_key: str | None) -> None:
    """Drop the record of a session that ended by logging out."""
    if session_key:
        UserSession.objects.filter(session_key=session_key).delete()


def session_touch(*, session_key: str | None) -> None:
    if session_key:
        UserSession.objects.filter(session_key=session_key).update(last_seen=timezone.now())


def session_rekey(*, old_key: str | None, new_key: str | None) -> None:
    """Follow a session whose key was cycled (Django does so when the password changes)."""
    if old_key and new_key and old_key != new_key:
        UserSession.objects.filter(session_key=old_key).update(session_key=new_key)
