"""The public pool's customers per entry day (``PublicPoolDay``): summing, checking, repairing.

Triggers on the customer table (``web.public_pool_triggers``) write one +1 or -1 row per change;
these functions keep that table small and prove it right.
"""

from __future__ import annotations

import datetime
from collections import Counter

from django.db import DatabaseError, connections, router, transaction
from django.db.models import Count, Max

from web import public_pool_triggers
from web.models import Customer, PublicPoolDay
from web.selectors.customers import public_pool_days
from web.services.locks import is_retryable

#: Rows beyond one per day that the list lets pile up before it sums them (a bulk import of
#: 10,000 public customers adds as many; summing them per day is one delete and a few inserts).
COMPACT_AFTER_ROWS = 10_000


def compact_public_pool_days() -> int:
    """Replace each day's rows by one row with their sum; returns how many rows went.

    ``DELETE … RETURNING`` (MariaDB ≥ 10.5, SQLite ≥ 3.35) hands back exactly the rows it
    deleted, and exactly those are summed, in one transaction: rows the triggers add meanwhile
    get higher ids and stay; a compaction running at the same moment waits for this one's row
    locks and then finds nothing to delete. On a Galera cluster two nodes' compactions conflict
    on the rows both delete: certification aborts one, which returns 0 (nothing was changed).
    """
    using = router.db_for_write(PublicPoolDay)
    table = PublicPoolDay._meta.db_table
    date_field = PublicPoolDay._meta.get_field("date")
    try:
        with transaction.atomic(using=using):
            top = PublicPoolDay.objects.using(using).aggregate(top=Max("pk"))["top"]
            if top is None:
                return 0
            with connections[using].cursor() as cursor:
                cursor.execute(f"DELETE FROM {table} WHERE id <= %s RETURNING date, delta", [top])  # noqa: S608
                deleted = cursor.fetchall()
            sums: Counter = Counter()
            for day, delta in deleted:
                sums[date_field.to_python(day)] += delta
            kept = [PublicPoolDay(date=day, delta=customers) for day, customers in sorted(sums.items()) if customers]
            PublicPoolDay.objects.using(using).bulk_create(kept, batch_size=1000)
            return len(deleted) - len(kept)
    except DatabaseError as error:
        if is_retryable(error, using=using):  # another node's compaction of the same rows won
            return 0
        raise


def _public_customers_per_day(using: str):
    public = Customer.objects.using(using).filter(consultant__isnull=True)
    return public.values_list("date").annotate(n=Count("pk")).order_by()


def public_pool_days_differences(*, using: str = "default") -> dict[datetime.date, tuple[int, int]]:
    """``{day: (kept, actual)}`` for every day whose kept count differs from the public pool's
    customers entered that day; empty when the table is right."""
    kept = dict(public_pool_days(using=using)[0])
    actual = dict(_public_customers_per_day(using))
    return {
        day: (kept.get(day, 0), actual.get(day, 0))
        for day in kept.keys() | actual.keys()
        if kept.get(day, 0) != actual.get(day, 0)
    }


def public_pool_triggers_missing(*, using: str = "default") -> list[str]:
    """The triggers that should keep the counts and do not exist (empty when all three do)."""
    connection = connections[using]
    return sorted(public_pool_triggers.TRIGGERS.keys() - public_pool_triggers.existing_triggers(connection))


def rebuild_public_pool_days(*, using: str = "default") -> int:
    """Count the public pool per day again from the customers (after a repair by hand, say);
    returns the days written. Run it while nothing else writes customers: a claim committed
    between the delete and the insert would be counted twice or not at all."""
    with transaction.atomic(using=using):
        PublicPoolDay.objects.using(using).all().delete()
        rows = [PublicPoolDay(date=day, delta=n) for day, n in _public_customers_per_day(using)]
        return len(PublicPoolDay.objects.using(using).bulk_create(rows, batch_size=1000))


def public_pool_days_after_migrate(*, using: str = "default") -> None:
    """Keep the counts right across ``migrate`` and ``flush`` (``post_migrate``).

    - A migration that changes a customer column rebuilds the table on SQLite, and its triggers
      go with the old table: they are created again, and the days counted again (migrations run
      with nothing else writing).
    - ``flush`` (and each test that flushes the database) empties every table with ``DELETE
      FROM`` in no set order: when the customers go after the day counts, the delete trigger
      writes a -1 row per public customer into the emptied table. With no customer, no day
      holds any.
    """
    connection = connections[using]
    if PublicPoolDay._meta.db_table not in connection.introspection.table_names():
        return  # migrated back to before the table
    missing = public_pool_triggers_missing(using=using)
    if missing:
        public_pool_triggers.create_triggers(connection, missing)
        rebuild_public_pool_days(using=using)
    elif not Customer.objects.using(using).exists():
        PublicPoolDay.objects.using(using).all().delete()
