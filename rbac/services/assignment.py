"""Giving roles to users and permissions to roles."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction

from rbac.models import Permission, Role


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
    in ``rbac.signals`` bump the affected users' ``rbac_version``.
    """
    roles_changed = permissions_changed = False
    if user is not None and roles is not None:
        user.roles.set(list(roles))
        roles_changed = True
    if role is not None and permissions is not None:
        role.permissions.set(list(permissions))
        permissions_changed = True
    return AssignmentResult(roles_changed=roles_changed, permissions_changed=permissions_changed)
