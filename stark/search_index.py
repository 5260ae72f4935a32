"""A substring search index kept in the database: every suffix of every indexed value, one row each.

Why hand-written: "contains" search (``LIKE '%张芳%'``) cannot use a B-tree index, so on a large table
it reads every row. MariaDB's FULLTEXT finds nothing in Chinese (no n-gram parser), Mroonga's index
is not transactional (it keeps a value after a ROLLBACK), and an external engine would be one more
server to run and keep consistent. A table of fragments works the same on MariaDB and SQLite and is
written in the same transaction as the row it describes.

The fragments are *suffixes* (the n-gram starting at each position, extended to the end of the
value and cut at ``MAX_GRAM`` characters): a value contains ``w`` exactly when one of its suffixes
starts with ``w``, so a search is one range of the table's primary key
(``gram LIKE 'w%'``) instead of intersecting the postings of every trigram of ``w``, and it finds
fragments of one character (a Chinese surname) as well as long ones. A value of ``L`` characters
takes ``L - min_length + 1`` rows (a 10-digit QQ number: 10; a Chinese name: 2 or 3).

Every hit is verified against the row (the original ``icontains`` condition is kept), so results
equal ``LIKE '%…%'`` even for words longer than ``MAX_GRAM`` or folded differently by a collation.
Words shorter than a field's ``min_length`` search that field with the plain ``icontains``.

Keeping it current is the writer's job, in the writer's transaction:

- ``index_instance(obj)`` after a ``save()`` (the model's ``save`` should call it inside one
  ``transaction.atomic()`` with the row);
- ``reindex(ids)`` after ``bulk_create`` / ``QuerySet.update`` of an indexed field / a raw import;
- deletions are handled by a ``post_delete`` receiver (Django's deletion runs in a transaction);
- ``rebuild()`` / ``check()`` (``manage.py search_index --rebuild|--check``) for everything else.
"""

from __future__ import annotations

import operator
import zlib
from collections.abc import Iterable, Sequence
from functools import reduce

from django.apps import apps
from django.db import connections, models, router, transaction
from django.db.models import Q, QuerySet
from django.db.models.constants import OnConflict
from django.db.models.signals import post_delete

#: Longest fragment stored; longer words match on their first MAX_GRAM characters, then are verified.
MAX_GRAM = 16
#: Candidate ids read into the query as a literal list at most; more, and the candidates stay a subquery.
MAX_LITERAL_CANDIDATES = 5000
#: Rows written per INSERT while (re)indexing.
BATCH = 5000

#: Every index created, for ``manage.py search_index``.
registry: list[NgramIndex] = []


def grams(value: str | None, min_length: int = 1) -> set[str]:
    """The suffixes of ``value`` (lower-cased, cut at ``MAX_GRAM``) at least ``min_length`` long.

    A suffix starting with white space is skipped: a search word never contains any.
    """
    if not value:
        return set()
    text = str(value).lower()
    return {text[start : start + MAX_GRAM] for start in range(len(text) - min_length + 1) if not text[start].isspace()}


def field_key(label_lower: str, field: str) -> int:
    """A stable number for ``app_label.model.field`` (CRC-32: no registry to keep in step)."""
    return zlib.crc32(f"{label_lower}.{field}".encode()) & 0x7FFFFFFF


def fragment_tuples(label_lower: str, fields: dict[str, int], values: Iterable[tuple]) -> list[tuple[int, str, int]]:
    """``(field key, gram, pk)`` for ``(pk, value of field 1, value of field 2, …)`` tuples (for raw bulk inserts)."""
    keyed = [(field_key(label_lower, field), min_length) for field, min_length in fields.items()]
    rows = []
    for pk, *field_values in values:
        for (key, min_length), value in zip(keyed, field_values, strict=True):
            rows += [(key, gram, pk) for gram in grams(value, min_length)]
    return rows


def fragment_rows(gram_model, label_lower: str, fields: dict[str, int], values: Iterable[tuple]) -> list:
    """SearchGram rows for ``(pk, value of field 1, value of field 2, …)`` tuples."""
    return [
        gram_model(field=key, gram=gram, object_id=pk) for key, gram, pk in fragment_tuples(label_lower, fields, values)
    ]


