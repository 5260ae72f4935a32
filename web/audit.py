"""The audit trail: django-auditlog records field changes of the sensitive models, and
``audit_event`` adds the events that are not a field change (logins, lockouts, decisions).

Everything lands in auditlog's ``LogEntry`` table: field changes as create/update/delete
entries, events as "access" entries whose ``additional_data["event"]`` names the kind. The
audit page reads them through one selector, ``web.selectors.audit.audit_entries``.
"""

from __future__ import annotations

from typing import Any

from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

#: Event kinds and their labels (the audit page's "what" column and filter).
EVENTS = {
    "login": _("Logged in"),
    "logout": _("Logged out"),
    "login_failed": _("Failed login"),
    "lockout": _("Login locked"),
    "unlock": _("Login unlocked"),
    "password_changed": _("Changed own password"),
    "password_reset": _("Password reset by an administrator"),
    "sessions_ended": _("Sessions ended"),
    "class_change_approved": _("Class change approved"),
    "class_change_rejected": _("Class change rejected"),
    # The business events of the customer event log (web.services.events), one entry per change.
    "customer_claimed": _("Customers claimed"),
    "customer_assigned": _("Customers assigned"),
    "customer_reassigned": _("Customers reassigned"),
    "customer_released": _("Customers released"),
    "customer_returned": _("Customers returned automatically"),
    "customer_payment_confirmed": _("Payment confirmed"),
    "customer_payment_rejected": _("Payment rejected"),
}

#: Customer event kinds (CustomerEvent.Kind values) that are also audit events: moves between
#: pools and payment decisions. Field changes of customers and payments are auditlog's own.
AUDITED_CUSTOMER_EVENTS = frozenset(
    {"claimed", "assigned", "reassigned", "released", "returned", "payment_confirmed", "payment_rejected"}
)


def register_models() -> None:
    """Called from ``WebConfig.ready``: the models whose every field change is recorded."""
    from rbac.models import Permission, Role
    from web.models import Customer, PaymentRecord, Student, UserInfo

    auditlog.register(Customer, m2m_fields={"course"})
    auditlog.register(PaymentRecord)
    auditlog.register(Student, m2m_fields={"class_list"})
    auditlog.register(
        UserInfo,
        m2m_fields={"roles"},
        # The password hash is never copied into the log (shown as changed, masked).
        mask_fields=["password"],
        exclude_fields=["last_login", "rbac_version"],
    )
    auditlog.register(Role, m2m_fields={"permissions"})
    auditlog.register(Permission)


def audit_event(
    *,
    event: str,
    actor=None,
    target: models.Model | None = None,
    target_repr: str = "",
    remote_addr: str | None = None,
    detail: str = "",
    **data: Any,
) -> LogEntry:
    """Record an event (``EVENTS``) about ``target`` (or about ``target_repr``, e.g. a user name tried).

    Inside a request the address (and the actor, when not given) come from the audit middleware.
    """
    assert event in EVENTS, f"unknown audit event {event!r}"  # noqa: S101 - a programming error
    if target is not None:
        content_type = ContentType.objects.get_for_model(target)
        object_pk, object_id, object_repr = str(target.pk), target.pk, (target_repr or str(target))[:200]
    else:
        from web.models import UserInfo

        content_type = ContentType.objects.get_for_model(UserInfo)
        object_pk, object_id, object_repr = "", None, target_repr[:200]
    return LogEntry.objects.create(
        content_type=content_type,
        object_pk=object_pk,
        object_id=object_id if isinstance(object_id, int) else None,
        object_repr=object_repr,
        action=LogEntry.Action.ACCESS,
        actor=actor,
        remote_addr=remote_addr,
        changes_text=detail[:1000],
        additional_data={"event": event, **data},
    )


def audit_customer_events(*, kind: str, customer_ids: list[int], actor=None, detail: dict | None = None) -> None:
    """One audit entry for a change of ``kind`` to ``customer_ids`` (a claim of 20 customers is one entry).

    Called by ``web.services.events`` in the change's transaction; kinds outside
    ``AUDITED_CUSTOMER_EVENTS`` are not audited here.
    """
    if kind not in AUDITED_CUSTOMER_EVENTS or not customer_ids:
        return
    from web.models import Customer

    ids = sorted(customer_ids)
    reason = (detail or {}).get("reason") or (detail or {}).get("rule") or ""
    if len(ids) == 1:
        label = _("customer #%(id)d") % {"id": ids[0]}
    else:
        label = _("%(count)d customers") % {"count": len(ids)}
    audit_event(
        event=f"customer_{kind}",
        actor=actor,
        target=Customer(pk=ids[0]),  # the (first) customer: the entry is about customers, not users
        target_repr=str(label),
        detail=str(reason),
        customer_ids=ids[:1000],
        customer_count=len(ids),
    )
