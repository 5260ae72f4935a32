"""The daily roll-up of the manager's funnel (``DailyFigure``, issue 12 §4).

The sales manager's dashboard shows, for the last 12 weeks, the customers entered, claimed or
assigned and signed per week and per source. Counted live, that reads every customer entered and
every such event of the quarter (tens of thousands of rows at a million customers, over 50 ms of
SQL); summed from this roll-up it reads a few hundred rows per week shown.

What is counted, per local day, source and consultant:

* ``entered``: customers by their entry date (``Customer.date``) and source, consultant 0; every
  customer counts once, whoever entered or imported it;
* ``claimed``, ``assigned``, ``signed``: the events of that kind (``CustomerEvent.at`` in the
  configured time zone), by the customer's source and the consultant the event names.

Kept in the transaction of the change: ``web.services.events`` (the one place that records
events) calls :func:`figures_record_events`, and ``customer_update`` calls
:func:`figures_customer_edited` when an edit changes a customer's entry date or source. Each
call adds its deltas with one upsert (``INSERT ... ON DUPLICATE KEY UPDATE`` on MariaDB/MySQL,
``ON CONFLICT ... DO UPDATE`` on SQLite), rows in key order. Claims and signings of different
consultants write different rows, so they do not wait for each other; new customers of one day
and source share their ``entered`` row for the instant of the insert.

Writes that bypass the services (raw SQL seeding, a customer deleted in the database) leave the
roll-up behind: ``manage.py rollup_daily_figures --verify`` reports the differences from the live
counts and ``manage.py rollup_daily_figures`` rebuilds it (see the README).
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from web.models import Customer, CustomerEvent, DailyFigure

Kind = CustomerEvent.Kind

#: Event kind → the roll-up kind it counts toward (imported customers are entered customers).
ROLLED_UP = {
    Kind.ENTERED: "entered",
    Kind.IMPORTED: "entered",
    Kind.CLAIMED: "claimed",
    Kind.ASSIGNED: "assigned",
    Kind.SIGNED: "signed",
}
#: The event kinds counted per event (``entered`` counts customers, see the module docstring).
EVENT_KINDS = (Kind.CLAIMED, Kind.ASSIGNED, Kind.SIGNED)

#: (kind, day, source, consultant id) → count.
Key = tuple[str, datetime.date, str, int]

_TABLE = DailyFigure._meta.db_table
_COLUMNS = "kind, day, source, consultant_id, n"


def _upsert(deltas: Counter) -> None:
    rows = sorted((key, n) for key, n in deltas.items() if n)  # key order: the same lock order everywhere
    if not rows:
        return
    if not connection.in_atomic_block:
        raise RuntimeError("daily figures must change inside the transaction of the change they count")
    values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(rows))
    params = [value for (kind, day, source, consultant), n in rows for value in (kind, day, source, consultant, n)]
    if connection.vendor == "mysql":
        conflict = "ON DUPLICATE KEY UPDATE n = n + VALUES(n)"
    else:
        conflict = f"ON CONFLICT (kind, day, source, consultant_id) DO UPDATE SET n = {_TABLE}.n + excluded.n"
    with connection.cursor() as cursor:
        # Table and column names are the model's; values are parameters.
        cursor.execute(f"INSERT INTO {_TABLE} ({_COLUMNS}) VALUES {values} {conflict}", params)  # noqa: S608


def figures_record_events(events: Iterable[CustomerEvent]) -> None:
    """Count newly written events (saved or about to be, in this transaction) in the roll-up."""
    counted = [event for event in events if event.kind in ROLLED_UP]
    if not counted:
        return
    customers = {
        pk: (source, date)
        for pk, source, date in Customer.objects.filter(pk__in={event.customer_id for event in counted})
        .order_by()
        .values_list("pk", "source", "date")
    }
    deltas: Counter = Counter()
    for event in counted:
        if event.customer_id not in customers:
            continue
        source, entered = customers[event.customer_id]
        kind = ROLLED_UP[event.kind]
        if kind == "entered":
            deltas[(kind, entered, source, 0)] += 1
        else:
            deltas[(kind, timezone.localdate(event.at), source, event.consultant_id or 0)] += 1
    _upsert(deltas)


def figures_customer_edited(
    *, customer_id: int, before: tuple[datetime.date, str], after: tuple[datetime.date, str]
) -> None:
    """A customer's entry date or source changed from ``before`` to ``after`` ((date, source)):
    move its ``entered`` count and its counted events to the new day and source."""
    if before == after:
        return
    (old_date, old_source), (new_date, new_source) = before, after
    deltas: Counter = Counter({("entered", old_date, old_source, 0): -1})
    deltas[("entered", new_date, new_source, 0)] += 1
    if old_source != new_source:
        events = CustomerEvent.objects.filter(customer_id=customer_id, kind__in=EVENT_KINDS)
        for kind, at, consultant in events.values_list("kind", "at", "consultant_id"):
            day = timezone.localdate(at)
            deltas[(kind, day, old_source, consultant or 0)] -= 1
            deltas[(kind, day, new_source, consultant or 0)] += 1
    _upsert(deltas)


# ---------------------------------------------------------------------------------- rebuild / verify
def figures_live() -> Counter:
    """The roll-up as it should be, counted from the customers and their events (reads them all)."""
    live: Counter = Counter()
    for day, source, n in Customer.objects.order_by().values_list("date", "source").annotate(n=Count("pk")):
        live[("entered", day, source, 0)] = n
    events = (
        CustomerEvent.objects.filter(kind__in=EVENT_KINDS)
        .order_by()
        .values_list("kind", "at", "customer__source", "consultant_id")
    )
    # Local days in Python: no database time-zone function (nor MySQL's time-zone tables) needed.
    for kind, at, source, consultant in events.iterator(chunk_size=5000):
        live[(kind, timezone.localdate(at), source, consultant or 0)] += 1
    return live


def figures_stored() -> Counter:
    return Counter(
        {
            (kind, day, source, consultant): n
            for kind, day, source, consultant, n in DailyFigure.objects.exclude(n=0).values_list(
                "kind", "day", "source", "consultant_id", "n"
            )
        }
    )


def figures_verify() -> list[tuple[Key, int, int]]:
    """Differences between the roll-up and the live counts: (key, stored, live); empty when right."""
    live, stored = figures_live(), figures_stored()
    return sorted(
        (key, stored.get(key, 0), live.get(key, 0))
        for key in set(live) | set(stored)
        if stored.get(key, 0) != live.get(key, 0)
    )


def figures_rebuild() -> int:
    """Replace the roll-up by the live counts; returns the number of rows written.

    One transaction; a change committed while it counts may be missed, so run it when the school
    is quiet (or run ``--verify`` afterwards).
    """
    live = figures_live()
    with transaction.atomic():
        DailyFigure.objects.all().delete()
        DailyFigure.objects.bulk_create(
            [
                DailyFigure(kind=kind, day=day, source=source, consultant_id=consultant, n=n)
                for (kind, day, source, consultant), n in sorted(live.items())
                if n
            ],
            batch_size=1000,
        )
    return sum(1 for n in live.values() if n)
