"""The customer search index (stark.search_index): which fields the customer lists find by any fragment.

Every write of one of these fields keeps the index current in its own transaction:
``Customer.save`` re-indexes the row, deleting a customer drops its fragments, and code that
writes customers in bulk (``bulk_create``, ``QuerySet.update`` of an indexed field, imports)
calls :func:`reindex_customers` with the ids, inside the same ``transaction.atomic()``.
"""

from __future__ import annotations

from collections.abc import Iterable

from stark.search_index import NgramIndex, NgramSearch

#: Indexed customer fields → the shortest fragment answered from the index (shorter words are
#: searched with a plain LIKE): any part of a name, down to one character (a surname); any part
#: of at least 3 digits of a number. Adding a field is one entry here, then
#: ``manage.py search_index --rebuild`` (or a data migration) for the rows that exist.
CUSTOMER_SEARCH_FIELDS = {"name": 1, "qq": 3, "mobile": 3, "wechat": 3}

customer_index = NgramIndex("web.Customer", CUSTOMER_SEARCH_FIELDS)

#: The stark search backend of the customer lists.
customer_search = NgramSearch(customer_index)


def reindex_customers(customer_ids: Iterable[int], using: str | None = None) -> None:
    """(Re)index the given customers, e.g. after a bulk insert; call it inside the writing transaction."""
    customer_index.reindex(customer_ids, using=using)
