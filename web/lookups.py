"""``__in`` lookups on integer columns that ignore values outside the column's range.

Django's own integer lookups (``exact``, ``gt``, ...) already turn an out-of-range value into
"no rows" (``IntegerFieldOverflow``), but ``__in`` passes it to the database: SQLite then raises
``OverflowError`` (a 500) for e.g. ``pk__in=[2**63]``. Such a value can never match a row, so
it is dropped before the query; if none is left the lookup matches nothing. One lookup fixes
every place an id list reaches the database (multi-select fields, batch actions, filters).
"""

from __future__ import annotations

from django.db import models
from django.db.models.fields.related_lookups import RelatedIn
from django.db.models.lookups import In


def _integer_range(field, connection) -> tuple[int | None, int | None] | None:
    target = getattr(field, "target_field", None) or field
    try:
        return connection.ops.integer_field_range(target.get_internal_type())
    except KeyError:  # not an integer column (e.g. a UUID or char primary key)
        return None


class _DropOutOfRange:
    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            limits = _integer_range(self.lhs.output_field, connection)
            if limits is not None:
                low, high = limits
                self.rhs = [
                    value
                    for value in self.rhs
                    if not isinstance(value, int) or ((low is None or value >= low) and (high is None or value <= high))
                ]
        return super().process_rhs(compiler, connection)


class IntegerFieldIn(_DropOutOfRange, In):
    pass


class RelatedIntegerIn(_DropOutOfRange, RelatedIn):
    pass


def register() -> None:
    """Called from ``WebConfig.ready``."""
    models.IntegerField.register_lookup(IntegerFieldIn)
    models.ForeignObject.register_lookup(RelatedIntegerIn)
