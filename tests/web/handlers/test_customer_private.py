"""The private pool pages and the sales manager's all-customers list."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from tests.factories import ConsultRecordFactory, CourseFactory, CustomerFactory
from tests.permissions import grant_permissions
from tests.web.customers_support import (
    MANAGER_PERMISSIONS,
    bulk_customers,
    make_consultant,
    messages_of,
)
from web.forms.customer import CustomerForm
from web.models import Customer

pytestmark = pytest.mark.django_db

LIST = reverse("stark:web_customer_priv_list")
ADD = reverse("stark:web_customer_priv_add")
RELEASE = reverse("stark:web_customer_priv_multi_release")
ALL = reverse("stark:web_customer_all_list")


def change_url(customer):
    return reverse("stark:web_customer_priv_change", kwargs={"pk": customer.pk})


def form_data(customer=None, **overrides):
    data = {
        "name": customer.name if customer else "周杰",
        "qq": customer.qq if customer else "31415926",
        "gender": "male",
        "source": Customer.Source.REFERRAL,
        "date": "2026-11-02",
    }
    return {**data, **overrides}


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def login(client, user):
    client.force_login(user)
    return client


def test_the_list_shows_only_my_customers(client, consultant1, consultant2):
    CustomerFactory(name="我的客户", consultant=consultant1)
    CustomerFactory(name="别人的客户", consultant=consultant2)
    CustomerFactory(name="公户客户")

    html = login(client, consultant1).get(LIST).content.decode()

    assert "我的客户" in html
    assert "别人的客户" not in html
    assert "公户客户" not in html


def test_rows_link_to_their_follow_ups(client, consultant1):
    customer = CustomerFactory(consultant=consultant1)

    html = login(client, consultant1).get(LIST).content.decode()

    assert reverse("stark:web_consultrecord_list", kwargs={"customer_id": customer.pk}) in html


def test_payment_link_appears_only_when_the_page_exists_and_is_permitted(client, consultant1):
    customer = CustomerFactory(consultant=consultant1)
    try:
        url = reverse("stark:web_paymentrecord_list", kwargs={"customer_id": customer.pk})
    except NoReverseMatch:
        url = None

    html = login(client, consultant1).get(LIST).content.decode()
    if url is not None:
        assert url not in html  # exists, but consultant1 was not granted it
        grant_permissions(consultant1, "stark:web_paymentrecord_list")
        assert url in client.get(LIST).content.decode()
    else:
        assert "paymentrecord" not in html


def test_adding_a_customer_puts_it_in_my_pool_whatever_the_form_says(client, consultant1, consultant2):
    data = form_data(consultant=consultant2.pk, status=Customer.Status.SIGNED, last_consult_date="2020-01-01")

    response = login(client, consultant1).post(ADD, data)

    assert response.status_code == 302
    customer = Customer.objects.get(qq="31415926")
    assert customer.consultant == consultant1
    assert customer.status == Customer.Status.UNSIGNED
    assert customer.last_consult_date is None


def test_adding_at_the_cap_is_refused_with_the_reason(client, consultant1, settings):
    settings.CUSTOMER_PRIVATE_POOL_CAP = 150
    bulk_customers(150, consultant=consultant1)

    response = login(client, consultant1).post(ADD, form_data())

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Your private pool already holds 150 unsigned customers; release some first."
    ]
    assert not Customer.objects.filter(qq="31415926").exists()


def test_editing_my_customer_keeps_pool_and_status(client, consultant1, consultant2):
    customer = CustomerFactory(consultant=consultant1, name="原来的名字")
    course = CourseFactory()
    data = form_data(customer, name="改后的名字", course=[course.pk], consultant=consultant2.pk, status="signed")

    response = login(client, consultant1).post(change_url(customer), data)

    assert response.status_code == 302
    customer.refresh_from_db()
    assert (customer.name, customer.consultant, customer.status) == ("改后的名字", consultant1, "unsigned")
    assert list(customer.course.all()) == [course]


def test_another_consultants_customer_is_404_by_get_and_post(client, consultant1, consultant2):
    theirs = CustomerFactory(consultant=consultant1, name="一号的客户")
    login(client, consultant2)

    assert client.get(change_url(theirs)).status_code == 404
    assert client.post(change_url(theirs), form_data(theirs, name="偷改")).status_code == 404
    theirs.refresh_from_db()
    assert theirs.name == "一号的客户"


def test_there_is_no_delete_page_for_pools():
    for name in ("stark:web_customer_priv_delete", "stark:web_customer_pub_delete"):
        with pytest.raises(NoReverseMatch):
            reverse(name, kwargs={"pk": 1})


def test_release_puts_customers_back_and_says_so(client, consultant1):
    mine = [CustomerFactory(consultant=consultant1), CustomerFactory(consultant=consultant1)]

    response = login(client, consultant1).post(LIST, {"action": "multi_release", "pk": [c.pk for c in mine]})

    assert response.status_code == 302
    assert messages_of(response) == ["Released 2 customers to the public pool."]
    assert not Customer.objects.filter(consultant=consultant1).exists()


def test_release_of_someone_elses_customer_by_a_forged_pk_is_404(client, consultant1, consultant2):
    theirs = CustomerFactory(consultant=consultant1)
    login(client, consultant2)

    assert client.post(RELEASE, {"pk": [theirs.pk]}).status_code == 404
    assert client.post(LIST, {"action": "multi_release", "pk": [theirs.pk]}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.consultant == consultant1


def test_release_with_a_forged_pk_among_mine_releases_only_mine(client, consultant1, consultant2):
    theirs = CustomerFactory(consultant=consultant1)
    mine = CustomerFactory(consultant=consultant2)

    response = login(client, consultant2).post(RELEASE, {"pk": [theirs.pk, mine.pk]})

    assert messages_of(response) == [
        "Released 1 customers to the public pool.",
        "1 customers were skipped: they are not in your private pool.",
    ]
    theirs.refresh_from_db()
    mine.refresh_from_db()
    assert (theirs.consultant, mine.consultant) == (consultant1, None)


def test_names_are_escaped(client, consultant1):
    CustomerFactory(consultant=consultant1, name="<img src=x onerror=alert(1)>")

    html = login(client, consultant1).get(LIST).content.decode()

    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_list_queries_do_not_grow_with_rows(client, consultant1, django_assert_max_num_queries):
    course = CourseFactory()

    def make(count):
        for customer in [CustomerFactory(consultant=consultant1) for _ in range(count)]:
            customer.course.add(course)
            ConsultRecordFactory(customer=customer, consultant=consultant1)

    make(2)
    login(client, consultant1).get(LIST)
    with CaptureQueriesContext(connection) as few:
        client.get(LIST)
    make(18)
    with django_assert_max_num_queries(len(few)):
        response = client.get(LIST)
    assert len(response.context["rows"]) == 20


# ------------------------------------------------------------------ all customers (sales manager)
@pytest.fixture
def manager():
    user = make_consultant("manager1")
    grant_permissions(user, *MANAGER_PERMISSIONS)
    return user


def test_manager_sees_every_customer_and_filters_by_consultant(client, manager, consultant1, consultant2):
    CustomerFactory(name="一号客户", consultant=consultant1)
    CustomerFactory(name="二号客户", consultant=consultant2)
    CustomerFactory(name="公户客户")
    login(client, manager)

    everyone = client.get(ALL).content.decode()
    only_first = client.get(ALL, {"consultant": consultant1.pk}).content.decode()

    assert all(name in everyone for name in ("一号客户", "二号客户", "公户客户"))
    assert "一号客户" in only_first
    assert "二号客户" not in only_first and "公户客户" not in only_first


def test_all_customers_is_read_only(client, manager):
    CustomerFactory()
    response = login(client, manager).get(ALL)

    assert response.context["add_url"] is None
    assert response.context["actions"] == []
    for name in ("add", "change", "delete"):
        with pytest.raises(NoReverseMatch):
            reverse(f"stark:web_customer_all_{name}", kwargs={} if name == "add" else {"pk": 1})


def test_consultants_cannot_open_the_all_customers_list(client, consultant1):
    assert login(client, consultant1).get(ALL).status_code == 403


def test_all_customers_queries_do_not_grow_with_rows(client, manager, consultant1, django_assert_max_num_queries):
    course = CourseFactory()

    def make(count):
        for n in range(count):
            customer = CustomerFactory(consultant=consultant1 if n % 2 else None)
            customer.course.add(course)

    make(2)
    login(client, manager).get(ALL)
    with CaptureQueriesContext(connection) as few:
        client.get(ALL)
    make(18)
    with django_assert_max_num_queries(len(few)):
        response = client.get(ALL)
    assert len(response.context["rows"]) == 20


def test_a_qq_taken_between_validation_and_save_is_a_form_error(client, consultant1, monkeypatch):
    CustomerFactory(qq="31415926")
    # Simulate the race: the form's own uniqueness check ran before the other insert.
    monkeypatch.setattr(CustomerForm, "validate_unique", lambda self: None)
    monkeypatch.setattr(CustomerForm, "_clean_unique", lambda self, field, value: value)

    response = login(client, consultant1).post(ADD, form_data())

    assert response.status_code == 200
    assert response.context["form"].errors["qq"] == ["A customer with this QQ already exists (in the public pool)."]
    assert Customer.objects.filter(qq="31415926").count() == 1
