"""The public pool's customers per entry day (``PublicPoolDay``): summing and checking its rows.

Triggers on the customer table write one +1 or -1 row per change (``web.models.PublicPoolDay``);
these functions keep that table small and prove it right.
"""

from __future__ import annotations

import datetime

from django.db import DatabaseError, connections, transaction
from django.db.models import Count, Max, Sum

from web.models import Customer, PublicPoolDay
from web.services.locks import is_retryable

#: Rows beyond one per day that the list lets pile up before it sums them (a bulk import of
#: 10,000 public customers adds as many; summing them per day is one read and one delete).
COMPACT_AFTER_ROWS = 10_000


class _Concurrent(Exception):
    """Another compaction, or a write not yet committed, touched the rows being summed."""


def compact_public_pool_days() -> int:
    """Replace each day's rows by one row with their sum; returns how many rows went.

    Safe while customers are claimed and added: only the rows up to the highest id seen are
    summed and deleted, in one transaction; rows the triggers add meanwhile get higher ids and
    stay. If the delete removes a different number of rows than were summed (a concurrent
    compaction got there first, or an insert with a lower id committed in between), everything
    is rolled back and 0 returned: the next compaction sums them. The same when a compaction on
    another Galera node deleted the same rows first (certification aborts this one).
    """
    try:
        with transaction.atomic():
            top = PublicPoolDay.objects.aggregate(top=Max("pk"))["top"]
            if top is None:
                return 0
            summed = PublicPoolDay.objects.filter(pk__lte=top)
            days = list(summed.values_list("date").annotate(customers=Sum("delta"), rows=Count("pk")).order_by())
            rows = sum(day_rows for _day, _customers, day_rows in days)
            if rows <= len(days):
                return 0  # one row per day already
            deleted, _by_model = summed.delete()
            if deleted != rows:
                raise _Concurrent
            PublicPoolDay.objects.bulk_create(
                [PublicPoolDay(date=day, delta=customers) for day, customers, _rows in days if customers],
                batch_size=1000,
            )
            return rows - sum(1 for _day, customers, _rows in days if customers)
    except _Concurrent:
        return 0
    except DatabaseError as error:
        if is_retryable(error):  # a Galera node's compaction of the same rows won certification
            return 0
        raise


def public_pool_days_differences() -> dict[datetime.date, tuple[int, int]]:
    """``{day: (kept, actual)}`` for every day whose kept count differs from the public pool's
    customers entered that day; empty when the table is right."""
    kept = dict(PublicPoolDay.objects.values_list("date").annotate(n=Sum("delta")).order_by())
    actual = dict(
        Customer.objects.filter(consultant__isnull=True).values_list("date").annotate(n=Count("pk")).order_by()
    )
    return {
        day: (kept.get(day) or 0, actual.get(day, 0))
        for day in kept.keys() | actual.keys()
        if (kept.get(day) or 0) != actual.get(day, 0)
    }


def public_pool_days_clear_after_flush(*, using: str = "default") -> int:
    """Empty the table when no customer is left; returns the rows deleted.

    ``manage.py flush`` (and each test that flushes the database) empties every table with
    ``DELETE FROM``, in no set order: when the customers go after the day counts, the delete
    trigger writes a -1 row per public customer into the emptied table. With no customer, no day
    holds any. Called after every flush and migrate (``post_migrate``).
    """
    connection = connections[using]
    if PublicPoolDay._meta.db_table not in connection.introspection.table_names():
        return 0  # migrated back to before the table
    if Customer.objects.using(using).exists():
        return 0
    deleted, _by_model = PublicPoolDay.objects.using(using).all().delete()
    return deleted


@transaction.atomic
def rebuild_public_pool_days() -> int:
    """Count the public pool per day again from the customers (after a repair by hand, say);
    returns the days written. Run it while nothing else writes customers: a claim committed
    between the delete and the insert would be counted twice or not at all."""
    PublicPoolDay.objects.all().delete()
    days = Customer.objects.filter(consultant__isnull=True).values_list("date").annotate(n=Count("pk")).order_by()
    created = PublicPoolDay.objects.bulk_create([PublicPoolDay(date=day, delta=n) for day, n in days], batch_size=1000)
    return len(created)
