import pytest
from django.core.management import call_command
from django.urls import reverse

from web.demo.base import seed_base
from web.demo.customers import DEMO_CUSTOMERS, PRIVATE_PER_CONSULTANT, seed_customers
from web.models import ConsultRecord, Customer, UserInfo

pytestmark = pytest.mark.django_db


def test_demo_customers_fill_both_pools_with_follow_ups_once():
    users = seed_base(password="Demo-pass-2026")

    seed_customers(users=users)
    first = (Customer.objects.count(), ConsultRecord.objects.count())
    seed_customers(users=users)

    assert (Customer.objects.count(), ConsultRecord.objects.count()) == first
    assert first[0] == DEMO_CUSTOMERS
    for username in ("consultant1", "consultant2"):
        pool = Customer.objects.filter(consultant=users[username])
        assert pool.count() == PRIVATE_PER_CONSULTANT
        assert ConsultRecord.objects.filter(customer__in=pool).exclude(consultant=users[username]).count() == 0
    assert Customer.objects.filter(consultant=None).count() == DEMO_CUSTOMERS - 2 * PRIVATE_PER_CONSULTANT
    followed = Customer.objects.filter(consult_records__isnull=False).distinct()
    assert followed.exists()
    assert not followed.filter(last_consult_date=None).exists()
    assert Customer.objects.filter(course__isnull=False).distinct().count() == DEMO_CUSTOMERS
    assert all(len(name) >= 2 for name in Customer.objects.values_list("name", flat=True))


def test_extra_customers_are_bulk_inserted_public_and_only_once(django_assert_max_num_queries):
    users = seed_base(password="Demo-pass-2026")
    seed_customers(users=users)

    # Bulk: far fewer queries than rows (SQLite splits an INSERT at 999 parameters, MySQL does not;
    # the search index's ~60,000 fragments of 6,000 customers take ~180 INSERTs of 333 rows on SQLite).
    with django_assert_max_num_queries(400):
        seed_customers(users=users, extra=6000)
    seed_customers(users=users, extra=6000)

    assert Customer.objects.count() == DEMO_CUSTOMERS + 6000
    assert Customer.objects.filter(consultant=None).count() == DEMO_CUSTOMERS - 2 * PRIVATE_PER_CONSULTANT + 6000


def test_seeded_demo_users_reach_their_customer_pages(client, settings):
    settings.DEBUG = True
    call_command("seed_demo", password="Demo-pass-2026")
    settings.DEBUG = False
    pub = reverse("stark:web_customer_pub_list")

    def as_user(username):
        client.force_login(UserInfo.objects.get(username=username))
        return client

    consultant = as_user("consultant1")
    mine = Customer.objects.filter(consultant__username="consultant1").first()
    assert [name for name, _label in consultant.get(pub).context["actions"]] == ["multi_claim"]
    assert consultant.get(reverse("stark:web_customer_priv_list")).status_code == 200
    assert consultant.get(reverse("stark:web_consultrecord_list", kwargs={"customer_id": mine.pk})).status_code == 200
    assert consultant.get(reverse("stark:web_customer_all_list")).status_code == 403

    manager = as_user("manager1")
    assert [name for name, _label in manager.get(pub).context["actions"]] == ["multi_assign"]
    assert manager.get(reverse("stark:web_customer_all_list")).status_code == 200
    assert manager.get(reverse("stark:web_customer_priv_list")).status_code == 403

    ops = as_user("ops1")
    assert ops.get(reverse("stark:web_customer_pub_add")).status_code == 200
    assert ops.get(pub).context["actions"] == []
    assert ops.get(reverse("stark:web_customer_priv_list")).status_code == 403
