"""Name columns sort in pinyin order, as Chinese readers expect (issue 13)."""

import pytest
from django.urls import reverse

from tests.factories import CustomerFactory
from tests.permissions import grant_permissions
from tests.web.customers_support import make_consultant
from web.fields import pinyin_sort_key
from web.models import Customer
from web.services.customers import customer_update

pytestmark = pytest.mark.django_db

NAMES = ["丁军", "任刚", "丁海燕", "丁静", "阿里"]
PINYIN_ORDER = ["阿里", "丁海燕", "丁静", "丁军", "任刚"]


def test_the_key_orders_by_sound_then_tone():
    assert sorted(NAMES, key=pinyin_sort_key) == PINYIN_ORDER
    assert sorted(NAMES) != PINYIN_ORDER  # code point order is what staff complained about
    assert pinyin_sort_key("Tom 李") == "tom li3"


def test_the_public_pool_sorted_by_name_is_in_pinyin_order(client):
    consultant = make_consultant("consultant1")
    grant_permissions(consultant, "stark:web_customer_pub_list")
    client.force_login(consultant)
    for name in NAMES:
        CustomerFactory(name=name)
    listed = lambda o: [c.name for c in client.get(reverse("stark:web_customer_pub_list"), {"o": o}).context["page"]]  # noqa: E731
    assert listed("name") == PINYIN_ORDER
    assert listed("-name") == PINYIN_ORDER[::-1]


def test_the_key_is_kept_by_every_write_of_the_name():
    customer = CustomerFactory(name="丁军")
    assert Customer.objects.get(pk=customer.pk).name_pinyin == "ding1 jun1"
    customer.name = "任刚"
    customer_update(customer=customer, fields=["name"], holder=None)  # save(update_fields=["name"])
    assert Customer.objects.get(pk=customer.pk).name_pinyin == "ren4 gang1"
    Customer.objects.bulk_create([Customer(name="丁静", qq="99887766", gender="male")])
    assert Customer.objects.get(qq="99887766").name_pinyin == "ding1 jing4"
