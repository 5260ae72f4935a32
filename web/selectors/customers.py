"""Reads that carry the customer pools' rules (DESIGN.md §4 rules 1, 3, 4).

Every page that shows or looks up a customer or a follow-up starts from one of
these querysets, so an id outside the user's allowed set is simply not found (404).
"""

from django.db.models import QuerySet

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


def consultants_for_manager(*, manager: UserInfo) -> QuerySet[UserInfo]:
    """Whom a sales manager may give customers to (assign, reassign): active sales staff but himself."""
    return sales_consultants().exclude(pk=manager.pk)


def consult_records_all(*, customer_id: int) -> QuerySet[ConsultRecord]:
    """Every follow-up of a customer, whoever holds it (the sales manager's read-only view)."""
    return ConsultRecord.objects.filter(customer_id=customer_id)
