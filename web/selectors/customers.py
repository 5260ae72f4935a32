"""Reads that carry the customer pools' rules (DESIGN.md §4 rules 1, 3, 4).

Every page that shows or looks up a customer or a follow-up starts from one of
these querysets, so an id outside the user's allowed set is simply not found (404).
"""

from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils.translation import gettext

from web.models import ConsultRecord, Customer, Department, UserInfo


def customers_public() -> QuerySet[Customer]:
    """The public pool (公户): customers nobody holds."""
    return Customer.objects.filter(consultant__isnull=True)


def customers_private(*, consultant: UserInfo) -> QuerySet[Customer]:
    """One consultant's private pool (私户)."""
    return Customer.objects.filter(consultant=consultant)


def customers_all() -> QuerySet[Customer]:
    """Every customer, for the sales manager's read-only overview."""
    return Customer.objects.all()


def customer_private_unsigned_count(*, consultant: UserInfo) -> int:
    """What the private-pool cap counts: the consultant's unsigned customers."""
    return customers_private(consultant=consultant).filter(status=Customer.Status.UNSIGNED).count()


def consult_records_private(*, consultant: UserInfo, customer_id: int) -> QuerySet[ConsultRecord]:
    """Follow-ups of one customer, only while that customer is in ``consultant``'s private pool.

    Scoped by the customer's *current* consultant rather than the record's author: after a
    release and a claim by someone else, the new owner sees the history and the old one does not.
    """
    return ConsultRecord.objects.filter(customer_id=customer_id, customer__consultant=consultant)


def consult_records_public(*, customer_id: int) -> QuerySet[ConsultRecord]:
    """Follow-ups of a customer in the public pool (read-only history for whoever claims next)."""
    return ConsultRecord.objects.filter(customer_id=customer_id, customer__consultant__isnull=True)


def sales_consultants() -> QuerySet[UserInfo]:
    """Who may hold customers when a sales manager assigns them: active sales staff."""
    return UserInfo.objects.filter(is_active=True, depart__kind=Department.Kind.SALES)


def customer_holders(*, field: str, values: Iterable[str], exclude_pk: int | None = None) -> dict[str, str]:
    """Who holds the existing customer with each of ``values`` in the unique ``field`` (qq, mobile, wechat).

    The answer is only "the public pool" or the holding consultant's name: a duplicate warning
    may tell the user whom to ask, never the other customer's name or contacts.
    One query whatever the number of values (the import checks a whole file at once).
    """
    values = {value for value in values if value}
    if not values:
        return {}
    rows = Customer.objects.filter(**{f"{field}__in": values})
    if exclude_pk is not None:
        rows = rows.exclude(pk=exclude_pk)
    holders = {}
    for value, consultant_id, name, username in rows.values_list(
        field, "consultant", "consultant__name", "consultant__username"
    ):
        holders[value] = holder_text(None if consultant_id is None else (name or username))
    return holders


def holder_text(consultant_name: str | None) -> str:
    """How a duplicate warning names the holder of an existing customer."""
    if consultant_name is None:
        return gettext("in the public pool")
    return gettext("held by consultant %(name)s") % {"name": consultant_name}
