"""Payment applications (缴费申请) and their approval by finance (DESIGN.md §4 rules 5 and 6)."""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from web.models import ClassList, Customer, PaymentRecord, Student, UserInfo
from web.services.locks import guard_consultant, lock_customers, retry_on_conflict, run_with_retry

#: Pay types whose confirmation signs the customer and seats the student in the class.
ENROLLING_PAY_TYPES = frozenset({PaymentRecord.PayType.ENROLMENT_FEE, PaymentRecord.PayType.TUITION})


@dataclass(frozen=True)
class PaymentDecisionResult:
    """How many of the requested applications changed; the rest were no longer pending."""

    changed: int
    requested: int

    @property
    def skipped(self) -> int:
        return self.requested - self.changed


@retry_on_conflict
@transaction.atomic
def payment_apply(
    *,
    consultant: UserInfo,
    customer: Customer,
    pay_type: str,
    paid_fee: Decimal,
    class_list: ClassList,
    note: str = "",
    qq: str = "",
    mobile: str = "",
    emergency_contract: str = "",
) -> PaymentRecord:
    """File a payment application for one of ``consultant``'s own customers.

    The customer's first application creates their Student record (status applying) from
    the contact fields; the class is joined only when finance confirms.
    """
    # The lock order of web.services.locks: the consultant's guard row, then the customer's. Holding
    # the customer's lock, a double submit waits here and then finds the Student the first one
    # created; and ownership is checked on the row as it is now (not as the page read it).
    guard_consultant(consultant)
    if [holder for _pk, holder, _status in lock_customers([customer.pk])] != [consultant.pk]:
        raise PermissionDenied("Only the customer's own consultant can apply for a payment.")
    if paid_fee is None or Decimal(paid_fee) <= 0:
        raise ValidationError({"paid_fee": _("The amount must be greater than zero.")}, code="amount")

    if not Student.objects.filter(customer=customer).exists():
        missing = {
            field: _("This field is required for the first application.")
            for field, value in (("qq", qq), ("mobile", mobile), ("emergency_contract", emergency_contract))
            if not (value or "").strip()
        }
        if missing:
            raise ValidationError(missing, code="required")
        Student.objects.create(
            customer=customer,
            qq=qq.strip(),
            mobile=mobile.strip(),
            emergency_contract=emergency_contract.strip(),
            student_status=Student.Status.APPLYING,
        )
    return PaymentRecord.objects.create(
        customer=customer,
        consultant=consultant,
        pay_type=pay_type,
        paid_fee=Decimal(paid_fee),
        class_list=class_list,
        note=note,
    )


def payment_confirm(*, confirm_user: UserInfo, payment_ids: Iterable[int]) -> PaymentDecisionResult:
    """Confirm the pending applications among ``payment_ids``, each in its own transaction.

    The status is flipped by a conditional UPDATE (``WHERE confirm_status = 'pending'``): the
    database row-locks the record, so of two finance staff confirming at once exactly one
    changes it and runs the side effects; the other updates 0 rows and does nothing.
    """
    ids = _unique_ids(payment_ids)
    changed = sum(run_with_retry(_confirm_one, confirm_user=confirm_user, payment_id=pk) for pk in ids)
    return PaymentDecisionResult(changed=changed, requested=len(ids))


@transaction.atomic
def _confirm_one(*, confirm_user: UserInfo, payment_id: int) -> bool:
    # The conditional UPDATE of the payment row is the write that decides an application once,
    # on one server (row lock) and on Galera (two confirmations on two nodes fail certification).
    updated = PaymentRecord.objects.filter(pk=payment_id, confirm_status=PaymentRecord.ConfirmStatus.PENDING).update(
        confirm_status=PaymentRecord.ConfirmStatus.CONFIRMED, confirm_user=confirm_user, confirm_date=timezone.now()
    )
    if updated:
        _apply_confirmation(PaymentRecord.objects.select_related("customer").get(pk=payment_id))
    return bool(updated)


@retry_on_conflict
def payment_reject(*, confirm_user: UserInfo, payment_ids: Iterable[int]) -> PaymentDecisionResult:
    """Reject the pending applications among ``payment_ids``; nothing but the record changes."""
    ids = _unique_ids(payment_ids)
    with transaction.atomic():
        changed = PaymentRecord.objects.filter(pk__in=ids, confirm_status=PaymentRecord.ConfirmStatus.PENDING).update(
            confirm_status=PaymentRecord.ConfirmStatus.REJECTED, confirm_user=confirm_user, confirm_date=timezone.now()
        )
    return PaymentDecisionResult(changed=changed, requested=len(ids))


def _apply_confirmation(payment: PaymentRecord) -> None:
    """Side effects of one confirmed application (inside its transaction)."""
    student = _student_for(payment.customer)
    if payment.pay_type in ENROLLING_PAY_TYPES:
        Customer.objects.filter(pk=payment.customer_id).update(status=Customer.Status.SIGNED)
        Student.objects.filter(pk=student.pk).update(student_status=Student.Status.STUDYING)
        student.class_list.add(payment.class_list_id)
    elif payment.pay_type == PaymentRecord.PayType.WITHDRAWAL:
        Student.objects.filter(pk=student.pk).update(student_status=Student.Status.WITHDRAWN)
        student.class_list.remove(payment.class_list_id)


def _student_for(customer: Customer) -> Student:
    # Applications made through payment_apply always have a Student; records entered
    # another way (imports, the shell) get one from the customer's own contact data.
    student, _created = Student.objects.get_or_create(
        customer=customer, defaults={"qq": customer.qq, "mobile": "", "emergency_contract": ""}
    )
    return student


def _unique_ids(ids: Iterable[int]) -> list[int]:
    return sorted({int(pk) for pk in ids})
