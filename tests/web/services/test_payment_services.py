from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.concurrency import mysql_only, run_concurrently
from tests.factories import ClassListFactory, CustomerFactory, PaymentRecordFactory, StudentFactory, UserFactory
from web.models import Customer, PaymentRecord, Student
from web.services.payments import payment_apply, payment_confirm, payment_reject

Pay = PaymentRecord.PayType
Status = PaymentRecord.ConfirmStatus


@pytest.fixture
def consultant(db):
    return UserFactory(username="consultant_a")


@pytest.fixture
def finance(db):
    return UserFactory(username="finance_a")


@pytest.fixture
def customer(consultant):
    return CustomerFactory(consultant=consultant, qq="20260001")


def apply(consultant, customer, klass, **overrides):
    data = {
        "consultant": consultant,
        "customer": customer,
        "pay_type": Pay.ENROLMENT_FEE,
        "paid_fee": Decimal("2000.00"),
        "class_list": klass,
        "qq": "20260001",
        "mobile": "13800000001",
        "emergency_contract": "母亲 13900000001",
    }
    data.update(overrides)
    return payment_apply(**data)


def test_first_application_creates_an_applying_student_without_joining_the_class(consultant, customer):
    klass = ClassListFactory()
    payment = apply(consultant, customer, klass)
    student = Student.objects.get(customer=customer)
    assert student.student_status == Student.Status.APPLYING
    assert (student.qq, student.mobile) == ("20260001", "13800000001")
    assert not student.class_list.exists()
    assert payment.confirm_status == Status.PENDING
    assert payment.paid_fee == Decimal("2000.00")


def test_second_application_keeps_the_existing_student(consultant, customer):
    klass = ClassListFactory()
    apply(consultant, customer, klass)
    apply(consultant, customer, klass, pay_type=Pay.TUITION, qq="", mobile="", emergency_contract="")
    assert Student.objects.filter(customer=customer).count() == 1
    assert customer.payments.count() == 2


@pytest.mark.parametrize("amount", [Decimal("0"), Decimal("-1.00")])
def test_amount_must_be_positive(consultant, customer, amount):
    with pytest.raises(ValidationError) as info:
        apply(consultant, customer, ClassListFactory(), paid_fee=amount)
    assert "paid_fee" in info.value.message_dict
    assert not PaymentRecord.objects.exists()
    assert not Student.objects.exists()


def test_first_application_needs_the_contact_fields(consultant, customer):
    with pytest.raises(ValidationError) as info:
        apply(consultant, customer, ClassListFactory(), mobile=" ")
    assert set(info.value.message_dict) == {"mobile"}


def test_cannot_apply_for_another_consultants_customer(consultant):
    other = CustomerFactory(consultant=UserFactory())
    with pytest.raises(PermissionDenied):
        apply(consultant, other, ClassListFactory())


def test_confirm_signs_the_customer_and_seats_the_student(consultant, customer, finance):
    klass = ClassListFactory()
    payment = apply(consultant, customer, klass)
    unsigned_before = Customer.objects.filter(consultant=consultant, status=Customer.Status.UNSIGNED).count()

    result = payment_confirm(confirm_user=finance, payment_ids=[payment.pk])

    assert result.changed == 1
    payment.refresh_from_db()
    customer.refresh_from_db()
    student = customer.student
    assert payment.confirm_status == Status.CONFIRMED
    assert payment.confirm_user == finance and payment.confirm_date is not None
    assert customer.status == Customer.Status.SIGNED
    assert student.student_status == Student.Status.STUDYING
    assert list(student.class_list.all()) == [klass]
    # A signed customer no longer counts toward the consultant's cap of unsigned customers.
    assert Customer.objects.filter(consultant=consultant, status=Customer.Status.UNSIGNED).count() == (
        unsigned_before - 1
    )


def test_confirming_twice_changes_nothing_the_second_time(consultant, customer, finance):
    payment = apply(consultant, customer, ClassListFactory())
    assert payment_confirm(confirm_user=finance, payment_ids=[payment.pk, payment.pk]).changed == 1
    first = PaymentRecord.objects.get(pk=payment.pk)

    second_user = UserFactory()
    result = payment_confirm(confirm_user=second_user, payment_ids=[payment.pk])

    assert (result.changed, result.skipped) == (0, 1)
    again = PaymentRecord.objects.get(pk=payment.pk)
    assert (again.confirm_user, again.confirm_date) == (finance, first.confirm_date)


def test_withdrawal_withdraws_the_student_and_leaves_the_class(finance):
    klass, other = ClassListFactory(), ClassListFactory()
    student = StudentFactory()
    student.class_list.add(klass, other)
    payment = PaymentRecordFactory(customer=student.customer, class_list=klass, pay_type=Pay.WITHDRAWAL)

    assert payment_confirm(confirm_user=finance, payment_ids=[payment.pk]).changed == 1

    student.refresh_from_db()
    assert student.student_status == Student.Status.WITHDRAWN
    assert list(student.class_list.all()) == [other]


