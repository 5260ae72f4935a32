"""The sales manager moves private customers from one consultant to another (DESIGN.md §4 rule 12).

Same locks and same cap as a claim (``web.services.locks``): the *target* consultant's guard
row first, then the customer rows by ascending primary key, then one UPDATE of the rows that
were seen under the lock held by someone other than the target. A claim by the target at the
same moment waits on (or, on Galera, conflicts with) the target's guard row, so together they
never go over the cap; a release, a claim or another reassignment of the same customer writes
the customer's row, so each customer ends with exactly one holder. The whole service is retried
on a deadlock or certification failure.

The previous holder is not checked: a deactivated consultant's customers must always be
movable, or they would be stranded when someone leaves.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stark.utils import clean_pks
from web.models import Customer, CustomerEvent, UserInfo
from web.selectors.customers import consultants_for_manager, customer_private_unsigned_count
from web.services.customers import private_pool_cap
from web.services.events import actor_name, customer_events_record
from web.services.locks import guard_consultant, lock_customers, run_with_retry
from web.services.notifications import notify_customers_assigned

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReassignResult:
    """What happened to each requested customer id (each in exactly one tuple, in request order)."""

    #: Now held by the target consultant.
    moved: tuple[int, ...] = ()
    #: Already held by the target consultant; nothing to do.
    already_theirs: tuple[int, ...] = ()
    #: In the public pool (assign those instead) or no longer existing.
    not_private: tuple[int, ...] = ()
    #: Unsigned, and moving it would put the target consultant over the cap.
    over_cap: tuple[int, ...] = ()


def customer_reassign(*, manager: UserInfo, consultant: UserInfo, customer_ids: Iterable[int | str]) -> ReassignResult:
    """Move private customers to ``consultant``, in the order given, while the cap allows.

    ``customer_ids`` is in priority order (the list's order: what the manager sees first is
    moved first when the cap runs out). ``ValidationError`` when ``consultant`` is not an
    active member of a sales department, or is the manager himself.
    """
    if not consultants_for_manager(manager=manager).filter(pk=consultant.pk).exists():
        raise ValidationError(
            _("Customers can only be moved to active sales staff other than yourself."), code="not_sales"
        )
    ids = clean_pks(Customer, customer_ids)
    result = run_with_retry(_reassign, manager=manager, consultant=consultant, customer_ids=ids)
    logger.info(
        "customer_reassign manager=%s consultant=%s moved=%s already_theirs=%s not_private=%s over_cap=%s",
        manager.pk,
        consultant.pk,
        len(result.moved),
        len(result.already_theirs),
        len(result.not_private),
        len(result.over_cap),
    )
    return result


def _reassign(*, manager: UserInfo, consultant: UserInfo, customer_ids: list[int]) -> ReassignResult:
    if not customer_ids:
        return ReassignResult()
    with transaction.atomic():
        guard_consultant(consultant)
        room = max(private_pool_cap() - customer_private_unsigned_count(consultant=consultant), 0)
        locked = {pk: (holder, status) for pk, holder, status in lock_customers(customer_ids)}
        moved, already_theirs, not_private, over_cap = [], [], [], []
        for pk in customer_ids:
            holder, status = locked.get(pk, (None, None))
            if holder is None:
                not_private.append(pk)
            elif holder == consultant.pk:
                already_theirs.append(pk)
            elif status == Customer.Status.SIGNED:
                moved.append(pk)  # signed customers do not count toward the cap
            elif room > 0:
                moved.append(pk)
                room -= 1
            else:
                over_cap.append(pk)
        if moved:
            # Locked above and seen held by someone else under the lock: nobody can have moved them since.
            Customer.objects.filter(pk__in=moved).update(consultant=consultant, recv_date=timezone.localdate())
            previous = {pk: locked[pk][0] for pk in moved}
            names = {user.pk: actor_name(user) for user in UserInfo.objects.filter(pk__in=set(previous.values()))}
            customer_events_record(
                customer_ids=moved,
                kind=CustomerEvent.Kind.REASSIGNED,
                actor=manager,
                consultant=consultant,
                detail={"consultant": actor_name(consultant), "consultant_id": consultant.pk},
                detail_by_customer={
                    pk: {"from_consultant": names.get(holder, ""), "from_consultant_id": holder}
                    for pk, holder in previous.items()
                },
            )
            notify_customers_assigned(consultant=consultant, count=len(moved), by=manager, reassigned=True)
    return ReassignResult(
        moved=tuple(moved),
        already_theirs=tuple(already_theirs),
        not_private=tuple(not_private),
        over_cap=tuple(over_cap),
    )
