"""Business rules of the customer pools (DESIGN.md §4 rules 1–4).

Claiming is the part that must be right under concurrency:

* two consultants claiming the same customer at the same moment → exactly one gets it;
* one consultant claiming from several browser tabs at once → never more than
  ``CUSTOMER_PRIVATE_POOL_CAP`` unsigned customers in their private pool.

How (MySQL/MariaDB, InnoDB, READ COMMITTED as configured in settings):

1. ``SELECT ... FOR UPDATE`` on the *consultant's* user row. Every write that can
   raise a consultant's count (claim, assignment, private-pool add) takes this lock
   first, so one consultant's writes run one after another and the cap is counted
   on committed data nobody else can raise before we commit. Different consultants
   lock different rows and do not wait for each other here.
2. A plain read picks the requested ids that look public, then ``SELECT ... FOR UPDATE``
   locks exactly those rows by primary key in ascending id order and re-reads them:
   a row another consultant claimed in between now shows their consultant and is
   reported as already taken. Locking by primary key in one global order means two
   claims over overlapping sets queue behind each other instead of deadlocking.
3. A single ``UPDATE ... WHERE id IN (...)`` moves the locked rows that fit under the cap.

Locking reads and writes here filter on the primary key *only*, and the ownership test
happens in Python on the locked rows. InnoDB locks records of whichever index a statement
scans; with ``consultant_id = X AND id IN (...)`` the optimizer may scan the
(consultant, status) index instead, and two statements walking the same rows through
different indexes lock them in different orders. The benchmark caught exactly that: two
releases from two tabs of one consultant deadlocked.

Lock order everywhere in this module: the consultant's user row first, then customer rows
by ascending id. Writes elsewhere that lock a customer row and then need its consultant's
user row (an INSERT with a foreign key to both takes shared locks on both) could still, in
theory, close a cycle with a claim; InnoDB then aborts one side with a deadlock error, and
a top-level claim simply runs again (``_retry_on_deadlock``), so the user sees no error.

A single conditional ``UPDATE ... LIMIT room`` without step 2 would also be race-free,
but MySQL does not say which rows it took, and the page must report, per customer, what
was claimed, what was already taken and what hit the cap.

On SQLite ``select_for_update`` is a no-op; the project opens every transaction with
``BEGIN IMMEDIATE`` (settings: ``transaction_mode``), which takes the database write lock
up front, so the whole claim runs alone and the same code is race-free there too.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import OperationalError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from web.models import ConsultRecord, Course, Customer, UserInfo
from web.selectors.customers import (
    consult_records_private,
    customer_private_unsigned_count,
    customers_public,
    sales_consultants,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ClaimResult:
    """What happened to each requested customer id (in the order requested)."""

    #: Moved from the public pool into the consultant's private pool.
    claimed: tuple[int, ...] = ()
    #: No longer in the public pool (someone holds it, or it does not exist).
    already_taken: tuple[int, ...] = ()
    #: Still public, but taking it would put the consultant over the cap.
    over_cap: tuple[int, ...] = ()


@dataclass(frozen=True)
class ReleaseResult:
    #: Moved back to the public pool.
    released: tuple[int, ...] = ()
    #: Not in this consultant's private pool; left untouched.
    not_mine: tuple[int, ...] = ()


class PrivatePoolFull(Exception):
    """Adding a customer would put the consultant over the private-pool cap."""

    def __init__(self, cap: int):
        self.cap = cap
        super().__init__(f"private pool full: at most {cap} unsigned customers")


def private_pool_cap() -> int:
    return settings.CUSTOMER_PRIVATE_POOL_CAP


def _clean_ids(customer_ids: Iterable[int | str]) -> list[int]:
    """Distinct positive integer ids, ascending; anything else is dropped (forged or stale input)."""
    ids = set()
    for value in customer_ids:
        try:
            number = int(value)
        except (TypeError, ValueError):
            continue
        if number > 0:
            ids.add(number)
    return sorted(ids)


def ordered_ids(customer_ids: Iterable[int | str]) -> list[int]:
    """Distinct positive integer ids in the order given (a list's order: first seen, first served)."""
    ids: dict[int, None] = {}
    for value in customer_ids:
        try:
            number = int(value)
        except (TypeError, ValueError):
            continue
        if number > 0:
            ids.setdefault(number)
    return list(ids)


def _lock_consultant(consultant: UserInfo) -> None:
    """Serialise the writes that can raise this consultant's count (see the module docstring)."""
    # list() forces the query; select_for_update is lazy like any queryset.
    list(UserInfo.objects.select_for_update().filter(pk=consultant.pk).values_list("pk", flat=True))


#: MySQL/MariaDB error codes after which the whole transaction may simply be run again.
_RETRYABLE_MYSQL_ERRORS = {1213, 1205}  # deadlock found; lock wait timeout exceeded
_ATTEMPTS = 3


def _retry_on_deadlock(func, **kwargs):
    """Run ``func(**kwargs)`` (one transaction) again when InnoDB picked it as a deadlock victim.

    Only at the top level: inside a caller's transaction the rollback has undone the caller's
    work too, so the error must reach the caller.
    """
    if connection.in_atomic_block:
        return func(**kwargs)
    for attempt in range(1, _ATTEMPTS + 1):
        try:
            return func(**kwargs)
        except OperationalError as error:
            code = error.args[0] if error.args else None
            if connection.vendor != "mysql" or code not in _RETRYABLE_MYSQL_ERRORS or attempt == _ATTEMPTS:
                raise
            logger.warning("customer claim retried after MySQL error %s (attempt %s)", code, attempt)
    raise AssertionError("unreachable")


def _lock_customers(ids: Iterable[int]) -> list[tuple[int, int | None, str]]:
    """Lock customer rows by primary key, ascending; return (pk, consultant_id, status) as committed now."""
    return list(
        Customer.objects.filter(pk__in=list(ids))
        .order_by("pk")
        .select_for_update()
        .values_list("pk", "consultant_id", "status")
    )


def _move_to_private_pool(*, consultant: UserInfo, customer_ids: Iterable[int | str]) -> ClaimResult:
    # Rows are locked in ascending id order (no deadlocks) but the room under the cap goes to
    # them in the order requested: what the user saw first in the list is taken first.
    ids = ordered_ids(customer_ids)
    if not ids:
        return ClaimResult()
    with transaction.atomic():
        _lock_consultant(consultant)
        room = max(private_pool_cap() - customer_private_unsigned_count(consultant=consultant), 0)

        candidates = list(customers_public().filter(pk__in=ids).values_list("pk", flat=True))
        locked = {pk: (holder_id, status) for pk, holder_id, status in _lock_customers(candidates)}
        claimed, over_cap = [], []
        for pk in ids:
            if pk not in locked:
                continue  # not public when read
            holder_id, status = locked[pk]
            if holder_id is not None:
                continue  # claimed by someone else between our read and our lock
            if status == Customer.Status.SIGNED:
                claimed.append(pk)  # signed customers do not count toward the cap
            elif room > 0:
                claimed.append(pk)
                room -= 1
            else:
                over_cap.append(pk)

        if claimed:
            # Locked above and seen public under the lock: nobody can have taken them since.
            Customer.objects.filter(pk__in=claimed).update(consultant=consultant)

    unavailable = set(claimed) | set(over_cap)
    return ClaimResult(
        claimed=tuple(claimed),
        already_taken=tuple(pk for pk in ids if pk not in unavailable),
        over_cap=tuple(over_cap),
    )


def customer_claim(*, consultant: UserInfo, customer_ids: Iterable[int | str]) -> ClaimResult:
    """A consultant claims customers from the public pool into their private pool (公户 → 私户).

    Takes those still public at this moment, in id order, while the consultant's unsigned
    private customers stay within the cap. Race-free; see the module docstring.
    """
    return _retry_on_deadlock(_move_to_private_pool, consultant=consultant, customer_ids=customer_ids)


def customer_assign(*, manager: UserInfo, consultant: UserInfo, customer_ids: Iterable[int | str]) -> ClaimResult:
    """A sales manager moves public customers into a consultant's private pool.

    Same cap and same race-free rule as :func:`customer_claim`. The consultant must be an
    active member of a sales department; otherwise ``ValidationError``.
    """
    if not sales_consultants().filter(pk=consultant.pk).exists():
        raise ValidationError(_("Customers can only be assigned to active sales staff."), code="not_sales")
    result = _retry_on_deadlock(_move_to_private_pool, consultant=consultant, customer_ids=customer_ids)
    logger.info(
        "customer_assign manager=%s consultant=%s claimed=%s already_taken=%s over_cap=%s",
        manager.pk,
        consultant.pk,
        len(result.claimed),
        len(result.already_taken),
        len(result.over_cap),
    )
    return result


def customer_release(*, consultant: UserInfo, customer_ids: Iterable[int | str]) -> ReleaseResult:
    """A consultant puts customers from their private pool back into the public pool.

    Only the consultant's own customers move; any other id (forged, stale) is reported, not touched.
    """
    ids = _clean_ids(customer_ids)
    if not ids:
        return ReleaseResult()
    with transaction.atomic():
        mine = [pk for pk, holder_id, _status in _lock_customers(ids) if holder_id == consultant.pk]
        if mine:
            Customer.objects.filter(pk__in=mine).update(consultant=None)
    released = set(mine)
    return ReleaseResult(released=tuple(mine), not_mine=tuple(pk for pk in ids if pk not in released))


def customer_create_private(*, consultant: UserInfo, customer: Customer, courses: Iterable[Course] = ()) -> Customer:
    """Save a new customer straight into ``consultant``'s private pool; it counts toward the cap.

    ``customer`` is an unsaved instance (e.g. ``form.save(commit=False)``); whatever consultant
    it carries is replaced. Raises :class:`PrivatePoolFull` when an unsigned customer would not fit.
    """
    with transaction.atomic():
        _lock_consultant(consultant)
        if customer.status != Customer.Status.SIGNED:
            if customer_private_unsigned_count(consultant=consultant) >= private_pool_cap():
                raise PrivatePoolFull(private_pool_cap())
        customer.consultant = consultant
        customer.save()
        customer.course.set(courses)
    return customer


#: Fields no customer form may write: the pool (claim/release/assign), signing (payment approval)
#: and the follow-up date (follow-ups) each have their own service.
SERVER_FIELDS = frozenset({"id", "consultant", "status", "last_consult_date"})


def customer_update(
    *, customer: Customer, fields: Iterable[str], holder: UserInfo | None, courses: Iterable[Course] | None = None
) -> Customer:
    """Save the edited ``fields`` of ``customer``, only while it is still held by ``holder`` (None: public).

    Only those fields are written, so an edit never undoes what happened meanwhile elsewhere
    (a claim, a release, a payment approval signing the customer, a new follow-up); ownership
    is checked on the locked row. Raises ``Customer.DoesNotExist`` when the customer moved.
    """
    concrete = {model_field.name for model_field in Customer._meta.concrete_fields}
    update_fields = [name for name in fields if name in concrete and name not in SERVER_FIELDS]
    with transaction.atomic():
        locked = _lock_customers([customer.pk])
        if not locked or locked[0][1] != (holder.pk if holder is not None else None):
            raise Customer.DoesNotExist("the customer is no longer in this pool")
        if update_fields:
            customer.save(update_fields=update_fields)
        if courses is not None:
            customer.course.set(courses)
    return customer


def consult_record_add(*, consultant: UserInfo, customer_id: int, note: str) -> ConsultRecord:
    """Write a follow-up for one of the consultant's own customers and update its last follow-up date.

    Raises ``Customer.DoesNotExist`` when the customer is not in the consultant's private pool.
    """
    with transaction.atomic():
        _lock_consultant(consultant)  # the module's lock order: user row, then customer row
        # Lock the customer so a release in another tab cannot slip between the check and the insert.
        locked = _lock_customers([customer_id])
        if not locked or locked[0][1] != consultant.pk:
            raise Customer.DoesNotExist("not a customer of this consultant")
        customer = Customer.objects.get(pk=customer_id)
        record = ConsultRecord.objects.create(
            customer=customer, consultant=consultant, note=note, date=timezone.localdate()
        )
        Customer.objects.filter(pk=customer.pk).update(last_consult_date=record.date)
    return record


def consult_record_edit(*, consultant: UserInfo, customer_id: int, record_id: int, note: str) -> ConsultRecord:
    """Change the note of a follow-up of one of the consultant's own customers.

    Customer, author and date stay as they are. Raises ``ConsultRecord.DoesNotExist`` when the
    record is not one of that customer's, or the customer is not the consultant's.
    """
    with transaction.atomic():
        record = consult_records_private(consultant=consultant, customer_id=customer_id).get(pk=record_id)
        record.note = note
        record.save(update_fields=["note"])
    return record


def consult_record_delete(*, consultant: UserInfo, customer_id: int, record_id: int) -> None:
    """Delete a follow-up of one of the consultant's own customers (``DoesNotExist`` otherwise)."""
    with transaction.atomic():
        consult_records_private(consultant=consultant, customer_id=customer_id).get(pk=record_id).delete()
