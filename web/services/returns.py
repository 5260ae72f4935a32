"""Automatic return of idle private customers to the public pool (DESIGN.md §4 rule 10).

The rules themselves (a read) are in ``web.selectors.returns``; two rules, each disabled by 0:

* ``no_follow_up``: no follow-up for ``CUSTOMER_RETURN_NO_FOLLOW_UP_DAYS`` days, counted from the
  later of the last follow-up and the day the consultant took the customer (``recv_date``);
* ``not_signed``: still unsigned ``CUSTOMER_RETURN_NOT_SIGNED_DAYS`` days after ``recv_date``.

Signed customers and the public pool are never touched. A customer "taken" before ``recv_date``
existed counts from its entered date.

Safe to run from cron on several machines at once. Each batch is one transaction that locks the
customer rows a plain read picked, by ascending id (``web.services.locks``), and re-checks the
rules on the locked rows: a customer another run returned meanwhile is no longer private, and one claimed, reassigned
or followed up meanwhile no longer matches, so it is left alone. Batches are bounded
(``batch_size``) and walk the ids upwards, so the run ends even when rows keep being skipped.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction

from web.models import Customer, CustomerEvent
from web.selectors.returns import RULE_NO_FOLLOW_UP, RULE_NOT_SIGNED, ReturnRules, customers_to_return
from web.services.events import customer_events_record
from web.services.locks import lock_customers, run_with_retry
from web.services.notifications import notify_customers_returned

#: Customers locked and returned per transaction.
DEFAULT_BATCH_SIZE = 200


@dataclass
class ReturnResult:
    #: consultant id → customers returned from them (or that would be, in a dry run).
    per_consultant: Counter = field(default_factory=Counter)
    #: rule name → customers returned by it.
    per_rule: Counter = field(default_factory=Counter)
    returned_ids: list[int] = field(default_factory=list)
    dry_run: bool = False

    @property
    def total(self) -> int:
        return sum(self.per_consultant.values())


_ROW_FIELDS = ("pk", "consultant_id", "status", "recv_date", "last_consult_date", "date")


def _rule_of(rules: ReturnRules, row: dict) -> str | None:
    """The rule that returns the customer read as ``row`` (one of ``_ROW_FIELDS``), or None."""
    return rules.rule_for(**{name: row[name] for name in _ROW_FIELDS if name != "pk"})


def _return_batch(*, rules: ReturnRules, ids: list[int], result: ReturnResult) -> None:
    with transaction.atomic():
        consultant_ids = set(
            Customer.objects.filter(pk__in=ids, consultant__isnull=False).values_list("consultant_id", flat=True)
        )
        lock_customers(ids)
        rows = Customer.objects.filter(pk__in=ids).order_by("pk").values(*_ROW_FIELDS)
        returned: dict[int, tuple[int, str]] = {}
        for row in rows:
            if row["consultant_id"] not in consultant_ids:
                continue  # moved to another consultant between the read and the lock: that change wins
            rule = _rule_of(rules, row)
            if rule:
                returned[row["pk"]] = (row["consultant_id"], rule)
        if not returned:
            return
        Customer.objects.filter(pk__in=list(returned)).update(consultant=None, recv_date=None, next_consult_date=None)
        for rule in (RULE_NO_FOLLOW_UP, RULE_NOT_SIGNED):
            of_rule = [pk for pk, (_consultant, fired) in returned.items() if fired == rule]
            if of_rule:
                customer_events_record(
                    customer_ids=of_rule,
                    kind=CustomerEvent.Kind.RETURNED,
                    actor=None,
                    consultant_by_customer={pk: returned[pk][0] for pk in of_rule},
                    detail={"rule": rule, "days": rules.days_of(rule)},
                )
        returned_per_consultant = Counter(consultant_id for consultant_id, _rule in returned.values())
        notify_customers_returned(counts=dict(returned_per_consultant))
    for pk, (consultant_id, rule) in returned.items():
        result.per_consultant[consultant_id] += 1
        result.per_rule[rule] += 1
        result.returned_ids.append(pk)


def customers_return_idle(
    *, today: datetime.date | None = None, dry_run: bool = False, batch_size: int = DEFAULT_BATCH_SIZE
) -> ReturnResult:
    """Return every private customer the rules match to the public pool, in bounded batches.

    ``dry_run``: count what would be returned, per consultant and rule, and change nothing.
    """
    rules = ReturnRules.from_settings(today)
    result = ReturnResult(dry_run=dry_run)
    matching = customers_to_return(rules)
    if dry_run:
        for row in matching.values(*_ROW_FIELDS).iterator(chunk_size=2000):
            rule = _rule_of(rules, row)
            result.per_consultant[row["consultant_id"]] += 1
            result.per_rule[rule] += 1
        return result
    last_pk = 0
    while True:
        ids = list(matching.filter(pk__gt=last_pk).order_by("pk").values_list("pk", flat=True)[:batch_size])
        if not ids:
            return result
        run_with_retry(_return_batch, rules=rules, ids=ids, result=result)
        last_pk = ids[-1]
