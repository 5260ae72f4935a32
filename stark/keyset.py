"""Reading a large ordered queryset in chunks by keyset ("seek") pagination.

``QuerySet.iterator()`` runs one query and lets the driver fetch it in pieces, but mysqlclient
(Django's MySQL driver) buffers the whole result on the client first: a million-row export
held every row in memory before writing the first one. Here each chunk is its own query,

    WHERE (k1, k2, …, pk) > (last row's keys) ORDER BY k1, k2, …, pk LIMIT n

spelled out as ``k1 > a OR (k1 = a AND k2 > b) OR …`` (with ``<`` for descending keys) so any
database can walk an index on the sort keys and stop after ``n`` rows, whatever the depth.

Hand-written because no maintained Django package does keyset iteration over an arbitrary
(mixed-direction, nullable, joined) ordering: django-keyset-pagination and similar ones are
page-based, unmaintained, or ascending-only.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import connections, models
from django.db.models import Q, QuerySet


class KeysetUnsupported(ValueError):
    """The queryset's ordering cannot be turned into keyset conditions (an expression, ``?``, a to-many path)."""


@dataclass(frozen=True)
class SortKey:
    path: str  # a lookup path to a concrete column, e.g. "date", "consultant__name", "consultant_id"
    descending: bool
    nullable: bool


def sort_keys(queryset: QuerySet) -> list[SortKey]:
    """The queryset's ordering as concrete column paths, ending in a unique non-null key (the pk if needed)."""
    query = queryset.query
    ordering = list(query.order_by) or (list(query.get_meta().ordering) if query.default_ordering else [])
    keys: list[SortKey] = []
    for entry in ordering:
        if not isinstance(entry, str) or entry == "?":
            raise KeysetUnsupported(f"cannot seek on the ordering {entry!r}")
        keys.extend(_expand(queryset.model, entry.removeprefix("-"), entry.startswith("-"), "", False, 0))
        if _is_total(queryset.model, keys[-1]):
            return keys
    return [*keys, SortKey("pk", False, False)]


def _expand(
    model: type[models.Model], name: str, descending: bool, prefix: str, nullable: bool, depth: int
) -> list[SortKey]:
    """One ordering entry → column keys; a relation orders by its model's ordering, as Django does."""
    if depth > 5:
        raise KeysetUnsupported("ordering through too many relations")
    parts = name.split("__")
    field = None
    for index, part in enumerate(parts):
        field = model._meta.pk if part == "pk" else model._meta.get_field(part)
        if field.many_to_many or field.one_to_many:
            raise KeysetUnsupported(f"cannot seek on the to-many path {name!r}")
        nullable = nullable or field.null
        if field.is_relation and index < len(parts) - 1:
            model = field.related_model
    path = prefix + name
    if not field.is_relation:
        return [SortKey(path, descending, nullable)]
    related = field.related_model
    ordering = list(related._meta.ordering) or ["pk"]
    keys = []
    for entry in ordering:
        if not isinstance(entry, str):
            raise KeysetUnsupported(f"cannot seek on the ordering of {related.__name__}")
        keys.extend(
            _expand(
                related, entry.removeprefix("-"), descending != entry.startswith("-"), f"{path}__", nullable, depth + 1
            )
        )
    return keys


def _is_total(model: type[models.Model], key: SortKey) -> bool:
    if key.path == "pk":
        return True
    if "__" in key.path:
        return False
    field = model._meta.get_field(key.path)
    return field.primary_key or (field.unique and not field.null)


def _after(key: SortKey, value: object, nulls_largest: bool) -> Q | None:
    """Rows whose ``key`` comes strictly after ``value`` in the ordering (None: no row can)."""
    nulls_first = nulls_largest == key.descending
    if value is None:
        return Q(**{f"{key.path}__isnull": False}) if nulls_first else None
    condition = Q(**{f"{key.path}__{'lt' if key.descending else 'gt'}": value})
    if key.nullable and not nulls_first:
        condition |= Q(**{f"{key.path}__isnull": True})
    return condition


def seek_condition(keys: list[SortKey], values: tuple, nulls_largest: bool) -> Q:
    """``(keys) > (values)`` in the ordering's sense, as an OR of ANDs."""
    branches = []
    equal = Q()
    for key, value in zip(keys, values, strict=True):
        after = _after(key, value, nulls_largest)
        if after is not None:
            branches.append(equal & after)
        equal &= Q(**{f"{key.path}__isnull": True}) if value is None else Q(**{key.path: value})
    return functools.reduce(operator.or_, branches) if branches else Q(pk__in=[])


def keyset_chunks(queryset: QuerySet, fields: list[str], chunk_size: int) -> Iterator[list[tuple]]:
    """``queryset.values_list(*fields)`` in its own order, one query of ``chunk_size`` rows at a time.

    Raises ``KeysetUnsupported`` (before any query) when the ordering cannot be sought on.
    """
    width = len(fields)
    for rows in keyset_rows(queryset, fields, chunk_size):
        yield [row[:width] for row in rows]


def keyset_rows(
    queryset: QuerySet, fields: list[str], chunk_size: int, key_fields: dict[str, str] | None = None
) -> Iterator[list[tuple]]:
    """Like ``keyset_chunks``, but each row may go on past ``fields`` with the sort keys' values.

    A sort key that is one of ``fields`` (e.g. ``pk``), or whose value ``key_fields`` says can be
    read from one of them (e.g. ``{"date": "date_text"}``, a date selected as its ISO text, which
    every database compares with a date column), is not selected twice: fewer values to convert.
    """
    keys = sort_keys(queryset)
    nulls_largest = connections[queryset.db].features.nulls_order_largest
    ordered = (
        queryset.select_related(None)
        .prefetch_related(None)
        .order_by(*[f"-{key.path}" if key.descending else key.path for key in keys])
    )
    key_fields = key_fields or {}
    selected = list(fields)
    positions = []
    for key in keys:
        source = key_fields.get(key.path, key.path)
        if source not in selected:
            selected.append(source)
        positions.append(selected.index(source))
    rows_query = ordered.values_list(*selected)
    last: tuple | None = None
    while True:
        chunk_query = rows_query if last is None else rows_query.filter(seek_condition(keys, last, nulls_largest))
        rows = list(chunk_query[:chunk_size])
        if not rows:
            return
        yield rows
        if len(rows) < chunk_size:
            return
        final = rows[-1]
        last = tuple(final[position] for position in positions)
