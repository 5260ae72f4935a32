"""Row locks, conflicting writes and the retry of whole services (one MariaDB or a Galera cluster).

Every service that checks a rule and then writes must stay exact when several app servers run it
at once, on one InnoDB server *and* on a MariaDB Galera cluster. The two differ:

* On one server, ``SELECT ... FOR UPDATE`` makes concurrent transactions queue on a row.
* On Galera, a row lock holds only on the node that took it. Two transactions on two nodes both
  pass their checks; at COMMIT the cluster certifies their write-sets and aborts the later one
  with MySQL error 1213 (deadlock) if both *wrote* a common row (primary or unique key).
  Certification is the only arbiter: a rule holds across nodes only if the transactions that
  could break it together all write one common row.

So each protected rule names the row its services write (docs/scaling.md has the table):

=============================================  ==============================================
rule                                           the row every contender writes
=============================================  ==============================================
a customer has one owner                       the customer row (``UPDATE customer SET consultant``)
a consultant holds at most the cap unsigned    the consultant's ``ConsultantPoolGuard`` row, bumped by
                                               every claim / assignment / private add (``guard_consultant``)
an application is decided once                 the payment / class-change row (conditional UPDATE on status)
a student joins a class once                   the (student, class) membership row (unique key)
=============================================  ==============================================

and :func:`retry_on_conflict` runs the whole service again when the database says 1213 (deadlock or
failed certification) or 1205 (lock wait timeout): the next attempt re-reads committed data and
decides again. Attempts are bounded (``DB_CONFLICT_ATTEMPTS``, default 10) with a short random
back-off; when they run out, :class:`ServiceBusy` says so and nothing was written.

Lock order (one server; avoids deadlocks rather than retrying them): the consultant's guard row
first, then customer rows by ascending primary key, then anything else. Lock customer rows
through :func:`lock_customers` only (primary key only; see ``web.services.customers``).

Using it in a new service (e.g. a batch reassignment)::

    from web.services.locks import guard_consultant, lock_customers, retry_on_conflict

    @retry_on_conflict           # outermost: each attempt is a fresh transaction
    @transaction.atomic
    def customer_reassign(*, manager, consultant, customer_ids):
        guard_consultant(consultant)             # 1. cap: the target's guard row
        for pk, holder_id, status in lock_customers(ids):   # 2. rows by ascending id
            ...                                  # decide on the locked, committed values
        Customer.objects.filter(pk__in=moved).update(consultant=consultant)  # 3. owner: the rows

A service that commits several transactions in a loop (one per item) wraps the per-item function,
not the loop, so a retry never repeats an item already committed. Inside a caller's transaction
the decorator runs the function once and lets the error reach the caller: a rollback has undone
the caller's work too, so only the outermost level may start again. Arguments must survive a
retry (pass ids and values; an unsaved instance gets its primary key back to ``None``).
"""

from __future__ import annotations

import functools
import logging
import random
import time
from collections.abc import Callable, Iterable
from typing import ParamSpec, TypeVar

from django.conf import settings
from django.db import OperationalError, connections, router, transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from web.models import ConsultantPoolGuard, Customer, UserInfo

logger = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")

#: MySQL/MariaDB errors after which the whole transaction may be run again.
RETRYABLE_MYSQL_ERRORS = frozenset({1213, 1205})  # deadlock / failed certification; lock wait timeout


class ServiceBusy(Exception):
    """The service lost to conflicting concurrent changes on every attempt; nothing was written."""

    message = _("The database was busy with conflicting changes and nothing was saved. Please try again.")

    def __init__(self, attempts: int, code: int | None):
        self.attempts = attempts
        self.code = code
        super().__init__(f"gave up after {attempts} attempts (MySQL error {code})")


def conflict_attempts() -> int:
    return max(int(getattr(settings, "DB_CONFLICT_ATTEMPTS", 10)), 1)


def is_retryable(error: BaseException, *, using: str = "default") -> bool:
    """Whether ``error`` is a deadlock, certification failure or lock wait timeout of MySQL/MariaDB."""
    if not isinstance(error, OperationalError) or connections[using].vendor != "mysql":
        return False
    code = error.args[0] if error.args else None
    return code in RETRYABLE_MYSQL_ERRORS


def _backoff(attempt: int) -> float:
    # Random, growing pauses ("full jitter") spread the retries of contenders that just collided;
    # on Galera the loser must also let the winner's write-set apply on its node (at most 1 s).
    return random.uniform(0, min(1.0, 0.02 * 2**attempt))  # noqa: S311 - jitter, not security


def run_with_retry(func: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """Call ``func`` (which opens its own transaction) until it is not aborted by a conflict.

    Raises :class:`ServiceBusy` after ``DB_CONFLICT_ATTEMPTS`` aborted attempts.
    """
    using = router.db_for_write(Customer)
    if transaction.get_connection(using).in_atomic_block:
        return func(*args, **kwargs)
    attempts = conflict_attempts()
    for attempt in range(1, attempts + 1):
        try:
            return func(*args, **kwargs)
        except OperationalError as error:
            if not is_retryable(error, using=using):
                raise
            code = error.args[0]
            if attempt == attempts:
                logger.error("%s gave up after %s attempts (MySQL error %s)", func.__qualname__, attempts, code)
                raise ServiceBusy(attempts, code) from error
            logger.warning("%s retried after MySQL error %s (attempt %s)", func.__qualname__, code, attempt)
            time.sleep(_backoff(attempt))
    raise AssertionError("unreachable")


def retry_on_conflict(func: Callable[P, R]) -> Callable[P, R]:
    """Decorator form of :func:`run_with_retry`; put it above ``@transaction.atomic``."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        return run_with_retry(func, *args, **kwargs)

    return wrapper


def guard_consultant(consultant: UserInfo) -> None:
    """Write the consultant's guard row (inside the caller's transaction).

    Every write that can raise the consultant's count of unsigned private customers calls this
    *before* counting. On one server the UPDATE's row lock makes those writes queue (the first
    step of the lock order); on Galera two of them on different nodes both write this row, so
    certification lets one commit and aborts the other with 1213, whose retry counts again.
    """
    guards = ConsultantPoolGuard.objects
    if not guards.filter(consultant_id=consultant.pk).update(writes=F("writes") + 1):
        # The consultant's first guarded write creates the row. INSERT IGNORE: a concurrent creator
        # on this server makes it a no-op; on Galera a duplicate insert on another node fails
        # certification (1213) and the retry finds the row.
        guards.bulk_create([ConsultantPoolGuard(consultant_id=consultant.pk)], ignore_conflicts=True)
        guards.filter(consultant_id=consultant.pk).update(writes=F("writes") + 1)


def lock_customers(ids: Iterable[int]) -> list[tuple[int, int | None, str]]:
    """Lock customer rows by primary key, ascending; return (pk, consultant_id, status) as committed now."""
    return list(
        Customer.objects.filter(pk__in=list(ids))
        .order_by("pk")
        .select_for_update()
        .values_list("pk", "consultant_id", "status")
    )
