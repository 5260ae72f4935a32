"""The race tests' harness really spreads threads over a Galera cluster, and the cap holds there.

Run against the cluster of ``scripts/galera.sh`` with ``GALERA_NODES`` set (``.ci/run`` does, and
then runs every race test of tests/web/services the same way). Without it these tests skip.
"""

import pytest
from django.db import connection

from tests.concurrency import galera_nodes, run_concurrently
from tests.web.customers_support import bulk_customers, make_consultant
from web.models import Customer
from web.services.customers import customer_claim, customer_release

pytestmark = [
    pytest.mark.skipif(not galera_nodes(), reason="needs a Galera cluster: set GALERA_NODES (scripts/galera.sh env)"),
    pytest.mark.django_db(transaction=True),
]


def current_node():
    with connection.cursor() as cursor:
        cursor.execute("SELECT @@port, @@wsrep_on")
        return cursor.fetchone()


def test_the_threads_of_a_race_test_talk_to_every_node_of_a_synced_cluster():
    with connection.cursor() as cursor:
        cursor.execute("SHOW STATUS LIKE 'wsrep_cluster_size'")
        assert cursor.fetchone()[1] == "3"
    nodes = run_concurrently(*[current_node] * 6)
    assert {port for port, _wsrep in nodes} == {int(port) for _host, port in galera_nodes()}
    assert {wsrep for _port, wsrep in nodes} == {1}


def test_eight_tabs_of_one_consultant_on_three_nodes_end_at_exactly_the_cap(settings):
    # The case measured before the guard row: 8 threads over the nodes, cap 50, 4 rounds.
    settings.CUSTOMER_PRIVATE_POOL_CAP = 50
    consultant = make_consultant("consultant1")
    pool = bulk_customers(120)
    for _round in range(4):
        Customer.objects.filter(pk__in=pool).update(consultant=None)
        tabs = [pool[n * 15 : (n + 1) * 15] for n in range(8)]
        results = run_concurrently(
            *[lambda ids=ids: customer_claim(consultant=consultant, customer_ids=ids) for ids in tabs], timeout=180
        )
        assert Customer.objects.filter(consultant=consultant).count() == 50
        assert sum(len(result.claimed) for result in results) == 50


def test_claims_and_releases_of_two_consultants_on_three_nodes_never_share_a_customer():
    first, second = make_consultant("consultant1"), make_consultant("consultant2")
    pool = bulk_customers(30)

    def claim_then_release(consultant, ids):
        def job():
            claimed = customer_claim(consultant=consultant, customer_ids=ids).claimed
            released = customer_release(consultant=consultant, customer_ids=claimed[::2]).released
            return set(claimed) - set(released)

        return job

    kept = run_concurrently(
        claim_then_release(first, pool[:20]),
        claim_then_release(second, pool[10:]),
        claim_then_release(first, pool[5:25]),
        claim_then_release(second, pool[::-1]),
        timeout=180,
    )
    mine = set(Customer.objects.filter(consultant=first).values_list("pk", flat=True))
    theirs = set(Customer.objects.filter(consultant=second).values_list("pk", flat=True))
    assert not mine & theirs
    assert mine == kept[0] | kept[2]
    assert theirs == kept[1] | kept[3]
