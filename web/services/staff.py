"""Staff accounts: create with a hashed password, reset a password, remove.

A staff member who has business records (customers, follow-ups, payments,
classes, lessons, ...) is deactivated instead of deleted: those records must
keep pointing at the person who wrote them.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.db.models.deletion import ProtectedError, RestrictedError

from rbac.services.guard import keeping_assignment_reachable
from web.audit import audit_event
from web.models import ClassChange, Department, UserInfo
from web.services.sessions import sessions_end


@dataclass(frozen=True)
class StaffRemoval:
    """What `staff_remove` did: exactly one of the flags is true."""

    deleted: bool = False
    deactivated: bool = False
    refused_self: bool = False


@transaction.atomic
def staff_create(
    *,
    username: str,
    password: str,
    name: str = "",
    gender: str = "",
    depart: Department | None = None,
    phone: str = "",
    email: str = "",
    is_active: bool = True,
) -> UserInfo:
    """Create a staff member; the password is stored only as a hash (Django's hashers)."""
    user = UserInfo(
        username=username,
        name=name,
        gender=gender,
        depart=depart,
        phone=phone,
        email=UserInfo.objects.normalize_email(email),
        is_active=is_active,
    )
    user.set_password(password)
    user.save()
    return user


@transaction.atomic
def staff_update(*, user: UserInfo, fields: Iterable[str]) -> UserInfo:
    """Save an edited staff member's ``fields`` only.

    Writing the whole row would put back the password hash and the rbac version stamp as they
    were when the edit page was read, undoing a password reset or role change made meanwhile.
    """
    user.save(update_fields=list(fields))
    return user


def staff_set_password(*, user: UserInfo, password: str) -> None:
    """Give ``user`` a new password. Their open sessions end (Django ties sessions to the hash)."""
    user.set_password(password)
    user.save(update_fields=["password"])
    sessions_end(user=user)
    audit_event(event="password_reset", target=user)


def staff_has_records(*, user: UserInfo) -> bool:
    """Whether any business record points at ``user`` (then they can only be deactivated)."""
    related = [
        user.customers,
        user.consult_records,
        user.payments,
        user.confirmed_payments,
        user.score_records,
        user.course_records,
        user.talk_records,
        user.classes_as_class_teacher,
        user.classes_as_teacher,
    ]
    if any(manager.exists() for manager in related):
        return True
    return ClassChange.objects.filter(Q(applicant=user) | Q(confirm_user=user)).exists()


@transaction.atomic
def staff_remove(*, user: UserInfo, acting_user: UserInfo | None = None) -> StaffRemoval:
    """Delete ``user``, or deactivate them when business records point at them.

    Nobody removes their own account: that would lock the administrator out mid-session.
    """
    if acting_user is not None and acting_user.pk == user.pk:
        return StaffRemoval(refused_self=True)
    # The last user able to open the role-assignment page is not removed (AssignmentLockout).
    with keeping_assignment_reachable():
        return _staff_delete_or_deactivate(user=user)


def _staff_delete_or_deactivate(*, user: UserInfo) -> StaffRemoval:
    if not staff_has_records(user=user):
        try:
            # A savepoint, so that a record type not listed in staff_has_records (a PROTECT
            # foreign key added later) still ends in deactivation instead of an error.
            with transaction.atomic():
                user.delete()
            return StaffRemoval(deleted=True)
        except (ProtectedError, RestrictedError):
            pass
    UserInfo.objects.filter(pk=user.pk).update(is_active=False)
    user.is_active = False
    sessions_end(user=user)
    return StaffRemoval(deactivated=True)
