"""Two gunicorn app servers, one MariaDB, one Redis: sessions, permissions and rules are shared.

Real processes over real HTTP on loopback (like two machines behind a load balancer): a login
made on one server is valid on the other, a role change made through one applies on the other
at the next request, and claims sent to both at once never give a customer two owners nor pass
the private pool's cap. Needs MariaDB (DATABASE_URL) and Redis (TEST_REDIS_URL).
"""

import random
import re
import threading

import pytest
from django.db import connection

from rbac.models import Role
from tests.concurrency import mysql_only
from tests.factories import DEFAULT_TEST_PASSWORD, UserFactory
from tests.permissions import grant_permissions
from tests.redis_support import REDIS_URL, redis_only
from tests.scaling.servers import (
    database_url,
    free_ports,
    gunicorn_servers,
    login,
    post_form,
    server_env,
    with_password,
)
from tests.web.customers_support import bulk_customers, make_consultant
from web.models import Customer

pytestmark = [mysql_only, redis_only, pytest.mark.django_db(transaction=True)]

CAP = 5
PUBLIC_LIST = "/stark/web/customer/pub/list/"
CONSULTANT_PAGES = ("stark:web_customer_pub_list", "stark:web_customer_pub_multi_claim")


@pytest.fixture
def servers():
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    env = server_env(
        database_url=database_url(connection.settings_dict),
        cache_url=REDIS_URL,
        CUSTOMER_PRIVATE_POOL_CAP=str(CAP),
    )
    with gunicorn_servers(free_ports(2), env, workers=2) as urls:
        yield urls


@pytest.fixture
def consultants():
    people = [with_password(make_consultant(f"consultant{n}"), DEFAULT_TEST_PASSWORD) for n in (1, 2)]
    for person in people:
        grant_permissions(person, *CONSULTANT_PAGES, role_title="consultant")
    return people


def test_a_session_started_on_one_server_is_valid_on_the_other(servers, consultants):
    first, second = servers
    browser = login(first, "consultant1", DEFAULT_TEST_PASSWORD)
    assert browser.get(f"{second}{PUBLIC_LIST}", allow_redirects=False, timeout=30).status_code == 200
    # Logging out through the second server ends the session on the first too.
    post_form(browser, f"{second}/logout/", {}, allow_redirects=False)
    assert browser.get(f"{first}{PUBLIC_LIST}", allow_redirects=False, timeout=30).status_code == 302


def test_a_role_change_through_one_server_applies_on_the_other_at_the_next_request(servers, consultants):
    first, second = servers
    admin = with_password(UserFactory(username="admin"), DEFAULT_TEST_PASSWORD)
    grant_permissions(admin, "rbac:distribute_permissions", role_title="administrator")
    consultant = consultants[0]
    consultant_role = Role.objects.get(title="consultant")

    consultant_browser = login(second, "consultant1", DEFAULT_TEST_PASSWORD)
    assert consultant_browser.get(f"{second}{PUBLIC_LIST}", timeout=30).status_code == 200

    admin_browser = login(first, "admin", DEFAULT_TEST_PASSWORD)
    assignment = f"{first}/rbac/distribute/permissions/?uid={consultant.pk}"
    assert post_form(admin_browser, assignment, {"roles": []}, allow_redirects=False).status_code == 302
    assert consultant_browser.get(f"{second}{PUBLIC_LIST}", timeout=30).status_code == 403

    post_form(admin_browser, assignment, {"roles": [consultant_role.pk]}, allow_redirects=False)
    assert consultant_browser.get(f"{second}{PUBLIC_LIST}", timeout=30).status_code == 200


def test_claims_sent_to_both_servers_at_once_give_one_owner_and_hold_the_cap(servers, consultants):
    ids = bulk_customers(16)
    rng = random.Random(18)
    requests_per_consultant = 6
    # Every request is its own browser session (messages live in the session), half on each server.
    plans = []
    for consultant in consultants:
        for n in range(requests_per_consultant):
            base = servers[n % 2]
            plans.append((consultant.username, base, login(base, consultant.username, DEFAULT_TEST_PASSWORD)))
    barrier = threading.Barrier(len(plans))
    reported: dict[str, int] = {consultant.username: 0 for consultant in consultants}
    statuses: list[int] = []
    lock = threading.Lock()

    def claim(username, base, browser, wanted):
        barrier.wait(timeout=60)
        response = post_form(browser, f"{base}{PUBLIC_LIST}", {"action": "multi_claim", "pk": wanted})
        # The test settings speak Chinese: "所选 M 个客户中已申领 N 个到您的私户。" (Claimed N of M ...).
        claimed = re.search(r"已申领 (\d+) 个", response.text)
        with lock:
            statuses.append(response.status_code)
            reported[username] += int(claimed.group(1)) if claimed else 0

    threads = [
        threading.Thread(target=claim, args=(*plan, rng.sample(ids, 8)), name=f"claim-{index}")
        for index, plan in enumerate(plans)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a claim request hung"

    assert statuses == [200] * len(plans)
    for consultant in consultants:
        held = Customer.objects.filter(consultant=consultant, status=Customer.Status.UNSIGNED).count()
        assert held <= CAP
        # Every customer a page reported as claimed is held by that consultant: none was promised twice.
        assert reported[consultant.username] == held
    assert sum(reported.values()) == Customer.objects.filter(consultant__isnull=False).count()
