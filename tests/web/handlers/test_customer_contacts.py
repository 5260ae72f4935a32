"""The customer's mobile and WeChat: optional, validated, unique when given, searchable; duplicate
messages say who holds the other customer and nothing more about it."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from tests.factories import CustomerFactory, DepartmentFactory, UserFactory
from tests.permissions import grant_permissions
from tests.web.customers_support import OPERATIONS_PERMISSIONS
from web.models import Customer, Department

pytestmark = pytest.mark.django_db

PUB_ADD = reverse("stark:web_customer_pub_add")
PUB_LIST = reverse("stark:web_customer_pub_list")
PRIV_ADD = reverse("stark:web_customer_priv_add")


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def ops(client):
    user = UserFactory(username="ops1", depart=DepartmentFactory(title="运营部", kind=Department.Kind.OPERATIONS))
    grant_permissions(user, *OPERATIONS_PERMISSIONS)
    client.force_login(user)
    return user


def add(client, url=PUB_ADD, **fields):
    data = {"name": "新客户", "qq": "123450001", "gender": "male", "source": "website", "date": "2026-11-20", **fields}
    return client.post(url, data)


def test_mobile_and_wechat_are_optional_and_stored_as_null_when_empty(client, ops):
    assert add(client, qq="123450001").status_code == 302
    assert add(client, qq="123450002", mobile="", wechat="").status_code == 302
    assert list(Customer.objects.values_list("mobile", "wechat")) == [(None, None), (None, None)]


def test_mobile_is_normalised_and_wechat_lower_cased(client, ops):
    assert add(client, mobile="+86 138-0013-8000", wechat="Luffy_Fan").status_code == 302
    customer = Customer.objects.get()
    assert (customer.mobile, customer.wechat) == ("13800138000", "luffy_fan")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("mobile", "12345"),
        ("mobile", "23800138000"),
        ("mobile", "1380013800a"),
        ("wechat", "abc"),
        ("wechat", "9abcdef"),
        ("wechat", "has space"),
        ("wechat", "a" * 21),
    ],
)
def test_invalid_mobile_or_wechat_is_a_form_error(client, ops, field, value):
    response = add(client, **{field: value})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Customer.objects.exists()


def test_duplicate_in_the_public_pool_is_named_as_such(client, ops):
    CustomerFactory(name="秘密姓名", qq="99990000", mobile="13800138000", wechat="luffy_fan")
    response = add(client, qq="99990000", mobile="13800138000", wechat="LUFFY_FAN")
    errors = response.context["form"].errors
    assert errors["qq"] == ["A customer with this QQ already exists (in the public pool)."]
    assert errors["mobile"] == ["A customer with this mobile number already exists (in the public pool)."]
    assert errors["wechat"] == ["A customer with this WeChat ID already exists (in the public pool)."]
    assert "秘密姓名" not in response.content.decode()
    assert Customer.objects.count() == 1


def test_duplicate_held_by_a_consultant_names_the_consultant_only(client, ops, consultant2):
    consultant2.name = "王顾问"
    consultant2.save()
    CustomerFactory(name="秘密姓名", qq="99990000", mobile="13800138000", consultant=consultant2)
    response = add(client, qq="99990001", mobile="13800138000")
    assert response.context["form"].errors["mobile"] == [
        "A customer with this mobile number already exists (held by consultant 王顾问)."
    ]
    body = response.content.decode()
    assert "秘密姓名" not in body and "99990000" not in body


def test_editing_a_customer_keeps_its_own_mobile(client, ops):
    customer = CustomerFactory(qq="99990000", mobile="13800138000")
    url = reverse("stark:web_customer_pub_change", kwargs={"pk": customer.pk})
    data = {
        "name": "改名",
        "qq": "99990000",
        "mobile": "13800138000",
        "gender": "male",
        "source": "website",
        "date": "2026-11-20",
    }
    assert client.post(url, data).status_code == 302
    customer.refresh_from_db()
    assert customer.name == "改名"


def test_the_database_refuses_a_second_customer_with_the_same_mobile_but_allows_many_without():
    CustomerFactory(mobile="13800138000")
    CustomerFactory(mobile=None, wechat=None)
    CustomerFactory(mobile=None, wechat=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        CustomerFactory(mobile="13800138000")
    with pytest.raises(IntegrityError), transaction.atomic():
        CustomerFactory(wechat="same_id", mobile=None)
        CustomerFactory(wechat="same_id", mobile=None)


def test_fuzzy_search_finds_mobile_and_wechat_by_their_beginning(client, ops):
    CustomerFactory(name="手机客户", qq="55550001", mobile="13912345678")
    CustomerFactory(name="微信客户", qq="55550002", wechat="python_fan")
    CustomerFactory(name="其他客户", qq="55550003")
    body = client.get(PUB_LIST, {"q": "139123"}).content.decode()
    assert "手机客户" in body and "其他客户" not in body
    body = client.get(PUB_LIST, {"q": "python_f"}).content.decode()
    assert "微信客户" in body and "其他客户" not in body


def test_consultant_adding_a_duplicate_mobile_to_the_private_pool_is_told_who_holds_it(client, consultant1):
    CustomerFactory(qq="99990000", mobile="13800138000")
    client.force_login(consultant1)
    response = add(client, url=PRIV_ADD, qq="99990001", mobile="13800138000")
    assert response.context["form"].errors["mobile"] == [
        "A customer with this mobile number already exists (in the public pool)."
    ]
