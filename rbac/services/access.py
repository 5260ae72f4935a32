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

import weakref
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import connections
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.urls import NoReverseMatch, get_resolver, get_script_prefix, get_urlconf, reverse

from rbac.models import SCOPE_ORDER, Role, RoleMenuScope, Scope

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


#: Menu links already worked out, per URL resolver (a new URLconf or ``clear_url_caches`` makes a
#: new resolver, and its links are worked out again) and script prefix.
_HREFS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _href(name: str, pattern: str) -> str:
    """The link of a menu entry: its reversed URL, or the stored pattern when it takes arguments.

    The pattern is typed by an administrator: only a local path is used as a link (never
    ``javascript:`` or another host); anything else links to nowhere (``#``). Remembered per URL
    resolver: every page draws the whole menu, and each ``reverse`` walks the URL patterns
    (~15 µs, twenty entries for an administrator).
    """
    links = _HREFS.setdefault(get_resolver(get_urlconf()), {})
    key = (get_script_prefix(), name, pattern)
    href = links.get(key)
    if href is None:
        try:
            href = reverse(name)
        except NoReverseMatch:
            href = pattern if pattern.startswith("/") and not pattern.startswith(("//", "/\\")) else "#"
        links[key] = href
    return href


#: Bumped when the snapshot's shape changes, so sessions from before are rebuilt once.
SNAPSHOT_FORMAT = 2


def _grants(user):
    """One row per (role of the user, permission of that role), with the role's scope on its menu.

    A permission's menu is its own (an entry) or its parent's (a page under an entry); the
    role's scope there is its ``RoleMenuScope`` for that menu, else the role's own ``scope``.
    """
    menu_scope = RoleMenuScope.objects.filter(
        role_id=OuterRef("role_id"),
        menu_id=Coalesce(OuterRef("permission__menu_id"), OuterRef("permission__parent__menu_id")),
    ).values("scope")[:1]
    through = Role.permissions.through
    # The database the user row came from (a replica under a read router): the snapshot then
    # matches the version stamp it is filed under.
    return (
        through.objects.db_manager(user._state.db or "default")
        .filter(role__users=user)
        .select_related("permission__menu", "permission__parent", "role")
        .annotate(menu_scope=Subquery(menu_scope))
        .order_by("permission_id", "role_id")
    )


def _widest(first: str | None, second: str) -> str:
    if first is None:
        return second
    return first if SCOPE_ORDER.index(first) <= SCOPE_ORDER.index(second) else second


def build_snapshot(user) -> dict[str, Any]:
    """The user's permissions (union over roles, each with its widest data scope) and menu tree, in one query.

    The returned dict is JSON-serialisable so it can live in any session backend.
    """
    permissions: dict[str, dict[str, Any]] = {}
    menus: dict[int, dict[str, Any]] = {}
    for grant in _grants(user):
        perm = grant.permission
        scope = grant.menu_scope or grant.role.scope
        if perm.name in permissions:
            permissions[perm.name]["scope"] = _widest(permissions[perm.name]["scope"], scope)
            continue
        permissions[perm.name] = {
            "id": perm.pk,
            "title": perm.title,
            "url": perm.url,
            "menu_id": perm.menu_id,
            "parent_id": perm.parent_id,
            "parent_name": perm.parent.name if perm.parent else None,
            "parent_title": perm.parent.title if perm.parent else None,
            "scope": scope,
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
        "format": SNAPSHOT_FORMAT,
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
    request.__dict__.pop("_rbac_snapshot", None)
    return snapshot


def get_snapshot(request: HttpRequest) -> dict[str, Any] | None:
    """The current user's snapshot, reloaded when the version stamp in the database moved on.

    No query when the session is current: ``request.user`` (with ``rbac_version``)
    is loaded by the authentication middleware anyway.
    """
    user = getattr(request, "user", None)
    # A page asks dozens of times (every menu entry, row link and button): the answer is kept on
    # the request for the user object it was worked out for (a login or logout in the request
    # replaces ``request.user``, and the next call works it out again).
    memo = request.__dict__.get("_rbac_snapshot")
    if memo is not None and memo[0] is user:
        return memo[1]
    if user is None or not user.is_authenticated:
        return None
    session = getattr(request, "session", None)
    if session is None:
        return cached_snapshot(user)
    snapshot = session.get(SESSION_KEY)
    if (
        not snapshot
        or snapshot.get("version") != user.rbac_version
        or snapshot.get("user_id") != str(user.pk)
        or snapshot.get("format") != SNAPSHOT_FORMAT
    ):
        snapshot = load_into_session(request, user)
    request.__dict__["_rbac_snapshot"] = (user, snapshot)
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


def data_scope(request: HttpRequest, url_name: str) -> str | None:
    """The rows the current user sees on the page ``url_name``: "all", "department", "own", or None.

    None when the user may not open the page at all. Pages open to everyone (whitelist,
    login-only) and superusers with ``RBAC_SUPERUSER_BYPASS`` see all rows.
    """
    if url_name in whitelist():
        return Scope.ALL
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    if url_name in login_only() or (superuser_bypass() and user.is_superuser):
        return Scope.ALL
    snapshot = get_snapshot(request)
    grant = snapshot["permissions"].get(url_name) if snapshot else None
    return grant["scope"] if grant else None


def entry_href(entry: dict[str, Any]) -> str:
    return _href(entry["name"], entry["url"])
