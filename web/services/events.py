"""The customer's history (客户动态): one place that writes ``CustomerEvent`` rows.

Every service that changes a customer calls one of these two functions inside its own
transaction, right after the change, so an event exists exactly when the change committed
(a refused or rolled-back change leaves no event). Views never write events. Moves between the
pools and payment decisions are also recorded in the audit trail (``web.audit``), one entry per
change, in the same transaction, and the events the manager's funnel counts are added to its daily
roll-up (``web.services.figures``).

``detail`` holds plain JSON values only (ids, names, amounts, reasons, rule names); the
customer page renders them escaped.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import connection
from django.utils import timezone

from web.audit import audit_customer_events
from web.models import Customer, CustomerEvent, UserInfo
from web.services.figures import figures_record_events

Kind = CustomerEvent.Kind

#: Rows per INSERT when many customers change at once (an import, a claim of 150, a return run).
BULK_BATCH_SIZE = 500


def _require_transaction() -> None:
    # Fail early: an event written outside the change's transaction could survive a rollback.
    if not connection.in_atomic_block:
        raise RuntimeError("customer events must be written inside the transaction of the change they record")


def _kind(kind: str) -> str:
    if kind not in Kind.values:
        raise ValueError(f"unknown customer event kind {kind!r}; use one of CustomerEvent.Kind")
    return kind


def customer_event_record(
    *,
    customer: Customer | int,
    kind: str,
    actor: UserInfo | None = None,
    consultant: UserInfo | int | None = None,
    detail: Mapping[str, Any] | None = None,
) -> CustomerEvent:
    """Write one event for ``customer`` (an instance or a primary key). ``actor=None``: the system.

    ``consultant`` (a user or a user id): who got the customer (claimed, assigned, reassigned) or
    lost it (released, returned), or whose application or sale it is (payment events, signed); the
    claim rules and the dashboards count by it.
    """
    _require_transaction()
    customer_id = customer if isinstance(customer, int) else customer.pk
    event = CustomerEvent.objects.create(
        customer_id=customer_id,
        kind=_kind(kind),
        actor=actor,
        consultant_id=consultant.pk if isinstance(consultant, UserInfo) else consultant,
        at=timezone.now(),
        detail=dict(detail or {}),
    )
    audit_customer_events(kind=kind, customer_ids=[customer_id], actor=actor, detail=event.detail)
    figures_record_events([event])
    return event


def customer_events_record(
    *,
    customer_ids: Iterable[int],
    kind: str,
    actor: UserInfo | None = None,
    consultant: UserInfo | None = None,
    consultant_by_customer: Mapping[int, int | None] | None = None,
    detail: Mapping[str, Any] | None = None,
    detail_by_customer: Mapping[int, Mapping[str, Any]] | None = None,
    at_by_customer: Mapping[int, datetime.datetime] | None = None,
) -> int:
    """Write the same kind of event for many customers in bulk INSERTs; returns how many were written.

    ``detail`` is shared by all of them; ``detail_by_customer`` adds per-customer facts (e.g. the
    consultant a reassigned customer came from) on top of it. ``consultant`` is the same for all;
    ``consultant_by_customer`` (customer id → user id) gives each its own (the automatic return:
    each customer's former consultant). ``at_by_customer`` (customer id → aware datetime) dates an
    event in the past instead of now: only for history written after the fact (the demo data).
    """
    _require_transaction()
    kind = _kind(kind)
    now = timezone.now()
    shared = dict(detail or {})
    per_customer = detail_by_customer or {}
    events = [
        CustomerEvent(
            customer_id=customer_id,
            kind=kind,
            actor=actor,
            consultant_id=(
                consultant_by_customer.get(customer_id)
                if consultant_by_customer is not None
                else (consultant.pk if consultant is not None else None)
            ),
            at=(at_by_customer or {}).get(customer_id, now),
            detail={**shared, **per_customer.get(customer_id, {})},
        )
        for customer_id in customer_ids
    ]
    CustomerEvent.objects.bulk_create(events, batch_size=BULK_BATCH_SIZE)
    figures_record_events(events)
    audit_customer_events(kind=kind, customer_ids=[event.customer_id for event in events], actor=actor, detail=shared)
    return len(events)


def actor_name(user: UserInfo | None) -> str:
    """How a person is named in an event's detail: the name they had when it happened."""
    if user is None:
        return ""
    return user.name or user.username
