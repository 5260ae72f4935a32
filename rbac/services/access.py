"""Loading a user's permissions and menu into the session, and checking URL names against them.

The session holds a snapshot (``SESSION_KEY``) stamped with the user's ``rbac_version``.
Whoever changes roles or permissions bumps that stamp (see ``rbac.signals``); the next
request of every session of that user sees the mismatch and reloads the snapshot.

With ``RBAC_SNAPSHOT_CACHE`` naming a cache alias (the project sets it when the cache is a
shared Redis), a rebuilt snapshot is also kept in that cache under the user's id *and*
version, so other sessions and other app servers reuse it instead of querying again. A bump
changes the key, so a cached snapshot is never served for a newer version; the stamp itself
lives in the database, never in a process.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import connections
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from rbac.models import Permission

SESSION_KEY = "rbac"


def _setting(name: str, default: Any) -> Any:
    return getattr(settings, name, default)


def whitelist() -> list[str]:
    return list(_setting("RBAC_WHITELIST", []))


def login_only() -> list[str]:
    return list(_setting("RBAC_LOGIN_ONLY", []))


def whitelisted_paths() -> list[str]:
    return list(_setting("RBAC_WHITELIST_PATHS", []))


def superuser_bypass() -> bool:
    return bool(_setting("RBAC_SUPERUSER_BYPASS", False))


def _href(name: str, pattern: str) -> str:
    """The link of a menu entry: its reversed URL, or the stored pattern when it takes arguments.

    The pattern is typed by an administrator: only a local path is used as a link (never
    ``javascript:`` or another host); anything else links to nowhere (``#``).
    """
    try:
        return reverse(name)
    except NoReverseMatch:
        return pattern if pattern.startswith("/") and not pattern.startswith(("//", "/\\")) else "#"


def build_snapshot(user) -> dict[str, Any]:
    """The user's permissions (union over roles) and menu tree, in one query.

    The returned dict is JSON-serialisable so it can live in any session backend.
    """
    # The database the user row came from (a replica under a read router): the snapshot then
    # matches the version stamp it is filed under.
    permissions_of = Permission.objects.db_manager(user._state.db or "default")
    rows = permissions_of.filter(roles__users=user).distinct().select_related("menu", "parent").order_by("id")
    permissions: dict[str, dict[str, Any]] = {}
    menus: dict[int, dict[str, Any]] = {}
    for perm in rows:
        permissions[perm.name] = {
            "id": perm.pk,
            "title": perm.title,
            "url": perm.url,
            "menu_id": perm.menu_id,
            "parent_id": perm.parent_id,
            "parent_name": perm.parent.name if perm.parent else None,
            "parent_title": perm.parent.title if perm.parent else None,
        }
        if perm.menu is not None:
            menu = menus.setdefault(
                perm.menu.pk,
                {
                    "id": perm.menu.pk,
                    "title": perm.menu.title,
                    "icon": perm.menu.icon,
                    "order": perm.menu.order,
                    "entries": [],
                },
            )
            menu["entries"].append({"id": perm.pk, "name": perm.name, "title": perm.title, "url": perm.url})
    menu_list = sorted(menus.values(), key=lambda m: (m["order"], m["id"]))
    return {
        "user_id": str(user.pk),
        "version": user.rbac_version,
        "permissions": permissions,
        "menus": menu_list,
    }


def snapshot_cache_key(user) -> str:
    # The database name and the username too: one Redis may serve several databases (staging and
    # tests), where the same id and version stamp belong to different people.
    database = connections[user._state.db or "default"].settings_dict["NAME"]
    return f"rbac:snapshot:{database}:{user.pk}:{user.username}:{user.rbac_version}"


def cached_snapshot(user) -> dict[str, Any]:
    """``build_snapshot(user)`` through the shared cache named by ``RBAC_SNAPSHOT_CACHE`` (if any)."""
    alias = _setting("RBAC_SNAPSHOT_CACHE", None)
    if not alias:
        return build_snapshot(user)
    cache = caches[alias]
    key = snapshot_cache_key(user)
    snapshot = cache.get(key)
    if not snapshot or snapshot.get("version") != user.rbac_version or snapshot.get("user_id") != str(user.pk):
        snapshot = build_snapshot(user)
        cache.set(key, snapshot, timeout=_setting("SESSION_COOKIE_AGE", 60 * 60 * 12))
    return snapshot


def load_into_session(request: HttpRequest, user) -> dict[str, Any]:
    """Store the user's snapshot in the session and return it."""
    snapshot = cached_snapshot(user)
    request.session[SESSION_KEY] = snapshot
    return snapshot


def get_snapshot(request: HttpRequest) -> dict[str, Any] | None:
    """The current user's snapshot, reloaded when the version stamp in the database moved on.

    No query when the session is current: ``request.user`` (with ``rbac_version``)
    is loaded by the authentication middleware anyway.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    session = getattr(request, "session", None)
    if session is None:
        return cached_snapshot(user)
    snapshot = session.get(SESSION_KEY)
    if not snapshot or snapshot.get("version") != user.rbac_version or snapshot.get("user_id") != str(user.pk):
        snapshot = load_into_session(request, user)
    return snapshot


def has_permission(request: HttpRequest, url_name: str) -> bool:
    """Whether the current user may open the URL named ``url_name`` (with its namespace)."""
    if url_name in whitelist():
        return True
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    if url_name in login_only():
        return True
    if superuser_bypass() and user.is_superuser:
        return True
    snapshot = get_snapshot(request)
    return bool(snapshot) and url_name in snapshot["permissions"]


def entry_href(entry: dict[str, Any]) -> str:
    return _href(entry["name"], entry["url"])
