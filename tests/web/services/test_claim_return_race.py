"""A claim racing the automatic return (issue 12), on MariaDB with real threads.

Consultant A is at the cap with idle customers the return run takes back to the public pool while
A claims new public customers (the room the return frees) and tries to claim back the ones being
returned, and consultant B claims those same customers the moment they become public. Afterwards:
every customer has at most one owner and the event log says how it got there (each claim from the
public pool, each return from its holder of the time, the last move naming the holder of now),
nobody is over the cap, A got none of its returned customers back (the reclaim cooldown), and the
manager's daily figures still equal the live counts.
"""

import datetime
from collections import defaultdict

import pytest
from django.conf import settings
from django.utils import timezone

from tests.concurrency import mysql_only, run_concurrently
from tests.web.customers_support import bulk_customers, make_consultant
from web.models import Customer, CustomerEvent
from web.services.customers import customer_claim
from web.services.figures import figures_rebuild, figures_verify
from web.services.returns import customers_return_idle

pytestmark = [mysql_only, pytest.mark.django_db(transaction=True)]

CAP = 40
TAKEN = (CustomerEvent.Kind.CLAIMED, CustomerEvent.Kind.ASSIGNED, CustomerEvent.Kind.REASSIGNED)
LOST = (CustomerEvent.Kind.RELEASED, CustomerEvent.Kind.RETURNED)


@pytest.fixture(autouse=True)
def rules(settings):
    settings.CUSTOMER_PRIVATE_POOL_CAP = CAP
    settings.CUSTOMER_RETURN_NO_FOLLOW_UP_DAYS = 15
    settings.CUSTOMER_RETURN_NOT_SIGNED_DAYS = 30
    settings.CUSTOMER_RECLAIM_COOLDOWN_DAYS = 7
    settings.CUSTOMER_DAILY_CLAIM_LIMIT = 0


def claims(consultant, batches):
    """One consultant claiming batch after batch (tabs, or repeated clicks), each its own transaction."""

    def job():
        return [customer_claim(consultant=consultant, customer_ids=batch) for batch in batches]

    return job


def chunks(ids, size):
    return [ids[start : start + size] for start in range(0, len(ids), size)]


def replay_event_log(initial: dict[int, int | None]) -> dict[int, int | None]:
    """Replay each customer's pool moves in the order they committed; returns {customer: holder}.

    One customer's moves are written under its row lock, so their ids follow the commit order.
    """
    holder: dict[int, int | None] = {}
    broken = []
    events = CustomerEvent.objects.filter(customer_id__in=list(initial), kind__in=(*TAKEN, *LOST)).order_by("id")
    for customer_id, kind, consultant_id in events.values_list("customer_id", "kind", "consultant_id"):
        before = holder.get(customer_id, initial[customer_id])
        if kind in (CustomerEvent.Kind.CLAIMED, CustomerEvent.Kind.ASSIGNED) and before is not None:
            broken.append((customer_id, kind, "taken while held by", before))
        if kind in LOST and before != consultant_id:
            broken.append((customer_id, kind, "from", consultant_id, "but held by", before))
        holder[customer_id] = None if kind in LOST else consultant_id
    assert broken == []
    return {pk: holder.get(pk, start) for pk, start in initial.items()}


def test_a_claim_racing_the_automatic_return_never_gives_two_owners_or_goes_over_the_cap():
    first, second = make_consultant("consultant1"), make_consultant("consultant2")
    long_ago = timezone.localdate() - datetime.timedelta(days=40)
    idle = bulk_customers(CAP, consultant=first, prefix="1", recv_date=long_ago)  # A at the cap, all idle
    busy = bulk_customers(CAP - 10, consultant=second, prefix="2", recv_date=timezone.localdate())  # B: room 10
    public = bulk_customers(30, prefix="3")
    everyone = idle + busy + public
    initial = dict(Customer.objects.filter(pk__in=everyone).values_list("pk", "consultant_id"))
    figures_rebuild()  # the customers above were bulk-inserted around the services
    seen = defaultdict(int)  # how the races went, over the rounds (printed with -s)

    for _round in range(3):
        # A: the new public customers, and its own idle ones back, in small batches around the run.
        a_batches = [batch for pair in zip(chunks(public[:15], 3), chunks(idle, 8), strict=False) for batch in pair]
        # B: A's idle customers as they come free, and the other public ones.
        b_batches = [
            batch for pair in zip(chunks(idle[::-1], 5), chunks(public[15:], 3), strict=False) for batch in pair
        ]
        run, a_results, b_results = run_concurrently(
            lambda: customers_return_idle(batch_size=7), claims(first, a_batches), claims(second, b_batches)
        )

        # Never two owners, and the log says how each customer got to its owner of now.
        holders = dict(Customer.objects.filter(pk__in=everyone).values_list("pk", "consultant_id"))
        assert replay_event_log(initial) == holders
        # The manager's daily figures, kept by each transaction, still equal the live counts.
        assert figures_verify() == []
        # Never over the cap.
        unsigned = Customer.objects.filter(consultant__isnull=False, status=Customer.Status.UNSIGNED)
        for consultant in (first, second):
            assert unsigned.filter(consultant=consultant).count() <= settings.CUSTOMER_PRIVATE_POOL_CAP
        # What each service reported is what happened: each claimed id has its claim event by them.
        for consultant, results in ((first, a_results), (second, b_results)):
            reported = sorted(pk for result in results for pk in result.claimed)
            logged = sorted(
                CustomerEvent.objects.filter(kind="claimed", consultant=consultant).values_list(
                    "customer_id", flat=True
                )
            )
            assert reported == logged
        returned = sorted(
            CustomerEvent.objects.filter(kind="returned", consultant=first).values_list("customer_id", flat=True)
        )
        assert sorted(run.returned_ids) == returned
        # Only the idle customers are returned, each exactly once; A never claims one back (cooldown).
        assert set(returned) <= set(idle) and len(returned) == len(set(returned))
        assert not set(returned) & {pk for result in a_results for pk in result.claimed}
        # Whatever the timing, the run takes every idle customer A still held (none were followed up).
        assert not Customer.objects.filter(pk__in=idle, consultant=first).exists()
        seen["B took a returned one"] += sum(holders[pk] == second.pk for pk in idle)
        seen["A refused: cooldown"] += sum(len(result.cooldown) for result in a_results)
        seen["A refused: still held (before the run)"] += sum(
            len(set(result.already_taken) & set(idle)) for result in a_results
        )

        # Next round from the same start.
        Customer.objects.filter(pk__in=idle).update(consultant=first, recv_date=long_ago)
        Customer.objects.filter(pk__in=public).update(consultant=None, recv_date=None)
        CustomerEvent.objects.all().delete()
        figures_rebuild()
    print(dict(seen))
