"""Read replicas: reads on a replica, writes and services on the primary, read-your-writes.

The replica here is a frozen copy of the test database (a replica lagging forever), so every
page shows where it read from. Real gunicorn over HTTP, MariaDB only.
"""

import pytest
from django.db import connection

from luffy_crm import routers
from tests.concurrency import mysql_only
from tests.factories import DEFAULT_TEST_PASSWORD, CustomerFactory
from tests.permissions import grant_permissions
from tests.scaling.servers import (
    database_url,
    free_ports,
    gunicorn_servers,
    login,
    post_form,
    server_env,
    with_password,
)
from tests.web.customers_support import make_consultant
from web.models import Customer

PUBLIC_LIST = "/stark/web/customer/pub/list/"


def test_without_replicas_every_read_uses_the_primary(settings):
    settings.DATABASE_REPLICAS = []
    assert routers.ReplicaRouter().db_for_read(Customer) == "default"


def test_reads_use_a_replica_until_the_thread_writes(settings):
    settings.DATABASE_REPLICAS = ["replica1"]
    router = routers.ReplicaRouter()
    token = routers._wrote.set(False)
    try:
        assert router.db_for_read(Customer) == "replica1"
        assert router.db_for_read(Customer._meta.get_field("consultant").related_model) == "default"  # users
        assert router.db_for_write(Customer) == "default"
        assert router.db_for_read(Customer) == "default"  # read-your-writes
    finally:
        routers._wrote.reset(token)


@pytest.mark.django_db
def test_reads_inside_a_transaction_use_the_primary(settings):
    settings.DATABASE_REPLICAS = ["replica1"]
    token = routers._wrote.set(False)
    try:
        # pytest-django runs this test inside a transaction on the primary, like any service.
        assert connection.in_atomic_block
        assert routers.ReplicaRouter().db_for_read(Customer) == "default"
    finally:
        routers._wrote.reset(token)


def copy_database(source: str, target: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS `{target}`")
        cursor.execute(f"CREATE DATABASE `{target}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
        cursor.execute("SHOW FULL TABLES WHERE Table_type = 'BASE TABLE'")
        for table, _kind in cursor.fetchall():
            cursor.execute(f"CREATE TABLE `{target}`.`{table}` LIKE `{source}`.`{table}`")
            # Names come from the test database itself, not from input.
            cursor.execute(f"INSERT INTO `{target}`.`{table}` SELECT * FROM `{source}`.`{table}`")  # noqa: S608


def drop_database(name: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS `{name}`")


@mysql_only
@pytest.mark.django_db(transaction=True)
def test_pages_read_the_replica_and_a_claim_decides_and_shows_on_the_primary():
    consultant = with_password(make_consultant("consultant1"), DEFAULT_TEST_PASSWORD)
    rival = make_consultant("consultant2")
    grant_permissions(consultant, "stark:web_customer_pub_list", "stark:web_customer_pub_multi_claim")
    renamed = CustomerFactory(name="复制前的名字", consultant=None)
    contested = CustomerFactory(name="被抢的客户", consultant=None)

    primary = connection.settings_dict
    replica_name = f"{primary['NAME']}_replica"
    copy_database(primary["NAME"], replica_name)
    try:
        # Changes the frozen replica never sees.
        Customer.objects.filter(pk=renamed.pk).update(name="主库上的新名字")
        Customer.objects.filter(pk=contested.pk).update(consultant=rival)

        env = server_env(
            database_url=database_url(primary),
            cache_url="locmemcache://",
            DATABASE_REPLICA_URLS=database_url({**primary, "NAME": replica_name}),
        )
        with gunicorn_servers(free_ports(1), env, workers=1) as (base,):
            browser = login(base, "consultant1", DEFAULT_TEST_PASSWORD)
            assert browser.cookies.get("primary_pin") == "1"  # the login wrote: pinned for a while
            browser.cookies.set("primary_pin", None)  # ... a while later

            page = browser.get(f"{base}{PUBLIC_LIST}", timeout=30).text
            assert "复制前的名字" in page and "被抢的客户" in page  # read from the replica

            # The claim is decided on the primary (the rival holds it there), whatever the page showed;
            # the page after the redirect reads the primary too: it shows the write and the new name.
            after = post_form(browser, f"{base}{PUBLIC_LIST}", {"action": "multi_claim", "pk": [contested.pk]})
            assert after.status_code == 200
            assert "主库上的新名字" in after.text and "复制前的名字" not in after.text
            assert "被抢的客户" not in after.text
        assert Customer.objects.get(pk=contested.pk).consultant == rival
    finally:
        drop_database(replica_name)
