"""{% load rbac %}: the permission filter, the sidebar menu and the breadcrumb."""

from __future__ import annotations

import weakref
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


#: Sidebars already drawn, per URL resolver (their links are that resolver's).
_MENUS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
#: Sidebars kept per resolver before the oldest half are dropped (users × active entries × languages).
MENU_MEMORY = 2000


@register.simple_tag
def rbac_menu(request: HttpRequest) -> str:
    """The two-level sidebar of the current user (``rbac/menu.html``): the current entry active and
    only its menu expanded.

    Drawn once per user, version stamp of their snapshot, active entry and language, then reused:
    the snapshot of a stamp never changes (every change of roles, permissions or menus bumps it),
    so neither does its sidebar, and every page shows one (~0.1 ms to draw).
    """
    snapshot, current = _current(request)
    active_id = _active_entry_id(current)
    if not snapshot:
        return render_to_string("rbac/menu.html", menu_context(snapshot, active_id))
    drawn = _MENUS.setdefault(get_resolver(get_urlconf()), {})
    key = (snapshot["user_id"], snapshot["version"], snapshot["format"], active_id, get_language(), get_script_prefix())
    html = drawn.get(key)
    if html is None:
        if len(drawn) >= MENU_MEMORY:
            for old in list(drawn)[: MENU_MEMORY // 2]:
                drawn.pop(old, None)
        html = drawn[key] = render_to_string("rbac/menu.html", menu_context(snapshot, active_id))
    return html


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


@register.inclusion_tag("rbac/breadcrumb.html")
def rbac_breadcrumb(request: HttpRequest, parent_query: str = "") -> dict[str, Any]:
    """Home → menu entry → current page.

    ``parent_query`` is the query string that restores the menu entry's page as the user left it
    (a list's search, filters and page; stark passes its ``origin_query``): the entry's link carries it.
    """
    _snapshot, current = _current(request)
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