def write_fragments(gram_model, rows: Sequence[tuple[int, str, int]], using: str) -> None:
    """Insert ``(field key, gram, pk)`` rows, skipping any already there, in the caller's transaction.

    One multi-row ``INSERT`` per ``BATCH`` rows through the driver (mysqlclient sends an
    ``executemany`` as multi-row INSERTs), not ``bulk_create``: the ORM prepares every value of every
    model instance in Python, which cost a 10,000-row import ~40 s for its ~300,000 fragments.
    Conflicts are ignored: two cut suffixes of one long value may be equal under a folding collation.
    """
    if not rows:
        return
    connection = connections[using]
    ops = connection.ops
    meta = gram_model._meta
    columns = [meta.get_field(name) for name in ("field", "gram", "object_id")]
    # Table and column names come from the model, never from input; the values are parameters.
    sql = (
        f"{ops.insert_statement(on_conflict=OnConflict.IGNORE)} {ops.quote_name(meta.db_table)} "
        f"({', '.join(ops.quote_name(column.column) for column in columns)}) VALUES (%s, %s, %s) "
        f"{ops.on_conflict_suffix_sql(columns, OnConflict.IGNORE, None, None)}"
    ).rstrip()
    # In primary-key order: InnoDB then fills its B-tree pages one after another instead of
    # touching a random page of a large table for every row.
    rows = sorted(rows)
    with connection.cursor() as cursor:
        if connection.vendor == "mysql":
            # The VALUES written here: mysqlclient's executemany escapes each value through a
            # Python-level literal() call (four per row), most of an import's CPU time.
            _mysql_insert(cursor, connection, sql.split(" VALUES ", 1)[0] + " VALUES ", rows)
            return
        for start in range(0, len(rows), BATCH):
            cursor.executemany(sql, rows[start : start + BATCH])


def _mysql_insert(cursor, connection, prefix: str, rows: list[tuple[int, str, int]]) -> None:
    """Multi-row INSERTs of ``BATCH`` rows with the values written as SQL literals.

    Keys and ids are written with ``int``'s own ``str`` (``int()`` refuses anything else); a gram
    of digits only (QQ, mobile) needs no escaping; any other goes through the driver's own
    ``string_literal`` (its C escaping for the connection's character set).
    """
    connection.ensure_connection()
    literal = connection.connection.string_literal
    for start in range(0, len(rows), BATCH):
        values = ",".join(
            [
                f"({int(key)},'{gram}',{int(pk)})"
                if gram.isdigit() and gram.isascii()
                else f"({int(key)},{literal(gram.encode()).decode()},{int(pk)})"
                for key, gram, pk in rows[start : start + BATCH]
            ]
        )
        cursor.execute(prefix + values)


def rebuild_table(model, gram_model, fields: dict[str, int], using: str, batch: int = 20_000, progress=None) -> int:
    """Replace every fragment of ``model``'s ``fields`` (in the caller's transaction); returns rows written.

    Takes the model classes so a data migration can pass its historical ones.
    """
    label = model._meta.label_lower
    keys = [field_key(label, field) for field in fields]
    gram_model._default_manager.using(using).filter(field__in=keys).delete()
    rows = model._default_manager.using(using).order_by("pk").values_list("pk", *fields)
    written, last = 0, None
    while True:
        chunk = list((rows.filter(pk__gt=last) if last is not None else rows)[:batch])
        if not chunk:
            return written
        new_rows = fragment_tuples(label, fields, chunk)
        write_fragments(gram_model, new_rows, using)
        written += len(new_rows)
        last = chunk[-1][0]
        if progress:
            progress(len(chunk))


