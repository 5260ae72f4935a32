"""Administrators cannot lock themselves out: some active user must keep the assignment page.

Every change that can take a permission away from users (their roles, a role's permissions,
deleting or renaming a role, permission or menu, deactivating or deleting a user) runs inside
``keeping_assignment_reachable()``. If the change leaves no active user able to open the
role-assignment page (``RBAC_GUARDED_URL_NAME``), it is rolled back and ``AssignmentLockout``
says why; ``manage.py rbac_grant_admin USERNAME`` is the recovery when it happened anyway
(a database edit, say).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from rbac.models import Permission
from rbac.services.access import superuser_bypass


class AssignmentLockout(ValidationError):
    """The change would leave nobody able to open the role-assignment page."""


def guarded_url_name() -> str:
    return getattr(settings, "RBAC_GUARDED_URL_NAME", "rbac:distribute_permissions")


def assignment_reachable() -> bool:
    """Whether at least one active user may open the role-assignment page."""
    users = get_user_model()._default_manager.filter(is_active=True)
    if superuser_bypass() and users.filter(is_superuser=True).exists():
        return True
    return users.filter(roles__permissions__name=guarded_url_name()).exists()


@contextmanager
def keeping_assignment_reachable() -> Iterator[None]:
    """Run the block in a transaction; roll it back with ``AssignmentLockout`` if it locks everyone out.

    The guarded permission's row is locked first, so two administrators removing each other at
    the same moment are checked one after the other (each sees the other's change).
    """
    with transaction.atomic():
        list(Permission.objects.select_for_update().filter(name=guarded_url_name()).values_list("pk", flat=True))
        before = assignment_reachable()
        yield
        if before and not assignment_reachable():
            raise AssignmentLockout(
                _(
                    "Refused: after this change nobody could open the role-assignment page any more. "
                    "Give another active user a role with that page first."
                ),
                code="assignment_lockout",
            )
