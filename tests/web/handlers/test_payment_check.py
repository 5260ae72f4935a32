import datetime
from decimal import Decimal

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
    response = client.post(reverse(CHECK), {"action": "multi_confirm", "pk": ids, "confirm": "yes"})
    assert messages_of(response) == ["Confirmed 2 applications."]
    assert set(PaymentRecord.objects.values_list("confirm_status", flat=True)) == {Status.CONFIRMED}
    assert Student.objects.filter(student_status=Student.Status.STUDYING).count() == 2

    # A double click: the second POST (to the action's own URL) changes nothing and says so.
    response = client.post(reverse(CONFIRM) + "?confirm_status=", {"pk": ids, "confirm": "yes"})
    assert response.status_code == 302
    assert messages_of(response)[-1] == "Confirmed 0 applications. 2 were no longer pending and were left unchanged."


@pytest.mark.usefixtures("english")
def test_batch_reject(client, finance):
    payment = applying()
    response = client.post(reverse(REJECT), {"pk": [payment.pk], "confirm": "yes", "reason": " 金额不符 "})
    assert messages_of(response) == ["Rejected 1 application."]
    payment.refresh_from_db()
    assert (payment.confirm_status, payment.confirm_user) == (Status.REJECTED, finance)
    assert payment.reject_reason == "金额不符"
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
    assert client.post(reverse(CONFIRM), {"pk": [payment.pk], "confirm": "yes"}).status_code == 403
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


# ---------------------------------------------------------------------- issue 13: facts, confirmation, reasons
def test_list_shows_the_note_the_amount_as_money_and_the_total_of_the_filtered_rows(client, finance):
    applying("王小明", paid_fee=Decimal("19800"), note="学员要求开发票")
    applying("李四", paid_fee=Decimal("200.5"))
    applying("张三", paid_fee=Decimal("99999"), confirm_status=Status.CONFIRMED)  # filtered out: not pending
    html = client.get(reverse(CHECK)).content.decode()
    assert "¥19,800.00" in html and "学员要求开发票" in html
    assert "¥20,000.50" in html  # the two pending ones
    assert "¥99,999.00" not in html
    assert "¥119,999.50" in client.get(reverse(CHECK), {"confirm_status": ""}).content.decode()


def test_the_total_covers_every_page_not_only_the_shown_one(client, finance):
    for _ in range(25):
        applying(paid_fee=Decimal("100"))
    assert "¥2,500.00" in client.get(reverse(CHECK)).content.decode()


@pytest.mark.parametrize("action", ["multi_confirm", "multi_reject"])
def test_batch_decision_first_shows_a_confirmation_page_and_changes_nothing(client, finance, action):
    first = applying("王小明", paid_fee=Decimal("19800"))
    second = applying("李四", paid_fee=Decimal("200"))
    response = client.post(reverse(CHECK) + "?q=x", {"action": action, "pk": [first.pk, second.pk]})
    assert response.status_code == 200
    html = response.content.decode()
    assert "王小明" in html and "李四" in html and "¥19,800.00" in html and "¥20,000.00" in html
    assert 'name="confirm" value="yes"' in html
    assert response.context["list_url"] == reverse(CHECK) + "?q=x"  # cancel: back to the filtered list
    assert set(PaymentRecord.objects.values_list("confirm_status", flat=True)) == {Status.PENDING}
    assert not Student.objects.filter(student_status=Student.Status.STUDYING).exists()


@pytest.mark.usefixtures("english")
@pytest.mark.parametrize("reason", ["", "   ", "x" * 201])
def test_reject_without_a_valid_reason_is_refused_with_a_message(client, finance, reason):
    payment = applying()
    response = client.post(
        reverse(CHECK), {"action": "multi_reject", "pk": [payment.pk], "confirm": "yes", "reason": reason}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    payment.refresh_from_db()
    assert (payment.confirm_status, payment.reject_reason) == (Status.PENDING, "")


def test_reject_reason_of_200_characters_is_stored(client, finance):
    payment = applying()
    reason = "原" * 200
    client.post(reverse(CHECK), {"action": "multi_reject", "pk": [payment.pk], "confirm": "yes", "reason": reason})
    payment.refresh_from_db()
    assert (payment.confirm_status, payment.reject_reason) == (Status.REJECTED, reason)


def test_select_across_confirmation_lists_every_matching_row_and_confirms_them(client, finance):
    wanted = [applying("王小明"), applying("王小红")]
    other = applying("李四")
    data = {"action": "multi_confirm", "select_across": "1"}
    response = client.post(reverse(CHECK) + "?q=王", data)
    assert response.context["count"] == 2
    client.post(reverse(CHECK) + "?q=王", {**data, "confirm": "yes"})
    assert {p.confirm_status for p in PaymentRecord.objects.filter(pk__in=[w.pk for w in wanted])} == {Status.CONFIRMED}
    other.refresh_from_db()
    assert other.confirm_status == Status.PENDING


def test_rejection_reason_is_shown_on_the_approval_list_and_to_the_consultant(client, finance):
    payment = applying("王小明")
    client.post(
        reverse(CHECK), {"action": "multi_reject", "pk": [payment.pk], "confirm": "yes", "reason": "缺少报名表"}
    )
    assert "缺少报名表" in client.get(reverse(CHECK), {"confirm_status": "rejected"}).content.decode()

    consultant = payment.consultant
    payment.customer.consultant = consultant
    payment.customer.save()
    grant_permissions(consultant, "stark:web_paymentrecord_list")
    client.force_login(consultant)
    response = client.get(reverse("stark:web_paymentrecord_list", kwargs={"customer_id": payment.customer_id}))
    assert "缺少报名表" in response.content.decode()
