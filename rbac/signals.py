"""Bump ``rbac_version`` of every user whose permissions or menu may have changed.

Connected in ``RbacConfig.ready``. Covers roles' permissions and users' roles changed
through the ORM (forms, ``.set()``, ``.add()``, ``.remove()``, ``.clear()`` from either
side), and permission, menu and role rows saved or deleted. Bulk writes that bypass
signals (``QuerySet.update``, ``bulk_create``) must call ``bump_all_users()`` themselves;
``rbac.services.discovery`` does.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.contrib.auth import get_user_model, user_logged_in
from django.db.models import F, Q
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

from rbac.models import Menu, Permission, Role, RoleMenuScope

_state = threading.local()


@contextmanager
def bulk_changes() -> Iterator[None]:
    """Silence per-row bumps inside the block and bump every user once at its end."""
    depth = getattr(_state, "depth", 0)
    _state.depth = depth + 1
    try:
        yield
    finally:
        _state.depth = depth
    if depth == 0:
        bump_all_users()


def _silenced() -> bool:
    return getattr(_state, "depth", 0) > 0


def bump_users(condition: Q) -> None:
    """Increment the version stamp of the users matching ``condition``."""
    if _silenced():
        return
    User = get_user_model()
    ids = list(User.objects.filter(condition).values_list("pk", flat=True).distinct())
    if ids:
        User.objects.filter(pk__in=ids).update(rbac_version=F("rbac_version") + 1)


def bump_all_users() -> None:
    get_user_model().objects.update(rbac_version=F("rbac_version") + 1)


def _ids(values: Iterable | None) -> list:
    return list(values or [])


def on_user_logged_in(sender, request, user, **kwargs) -> None:
    from rbac.services.access import load_into_session

    if request is not None and hasattr(request, "session") and hasattr(user, "rbac_version"):
        load_into_session(request, user)


def on_role_permissions_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    if action in ("post_add", "post_remove") and not pk_set:
        return  # nothing was added or removed
    if action == "pre_clear":
        # After the clear the link is gone; remember who is affected now.
        affected = Q(roles__permissions=instance) if reverse else Q(roles=instance)
        instance._rbac_affected_ids = list(get_user_model().objects.filter(affected).values_list("pk", flat=True))
        return
    if action == "post_clear":
        bump_users(Q(pk__in=getattr(instance, "_rbac_affected_ids", [])))
        return
    if action not in ("post_add", "post_remove"):
        return
    if reverse:  # instance is a Permission, pk_set are roles
        bump_users(Q(roles__in=_ids(pk_set)))
    else:  # instance is a Role
        bump_users(Q(roles=instance))


def on_user_roles_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    if action in ("post_add", "post_remove") and not pk_set:
        return  # nothing was added or removed
    if action == "pre_clear" and reverse:
        instance._rbac_affected_ids = list(instance.users.values_list("pk", flat=True))
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if reverse:  # instance is a Role, pk_set are users
        ids = _ids(pk_set) if action != "post_clear" else getattr(instance, "_rbac_affected_ids", [])
        bump_users(Q(pk__in=ids))
    else:  # instance is a user
        bump_users(Q(pk=instance.pk))


def on_permission_saved(sender, instance, created, **kwargs) -> None:
    if not created:
        bump_users(Q(roles__permissions=instance) | Q(roles__permissions__parent=instance))


def on_permission_deleting(sender, instance, **kwargs) -> None:
    # The role links are removed without m2m signals; bump their holders first.
    bump_users(Q(roles__permissions=instance) | Q(roles__permissions__parent=instance))


def on_role_deleting(sender, instance, **kwargs) -> None:
    bump_users(Q(roles=instance))


def on_menu_changed(sender, instance, **kwargs) -> None:
    bump_users(Q(roles__permissions__menu=instance))


def on_role_saved(sender, instance, created, **kwargs) -> None:
    if not created:  # its data scope may have changed
        bump_users(Q(roles=instance))


def on_menu_scope_changed(sender, instance, **kwargs) -> None:
    bump_users(Q(roles=instance.role_id))


def connect() -> None:
    User = get_user_model()
    user_logged_in.connect(on_user_logged_in, dispatch_uid="rbac_load_on_login")
    m2m_changed.connect(on_role_permissions_changed, sender=Role.permissions.through, dispatch_uid="rbac_role_perms")
    m2m_changed.connect(on_user_roles_changed, sender=User.roles.through, dispatch_uid="rbac_user_roles")
    post_save.connect(on_permission_saved, sender=Permission, dispatch_uid="rbac_perm_saved")
    pre_delete.connect(on_permission_deleting, sender=Permission, dispatch_uid="rbac_perm_deleting")
    pre_delete.connect(on_role_deleting, sender=Role, dispatch_uid="rbac_role_deleting")
    post_save.connect(on_menu_changed, sender=Menu, dispatch_uid="rbac_menu_saved")
    pre_delete.connect(on_menu_changed, sender=Menu, dispatch_uid="rbac_menu_deleting")
    post_save.connect(on_role_saved, sender=Role, dispatch_uid="rbac_role_saved")
    post_save.connect(on_menu_scope_changed, sender=RoleMenuScope, dispatch_uid="rbac_menu_scope_saved")
    post_delete.connect(on_menu_scope_changed, sender=RoleMenuScope, dispatch_uid="rbac_menu_scope_deleted")
