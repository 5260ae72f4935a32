import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import ClassListFactory, CustomerFactory, PaymentRecordFactory, StudentFactory, UserFactory
from tests.permissions import grant_permissions
from tests.web.handlers.enrolment_helpers import english, messages_of  # noqa: F401 - fixture
from web.models import PaymentRecord, Student

pytestmark = pytest.mark.django_db

CHECK = "stark:web_paymentrecord_check_list"
CONFIRM = "stark:web_paymentrecord_check_multi_confirm"
REJECT = "stark:web_paymentrecord_check_multi_reject"
Status = PaymentRecord.ConfirmStatus


@pytest.fixture
def finance(client):
    user = UserFactory(username="finance_a")
    grant_permissions(user, CHECK, CONFIRM, REJECT)
    client.force_login(user)
    return user


def applying(customer_name="客户", **kwargs):
    customer = CustomerFactory(name=customer_name)
    StudentFactory(customer=customer, student_status=Student.Status.APPLYING)
    return PaymentRecordFactory(customer=customer, **kwargs)


def listed_ids(response):
    return {obj.pk for obj in response.context["page"].object_list}


def test_list_shows_pending_by_default_and_all_on_request(client, finance):
    pending = applying()
    confirmed = applying(confirm_status=Status.CONFIRMED)
    response = client.get(reverse(CHECK))
    assert listed_ids(response) == {pending.pk}
    response = client.get(reverse(CHECK), {"confirm_status": ""})
    assert listed_ids(response) == {pending.pk, confirmed.pk}
    response = client.get(reverse(CHECK), {"confirm_status": "confirmed"})
    assert listed_ids(response) == {confirmed.pk}


def test_search_by_customer_name_or_qq_and_filter_by_class_and_type(client, finance):
    klass = ClassListFactory()
    wanted = applying("王小明", class_list=klass, pay_type=PaymentRecord.PayType.TUITION)
    applying("李四")
    assert listed_ids(client.get(reverse(CHECK), {"q": "小明"})) == {wanted.pk}
    assert listed_ids(client.get(reverse(CHECK), {"q": wanted.customer.qq})) == {wanted.pk}
    assert listed_ids(client.get(reverse(CHECK), {"class_list": klass.pk})) == {wanted.pk}
    assert listed_ids(client.get(reverse(CHECK), {"pay_type": "tuition"})) == {wanted.pk}


def test_list_lists_newest_first(client, finance):
    first, second = applying(), applying()
    PaymentRecord.objects.filter(pk=first.pk).update(apply_date=second.apply_date.replace(year=2020))
    assert list(client.get(reverse(CHECK)).context["page"].object_list) == [second, first]


@pytest.mark.usefixtures("english")
def test_batch_confirm_then_double_confirm_changes_nothing(client, finance):
    payments = [applying(), applying()]
    ids = [p.pk for p in payments]
    response = client.post(reverse(CHECK), {"action": "multi_confirm", "pk": ids})
    assert messages_of(response) == ["Confirmed 2 applications."]
    assert set(PaymentRecord.objects.values_list("confirm_status", flat=True)) == {Status.CONFIRMED}
    assert Student.objects.filter(student_status=Student.Status.STUDYING).count() == 2

    # A double click: the second POST (to the action's own URL) changes nothing and says so.
    response = client.post(reverse(CONFIRM) + "?confirm_status=", {"pk": ids})
    assert response.status_code == 302
    assert messages_of(response)[-1] == "Confirmed 0 applications. 2 were no longer pending and were left unchanged."


@pytest.mark.usefixtures("english")
def test_batch_reject(client, finance):
    payment = applying()
    response = client.post(reverse(REJECT), {"pk": [payment.pk]})
    assert messages_of(response) == ["Rejected 1 application."]
    payment.refresh_from_db()
    assert (payment.confirm_status, payment.confirm_user) == (Status.REJECTED, finance)
    assert payment.customer.student.student_status == Student.Status.APPLYING


def test_approval_list_query_count_does_not_grow_with_rows(client, finance):
    def count_queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse(CHECK)).status_code == 200
        return len(captured)

    for _ in range(3):
        applying()
    few = count_queries()
    for _ in range(15):
        applying()
    assert count_queries() == few


def test_consultant_cannot_reach_the_approval_page(client):
    consultant = UserFactory(username="consultant_x")
    grant_permissions(consultant, "stark:web_paymentrecord_list", "stark:web_paymentrecord_add")
    client.force_login(consultant)
    payment = applying()
    assert client.get(reverse(CHECK)).status_code == 403
    assert client.post(reverse(CHECK), {"action": "multi_confirm", "pk": [payment.pk]}).status_code == 403
    assert client.post(reverse(CONFIRM), {"pk": [payment.pk]}).status_code == 403
    payment.refresh_from_db()
    assert payment.confirm_status == Status.PENDING


def test_approval_page_is_titled_as_its_menu_entry_and_heads_the_decision_time_clearly(client, finance):
    # In Chinese: the status "confirmed" and the column of the decision's time shared one label, "已确认".
    applying(confirm_status=Status.CONFIRMED)
    response = client.get(reverse(CHECK), {"confirm_status": ""})
    headers = [str(header["text"]) for header in response.context["headers"]]
    assert response.context["title"] == "缴费审批"
    assert "审批时间" in headers and "已确认" not in headers


def test_decision_time_column_sorts_by_the_confirm_date(client, finance):
    early = applying(confirm_status=Status.CONFIRMED, confirm_date=timezone.now() - datetime.timedelta(days=2))
    late = applying(confirm_status=Status.CONFIRMED, confirm_date=timezone.now())
    response = client.get(reverse(CHECK), {"confirm_status": "", "o": "confirm_date"})
    assert [obj.pk for obj in response.context["page"].object_list] == [early.pk, late.pk]
