"""Reads of payment applications (缴费申请) that carry rules."""

from django.db.models import QuerySet

from web.models import Customer, PaymentRecord
from web.selectors.customers import CUSTOMER_SCOPE

#: What the data scopes mean for a payment application on the approval list: the consultant who
#: applied, and their department. (Under one customer, the customer's: ``CUSTOMER_RECORD_SCOPE``.)
PAYMENT_SCOPE = CUSTOMER_SCOPE


def customers_with_payments(payments: QuerySet[PaymentRecord] | None = None) -> QuerySet[Customer]:
    """Customers with at least one of ``payments`` (default: any application): what finance may open."""
    payments = PaymentRecord.objects.all() if payments is None else payments
    return Customer.objects.filter(pk__in=payments.values("customer_id"))