def test_reject_touches_nothing_but_the_record(consultant, customer, finance):
    klass = ClassListFactory()
    payment = apply(consultant, customer, klass)

    result = payment_reject(confirm_user=finance, payment_ids=[payment.pk], reason="金额不符")
    assert result.changed == 1
    assert payment_confirm(confirm_user=finance, payment_ids=[payment.pk]).changed == 0

    payment.refresh_from_db()
    customer.refresh_from_db()
    assert payment.confirm_status == Status.REJECTED and payment.confirm_user == finance
    assert customer.status == Customer.Status.UNSIGNED
    assert customer.student.student_status == Student.Status.APPLYING
    assert not customer.student.class_list.exists()


def test_confirm_reports_only_the_pending_ones(finance):
    pending = PaymentRecordFactory()
    rejected = PaymentRecordFactory(confirm_status=Status.REJECTED)
    result = payment_confirm(confirm_user=finance, payment_ids=[pending.pk, rejected.pk])
    assert (result.changed, result.requested) == (1, 2)
    rejected.refresh_from_db()
    assert rejected.confirm_status == Status.REJECTED


@mysql_only
@pytest.mark.django_db(transaction=True)
def test_two_finance_staff_confirming_at_once_change_each_application_once():
    consultant = UserFactory()
    klass = ClassListFactory()
    payments = []
    for _n in range(5):
        customer = CustomerFactory(consultant=consultant)
        StudentFactory(customer=customer, student_status=Student.Status.APPLYING)
        payments.append(PaymentRecordFactory(customer=customer, consultant=consultant, class_list=klass))
    ids = [p.pk for p in payments]
    finance_a, finance_b = UserFactory(), UserFactory()

    results = run_concurrently(
        lambda: payment_confirm(confirm_user=finance_a, payment_ids=ids),
        lambda: payment_confirm(confirm_user=finance_b, payment_ids=list(reversed(ids))),
    )

    assert sum(r.changed for r in results) == 5
    assert PaymentRecord.objects.filter(pk__in=ids, confirm_status=Status.CONFIRMED).count() == 5
    assert klass.students.count() == 5
    assert Student.objects.filter(student_status=Student.Status.STUDYING).count() == 5


def test_confirming_an_other_payment_changes_only_the_record(finance):
    customer = CustomerFactory()
    StudentFactory(customer=customer, student_status=Student.Status.APPLYING)
    payment = PaymentRecordFactory(customer=customer, pay_type=Pay.OTHER)
    assert payment_confirm(confirm_user=finance, payment_ids=[payment.pk]).changed == 1
    customer.refresh_from_db()
    assert customer.status == Customer.Status.UNSIGNED
    assert customer.student.student_status == Student.Status.APPLYING
    assert not customer.student.class_list.exists()


def test_confirming_tuition_without_a_student_creates_one_from_the_customer(finance):
    customer = CustomerFactory(qq="27182818")
    payment = PaymentRecordFactory(customer=customer, pay_type=Pay.TUITION)
    payment_confirm(confirm_user=finance, payment_ids=[payment.pk])
    student = Student.objects.get(customer=customer)
    assert (student.qq, student.student_status) == ("27182818", Student.Status.STUDYING)
    assert list(student.class_list.all()) == [payment.class_list]


def test_an_application_for_a_customer_released_meanwhile_is_refused(consultant, customer):
    # The page checked ownership on an instance read earlier; the service checks the row as it is now.
    Customer.objects.filter(pk=customer.pk).update(consultant=None)
    with pytest.raises(PermissionDenied):
        apply(consultant, customer, ClassListFactory())
    assert not PaymentRecord.objects.exists() and not Student.objects.exists()


@mysql_only
@pytest.mark.django_db(transaction=True)
def test_a_double_submitted_first_application_creates_one_student():
    consultant = UserFactory()
    customer = CustomerFactory(consultant=consultant, qq="20260002")
    klass = ClassListFactory()
    for _attempt in range(5):
        results = run_concurrently(
            lambda: apply(consultant, customer, klass), lambda: apply(consultant, customer, klass)
        )
        assert all(isinstance(r, PaymentRecord) for r in results)
        assert Student.objects.filter(customer=customer).count() == 1
        Student.objects.filter(customer=customer).delete()


@pytest.mark.parametrize("reason", ["", "  ", None, "理" * 201])
def test_reject_needs_a_reason_of_1_to_200_characters(finance, reason):
    payment = PaymentRecordFactory()
    with pytest.raises(ValidationError) as caught:
        payment_reject(confirm_user=finance, payment_ids=[payment.pk], reason=reason)
    assert "reason" in caught.value.error_dict
    payment.refresh_from_db()
    assert payment.confirm_status == Status.PENDING
