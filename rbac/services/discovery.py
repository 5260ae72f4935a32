"""Discover the project's named URLs and sync them into ``Permission`` rows.

Used by the batch page (``rbac:multi_permissions``), the ``rbac_sync_permissions``
command and the demo seed. Only named patterns are permissions; names are full
(``namespace:...:name``). Names in ``RBAC_WHITELIST`` / ``RBAC_LOGIN_ONLY`` and names
starting with a prefix in ``RBAC_DISCOVERY_EXCLUDE`` (e.g. ``"admin:"``) are skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver

from rbac.models import Permission
from rbac.services import access
from rbac.signals import bulk_changes


@dataclass(frozen=True)
class DiscoveredUrl:
    name: str  #: full URL name with namespaces, e.g. "stark:web_school_list"
    url: str  #: the pattern from the root, e.g. "/stark/web/school/<int:pk>/change/"


@dataclass
class SyncPlan:
    """What would change: URLs to add, rows whose pattern changed, rows no longer in the URLconf."""

    to_add: list[DiscoveredUrl] = field(default_factory=list)
    to_update: list[tuple[Permission, DiscoveredUrl]] = field(default_factory=list)
    to_delete: list[Permission] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.to_add or self.to_update or self.to_delete)


@dataclass
class SyncResult:
    added: int = 0
    updated: int = 0
    deleted: int = 0


def excluded_prefixes() -> list[str]:
    return list(getattr(settings, "RBAC_DISCOVERY_EXCLUDE", ["admin:"]))


def _is_excluded(name: str, exclude: Iterable[str]) -> bool:
    if name in access.whitelist() or name in access.login_only():
        return True
    return any(name.startswith(prefix) for prefix in exclude)


def _pattern_text(pattern) -> str:
    text = str(pattern)
    # regex patterns (re_path) carry anchors that mean nothing once joined
    return re.sub(r"^\^|\$$|\\Z$", "", text)


def _walk(patterns, prefix: str, namespace: str) -> Iterator[DiscoveredUrl]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}{entry.namespace}:"
            yield from _walk(entry.url_patterns, prefix + _pattern_text(entry.pattern), ns)
        elif isinstance(entry, URLPattern) and entry.name:
            yield DiscoveredUrl(name=namespace + entry.name, url="/" + prefix + _pattern_text(entry.pattern))


def discover_urls(*, urlconf: str | None = None, exclude: Iterable[str] | None = None) -> dict[str, DiscoveredUrl]:
    """Every named URL of the URLconf (nested includes and namespaces), by full name, in URLconf order."""
    exclude = list(excluded_prefixes() if exclude is None else exclude)
    found: dict[str, DiscoveredUrl] = {}
    for item in _walk(get_resolver(urlconf).url_patterns, "", ""):
        if not _is_excluded(item.name, exclude):
            found.setdefault(item.name, item)  # the first pattern of a name wins
    return found


def plan_sync(*, urlconf: str | None = None, exclude: Iterable[str] | None = None) -> SyncPlan:
    """Compare the URLconf with the ``Permission`` table."""
    exclude = list(excluded_prefixes() if exclude is None else exclude)
    discovered = discover_urls(urlconf=urlconf, exclude=exclude)
    existing = {p.name: p for p in Permission.objects.order_by("name")}
    plan = SyncPlan()
    for name, item in discovered.items():
        row = existing.get(name)
        if row is None:
            plan.to_add.append(item)
        elif row.url != item.url:
            plan.to_update.append((row, item))
    plan.to_delete = [
        row for name, row in existing.items() if name not in discovered and not _is_excluded(name, exclude)
    ]
    return plan


@transaction.atomic
def permissions_apply(
    *,
    to_add: Iterable[dict] = (),
    to_update: Iterable[dict] = (),
    to_delete: Iterable[int] = (),
) -> SyncResult:
    """Apply edited sets in one transaction.

    ``to_add``: dicts with name, title, url and optionally menu / parent (instances or None);
    ``to_update``: the same plus ``id``; ``to_delete``: permission ids.
    Every user's ``rbac_version`` is bumped once at the end.
    """
    result = SyncResult()
    fields = ("title", "name", "url", "menu", "parent")
    with bulk_changes():
        for values in to_add:
            Permission.objects.create(**{k: values.get(k) for k in fields if k in values})
            result.added += 1
        for values in to_update:
            row = Permission.objects.select_for_update().get(pk=values["id"])
            for key in fields:
                if key in values:
                    setattr(row, key, values[key])
            row.save()
            result.updated += 1
        ids = list(to_delete)
        if ids:
            _total, per_model = Permission.objects.filter(pk__in=ids).delete()
            result.deleted = per_model.get(Permission._meta.label, 0)
    return result


def permissions_sync(*, urlconf: str | None = None, exclude: Iterable[str] | None = None) -> SyncResult:
    """Apply the computed plan as is: add new URLs (titled by their name), fix patterns, delete stale rows."""
    plan = plan_sync(urlconf=urlconf, exclude=exclude)
    return permissions_apply(
        to_add=[{"name": item.name, "title": item.name, "url": item.url} for item in plan.to_add],
        to_update=[{"id": row.pk, "url": item.url} for row, item in plan.to_update],
        to_delete=[row.pk for row in plan.to_delete],
    )
