"""Every service that changes a customer writes its event in the same transaction, and none when it refuses."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from tests.factories import ClassListFactory, CustomerFactory, PaymentRecordFactory, UserFactory
from tests.web.customers_support import bulk_customers, make_consultant
from web.models import Customer, CustomerEvent
from web.services.customers import (
    PrivatePoolFull,
    consult_record_add,
    customer_assign,
    customer_claim,
    customer_create_private,
    customer_create_public,
    customer_release,
    customer_update,
)
from web.services.events import customer_event_record, customer_events_record
from web.services.payments import payment_apply, payment_confirm, payment_reject

pytestmark = pytest.mark.django_db
Kind = CustomerEvent.Kind


@pytest.fixture
def consultant():
    return make_consultant("consultant1")


@pytest.fixture
def manager():
    return make_consultant("manager1")


def kinds_of(customer_id: int) -> list[str]:
    return list(
        CustomerEvent.objects.filter(customer_id=customer_id).order_by("at", "id").values_list("kind", flat=True)
    )


def test_claim_writes_a_claimed_event_for_each_claimed_customer_only(consultant, settings):
    settings.CUSTOMER_PRIVATE_POOL_CAP = 1
    first, second = bulk_customers(2)
    result = customer_claim(consultant=consultant, customer_ids=[first, second])
    assert result.claimed == (first,) and result.over_cap == (second,)
    event = CustomerEvent.objects.get(customer_id=first)
    assert (event.kind, event.actor, event.detail["consultant_id"]) == (Kind.CLAIMED, consultant, consultant.pk)
    assert kinds_of(second) == []


def test_a_customer_already_taken_gets_no_second_claimed_event(consultant):
    other = make_consultant("consultant2")
    (pk,) = bulk_customers(1)
    customer_claim(consultant=other, customer_ids=[pk])
    customer_claim(consultant=consultant, customer_ids=[pk])
    assert CustomerEvent.objects.filter(customer_id=pk).get().actor == other


def test_assign_names_the_manager_as_actor_and_the_consultant_in_the_detail(consultant, manager):
    (pk,) = bulk_customers(1)
    customer_assign(manager=manager, consultant=consultant, customer_ids=[pk])
    event = CustomerEvent.objects.get(customer_id=pk)
    assert (event.kind, event.actor, event.detail["consultant"]) == (Kind.ASSIGNED, manager, consultant.name)


def test_release_writes_released_only_for_the_consultants_own_customers(consultant):
    other = make_consultant("consultant2")
    (mine,) = bulk_customers(1, consultant=consultant)
    (theirs,) = bulk_customers(1, consultant=other, prefix="8")
    customer_release(consultant=consultant, customer_ids=[mine, theirs])
    assert kinds_of(mine) == [Kind.RELEASED]
    assert kinds_of(theirs) == []


def test_adding_to_the_private_pool_writes_entered_and_a_full_pool_writes_nothing(consultant, settings):
    customer = customer_create_private(
        consultant=consultant, customer=Customer(name="张三", qq="123456", gender="male")
    )
    assert kinds_of(customer.pk) == [Kind.ENTERED]
    settings.CUSTOMER_PRIVATE_POOL_CAP = 1
    with pytest.raises(PrivatePoolFull):
        customer_create_private(consultant=consultant, customer=Customer(name="李四", qq="654321", gender="male"))
    assert CustomerEvent.objects.count() == 1


def test_operations_entering_a_public_customer_writes_entered():
    ops = UserFactory(username="ops1")
    customer = customer_create_public(user=ops, customer=Customer(name="王五", qq="223344", gender="male"))
    event = CustomerEvent.objects.get(customer=customer)
    assert (event.kind, event.actor, event.detail) == (Kind.ENTERED, ops, {"pool": "public"})


def test_an_edit_names_the_changed_fields_and_a_moved_customer_gets_no_event(consultant):
    customer = CustomerFactory(consultant=consultant)
    customer.company = "路飞科技"
    customer_update(customer=customer, fields=["company"], holder=consultant, changed=["company"])
    assert CustomerEvent.objects.get(customer=customer).detail == {"fields": ["company"]}
    with pytest.raises(Customer.DoesNotExist):
        customer_update(customer=customer, fields=["company"], holder=None, changed=["company"])
    assert CustomerEvent.objects.filter(customer=customer).count() == 1


def test_an_edit_that_changed_nothing_writes_no_event(consultant):
    customer = CustomerFactory(consultant=consultant)
    customer_update(customer=customer, fields=["company"], holder=consultant, changed=[])
    assert kinds_of(customer.pk) == []


def test_a_follow_up_writes_followed_up_with_its_note_and_a_foreign_one_writes_nothing(consultant):
    customer = CustomerFactory(consultant=consultant)
    record = consult_record_add(consultant=consultant, customer_id=customer.pk, note="约了周六试听")
    event = CustomerEvent.objects.get(customer=customer)
    assert event.kind == Kind.FOLLOWED_UP
    assert event.detail == {"record_id": record.pk, "note": "约了周六试听"}
    public = CustomerFactory()
    with pytest.raises(Customer.DoesNotExist):
        consult_record_add(consultant=consultant, customer_id=public.pk, note="x")
    assert kinds_of(public.pk) == []


def test_payment_application_writes_payment_applied_and_a_refused_one_nothing(consultant):
    customer = CustomerFactory(consultant=consultant)
    klass = ClassListFactory()
    payment = payment_apply(
        consultant=consultant,
        customer=customer,
        pay_type="enrolment_fee",
        paid_fee=Decimal("2000.00"),
        class_list=klass,
        qq=customer.qq,
        mobile="13800138000",
        emergency_contract="父亲 13900000000",
    )
    event = CustomerEvent.objects.get(customer=customer)
    assert event.kind == Kind.PAYMENT_APPLIED
    assert event.detail["payment_id"] == payment.pk and event.detail["amount"] == "2000.00"
    other = make_consultant("consultant2")
    with pytest.raises(PermissionDenied):
        payment_apply(consultant=other, customer=customer, pay_type="tuition", paid_fee=Decimal("1"), class_list=klass)
    assert CustomerEvent.objects.filter(customer=customer).count() == 1


def test_confirming_an_enrolment_fee_writes_confirmed_signed_enrolled_once():
    finance = UserFactory(username="finance1")
    payment = PaymentRecordFactory()
    payment_confirm(confirm_user=finance, payment_ids=[payment.pk])
    assert kinds_of(payment.customer_id) == [Kind.PAYMENT_CONFIRMED, Kind.SIGNED, Kind.ENROLLED]
    # The sale is the applying consultant's: the dashboards count it for them.
    assert set(CustomerEvent.objects.values_list("consultant_id", flat=True)) == {payment.consultant_id}
    payment_confirm(confirm_user=finance, payment_ids=[payment.pk])
    assert len(kinds_of(payment.customer_id)) == 3
    assert CustomerEvent.objects.filter(actor=finance).count() == 3


def test_a_second_tuition_for_a_signed_customer_in_the_same_class_is_only_confirmed():
    finance = UserFactory(username="finance1")
    first = PaymentRecordFactory()
    second = PaymentRecordFactory(
        customer=first.customer, consultant=first.consultant, class_list=first.class_list, pay_type="tuition"
    )
    payment_confirm(confirm_user=finance, payment_ids=[first.pk, second.pk])
    assert kinds_of(first.customer_id) == [
        Kind.PAYMENT_CONFIRMED,
        Kind.SIGNED,
        Kind.ENROLLED,
        Kind.PAYMENT_CONFIRMED,
    ]


def test_rejecting_writes_payment_rejected_with_the_reason_only_for_pending_ones():
    finance = UserFactory(username="finance1")
    pending = PaymentRecordFactory()
    decided = PaymentRecordFactory(confirm_status="confirmed")
    result = payment_reject(confirm_user=finance, payment_ids=[pending.pk, decided.pk], reason="金额与合同不符")
    assert result.changed == 1
    event = CustomerEvent.objects.get(customer_id=pending.customer_id)
    assert (event.kind, event.detail["reason"], event.detail["payment_id"]) == (
        Kind.PAYMENT_REJECTED,
        "金额与合同不符",
        pending.pk,
    )
    assert kinds_of(decided.customer_id) == []


@pytest.mark.django_db(transaction=True)
def test_an_event_outside_a_transaction_is_refused():
    customer = CustomerFactory()
    with pytest.raises(RuntimeError, match="inside the transaction"):
        customer_event_record(customer=customer, kind=Kind.ENTERED)
    assert not CustomerEvent.objects.exists()


def test_an_unknown_kind_is_refused():
    customer = CustomerFactory()
    with pytest.raises(ValueError, match="unknown customer event kind"):
        customer_event_record(customer=customer, kind="teleported")


def test_the_bulk_function_writes_one_event_each_with_shared_and_per_customer_detail():
    manager = UserFactory(username="manager1")
    ids = bulk_customers(3)
    written = customer_events_record(
        customer_ids=ids,
        kind=Kind.REASSIGNED,
        actor=manager,
        detail={"consultant": "顾问乙"},
        detail_by_customer={ids[0]: {"from_consultant": "顾问甲"}},
    )
    assert written == 3
    details = dict(CustomerEvent.objects.filter(kind=Kind.REASSIGNED).values_list("customer_id", "detail"))
    assert details[ids[0]] == {"consultant": "顾问乙", "from_consultant": "顾问甲"}
    assert details[ids[1]] == {"consultant": "顾问乙"}
