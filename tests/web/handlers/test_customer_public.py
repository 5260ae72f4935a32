"""The public pool pages: list, search, add/change by operations, claim, assign, read-only follow-ups."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import ConsultRecordFactory, CourseFactory, CustomerFactory, DepartmentFactory, UserFactory
from tests.permissions import grant_permissions
from tests.web.customers_support import (
    MANAGER_PERMISSIONS,
    OPERATIONS_PERMISSIONS,
    bulk_customers,
    make_consultant,
    messages_of,
)
from web.fields import pinyin_sort_key
from web.models import Customer, Department

pytestmark = pytest.mark.django_db

LIST = reverse("stark:web_customer_pub_list")
ADD = reverse("stark:web_customer_pub_add")
CLAIM = reverse("stark:web_customer_pub_multi_claim")


def change_url(customer):
    return reverse("stark:web_customer_pub_change", kwargs={"pk": customer.pk})


def record_url(customer):
    return reverse("stark:web_customer_pub_record", kwargs={"pk": customer.pk})


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def manager():
    user = make_consultant("manager1")
    grant_permissions(user, *MANAGER_PERMISSIONS)
    return user


@pytest.fixture
def ops():
    user = UserFactory(username="ops1", depart=DepartmentFactory(title="运营部", kind=Department.Kind.OPERATIONS))
    grant_permissions(user, *OPERATIONS_PERMISSIONS)
    return user


def login(client, user):
    client.force_login(user)
    return client


def test_the_list_shows_only_public_customers(client, consultant1, consultant2):
    CustomerFactory(name="公户张三")
    CustomerFactory(name="私户李四", consultant=consultant2)

    html = login(client, consultant1).get(LIST).content.decode()

    assert "公户张三" in html
    assert "私户李四" not in html


def test_search_by_qq_and_filter_by_source(client, consultant1):
    CustomerFactory(name="王芳", qq="77001234", source=Customer.Source.WEBSITE)
    CustomerFactory(name="刘洋", qq="88005678", source=Customer.Source.QQ_GROUP)
    login(client, consultant1)

    by_qq = client.get(LIST, {"q": "7700"}).content.decode()
    by_source = client.get(LIST, {"source": Customer.Source.QQ_GROUP}).content.decode()

    assert "王芳" in by_qq and "刘洋" not in by_qq
    assert "刘洋" in by_source and "王芳" not in by_source


def test_operations_add_a_customer_to_the_public_pool_and_a_forged_consultant_is_ignored(client, ops, consultant1):
    course = CourseFactory(name="Python 全栈开发")
    data = {
        "name": "陈静",
        "qq": "123450001",
        "gender": "female",
        "source": Customer.Source.WEBSITE,
        "course": [course.pk],
        "date": "2026-11-20",
        "consultant": consultant1.pk,
        "status": Customer.Status.SIGNED,
    }

    response = login(client, ops).post(ADD, data)

    assert response.status_code == 302
    customer = Customer.objects.get(qq="123450001")
    assert customer.consultant is None
    assert customer.status == Customer.Status.UNSIGNED
    assert list(customer.course.all()) == [course]


def test_a_duplicate_qq_is_a_form_error_not_a_crash(client, ops):
    CustomerFactory(qq="99990000")

    response = login(client, ops).post(ADD, {"name": "重复", "qq": "99990000", "gender": "male", "source": "website"})

    assert response.status_code == 200
    assert response.context["form"].errors["qq"] == ["A customer with this QQ already exists (in the public pool)."]
    assert Customer.objects.filter(qq="99990000").count() == 1


def test_operations_edit_a_public_customer_but_get_404_on_a_private_one(client, ops, consultant1):
    public = CustomerFactory(name="旧名")
    private = CustomerFactory(name="私有", consultant=consultant1)
    login(client, ops)
    data = {"name": "新名", "qq": public.qq, "gender": "female", "source": "website", "date": "2026-11-01"}

    assert client.post(change_url(public), {**data, "consultant": consultant1.pk}).status_code == 302
    assert client.get(change_url(private)).status_code == 404
    assert client.post(change_url(private), {**data, "qq": private.qq}).status_code == 404

    public.refresh_from_db()
    private.refresh_from_db()
    assert (public.name, public.consultant) == ("新名", None)
    assert private.name == "私有"


def test_claim_from_the_list_reports_claimed_and_taken(client, consultant1, consultant2):
    free = CustomerFactory()
    taken = CustomerFactory(consultant=consultant2)

    response = login(client, consultant1).post(LIST, {"action": "multi_claim", "pk": [free.pk, taken.pk]})

    assert response.status_code == 302
    assert messages_of(response) == [
        "Claimed 1 of 2 selected customers into your private pool. Not done: 1 already held by a consultant."
    ]
    free.refresh_from_db()
    taken.refresh_from_db()
    assert free.consultant == consultant1
    assert taken.consultant == consultant2


def test_claim_and_assign_ignore_tampered_ids_instead_of_failing(client, consultant1, manager):
    # "²" passes str.isdigit() but not int(); the long one is beyond the id column's range.
    free = CustomerFactory()
    tampered = ["\u00b2", "99999999999999999999999"]

    response = login(client, consultant1).post(LIST, {"action": "multi_claim", "pk": [free.pk, *tampered]})

    assert response.status_code == 302
    free.refresh_from_db()
    assert free.consultant == consultant1
    assign = login(Client(), manager).post(reverse("stark:web_customer_pub_multi_assign"), {"pk": tampered})
    assert assign.status_code == 302  # "Select at least one row."


def test_claim_reports_the_cap(client, consultant1, settings):
    settings.CUSTOMER_PRIVATE_POOL_CAP = 150
    bulk_customers(149, consultant=consultant1, prefix="1")
    wanted = bulk_customers(3, prefix="2")

    response = login(client, consultant1).post(CLAIM, {"pk": wanted})

    assert messages_of(response) == [
        "Claimed 1 of 3 selected customers into your private pool. "
        "Not done: 2 over the cap of 150 unsigned customers in a private pool."
    ]
    assert Customer.objects.filter(consultant=consultant1).count() == 150


def test_claim_needs_a_csrf_token(consultant1):
    customer = CustomerFactory()
    client = Client(enforce_csrf_checks=True)
    client.force_login(consultant1)

    assert client.post(CLAIM, {"pk": [customer.pk]}).status_code == 403
    customer.refresh_from_db()
    assert customer.consultant is None


def test_claim_url_refuses_get(client, consultant1):
    assert login(client, consultant1).get(CLAIM).status_code == 405


def test_manager_assigns_through_a_consultant_form(client, manager, consultant1):
    customers = [CustomerFactory(), CustomerFactory()]
    pks = [c.pk for c in customers]
    login(client, manager)

    ask = client.post(LIST, {"action": "multi_assign", "pk": pks})
    assert ask.status_code == 200
    assert consultant1.name in ask.content.decode()
    assert not Customer.objects.filter(consultant=consultant1).exists()

    done = client.post(LIST, {"action": "multi_assign", "pk": pks, "consultant": consultant1.pk})

    assert done.status_code == 302
    assert messages_of(done) == [f"Assigned 2 of 2 selected customers to {consultant1.name}."]
    assert set(Customer.objects.filter(consultant=consultant1).values_list("pk", flat=True)) == set(pks)


def test_assign_refuses_someone_outside_sales(client, manager):
    finance = UserFactory(username="finance1", depart=DepartmentFactory(title="财务部", kind=Department.Kind.FINANCE))
    customer = CustomerFactory()

    response = login(client, manager).post(
        LIST, {"action": "multi_assign", "pk": [customer.pk], "consultant": finance.pk}
    )

    assert response.status_code == 200
    assert "consultant" in response.context["form"].errors
    customer.refresh_from_db()
    assert customer.consultant is None


def test_record_page_shows_a_public_customers_history_and_404s_for_a_private_one(client, consultant1, consultant2):
    public = CustomerFactory(name="公户")
    ConsultRecordFactory(customer=public, consultant=consultant2, note="上次电话：考虑中")
    private = CustomerFactory(consultant=consultant2)
    ConsultRecordFactory(customer=private, consultant=consultant2, note="机密跟进")
    login(client, consultant1)

    html = client.get(record_url(public)).content.decode()

    assert "上次电话：考虑中" in html
    assert client.get(record_url(private)).status_code == 404


def test_names_and_notes_are_escaped(client, consultant1, consultant2):
    evil = "<script>alert('x')</script>"
    customer = CustomerFactory(name=evil)
    ConsultRecordFactory(customer=customer, consultant=consultant2, note=evil)
    login(client, consultant1)

    for url in (LIST, record_url(customer)):
        html = client.get(url).content.decode()
        assert evil not in html
        assert "&lt;script&gt;" in html


def test_list_queries_do_not_grow_with_rows(client, consultant1, django_assert_max_num_queries):
    course = CourseFactory()
    for customer in [CustomerFactory() for _ in range(2)]:
        customer.course.add(course)
    login(client, consultant1)
    client.get(LIST)  # warm up: session, permissions cache
    with CaptureQueriesContext(connection) as few:
        client.get(LIST)

    for customer in [CustomerFactory() for _ in range(18)]:
        customer.course.add(course)
    with django_assert_max_num_queries(len(few)):
        response = client.get(LIST)
    assert len(response.context["rows"]) == 20


def test_each_role_is_offered_only_its_own_batch_action(client, consultant1, manager, ops):
    CustomerFactory()

    offered = {}
    for user in (consultant1, manager, ops):
        client.force_login(user)
        offered[user.username] = [name for name, _label in client.get(LIST).context["actions"]]

    assert offered == {"consultant1": ["multi_claim"], "manager1": ["multi_assign"], "ops1": []}


def test_a_manager_cannot_claim_and_a_consultant_cannot_assign(client, consultant1, manager):
    customer = CustomerFactory()

    assert login(client, manager).post(CLAIM, {"pk": [customer.pk]}).status_code == 403
    assign = reverse("stark:web_customer_pub_multi_assign")
    response = login(client, consultant1).post(assign, {"pk": [customer.pk], "consultant": consultant1.pk})
    assert response.status_code == 403
    customer.refresh_from_db()
    assert customer.consultant is None


def test_only_operations_get_the_add_button_and_edit_links(client, consultant1, ops):
    customer = CustomerFactory()

    consultant_page = login(client, consultant1).get(LIST)
    ops_page = login(client, ops).get(LIST)

    assert consultant_page.context["add_url"] is None
    assert change_url(customer) not in consultant_page.content.decode()
    assert ops_page.context["add_url"].startswith(ADD)
    assert change_url(customer) in ops_page.content.decode()
    assert login(client, consultant1).get(ADD).status_code == 403


def test_list_and_assign_pages_have_their_own_titles(client, manager):
    customer = CustomerFactory()
    login(client, manager)

    assert client.get(LIST).context["title"] == "Public pool"
    ask = client.post(LIST, {"action": "multi_assign", "pk": [customer.pk]})
    assert ask.context["title"] == "Assign customers to a consultant"


# ---------------------------------------------------------------------- issue 13
def test_assign_form_preselects_nobody_offers_sales_staff_but_the_manager_and_names_the_customers(
    client, manager, consultant1
):
    customers = [CustomerFactory(name=f"公户{n:02d}") for n in range(21)]
    response = login(client, manager).post(
        LIST + "?q=公户", {"action": "multi_assign", "pk": [c.pk for c in customers]}
    )

    field = response.context["form"]["consultant"]
    values = [value for value, _label in field.field.choices]
    assert values[0] == "" and field.value() is None
    assert consultant1.pk in values and manager.pk not in values
    assert response.context["names"] == [c.name for c in customers[:20]] and response.context["more"] == 1
    assert response.context["list_url"] == LIST + "?q=%E5%85%AC%E6%88%B7"
    missing = client.post(LIST, {"action": "multi_assign", "pk": [customers[0].pk], "consultant": ""})
    assert missing.context["form"].errors["consultant"]
    assert not Customer.objects.filter(consultant__isnull=False).exists()


def test_claim_all_matching_takes_the_rows_in_the_lists_order_and_the_numbers_add_up(client, consultant1, settings):
    settings.CUSTOMER_PRIVATE_POOL_CAP = 3
    CustomerFactory(consultant=consultant1)
    for name in ("赵", "钱", "孙", "李"):
        CustomerFactory(name=name)
    order = sorted(["赵", "钱", "孙", "李"], key=pinyin_sort_key, reverse=True)  # the list's own order

    response = login(client, consultant1).post(CLAIM + "?o=-name", {"select_across": "1"})

    claimed = Customer.objects.filter(consultant=consultant1, name__in=order).values_list("name", flat=True)
    assert set(claimed) == set(order[:2])
    assert set(Customer.objects.filter(consultant__isnull=True).values_list("name", flat=True)) == set(order[2:])
    assert messages_of(response) == [
        "Claimed 2 of 4 selected customers into your private pool. "
        "Not done: 2 over the cap of 3 unsigned customers in a private pool."
    ]


def test_ticked_rows_are_claimed_in_the_order_of_the_list(client, consultant1, settings):
    settings.CUSTOMER_PRIVATE_POOL_CAP = 1
    first, second = CustomerFactory(), CustomerFactory()  # newest first in the list: second, then first
    login(client, consultant1).post(CLAIM, {"pk": [second.pk, first.pk]})
    assert Customer.objects.get(pk=second.pk).consultant == consultant1
    assert Customer.objects.get(pk=first.pk).consultant is None


def test_the_whole_pool_is_counted_exactly_from_its_days_and_pages_cross_days_in_order(
    client, consultant1, consultant2, monkeypatch
):
    """Above the capped count's threshold the public pool still says exactly how many customers
    it holds (PublicPoolDay), and each page starts in its day: the pages put together are the
    pool in its order, newest day first."""
    import datetime

    from web.handlers.customer import PublicCustomerHandler

    monkeypatch.setattr(PublicCustomerHandler, "count_cap", 15)
    for offset, count in enumerate([7, 0, 12, 1, 9, 15]):
        bulk_customers(count, prefix=str(offset + 1), date=datetime.date(2026, 10, 1) + datetime.timedelta(days=offset))
    bulk_customers(5, consultant=consultant2, prefix="0")  # private: neither counted nor shown
    expected = list(Customer.objects.filter(consultant=None).order_by("-date", "-id").values_list("pk", flat=True))
    client.force_login(consultant1)

    seen = []
    for page in (1, 2, 3):
        html = client.get(LIST, {"page": page}).content.decode()
        assert "44 rows in total" in html and "Count exactly" not in html
        seen += [int(pk) for pk in re.findall(r'name="pk" value="(\d+)"', html)]
    assert seen == expected

    filtered = client.get(LIST, {"gender": "male"}).content.decode()  # filtered: the capped count
    assert "rows in total" in filtered and "44 rows" not in filtered


def test_day_counts_broken_by_hand_are_not_trusted(client, consultant1):
    """Negative counts (rows deleted by hand) make the list count its rows itself."""
    import datetime

    from web.models import PublicPoolDay

    bulk_customers(3, date=datetime.date(2026, 10, 1))
    PublicPoolDay.objects.create(date=datetime.date(2026, 9, 1), delta=-2)
    client.force_login(consultant1)

    html = client.get(LIST).content.decode()

    assert "3 rows in total" in html
    assert len(re.findall(r'name="pk" value="(\d+)"', html)) == 3
