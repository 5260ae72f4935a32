"""Giving roles to users and permissions to roles."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction

from rbac.models import Permission, Role
from rbac.services.guard import keeping_assignment_reachable


@dataclass
class AssignmentResult:
    roles_changed: bool
    permissions_changed: bool


@transaction.atomic
def assignment_save(
    *,
    user=None,
    roles: Iterable[Role] | None = None,
    role: Role | None = None,
    permissions: Iterable[Permission] | None = None,
) -> AssignmentResult:
    """Set ``user``'s roles and/or ``role``'s permissions, all or nothing.

    ``None`` leaves that side alone; an empty list removes everything. The signals
    in ``rbac.signals`` bump the affected users' ``rbac_version``. Raises
    ``rbac.services.guard.AssignmentLockout`` (and changes nothing) when the change would leave
    nobody able to open the role-assignment page.
    """
    roles_changed = permissions_changed = False
    with keeping_assignment_reachable():
        if user is not None and roles is not None:
            user.roles.set(list(roles))
            roles_changed = True
        if role is not None and permissions is not None:
            role.permissions.set(list(permissions))
            permissions_changed = True
    return AssignmentResult(roles_changed=roles_changed, permissions_changed=permissions_changed)


@dataclass
class AdminGrantResult:
    role: Role
    role_created: bool
    permissions_added: int
    reactivated: bool


@transaction.atomic
def admin_grant(*, user, role_title: str) -> AdminGrantResult:
    """Recovery: give ``user`` (re-activated if needed) the role ``role_title`` holding every rbac page.

    The rbac pages' permissions are synced from the URLconf first, so the role-assignment page
    is a permission even if it was deleted. Safe to run again.
    """
    from rbac.services.discovery import discover_urls

    for name, item in discover_urls().items():
        if name.startswith("rbac:"):
            Permission.objects.get_or_create(name=name, defaults={"title": name, "url": item.url})
    role, role_created = Role.objects.get_or_create(title=role_title)
    wanted = Permission.objects.filter(name__startswith="rbac:").exclude(roles=role)
    added = wanted.count()
    role.permissions.add(*wanted)
    user.roles.add(role)
    reactivated = not user.is_active
    if reactivated:
        user.is_active = True
        user.save(update_fields=["is_active"])
    return AdminGrantResult(role=role, role_created=role_created, permissions_added=added, reactivated=reactivated)
