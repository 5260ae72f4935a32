"""Notifications: written by the services with the change, listed and marked read only by their owner."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import ClassListFactory, CustomerFactory, PaymentRecordFactory, UserFactory
from tests.permissions import grant_permissions
from tests.web.customers_support import bulk_customers, make_consultant
from web.models import Notification
from web.services.customers import customer_assign, customer_claim
from web.services.notifications import notification_send
from web.services.payments import payment_apply, payment_confirm, payment_reject
from web.services.returns import customers_return_idle

pytestmark = pytest.mark.django_db

LIST = reverse("notifications")
UNREAD = reverse("notifications_unread")


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def consultant():
    return make_consultant("consultant1", name="李晓明")


def texts_of(user) -> list[str]:
    return list(Notification.objects.filter(user=user).order_by("pk").values_list("text", flat=True))


def test_a_consultant_is_told_when_an_application_is_confirmed_or_rejected_with_the_reason(consultant):
    finance = UserFactory(username="finance1")
    confirmed = PaymentRecordFactory(consultant=consultant, customer=CustomerFactory(name="张三"))
    rejected = PaymentRecordFactory(consultant=consultant, customer=CustomerFactory(name="李四"))
    payment_confirm(confirm_user=finance, payment_ids=[confirmed.pk])
    payment_reject(confirm_user=finance, payment_ids=[rejected.pk], reason="金额与合同不符")
    payment_reject(confirm_user=finance, payment_ids=[rejected.pk], reason="again")  # no longer pending
    assert texts_of(consultant) == [
        "The payment application of 张三 was confirmed.",
        "The payment application of 李四 was rejected. Reason: 金额与合同不符",
    ]
    link = Notification.objects.filter(user=consultant).order_by("pk").first().link
    assert link == reverse("stark:web_customer_priv_detail", kwargs={"pk": confirmed.customer_id})


def test_finance_is_told_of_new_applications(consultant):
    clerk = UserFactory(username="finance1")
    grant_permissions(clerk, "stark:web_paymentrecord_check_list")
    UserFactory(username="ops1")  # not finance: not told
    customer = CustomerFactory(consultant=consultant, name="王五")
    payment_apply(
        consultant=consultant,
        customer=customer,
        pay_type="enrolment_fee",
        paid_fee=Decimal("1999.00"),
        class_list=ClassListFactory(),
        qq=customer.qq,
        mobile="13800138000",
        emergency_contract="父亲 13900000000",
    )
    assert texts_of(clerk) == ["New payment application: 王五, 1999.00 yuan, by 李晓明"]
    assert Notification.objects.count() == 1


def test_an_assignment_tells_the_consultant_and_a_claim_does_not(consultant):
    manager = make_consultant("manager1", name="王主管")
    ids = bulk_customers(3)
    customer_assign(manager=manager, consultant=consultant, customer_ids=ids[:2])
    customer_claim(consultant=consultant, customer_ids=ids[2:])
    assert texts_of(consultant) == ["王主管 assigned 2 customers to you."]


def test_the_automatic_return_tells_each_consultant_how_many(consultant, settings):
    settings.CUSTOMER_RETURN_NO_FOLLOW_UP_DAYS = 15
    long_ago = timezone.localdate() - datetime.timedelta(days=20)
    bulk_customers(2, consultant=consultant, recv_date=long_ago)
    customers_return_idle()
    assert texts_of(consultant) == ["2 of your customers went back to the public pool: nobody worked them in time."]


def test_the_list_shows_only_the_users_own_notices_and_marks_them_read(client, consultant):
    other = make_consultant("consultant2")
    with_transaction(lambda: notification_send(user=consultant, text="mine", link="/"))
    with_transaction(lambda: notification_send(user=other, text="theirs"))
    client.force_login(consultant)
    assert client.get(UNREAD).json() == {"unread": 1}
    page = client.get(LIST).content.decode()
    assert "mine" in page and "theirs" not in page
    theirs = Notification.objects.get(user=other)
    mine = Notification.objects.get(user=consultant)
    # Another user's id is not matched: nothing happens to it.
    client.post(LIST, {"pk": [theirs.pk]})
    theirs.refresh_from_db()
    assert theirs.read_at is None
    response = client.post(LIST, {"pk": [mine.pk]})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert client.get(UNREAD).json() == {"unread": 0}


def test_mark_all_read_touches_only_the_users_notices(client, consultant):
    other = make_consultant("consultant2")
    for user in (consultant, consultant, other):
        with_transaction(lambda user=user: notification_send(user=user, text="x"))
    client.force_login(consultant)
    client.post(LIST, {"all": "1"})
    assert Notification.objects.filter(user=consultant, read_at__isnull=True).count() == 0
    assert Notification.objects.filter(user=other, read_at__isnull=True).count() == 1


def test_a_malformed_id_is_ignored_and_marking_needs_a_csrf_token(consultant):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(consultant)
    assert client.post(LIST, {"all": "1"}).status_code == 403
    relaxed = Client()
    relaxed.force_login(consultant)
    assert relaxed.post(LIST, {"pk": ["abc", "99999999999999999999"]}).status_code == 302


def test_anonymous_users_are_sent_to_login(client):
    assert client.get(LIST).status_code == 302
    assert client.get(UNREAD).status_code == 302


def test_every_page_shows_the_bell_whose_count_is_fetched_separately(client, consultant):
    client.force_login(consultant)
    page = client.get(reverse("home")).content.decode()
    assert f'data-unread-url="{UNREAD}"' in page and "luffy/notifications.js" in page


def test_a_notice_links_only_to_a_local_path(consultant):
    with pytest.raises(ValueError, match="local path"):
        with_transaction(lambda: notification_send(user=consultant, text="x", link="https://evil.example/"))


def with_transaction(func):
    from django.db import transaction

    with transaction.atomic():
        return func()
