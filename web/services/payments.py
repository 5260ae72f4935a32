"""Payment applications (缴费申请) and their approval by finance (DESIGN.md §4 rules 5 and 6)."""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stark.utils import clean_pks
from web.models import ClassList, Customer, CustomerEvent, PaymentRecord, Student, UserInfo
from web.services.events import customer_event_record
from web.services.locks import guard_consultant, lock_customers, retry_on_conflict, run_with_retry
from web.services.notifications import notify_payment_applied, notify_payment_decided

#: What a payment's class label reads (course, semester, campus) without a query per row.
CLASS_LABEL_JOINS = ("class_list__course", "class_list__school")

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
    payment = PaymentRecord.objects.create(
        customer=customer,
        consultant=consultant,
        pay_type=pay_type,
        paid_fee=Decimal(paid_fee),
        class_list=class_list,
        note=note,
    )
    customer_event_record(
        customer=customer,
        kind=CustomerEvent.Kind.PAYMENT_APPLIED,
        actor=consultant,
        consultant=consultant,
        detail=_payment_detail(payment),
    )
    notify_payment_applied(customer_name=customer.name, consultant=consultant, amount=str(payment.paid_fee))
    return payment


def _payment_detail(payment: PaymentRecord) -> dict:
    """What the timeline shows of an application: its id, type, amount (a string: exact) and class."""
    return {
        "payment_id": payment.pk,
        "pay_type": payment.pay_type,
        "amount": str(payment.paid_fee),
        "class_id": payment.class_list_id,
        "class": str(payment.class_list),
    }


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
        _apply_confirmation(
            PaymentRecord.objects.select_related("customer", *CLASS_LABEL_JOINS).get(pk=payment_id),
            confirm_user=confirm_user,
        )
    return bool(updated)


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


@retry_on_conflict
def payment_reject(*, confirm_user: UserInfo, payment_ids: Iterable[int], reason: str) -> PaymentDecisionResult:
    """Reject the pending applications among ``payment_ids`` with ``reason`` (1–200 characters).

    Nothing but the record changes; the reason is stored on it for the consultant to read, and
    each rejected application gets a ``payment_rejected`` event (and a notification) with it.
    """
    reason = clean_reject_reason(reason)
    ids = _unique_ids(payment_ids)
    with transaction.atomic():
        # Lock the pending ones first, so the events name exactly the applications this call rejected.
        # (No join in the locking read: MariaDB cannot limit FOR UPDATE to one table of a join.)
        pending = list(
            PaymentRecord.objects.select_for_update()
            .filter(pk__in=ids, confirm_status=PaymentRecord.ConfirmStatus.PENDING)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        changed = PaymentRecord.objects.filter(pk__in=pending).update(
            confirm_status=PaymentRecord.ConfirmStatus.REJECTED,
            confirm_user=confirm_user,
            confirm_date=timezone.now(),
            reject_reason=reason,
        )
        for payment in PaymentRecord.objects.filter(pk__in=pending).select_related(*CLASS_LABEL_JOINS, "customer"):
            customer_event_record(
                customer=payment.customer_id,
                kind=CustomerEvent.Kind.PAYMENT_REJECTED,
                actor=confirm_user,
                consultant=payment.consultant_id,
                detail={**_payment_detail(payment), "reason": reason},
            )
            notify_payment_decided(
                consultant_id=payment.consultant_id,
                customer_id=payment.customer_id,
                customer_name=payment.customer.name,
                confirmed=False,
                reason=reason,
            )
    return PaymentDecisionResult(changed=changed, requested=len(ids))


def _apply_confirmation(payment: PaymentRecord, *, confirm_user: UserInfo) -> None:
    """Side effects of one confirmed application (inside its transaction), with their events."""
    detail = _payment_detail(payment)
    customer_event_record(
        customer=payment.customer_id,
        kind=CustomerEvent.Kind.PAYMENT_CONFIRMED,
        actor=confirm_user,
        consultant=payment.consultant_id,
        detail=detail,
    )
    notify_payment_decided(
        consultant_id=payment.consultant_id,
        customer_id=payment.customer_id,
        customer_name=payment.customer.name,
        confirmed=True,
    )
    student = _student_for(payment.customer)
    if payment.pay_type in ENROLLING_PAY_TYPES:
        newly_signed = Customer.objects.filter(pk=payment.customer_id, status=Customer.Status.UNSIGNED).update(
            status=Customer.Status.SIGNED
        )
        if newly_signed:
            customer_event_record(
                customer=payment.customer_id,
                kind=CustomerEvent.Kind.SIGNED,
                actor=confirm_user,
                consultant=payment.consultant_id,
                detail=detail,
            )
        Student.objects.filter(pk=student.pk).update(student_status=Student.Status.STUDYING)
        if not student.class_list.filter(pk=payment.class_list_id).exists():
            student.class_list.add(payment.class_list_id)
            customer_event_record(
                customer=payment.customer_id,
                kind=CustomerEvent.Kind.ENROLLED,
                actor=confirm_user,
                consultant=payment.consultant_id,
                detail=detail,
            )
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
    return sorted(clean_pks(PaymentRecord, ids))
