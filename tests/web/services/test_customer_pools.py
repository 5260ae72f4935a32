"""Release, private-pool add, follow-ups and the scoped selectors."""

import datetime

import pytest
from django.utils import timezone

from tests.factories import ConsultRecordFactory, CourseFactory, CustomerFactory
from tests.web.customers_support import bulk_customers, make_consultant
from web.models import ConsultRecord, Customer
from web.selectors.customers import (
    consult_records_private,
    consult_records_public,
    customers_private,
    customers_public,
    sales_consultants,
)
from web.services.customers import (
    PrivatePoolFull,
    ReleaseResult,
    consult_record_add,
    consult_record_delete,
    consult_record_edit,
    customer_claim,
    customer_create_private,
    customer_release,
    customer_update,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def consultant():
    return make_consultant("consultant1")


@pytest.fixture
def other_consultant():
    return make_consultant("consultant2")


def test_release_puts_my_customers_back_and_ignores_others(consultant, other_consultant):
    mine = CustomerFactory(consultant=consultant)
    theirs = CustomerFactory(consultant=other_consultant)
    public = CustomerFactory()

    result = customer_release(consultant=consultant, customer_ids=[mine.pk, theirs.pk, public.pk, "x"])

    assert result == ReleaseResult(released=(mine.pk,), not_mine=tuple(sorted([theirs.pk, public.pk])))
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.consultant is None
    assert theirs.consultant == other_consultant


def test_release_frees_room_under_the_cap(consultant):
    held = bulk_customers(150, consultant=consultant, prefix="1")
    customer_release(consultant=consultant, customer_ids=held[:1])

    wanted = bulk_customers(1, prefix="2")
    assert customer_claim(consultant=consultant, customer_ids=wanted).claimed == tuple(wanted)


def test_create_private_belongs_to_the_consultant_whatever_the_instance_says(consultant, other_consultant):
    course = CourseFactory()
    customer = Customer(name="王小明", qq="123456789", gender="male", consultant=other_consultant)

    saved = customer_create_private(consultant=consultant, customer=customer, courses=[course])

    saved.refresh_from_db()
    assert saved.consultant == consultant
    assert list(saved.course.all()) == [course]


def test_create_private_refuses_an_unsigned_customer_at_the_cap(consultant, settings):
    settings.CUSTOMER_PRIVATE_POOL_CAP = 3
    bulk_customers(3, consultant=consultant)

    with pytest.raises(PrivatePoolFull):
        customer_create_private(consultant=consultant, customer=Customer(name="李雷", qq="55555", gender="male"))

    assert not Customer.objects.filter(qq="55555").exists()
    signed = Customer(name="韩梅梅", qq="66666", gender="female", status=Customer.Status.SIGNED)
    assert customer_create_private(consultant=consultant, customer=signed).pk


def test_follow_up_is_written_by_the_server_and_dates_the_customer(consultant):
    customer = CustomerFactory(consultant=consultant, last_consult_date=datetime.date(2020, 1, 1))

    record = consult_record_add(consultant=consultant, customer_id=customer.pk, note="电话沟通，约周六试听")

    customer.refresh_from_db()
    assert record.customer == customer
    assert record.consultant == consultant
    assert customer.last_consult_date == record.date == timezone.localdate()


def test_follow_up_on_someone_elses_or_a_public_customer_is_refused(consultant, other_consultant):
    theirs = CustomerFactory(consultant=other_consultant)
    public = CustomerFactory()

    for customer in (theirs, public):
        with pytest.raises(Customer.DoesNotExist):
            consult_record_add(consultant=consultant, customer_id=customer.pk, note="偷看")
    assert not ConsultRecord.objects.exists()


def test_follow_up_edit_changes_only_the_note_of_my_customers_record(consultant, other_consultant):
    mine = CustomerFactory(consultant=consultant)
    record = ConsultRecordFactory(customer=mine, consultant=consultant, date=datetime.date(2026, 1, 5))

    consult_record_edit(consultant=consultant, customer_id=mine.pk, record_id=record.pk, note="已报名意向强")

    record.refresh_from_db()
    assert (record.note, record.date, record.consultant, record.customer) == (
        "已报名意向强",
        datetime.date(2026, 1, 5),
        consultant,
        mine,
    )
    with pytest.raises(ConsultRecord.DoesNotExist):
        consult_record_edit(consultant=other_consultant, customer_id=mine.pk, record_id=record.pk, note="改掉")
    with pytest.raises(ConsultRecord.DoesNotExist):
        consult_record_delete(consultant=other_consultant, customer_id=mine.pk, record_id=record.pk)


def test_follow_up_record_id_must_belong_to_the_customer_in_the_url(consultant):
    first = CustomerFactory(consultant=consultant)
    second = CustomerFactory(consultant=consultant)
    record = ConsultRecordFactory(customer=first, consultant=consultant)

    with pytest.raises(ConsultRecord.DoesNotExist):
        consult_record_edit(consultant=consultant, customer_id=second.pk, record_id=record.pk, note="错位")
    consult_record_delete(consultant=consultant, customer_id=first.pk, record_id=record.pk)
    assert not ConsultRecord.objects.exists()


def test_selectors_scope_customers_and_follow_ups(consultant, other_consultant):
    mine = CustomerFactory(consultant=consultant)
    theirs = CustomerFactory(consultant=other_consultant)
    public = CustomerFactory()
    my_record = ConsultRecordFactory(customer=mine, consultant=consultant)
    ConsultRecordFactory(customer=theirs, consultant=other_consultant)
    public_record = ConsultRecordFactory(customer=public, consultant=other_consultant)

    assert list(customers_public()) == [public]
    assert list(customers_private(consultant=consultant)) == [mine]
    assert list(consult_records_private(consultant=consultant, customer_id=mine.pk)) == [my_record]
    assert not consult_records_private(consultant=consultant, customer_id=theirs.pk).exists()
    assert list(consult_records_public(customer_id=public.pk)) == [public_record]
    assert not consult_records_public(customer_id=mine.pk).exists()


def test_after_a_release_and_a_claim_the_new_owner_sees_the_history(consultant, other_consultant):
    customer = CustomerFactory(consultant=consultant)
    record = consult_record_add(consultant=consultant, customer_id=customer.pk, note="第一次沟通")
    customer_release(consultant=consultant, customer_ids=[customer.pk])
    customer_claim(consultant=other_consultant, customer_ids=[customer.pk])

    assert list(consult_records_private(consultant=other_consultant, customer_id=customer.pk)) == [record]
    assert not consult_records_private(consultant=consultant, customer_id=customer.pk).exists()


def test_sales_consultants_are_active_sales_staff(consultant):
    inactive = make_consultant("gone", is_active=False)
    choices = set(sales_consultants())
    assert consultant in choices
    assert inactive not in choices


def test_update_writes_only_the_edited_fields_while_the_customer_stays_put(consultant):
    customer = CustomerFactory(consultant=consultant, name="旧名字")
    stale = Customer.objects.get(pk=customer.pk)
    # Meanwhile finance signs the customer and a follow-up dates it.
    Customer.objects.filter(pk=customer.pk).update(
        status=Customer.Status.SIGNED, last_consult_date=datetime.date(2026, 3, 1)
    )
    stale.name = "新名字"
    stale.status = Customer.Status.UNSIGNED
    course = CourseFactory()

    customer_update(
        customer=stale, fields=["name", "status", "consultant", "course"], holder=consultant, courses=[course]
    )

    customer.refresh_from_db()
    assert (customer.name, customer.status, customer.last_consult_date) == (
        "新名字",
        Customer.Status.SIGNED,
        datetime.date(2026, 3, 1),
    )
    assert list(customer.course.all()) == [course]


def test_update_of_a_customer_that_moved_is_refused(consultant, other_consultant):
    customer = CustomerFactory(consultant=consultant, name="原名")
    stale = Customer.objects.get(pk=customer.pk)
    customer_release(consultant=consultant, customer_ids=[customer.pk])
    customer_claim(consultant=other_consultant, customer_ids=[customer.pk])
    stale.name = "篡改"

    with pytest.raises(Customer.DoesNotExist):
        customer_update(customer=stale, fields=["name"], holder=consultant)
    with pytest.raises(Customer.DoesNotExist):
        customer_update(customer=stale, fields=["name"], holder=None)

    customer.refresh_from_db()
    assert (customer.name, customer.consultant) == ("原名", other_consultant)
