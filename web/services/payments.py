"""Payment applications (缴费申请) and their approval by finance (DESIGN.md §4 rules 5 and 6)."""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from web.models import ClassList, Customer, PaymentRecord, Student, UserInfo
from web.services.customers import _lock_consultant, _lock_customers

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
    # The module order of web.services.customers: the consultant's row, then the customer's. Holding
    # the customer's lock, a double submit waits here and then finds the Student the first one
    # created; and ownership is checked on the row as it is now (not as the page read it).
    _lock_consultant(consultant)
    if [holder for _pk, holder, _status in _lock_customers([customer.pk])] != [consultant.pk]:
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
    changed = 0
    for payment_id in ids:
        with transaction.atomic():
            now = timezone.now()
            updated = PaymentRecord.objects.filter(
                pk=payment_id, confirm_status=PaymentRecord.ConfirmStatus.PENDING
            ).update(confirm_status=PaymentRecord.ConfirmStatus.CONFIRMED, confirm_user=confirm_user, confirm_date=now)
            if updated:
                _apply_confirmation(PaymentRecord.objects.select_related("customer").get(pk=payment_id))
                changed += 1
    return PaymentDecisionResult(changed=changed, requested=len(ids))


#: Longest reason for a rejection (the column's length).
REJECT_REASON_MAX_LENGTH = PaymentRecord._meta.get_field("reject_reason").max_length


def clean_reject_reason(reason: str | None) -> str:
    """The reason without surrounding blanks; ``ValidationError`` unless it has 1–200 characters."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the rejection.")}, code="required")
    if len(reason) > REJECT_REASON_MAX_LENGTH:
        raise ValidationError(
            {"reason": _("The reason can have at most %(max)d characters.") % {"max": REJECT_REASON_MAX_LENGTH}},
            code="max_length",
        )
    return reason


def payment_reject(*, confirm_user: UserInfo, payment_ids: Iterable[int], reason: str) -> PaymentDecisionResult:
    """Reject the pending applications among ``payment_ids`` with ``reason`` (1–200 characters).

    Nothing but the record changes; the reason is stored on it for the consultant to read.
    """
    reason = clean_reject_reason(reason)
    ids = _unique_ids(payment_ids)
    with transaction.atomic():
        changed = PaymentRecord.objects.filter(pk__in=ids, confirm_status=PaymentRecord.ConfirmStatus.PENDING).update(
            confirm_status=PaymentRecord.ConfirmStatus.REJECTED,
            confirm_user=confirm_user,
            confirm_date=timezone.now(),
            reject_reason=reason,
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
