"""Where a list's rows lie in its default order, known without walking them.

``ORDER BY date DESC, id DESC LIMIT 20 OFFSET 400000`` makes the database step over 400,000
index entries (about 70 ms on MariaDB; InnoDB keeps no row numbers in its indexes). When a list
knows how many of its rows hold each value of its first sort key — the rows per day, kept by the
application in a small table — it can skip whole values instead: the row at offset 400,000 lies
in the day where the running total passes 400,000, so the page reads ``WHERE date <= that day``
and steps over the few hundred rows of that day alone. The same counts give the exact number of
rows, so such a list needs no capped count either.

A handler offers the counts with ``get_group_counts`` (``StarkHandler``); the list uses them
only while it shows every row of its scope in its default order (no search, no filter, no
``o``), which is what the counts describe.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from itertools import accumulate
from typing import Any

from django.db.models import Q


class GroupCounts:
    """The rows of a list per value of the first key of its order, in the list's order.

    ``field`` is that key (``"date"``, a column without NULLs), ``descending`` its direction
    (``-date``), ``counts`` the ``(value, rows)`` pairs in the order the list shows them (newest
    day first for ``-date``); values without rows may be left out.
    """

    def __init__(self, field: str, descending: bool, counts: Iterable[tuple[Any, int]]) -> None:
        self.field = field
        self.descending = descending
        self.counts = [(value, rows) for value, rows in counts if rows > 0]
        if any(value is None for value, _rows in self.counts):
            # NULLs sort first or last depending on the database, and ``__lte=None`` is no lookup.
            raise ValueError(f"GroupCounts({field!r}): the first key of the order must not be NULL")
        #: ``ends[i]``: the rows of the first ``i + 1`` values.
        self.ends = list(accumulate(rows for _value, rows in self.counts))

    @property
    def total(self) -> int:
        return self.ends[-1] if self.ends else 0

    @property
    def order_key(self) -> str:
        """The first key of the ordering the counts describe (``-date``)."""
        return f"-{self.field}" if self.descending else self.field

    def locate(self, offset: int) -> tuple[Q, int] | None:
        """``(condition, skip)``: the rows from ``offset`` on are those of ``condition`` after
        ``skip`` of them, in the list's order; None when ``offset`` is past the last row."""
        index = bisect_right(self.ends, offset)
        if index == len(self.counts):
            return None
        before = self.ends[index - 1] if index else 0
        lookup = "lte" if self.descending else "gte"
        return Q(**{f"{self.field}__{lookup}": self.counts[index][0]}), offset - before
