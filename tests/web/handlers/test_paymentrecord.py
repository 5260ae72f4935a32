from decimal import Decimal

import pytest
from django.urls import reverse

from tests.factories import ClassListFactory, CustomerFactory, PaymentRecordFactory, StudentFactory, UserFactory
from tests.permissions import grant_permissions
from tests.web.handlers.enrolment_helpers import english, messages_of  # noqa: F401 - fixture
from web.models import Customer, PaymentRecord, Student

pytestmark = pytest.mark.django_db

LIST = "stark:web_paymentrecord_list"
ADD = "stark:web_paymentrecord_add"
CHECK = "stark:web_paymentrecord_check_list"
CONFIRM = "stark:web_paymentrecord_check_multi_confirm"


@pytest.fixture
def consultant(client):
    user = UserFactory(username="consultant_a")
    grant_permissions(user, LIST, ADD)
    client.force_login(user)
    return user


@pytest.fixture
def customer(consultant):
    return CustomerFactory(consultant=consultant, name="陈思远", qq="31415926")


def add_url(customer):
    return reverse(ADD, kwargs={"customer_id": customer.pk})


def test_list_shows_only_that_customers_applications(client, customer):
    PaymentRecordFactory(customer=customer, consultant=customer.consultant, paid_fee=Decimal("1234.50"))
    PaymentRecordFactory(paid_fee=Decimal("777.00"))  # another customer's
    response = client.get(reverse(LIST, kwargs={"customer_id": customer.pk}))
    assert response.status_code == 200
    html = response.content.decode()
    assert "1234.50" in html and "777.00" not in html
    assert "陈思远" in html


def test_first_application_form_offers_contact_fields_prefilled_with_the_customers_qq(client, customer):
    html = client.get(add_url(customer)).content.decode()
    assert 'name="mobile"' in html and 'name="emergency_contract"' in html
    assert 'value="31415926"' in html


def test_first_application_creates_the_student_and_a_pending_record(client, consultant, customer):
    klass = ClassListFactory()
    intruder = UserFactory()
    response = client.post(
        add_url(customer),
        {
            "pay_type": PaymentRecord.PayType.ENROLMENT_FEE,
            "paid_fee": "2000.00",
            "class_list": klass.pk,
            "note": "首付",
            "qq": "31415926",
            "mobile": "13800000009",
            "emergency_contract": "父亲 139",
            # Fields the server sets itself are ignored when posted.
            "consultant": intruder.pk,
            "customer": CustomerFactory().pk,
            "confirm_status": PaymentRecord.ConfirmStatus.CONFIRMED,
        },
    )
    assert response.status_code == 302
    payment = PaymentRecord.objects.get()
    assert (payment.customer, payment.consultant) == (customer, consultant)
    assert payment.confirm_status == PaymentRecord.ConfirmStatus.PENDING
    assert payment.paid_fee == Decimal("2000.00")
    student = Student.objects.get(customer=customer)
    assert student.student_status == Student.Status.APPLYING and student.mobile == "13800000009"
    assert not student.class_list.exists()


def test_later_applications_do_not_ask_for_contact_fields(client, customer):
    StudentFactory(customer=customer)
    html = client.get(add_url(customer)).content.decode()
    assert 'name="mobile"' not in html
    response = client.post(
        add_url(customer),
        {"pay_type": PaymentRecord.PayType.TUITION, "paid_fee": "17800", "class_list": ClassListFactory().pk},
    )
    assert response.status_code == 302
    assert customer.payments.count() == 1


@pytest.mark.parametrize("amount", ["0", "-5.00"])
def test_non_positive_amount_is_a_form_error_that_keeps_the_input(client, customer, amount):
    response = client.post(
        add_url(customer),
        {
            "pay_type": "enrolment_fee",
            "paid_fee": amount,
            "class_list": ClassListFactory().pk,
            "note": "保留这段备注",
            "qq": "31415926",
            "mobile": "13800000009",
            "emergency_contract": "父亲",
        },
    )
    assert response.status_code == 200
    assert "paid_fee" in response.context["form"].errors
    html = response.content.decode()
    assert "保留这段备注" in html and "13800000009" in html
    assert not PaymentRecord.objects.exists() and not Student.objects.exists()


def test_missing_class_is_a_form_error(client, customer):
    response = client.post(
        add_url(customer),
        {
            "pay_type": "enrolment_fee",
            "paid_fee": "100",
            "qq": "31415926",
            "mobile": "13800000002",
            "emergency_contract": "母亲",
        },
    )
    assert response.status_code == 200
    assert "class_list" in response.context["form"].errors
    assert not PaymentRecord.objects.exists()


def test_another_consultants_customer_gives_404(client, consultant):
    other = CustomerFactory(consultant=UserFactory())
    PaymentRecordFactory(customer=other)
    assert client.get(reverse(LIST, kwargs={"customer_id": other.pk})).status_code == 404
    assert client.get(add_url(other)).status_code == 404
    response = client.post(
        add_url(other), {"pay_type": "tuition", "paid_fee": "1", "class_list": ClassListFactory().pk}
    )
    assert response.status_code == 404
    assert PaymentRecord.objects.count() == 1


def test_public_pool_customer_gives_404(client, consultant):
    assert client.get(add_url(CustomerFactory(consultant=None))).status_code == 404


def test_finance_cannot_create_applications(client):
    finance = UserFactory(username="finance_a")
    grant_permissions(finance, CHECK, CONFIRM)
    client.force_login(finance)
    customer = CustomerFactory(consultant=UserFactory())
    response = client.post(
        add_url(customer), {"pay_type": "tuition", "paid_fee": "1", "class_list": ClassListFactory().pk}
    )
    assert response.status_code == 403
    assert not PaymentRecord.objects.exists()


@pytest.mark.usefixtures("english")
def test_end_to_end_consultant_applies_finance_confirms(client, consultant, customer):
    klass = ClassListFactory()
    client.post(
        add_url(customer),
        {
            "pay_type": "enrolment_fee",
            "paid_fee": "2000",
            "class_list": klass.pk,
            "qq": "31415926",
            "mobile": "13800000009",
            "emergency_contract": "父亲",
        },
    )
    payment = PaymentRecord.objects.get()
    unsigned_before = Customer.objects.filter(consultant=consultant, status=Customer.Status.UNSIGNED).count()

    finance = UserFactory(username="finance_b")
    grant_permissions(finance, CHECK, CONFIRM)
    client.force_login(finance)
    response = client.post(reverse(CHECK), {"action": "multi_confirm", "pk": [payment.pk], "confirm": "yes"})

    assert response.status_code == 302
    assert messages_of(response) == ["Confirmed 1 application."]
    customer.refresh_from_db()
    assert customer.status == Customer.Status.SIGNED
    assert customer.student.student_status == Student.Status.STUDYING
    assert list(customer.student.class_list.all()) == [klass]
    assert (
        Customer.objects.filter(consultant=consultant, status=Customer.Status.UNSIGNED).count() == unsigned_before - 1
    )


def test_add_page_query_count_does_not_grow_with_classes(client, customer, django_assert_max_num_queries):
    for _ in range(10):
        ClassListFactory()
    with django_assert_max_num_queries(10):
        assert client.get(add_url(customer)).status_code == 200


def test_the_payment_remark_is_not_labelled_as_a_follow_up_in_chinese(client, customer):
    # Both models call the field "note"; only the follow-up's is 跟进内容.
    html = client.get(add_url(customer)).content.decode()
    assert '<label for="id_note">备注</label>' in html
    assert "跟进内容" not in html
