"""A role's data scopes: the role's own, and one per menu where it differs."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction

from rbac.models import Role, RoleMenuScope, Scope


@transaction.atomic
def role_menu_scopes_save(*, role: Role, menu_scopes: Mapping[int, str | None]) -> None:
    """Set, per menu id, ``role``'s scope on that menu's pages (None or "" = the role's own scope).

    The signals in ``rbac.signals`` bump the role's users, so the change applies on their next request.
    """
    existing = {row.menu_id: row for row in RoleMenuScope.objects.select_for_update().filter(role=role)}
    for menu_id, menu_scope in menu_scopes.items():
        row = existing.get(menu_id)
        if not menu_scope:
            if row is not None:
                row.delete()
        elif menu_scope not in Scope.values:
            raise ValueError(f"unknown scope {menu_scope!r}")
        elif row is None:
            RoleMenuScope.objects.create(role=role, menu_id=menu_id, scope=menu_scope)
        elif row.scope != menu_scope:
            row.scope = menu_scope
            row.save(update_fields=["scope"])
