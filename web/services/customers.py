"""Business rules of the customer pools (DESIGN.md §4 rules 1–4).

Claiming is the part that must be right under concurrency:

* two consultants claiming the same customer at the same moment → exactly one gets it;
* one consultant claiming from several browser tabs at once → never more than
  ``CUSTOMER_PRIVATE_POOL_CAP`` unsigned customers in their private pool.

How (MySQL/MariaDB, InnoDB, READ COMMITTED as configured in settings; the helpers and the
lock order live in ``web.services.locks``):

1. ``guard_consultant`` writes the *consultant's* guard row. Every write that can raise a
   consultant's count (claim, assignment, private-pool add) writes it first, so one
   consultant's writes run one after another on one server (and conflict at certification
   on a Galera cluster), and the cap is counted on committed data nobody else can raise
   before we commit. Different consultants write different rows and do not wait for each other.
2. A plain read picks the requested ids that look public, then ``lock_customers`` locks exactly
   those rows by primary key in ascending id order and re-reads them: a row another consultant
   claimed in between now shows their consultant and is reported as already taken. Locking by
   primary key in one global order means two claims over overlapping sets queue behind each
   other instead of deadlocking.
3. A single ``UPDATE ... WHERE id IN (...)`` moves the locked rows that fit under the cap; on
   Galera this write of the customer rows is what makes two claims of one customer conflict.

Locking reads and writes here filter on the primary key *only*, and the ownership test
happens in Python on the locked rows. InnoDB locks records of whichever index a statement
scans; with ``consultant_id = X AND id IN (...)`` the optimizer may scan the
(consultant, status) index instead, and two statements walking the same rows through
different indexes lock them in different orders. The benchmark caught exactly that: two
releases from two tabs of one consultant deadlocked.

Every service here runs under ``retry_on_conflict``: when InnoDB picks it as a deadlock victim
or Galera's certification aborts it (error 1213), the whole service runs again on fresh data, a
bounded number of times, then ``ServiceBusy``.

A single conditional ``UPDATE ... LIMIT room`` without step 2 would also be race-free,
but MySQL does not say which rows it took, and the page must report, per customer, what
was claimed, what was already taken and what hit the cap.

On SQLite ``select_for_update`` is a no-op; the project opens every transaction with
``BEGIN IMMEDIATE`` (settings: ``transaction_mode``), which takes the database write lock
up front, so the whole claim runs alone and the same code is race-free there too.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stark.utils import clean_pks
from web.models import ConsultRecord, Course, Customer, CustomerEvent, UserInfo
from web.selectors.customers import (
    consult_records_private,
    customer_claims_today_count,
    customer_ids_in_reclaim_cooldown,
    customer_private_unsigned_count,
    customers_public,
    sales_consultants,
)
from web.services.events import actor_name, customer_event_record, customer_events_record
from web.services.figures import figures_customer_edited
from web.services.locks import guard_consultant, lock_customers, retry_on_conflict, run_with_retry
from web.services.notifications import notify_customers_assigned

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
    #: Issue 12: released or returned from this consultant too recently to claim back.
    cooldown: tuple[int, ...] = ()
    #: Issue 12: over the consultant's daily claim limit.
    daily_limit: tuple[int, ...] = ()


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


def reclaim_cooldown_days() -> int:
    return settings.CUSTOMER_RECLAIM_COOLDOWN_DAYS


def daily_claim_limit() -> int:
    """0: no limit."""
    return settings.CUSTOMER_DAILY_CLAIM_LIMIT


def _move_to_private_pool(
    *, consultant: UserInfo, customer_ids: Iterable[int | str], actor: UserInfo, kind: str
) -> ClaimResult:
    # Rows are locked in ascending id order (no deadlocks) but the room under the cap goes to
    # them in the order requested: what the user saw first in the list is taken first.
    ids = clean_pks(Customer, customer_ids)
    if not ids:
        return ClaimResult()
    with transaction.atomic():
        guard_consultant(consultant)
        room = max(private_pool_cap() - customer_private_unsigned_count(consultant=consultant), 0)

        candidates = list(customers_public().filter(pk__in=ids).values_list("pk", flat=True))
        locked = {pk: (holder_id, status) for pk, holder_id, status in lock_customers(candidates)}
        # In the order requested; a row claimed by someone else between our read and our lock
        # now shows its holder, and one not public when read is not locked at all: both skipped.
        free = [(pk, locked[pk][1]) for pk in ids if pk in locked and locked[pk][0] is None]
        cooling: set[int] = set()
        claims_left: int | None = None
        if kind == CustomerEvent.Kind.CLAIMED:
            # The claim rules beside the cap, counted under the same locks (the consultant's guard
            # row serialises their claims; a release or return is committed with its event).
            cooling = customer_ids_in_reclaim_cooldown(
                consultant=consultant, customer_ids=[pk for pk, _status in free], days=reclaim_cooldown_days()
            )
            if daily_claim_limit() > 0:
                claims_left = max(daily_claim_limit() - customer_claims_today_count(consultant=consultant), 0)
        claimed, over_cap, cooldown, over_daily = [], [], [], []
        for pk, status in free:
            if pk in cooling:
                cooldown.append(pk)
            elif claims_left is not None and claims_left <= 0:
                over_daily.append(pk)
            elif status == Customer.Status.SIGNED or room > 0:
                claimed.append(pk)
                if status != Customer.Status.SIGNED:
                    room -= 1  # signed customers do not count toward the cap
                if claims_left is not None:
                    claims_left -= 1
            else:
                over_cap.append(pk)

        if claimed:
            # Locked above and seen public under the lock: nobody can have taken them since.
            Customer.objects.filter(pk__in=claimed).update(consultant=consultant, recv_date=timezone.localdate())
            customer_events_record(
                customer_ids=claimed,
                kind=kind,
                actor=actor,
                consultant=consultant,
                detail={"consultant_id": consultant.pk, "consultant": actor_name(consultant)},
            )
            if kind == CustomerEvent.Kind.ASSIGNED:
                notify_customers_assigned(consultant=consultant, count=len(claimed), by=actor)

    unavailable = set(claimed) | set(over_cap) | set(cooldown) | set(over_daily)
    return ClaimResult(
        claimed=tuple(claimed),
        already_taken=tuple(pk for pk in ids if pk not in unavailable),
        over_cap=tuple(over_cap),
        cooldown=tuple(cooldown),
        daily_limit=tuple(over_daily),
    )


def customer_claim(*, consultant: UserInfo, customer_ids: Iterable[int | str]) -> ClaimResult:
    """A consultant claims customers from the public pool into their private pool (公户 → 私户).

    Takes those still public at this moment, in id order, while the consultant's unsigned
    private customers stay within the cap. Race-free; see the module docstring.
    """
    return run_with_retry(
        _move_to_private_pool,
        consultant=consultant,
        customer_ids=customer_ids,
        actor=consultant,
        kind=CustomerEvent.Kind.CLAIMED,
    )


def customer_assign(*, manager: UserInfo, consultant: UserInfo, customer_ids: Iterable[int | str]) -> ClaimResult:
    """A sales manager moves public customers into a consultant's private pool.

    Same cap and same race-free rule as :func:`customer_claim`. The consultant must be an
    active member of a sales department; otherwise ``ValidationError``.
    """
    if not sales_consultants().filter(pk=consultant.pk).exists():
        raise ValidationError(_("Customers can only be assigned to active sales staff."), code="not_sales")
    result = run_with_retry(
        _move_to_private_pool,
        consultant=consultant,
        customer_ids=customer_ids,
        actor=manager,
        kind=CustomerEvent.Kind.ASSIGNED,
    )
    logger.info(
        "customer_assign manager=%s consultant=%s claimed=%s already_taken=%s over_cap=%s",
        manager.pk,
        consultant.pk,
        len(result.claimed),
        len(result.already_taken),
        len(result.over_cap),
    )
    return result


@retry_on_conflict
def customer_release(*, consultant: UserInfo, customer_ids: Iterable[int | str]) -> ReleaseResult:
    """A consultant puts customers from their private pool back into the public pool.

    Only the consultant's own customers move; any other id (forged, stale) is reported, not touched.
    """
    ids = sorted(clean_pks(Customer, customer_ids))  # a release has no order: rows by ascending id
    if not ids:
        return ReleaseResult()
    with transaction.atomic():
        mine = [pk for pk, holder_id, _status in lock_customers(ids) if holder_id == consultant.pk]
        if mine:
            Customer.objects.filter(pk__in=mine).update(consultant=None, recv_date=None)
            customer_events_record(
                customer_ids=mine, kind=CustomerEvent.Kind.RELEASED, actor=consultant, consultant=consultant
            )
    released = set(mine)
    return ReleaseResult(released=tuple(mine), not_mine=tuple(pk for pk in ids if pk not in released))


def customer_create_private(*, consultant: UserInfo, customer: Customer, courses: Iterable[Course] = ()) -> Customer:
    """Save a new customer straight into ``consultant``'s private pool; it counts toward the cap.

    ``customer`` is an unsaved instance (e.g. ``form.save(commit=False)``); whatever consultant
    it carries is replaced. Raises :class:`PrivatePoolFull` when an unsigned customer would not fit.
    """
    return run_with_retry(_create_private, consultant=consultant, customer=customer, courses=list(courses))


def _create_private(*, consultant: UserInfo, customer: Customer, courses: list[Course]) -> Customer:
    # A retried attempt starts again from an unsaved customer (the rolled-back save set its pk).
    customer.pk = None
    customer._state.adding = True
    with transaction.atomic():
        guard_consultant(consultant)
        if customer.status != Customer.Status.SIGNED:
            if customer_private_unsigned_count(consultant=consultant) >= private_pool_cap():
                raise PrivatePoolFull(private_pool_cap())
        customer.consultant = consultant
        customer.recv_date = timezone.localdate()
        customer.save()
        customer.course.set(courses)
        customer_event_record(
            customer=customer,
            kind=CustomerEvent.Kind.ENTERED,
            actor=consultant,
            consultant=consultant,
            detail={"pool": "private"},
        )
    return customer


def customer_create_public(*, user: UserInfo, customer: Customer, courses: Iterable[Course] = ()) -> Customer:
    """Save a new customer into the public pool (operations' add page); ``customer`` is unsaved."""
    with transaction.atomic():
        customer.consultant = None
        customer.recv_date = None
        customer.save()
        customer.course.set(courses)
        customer_event_record(customer=customer, kind=CustomerEvent.Kind.ENTERED, actor=user, detail={"pool": "public"})
    return customer


#: Fields no customer form may write: the pool (claim/release/assign), signing (payment approval)
#: and the follow-up date (follow-ups) each have their own service.
SERVER_FIELDS = frozenset({"id", "consultant", "status", "last_consult_date", "next_consult_date", "recv_date"})


@retry_on_conflict
def customer_update(
    *,
    customer: Customer,
    fields: Iterable[str],
    holder: UserInfo | None,
    courses: Iterable[Course] | None = None,
    user: UserInfo | None = None,
    changed: Iterable[str] | None = None,
) -> Customer:
    """Save the edited ``fields`` of ``customer``, only while it is still held by ``holder`` (None: public).

    Only those fields are written, so an edit never undoes what happened meanwhile elsewhere
    (a claim, a release, a payment approval signing the customer, a new follow-up); ownership
    is checked on the locked row. Raises ``Customer.DoesNotExist`` when the customer moved.

    An ``edited`` event by ``user`` (default: the holder) names the ``changed`` fields (default:
    every written field); nothing changed, no event.
    """
    concrete = {model_field.name for model_field in Customer._meta.concrete_fields}
    update_fields = [name for name in fields if name in concrete and name not in SERVER_FIELDS]
    with transaction.atomic():
        locked = lock_customers([customer.pk])
        if not locked or locked[0][1] != (holder.pk if holder is not None else None):
            raise Customer.DoesNotExist("the customer is no longer in this pool")
        if update_fields:
            before = Customer.objects.filter(pk=customer.pk).values_list("date", "source").get()
            customer.save(update_fields=update_fields)
            # The funnel's roll-up counts customers by entry date and source: an edit may move one.
            after = tuple(
                getattr(customer, name) if name in update_fields else old
                for name, old in zip(("date", "source"), before, strict=True)
            )
            figures_customer_edited(customer_id=customer.pk, before=before, after=after)
        if courses is not None:
            customer.course.set(courses)
        names = list(changed) if changed is not None else update_fields
        if names:
            customer_event_record(
                customer=customer,
                kind=CustomerEvent.Kind.EDITED,
                actor=user if user is not None else holder,
                detail={"fields": names},
            )
    return customer


@retry_on_conflict
def consult_record_add(
    *, consultant: UserInfo, customer_id: int, note: str, next_consult_date: datetime.date | None = None
) -> ConsultRecord:
    """Write a follow-up for one of the consultant's own customers and update its follow-up dates.

    The customer's last follow-up becomes today and its next follow-up ``next_consult_date``
    (None clears it: this follow-up has dealt with the reminder). Raises ``ValidationError``
    for a next date in the past and ``Customer.DoesNotExist`` when the customer is not in the
    consultant's private pool.
    """
    if next_consult_date is not None and next_consult_date < timezone.localdate():
        raise ValidationError(
            {"next_consult_date": _("The next follow-up cannot be in the past.")}, code="next_consult_date_past"
        )
    with transaction.atomic():
        guard_consultant(consultant)  # the module's lock order: user row, then customer row
        # Lock the customer so a release in another tab cannot slip between the check and the insert.
        locked = lock_customers([customer_id])
        if not locked or locked[0][1] != consultant.pk:
            raise Customer.DoesNotExist("not a customer of this consultant")
        customer = Customer.objects.get(pk=customer_id)
        record = ConsultRecord.objects.create(
            customer=customer, consultant=consultant, note=note, date=timezone.localdate()
        )
        Customer.objects.filter(pk=customer.pk).update(
            last_consult_date=record.date, next_consult_date=next_consult_date
        )
        detail = {"record_id": record.pk, "note": note[:200]}
        if next_consult_date is not None:
            detail["next_consult_date"] = next_consult_date.isoformat()
        customer_event_record(customer=customer, kind=CustomerEvent.Kind.FOLLOWED_UP, actor=consultant, detail=detail)
    return record


@retry_on_conflict
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


@retry_on_conflict
def consult_record_delete(*, consultant: UserInfo, customer_id: int, record_id: int) -> None:
    """Delete a follow-up of one of the consultant's own customers (``DoesNotExist`` otherwise)."""
    with transaction.atomic():
        consult_records_private(consultant=consultant, customer_id=customer_id).get(pk=record_id).delete()
