"""The customer page: who may open which customer, what it shows, and a query count that does not grow."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import ConsultRecordFactory, CourseFactory, CustomerFactory, PaymentRecordFactory, UserFactory
from tests.permissions import grant_permissions
from tests.web.customers_support import CONSULTANT_PERMISSIONS, MANAGER_PERMISSIONS, make_consultant
from web.models import CustomerEvent
from web.services.customers import consult_record_add, customer_claim
from web.services.payments import payment_reject

pytestmark = pytest.mark.django_db

PRIV = "stark:web_customer_priv_detail"
ALL = "stark:web_customer_all_detail"
FINANCE = "stark:web_paymentrecord_check_customer"
FINANCE_PERMISSIONS = (
    "stark:web_paymentrecord_check_list",
    "stark:web_paymentrecord_check_multi_confirm",
    "stark:web_paymentrecord_check_multi_reject",
    FINANCE,
)


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def consultant1():
    user = make_consultant("consultant1")
    grant_permissions(user, *CONSULTANT_PERMISSIONS, PRIV)
    return user


@pytest.fixture
def consultant2():
    user = make_consultant("consultant2")
    grant_permissions(user, *CONSULTANT_PERMISSIONS, PRIV)
    return user


@pytest.fixture
def manager():
    user = make_consultant("manager1")
    grant_permissions(user, *MANAGER_PERMISSIONS, ALL)
    return user


@pytest.fixture
def finance():
    user = UserFactory(username="finance1")
    grant_permissions(user, *FINANCE_PERMISSIONS)
    return user


def url(name, customer):
    return reverse(name, kwargs={"pk": customer.pk})


def test_another_consultants_customer_is_404_on_the_private_page(client, consultant1, consultant2):
    theirs = CustomerFactory(consultant=consultant2)
    public = CustomerFactory()
    client.force_login(consultant1)
    assert client.get(url(PRIV, theirs)).status_code == 404
    assert client.get(url(PRIV, public)).status_code == 404
    assert client.get(reverse(PRIV, kwargs={"pk": 999999})).status_code == 404


def test_finance_may_open_only_customers_with_an_application(client, finance):
    applied = PaymentRecordFactory().customer
    never_applied = CustomerFactory()
    client.force_login(finance)
    assert client.get(url(FINANCE, applied)).status_code == 200
    assert client.get(url(FINANCE, never_applied)).status_code == 404


def test_roles_without_the_page_are_refused(client, consultant1, manager, finance):
    customer = CustomerFactory(consultant=consultant1)
    PaymentRecordFactory(customer=customer, consultant=consultant1)
    client.force_login(manager)
    assert client.get(url(PRIV, customer)).status_code == 403
    assert client.get(url(FINANCE, customer)).status_code == 403
    client.force_login(finance)
    assert client.get(url(ALL, customer)).status_code == 403
    client.force_login(consultant1)
    assert client.get(url(ALL, customer)).status_code == 403


def test_the_page_shows_contact_owner_follow_ups_payments_and_the_timeline(client, consultant1):
    customer = CustomerFactory(name="林晓", qq="77889900", company="星辰科技")
    customer.course.add(CourseFactory(name="Python 全栈"))
    customer_claim(consultant=consultant1, customer_ids=[customer.pk])
    consult_record_add(consultant=consultant1, customer_id=customer.pk, note="<b>约周六试听</b>")
    payment = PaymentRecordFactory(customer=customer, consultant=consultant1, note="首付定金")
    payment_reject(confirm_user=UserFactory(username="finance1"), payment_ids=[payment.pk], reason="金额不符")
    client.force_login(consultant1)
    page = client.get(url(PRIV, customer)).content.decode()
    for text in ("林晓", "77889900", "星辰科技", "Python 全栈", "首付定金", "金额不符", "Claimed by"):
        assert text in page, text
    assert "&lt;b&gt;约周六试听&lt;/b&gt;" in page and "<b>约周六试听</b>" not in page
    # newest first: the rejection comes before the claim
    assert page.index('data-kind="payment_rejected"') < page.index('data-kind="claimed"')


def test_the_manager_sees_any_customer_read_only(client, consultant1, manager):
    customer = CustomerFactory(consultant=consultant1, name="赵敏")
    client.force_login(manager)
    response = client.get(url(ALL, customer))
    assert response.status_code == 200
    assert "赵敏" in response.content.decode()
    assert response.context["change_url"] is None and response.context["follow_up_url"] is None


def test_the_query_count_does_not_grow_with_the_history(client, consultant1, django_assert_max_num_queries):
    short = CustomerFactory(consultant=consultant1)
    ConsultRecordFactory(customer=short, consultant=consultant1)
    PaymentRecordFactory(customer=short, consultant=consultant1, confirm_status="rejected")
    CustomerEvent.objects.create(customer=short, kind="payment_rejected", detail={"reason": "x"})
    long = CustomerFactory(consultant=consultant1)
    for n in range(30):
        ConsultRecordFactory(customer=long, consultant=consultant1, note=f"第{n}次跟进")
        PaymentRecordFactory(customer=long, consultant=consultant1, confirm_status="rejected")
    CustomerEvent.objects.bulk_create(
        [CustomerEvent(customer=long, kind="payment_rejected", actor=consultant1, detail={"reason": "x"})] * 60
    )
    client.force_login(consultant1)
    client.get(url(PRIV, short))  # warm the session and permission caches
    with CaptureQueriesContext(connection) as short_queries:
        assert client.get(url(PRIV, short)).status_code == 200
    assert len(short_queries) <= 12
    with django_assert_max_num_queries(len(short_queries)):
        response = client.get(url(PRIV, long))
    assert response.context["timeline"].paginator.count == 60
    assert len(response.context["timeline_rows"]) == 20
    assert response.context["more_follow_ups"] and response.context["more_payments"]


def test_the_timeline_pages_through_older_events(client, consultant1):
    customer = CustomerFactory(consultant=consultant1)
    CustomerEvent.objects.bulk_create(
        [CustomerEvent(customer=customer, kind="followed_up", detail={"note": f"n{n}"}) for n in range(25)]
    )
    client.force_login(consultant1)
    response = client.get(url(PRIV, customer), {"page": 2})
    assert len(response.context["timeline_rows"]) == 5
    assert client.get(url(PRIV, customer), {"page": "abc"}).status_code == 200


def test_names_link_to_the_page_from_the_private_pool_all_customers_and_approval_lists(
    client, consultant1, manager, finance
):
    customer = CustomerFactory(consultant=consultant1, name="钱多多")
    PaymentRecordFactory(customer=customer, consultant=consultant1)
    for user, list_name, page_name in (
        (consultant1, "stark:web_customer_priv_list", PRIV),
        (manager, "stark:web_customer_all_list", ALL),
        (finance, "stark:web_paymentrecord_check_list", FINANCE),
    ):
        client.force_login(user)
        assert f'href="{url(page_name, customer)}"' in client.get(reverse(list_name)).content.decode(), list_name


def test_without_the_page_permission_the_name_is_plain_text(client):
    user = make_consultant("consultant3")
    grant_permissions(user, *CONSULTANT_PERMISSIONS)  # no detail page
    customer = CustomerFactory(consultant=user, name="孙悟空")
    client.force_login(user)
    page = client.get(reverse("stark:web_customer_priv_list")).content.decode()
    assert "孙悟空" in page and url(PRIV, customer) not in page
