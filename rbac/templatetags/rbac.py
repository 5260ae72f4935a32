"""{% load rbac %}: the permission filter, the sidebar menu and the breadcrumb."""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any

from django import template
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import get_resolver, get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

from rbac.services import access

register = template.Library()


@register.filter
def has_permission(request: HttpRequest, url_name: str) -> bool:
    """``{% if request|has_permission:"stark:web_school_add" %}``."""
    return access.has_permission(request, url_name)


def _current(request: HttpRequest) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """The snapshot and the current page's permission record (None when not a permission)."""
    snapshot = access.get_snapshot(request)
    match = getattr(request, "resolver_match", None)
    if not snapshot or match is None or not match.url_name:
        return snapshot, None
    return snapshot, snapshot["permissions"].get(match.view_name)


def _active_entry_id(current: dict[str, Any] | None) -> int | None:
    """A menu entry activates itself; a child page activates its parent entry."""
    if current is None:
        return None
    if current["menu_id"]:
        return current["id"]
    return current["parent_id"]


#: Sidebars and breadcrumbs already drawn, per URL resolver (their links are that resolver's).
_DRAWN: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
#: Pieces kept per resolver before the oldest half are dropped (users × pages × languages).
MENU_MEMORY = 4000


def _remembered(snapshot: dict[str, Any] | None, key: tuple, draw: Callable[[], str]) -> str:
    """``draw()``, once per user, version stamp of their snapshot, language and ``key``.

    The snapshot of a stamp never changes (every change of roles, permissions or menus bumps
    it), so neither does what is drawn from it, and every page shows a sidebar and a breadcrumb
    (~0.1 ms each to draw). Without a snapshot (no session) it is drawn every time.
    """
    if not snapshot:
        return draw()
    drawn = _DRAWN.setdefault(get_resolver(get_urlconf()), {})
    full_key = (snapshot["user_id"], snapshot["version"], snapshot["format"], get_language(), get_script_prefix(), *key)
    html = drawn.get(full_key)
    if html is None:
        if len(drawn) >= MENU_MEMORY:
            for old in list(drawn)[: MENU_MEMORY // 2]:
                drawn.pop(old, None)
        html = drawn[full_key] = draw()
    return html


@register.simple_tag
def rbac_menu(request: HttpRequest) -> str:
    """The two-level sidebar of the current user (``rbac/menu.html``): the current entry active and
    only its menu expanded. Drawn once per user, stamp, language and active entry (``_remembered``)."""
    snapshot, current = _current(request)
    active_id = _active_entry_id(current)
    return _remembered(
        snapshot, ("menu", active_id), lambda: render_to_string("rbac/menu.html", menu_context(snapshot, active_id))
    )


def menu_context(snapshot: dict[str, Any] | None, active_id: int | None) -> dict[str, Any]:
    """The sidebar's menus: each with its entries' links, the active one marked, and whether it is open."""
    menus = []
    for menu in (snapshot or {}).get("menus", []):
        entries = [
            {**entry, "href": access.entry_href(entry), "active": entry["id"] == active_id} for entry in menu["entries"]
        ]
        menus.append({**menu, "entries": entries, "open": any(e["active"] for e in entries)})
    if not any(menu["open"] for menu in menus):
        # On a page outside the menu (home, say) nothing is hidden.
        for menu in menus:
            menu["open"] = True
    return {"menus": menus}


@register.simple_tag
def rbac_breadcrumb(request: HttpRequest, parent_query: str = "") -> str:
    """Home → menu entry → current page (``rbac/breadcrumb.html``).

    ``parent_query`` is the query string that restores the menu entry's page as the user left it
    (a list's search, filters and page; stark passes its ``origin_query``): the entry's link carries it.
    Drawn once per user, stamp, language, page and ``parent_query`` (``_remembered``).
    """
    snapshot, current = _current(request)
    page = current["id"] if current else None
    return _remembered(
        snapshot,
        # Superusers may see a parent entry they do not hold (RBAC_SUPERUSER_BYPASS).
        ("breadcrumb", page, parent_query, getattr(request.user, "is_superuser", False)),
        lambda: render_to_string("rbac/breadcrumb.html", breadcrumb_context(request, current, parent_query)),
    )


def breadcrumb_context(request: HttpRequest, current: dict[str, Any] | None, parent_query: str) -> dict[str, Any]:
    """The breadcrumb's home link and crumbs: for a child page its parent entry (linked when the
    user holds it, carrying ``parent_query``), then the current page."""
    crumbs: list[dict[str, Any]] = []
    if current is not None:
        if not current["menu_id"] and current["parent_name"]:
            parent = {"name": current["parent_name"], "url": ""}
            href = access.entry_href(parent) if access.has_permission(request, parent["name"]) else ""
            if href and parent_query:
                href = f"{href}{'&' if '?' in href else '?'}{parent_query}"
            crumbs.append({"title": current["parent_title"], "href": href})
        crumbs.append({"title": current["title"], "href": ""})
    return {"home_href": reverse("home"), "crumbs": crumbs}
