"""The customer search index (stark.search_index): which fields the customer lists find by any fragment.

Every write of one of these fields keeps the index current in its own transaction:
``Customer.save`` re-indexes the row, deleting a customer drops its fragments, and code that
writes customers in bulk (``bulk_create``, ``QuerySet.update`` of an indexed field, imports)
calls :func:`reindex_customers` with the ids, inside the same ``transaction.atomic()``.
"""

from __future__ import annotations

from collections.abc import Iterable

from stark.search_index import NgramIndex, NgramSearch

#: Indexed customer fields → the shortest fragment answered from the index: 1, every suffix, so
#: any word (a surname, "张芳", two digits) is answered by the index. A longer minimum saves rows
#: but a shorter word then needs a plain LIKE on that field, and OR-ed with the others that
#: reads the whole table again (measured: "张芳" against the QQ). Adding a field is one entry here,
#: then ``manage.py search_index --rebuild`` (or a data migration) for the rows that exist.
CUSTOMER_SEARCH_FIELDS = {"name": 1, "qq": 1, "mobile": 1, "wechat": 1}

customer_index = NgramIndex("web.Customer", CUSTOMER_SEARCH_FIELDS)

#: The stark search backend of the customer lists.
customer_search = NgramSearch(customer_index)


def reindex_customers(customer_ids: Iterable[int], using: str | None = None) -> None:
    """(Re)index the given customers, e.g. after a bulk insert; call it inside the writing transaction."""
    customer_index.reindex(customer_ids, using=using)