class NgramIndex:
    """The suffix index of some text fields of one model (``fields``: name → shortest word answered)."""

    def __init__(self, model: str, fields: dict[str, int]) -> None:
        self.model_label = model
        self.fields = dict(fields)
        registry.append(self)
        post_delete.connect(self._on_delete, sender=model, weak=False, dispatch_uid=f"stark-ngram-{model}")

    # ------------------------------------------------------------------ the table
    @property
    def model(self) -> type[models.Model]:
        return apps.get_model(self.model_label)

    @staticmethod
    def gram_model() -> type[models.Model]:
        return apps.get_model("stark", "SearchGram")

    def field_key(self, field: str) -> int:
        return field_key(self.model._meta.label_lower, field)

    def keys(self) -> list[int]:
        return [self.field_key(field) for field in self.fields]

    def rows_for(self, values: Iterable[tuple]) -> list[models.Model]:
        return fragment_rows(self.gram_model(), self.model._meta.label_lower, self.fields, values)

    def tuples_for(self, values: Iterable[tuple]) -> list[tuple[int, str, int]]:
        return fragment_tuples(self.model._meta.label_lower, self.fields, values)

    # ------------------------------------------------------------------ keeping it current
    def reindex(self, ids: Iterable[int], using: str | None = None) -> None:
        """Rewrite the fragments of the rows ``ids`` (deleted rows just lose theirs), in one transaction."""
        ids = list(dict.fromkeys(int(pk) for pk in ids))
        if not ids:
            return
        using = using or router.db_for_write(self.model)
        gram_manager = self.gram_model()._default_manager.using(using)
        with transaction.atomic(using=using):
            for start in range(0, len(ids), BATCH):
                chunk = ids[start : start + BATCH]
                gram_manager.filter(field__in=self.keys(), object_id__in=chunk).delete()
                values = self.model._default_manager.using(using).filter(pk__in=chunk).values_list("pk", *self.fields)
                write_fragments(self.gram_model(), self.tuples_for(values), using)

    def index_instance(self, obj: models.Model, update_fields: Iterable[str] | None = None) -> None:
        """Re-index one saved row (nothing to do when ``update_fields`` names no indexed field)."""
        if update_fields is not None and not set(update_fields) & set(self.fields):
            return
        self.reindex([obj.pk], using=obj._state.db)

    def _on_delete(self, sender, instance, using, **kwargs) -> None:
        self.gram_model()._default_manager.using(using).filter(field__in=self.keys(), object_id=instance.pk).delete()

    def rebuild(self, using: str | None = None, batch: int = 20_000, progress=None) -> int:
        """Drop and rewrite every fragment of the model, in one transaction; returns the rows written."""
        using = using or router.db_for_write(self.model)
        with transaction.atomic(using=using):
            return rebuild_table(self.model, self.gram_model(), self.fields, using, batch, progress)

    def check(self, using: str | None = None, batch: int = 20_000) -> list[int]:
        """Ids of rows whose stored fragments differ from their values (missing, extra or stale)."""
        using = using or router.db_for_write(self.model)
        keys = {self.field_key(field): field for field in self.fields}
        gram_manager = self.gram_model()._default_manager.using(using)
        wrong: list[int] = []
        rows = self.model._default_manager.using(using).order_by("pk").values_list("pk", *self.fields)
        last = None
        while True:
            chunk = list((rows.filter(pk__gt=last) if last is not None else rows)[:batch])
            if not chunk:
                break
            expected = set(self.tuples_for(chunk))
            stored = set(
                gram_manager.filter(
                    field__in=keys, object_id__gte=chunk[0][0], object_id__lte=chunk[-1][0]
                ).values_list("field", "gram", "object_id")
            )
            wrong += sorted({pk for _key, _gram, pk in expected ^ stored})
            last = chunk[-1][0]
        orphans = gram_manager.filter(field__in=keys).exclude(
            object_id__in=self.model._default_manager.using(using).values("pk")
        )
        wrong += sorted(set(orphans.values_list("object_id", flat=True)))
        return wrong

    # ------------------------------------------------------------------ searching
    def candidates(self, word: str, fields: Sequence[str], using: str) -> QuerySet:
        """Ids of rows with a fragment of one of ``fields`` starting with ``word`` (a superset of the matches)."""
        prefix = word.lower()[:MAX_GRAM]
        grams_qs = (
            self.gram_model()
            ._default_manager.using(using)
            .filter(field__in=[self.field_key(field) for field in fields])
        )
        if connections[using].vendor == "sqlite":
            # SQLite's LIKE ignores ASCII case and then cannot use the index; a range on the
            # lower-cased fragments can (U+10FFFF sorts after every character).
            grams_qs = grams_qs.filter(gram__gte=prefix, gram__lt=prefix + "\U0010ffff")
        else:
            # LIKE 'prefix%' in the column's case-insensitive collation: a range of the primary key.
            grams_qs = grams_qs.filter(gram__istartswith=prefix)
        return grams_qs.values_list("object_id", flat=True)

    def word_condition(self, word: str, lookups: Sequence[str], using: str) -> Q:
        """``lookups`` (normalised, e.g. ``name__icontains``) OR-ed for ``word``, through the index where it can."""
        indexed, plain = [], []
        for lookup in lookups:
            field, _sep, last = lookup.rpartition("__")
            if last == "icontains" and field in self.fields and len(word) >= self.fields[field]:
                indexed.append(field)
            else:
                plain.append(lookup)
        conditions = [Q(**{lookup: word}) for lookup in plain]
        if indexed:
            ids = self.candidates(word, indexed, using).distinct()
            found = list(ids[: MAX_LITERAL_CANDIDATES + 1])
            # Few candidates: a literal id list, so the database reads those rows by primary key
            # (it cannot choose to walk the whole list order hoping to meet them). Many: a subquery.
            candidate = Q(pk__in=found) if len(found) <= MAX_LITERAL_CANDIDATES else Q(pk__in=ids)
            verified = reduce(operator.or_, (Q(**{f"{field}__icontains": word}) for field in indexed))
            conditions.append(candidate & verified)
        return reduce(operator.or_, conditions)


class NgramSearch:
    """A stark search backend: ``q``'s words through an :class:`NgramIndex`, other lookups as ``icontains``.

    The same contract as ``stark.search.apply_fuzzy_search`` (every word must match some lookup)
    and the same rows; only how the database finds them differs.
    """

    def __init__(self, index: NgramIndex) -> None:
        self.index = index

    def apply(self, queryset: QuerySet, search_list: Sequence[str], q: str) -> QuerySet:
        from stark.search import MAX_SEARCH_WORDS, lookup_spans_many, normalise_lookup

        words = list(dict.fromkeys(q.split()))[:MAX_SEARCH_WORDS]
        if not search_list or not words:
            return queryset
        lookups = [normalise_lookup(lookup) for lookup in search_list]
        for word in words:
            queryset = queryset.filter(self.index.word_condition(word, lookups, queryset.db))
        if any(lookup_spans_many(queryset.model, lookup) for lookup in lookups):
            queryset = queryset.distinct()
        return queryset
