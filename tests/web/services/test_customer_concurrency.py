"""Claims at the same moment from real threads, each on its own database connection.

MySQL/MariaDB only: that is where row locks decide who wins. On SQLite every transaction
takes the whole-database write lock (BEGIN IMMEDIATE), so threads only ever run one claim
at a time and these tests would prove nothing about the locking.
"""

import random
from collections import Counter

import pytest
from django.conf import settings
from django.db import OperationalError

from tests.concurrency import run_concurrently
from tests.web.customers_support import bulk_customers, make_consultant
from web.models import Customer
from web.services import customers as service
from web.services.customers import customer_assign, customer_claim, customer_release

pytestmark = [
    pytest.mark.mysql_only,
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.mysql",
        reason="concurrency under row locks needs MySQL/MariaDB (set DATABASE_URL=mysql://...); "
        "SQLite serialises whole transactions",
    ),
    pytest.mark.django_db(transaction=True),
]


def claim_in_batches(consultant, ids, batch):
    def job():
        return [
            customer_claim(consultant=consultant, customer_ids=ids[start : start + batch])
            for start in range(0, len(ids), batch)
        ]

    return job


@pytest.mark.parametrize("consultants_count", [2, 3, 5, 8])
def test_consultants_claiming_overlapping_customers_never_share_or_lose_one(consultants_count):
    consultants = [make_consultant(f"consultant{n}") for n in range(consultants_count)]
    # The first consultant starts near the cap, so the cap is hit while others race for the same rows.
    bulk_customers(140, consultant=consultants[0], prefix="1")
    pool = bulk_customers(200, prefix="2")
    rng = random.Random(consultants_count)
    cap = settings.CUSTOMER_PRIVATE_POOL_CAP

    for _round in range(4):
        Customer.objects.filter(pk__in=pool).update(consultant=None)
        wants = [rng.sample(pool, 120) for _ in consultants]
        per_thread = run_concurrently(
            *[claim_in_batches(consultant, want, 15) for consultant, want in zip(consultants, wants, strict=True)],
            timeout=120,
        )

        owner_of = dict(Customer.objects.filter(pk__in=pool).values_list("pk", "consultant_id"))
        claimed_by = Counter()
        for consultant, results in zip(consultants, per_thread, strict=True):
            claimed = [pk for result in results for pk in result.claimed]
            claimed_by.update(claimed)
            assert all(owner_of[pk] == consultant.pk for pk in claimed), "a claim reported a customer it did not get"
            taken = [pk for result in results for pk in result.already_taken]
            assert all(owner_of[pk] is not None for pk in taken), "a customer reported taken is still public"
            over = [pk for result in results for pk in result.over_cap]
            assert set(over) <= set(pool)
            unsigned = Customer.objects.filter(consultant=consultant, status=Customer.Status.UNSIGNED).count()
            assert unsigned <= cap
        assert max(claimed_by.values(), default=1) == 1, "a customer was claimed twice"
        held = sum(1 for owner in owner_of.values() if owner is not None)
        assert held == sum(claimed_by.values())
        assert held + sum(1 for owner in owner_of.values() if owner is None) == len(pool)
        assert Customer.objects.filter(consultant=consultants[0]).count() <= cap


def test_one_consultant_claiming_from_four_tabs_ends_at_exactly_the_cap():
    consultant = make_consultant("consultant1")
    bulk_customers(140, consultant=consultant, prefix="1")
    pool = bulk_customers(40, prefix="2")

    for _round in range(5):
        Customer.objects.filter(pk__in=pool).update(consultant=None)
        tabs = [pool[n * 10 : (n + 1) * 10] for n in range(4)]
        results = run_concurrently(
            *[lambda ids=ids: customer_claim(consultant=consultant, customer_ids=ids) for ids in tabs], timeout=120
        )

        assert Customer.objects.filter(consultant=consultant).count() == 150
        assert sum(len(result.claimed) for result in results) == 10
        assert sum(len(result.over_cap) for result in results) == 30


def test_manager_assigning_while_the_consultant_claims_stays_within_the_cap():
    consultant = make_consultant("consultant1")
    manager = make_consultant("manager1")
    bulk_customers(145, consultant=consultant, prefix="1")
    pool = bulk_customers(30, prefix="2")

    for _round in range(5):
        Customer.objects.filter(pk__in=pool).update(consultant=None)
        results = run_concurrently(
            lambda: customer_claim(consultant=consultant, customer_ids=pool[:20]),
            lambda: customer_assign(manager=manager, consultant=consultant, customer_ids=pool[10:]),
            timeout=120,
        )

        assert Customer.objects.filter(consultant=consultant).count() == 150
        assert sum(len(result.claimed) for result in results) == 5


def test_tabs_of_one_consultant_claiming_and_releasing_never_deadlock():
    # Regression: locking through the (consultant, status) index deadlocked two releases (found by claim_bench).
    consultant = make_consultant("consultant1")
    pool = bulk_customers(2000)

    def tab(seed):
        def job():
            rng = random.Random(seed)
            mine = set()
            for _ in range(60):
                result = customer_claim(consultant=consultant, customer_ids=rng.sample(pool[:600], 20))
                mine.update(result.claimed)
                if result.over_cap:
                    released = customer_release(consultant=consultant, customer_ids=sorted(mine))
                    assert set(released.released) == mine
                    mine.clear()
            return mine

        return job

    kept = run_concurrently(*[tab(seed) for seed in range(4)], timeout=120)

    assert sum(len(tab_kept) for tab_kept in kept) == len(set().union(*kept))
    assert set(Customer.objects.filter(consultant=consultant).values_list("pk", flat=True)) == set().union(*kept)


def test_a_claim_chosen_as_deadlock_victim_is_run_again(monkeypatch):
    consultant = make_consultant("consultant1")
    pool = bulk_customers(3)
    real = service._move_to_private_pool
    calls = []

    def deadlock_once(**kwargs):
        calls.append(kwargs)
        if len(calls) == 1:
            raise OperationalError(1213, "Deadlock found when trying to get lock; try restarting transaction")
        return real(**kwargs)

    monkeypatch.setattr(service, "_move_to_private_pool", deadlock_once)

    result = customer_claim(consultant=consultant, customer_ids=pool)

    assert len(calls) == 2
    assert result.claimed == tuple(pool)


# ---------------------------------------------------------------------- issue 13: reassignment
def test_reassigning_while_the_target_claims_stays_within_the_cap():
    from web.services.reassign import customer_reassign

    target = make_consultant("target")
    leaving = make_consultant("leaving")
    manager = make_consultant("manager1")
    bulk_customers(140, consultant=target, prefix="1")
    private = bulk_customers(20, consultant=leaving, prefix="2")
    public = bulk_customers(20, prefix="3")

    for _round in range(5):
        Customer.objects.filter(pk__in=private).update(consultant=leaving)
        Customer.objects.filter(pk__in=public).update(consultant=None)
        claim, reassign = run_concurrently(
            lambda: customer_claim(consultant=target, customer_ids=public),
            lambda: customer_reassign(manager=manager, consultant=target, customer_ids=private),
            timeout=120,
        )

        assert Customer.objects.filter(consultant=target).count() == 150
        assert len(claim.claimed) + len(reassign.moved) == 10
        assert len(claim.claimed) + len(claim.over_cap) + len(claim.already_taken) == 20
        assert len(reassign.moved) + len(reassign.over_cap) == 20


def test_reassign_release_and_claim_of_the_same_customers_leave_each_with_one_owner():
    from web.services.reassign import customer_reassign

    leaving, target, claimer = make_consultant("leaving"), make_consultant("target"), make_consultant("claimer")
    manager = make_consultant("manager1")
    ids = bulk_customers(30, consultant=leaving)

    for _round in range(5):
        Customer.objects.filter(pk__in=ids).update(consultant=leaving)
        release, reassign, claim = run_concurrently(
            lambda: customer_release(consultant=leaving, customer_ids=ids),
            lambda: customer_reassign(manager=manager, consultant=target, customer_ids=list(reversed(ids))),
            lambda: customer_claim(consultant=claimer, customer_ids=ids),
            timeout=120,
        )

        holders = dict(Customer.objects.filter(pk__in=ids).values_list("pk", "consultant_id"))
        for pk in ids:
            # Whatever the interleaving, the reported outcomes explain the one holder each row has.
            if pk in claim.claimed:
                assert holders[pk] in (claimer.pk, target.pk)  # a reassignment may follow the claim
            elif pk in reassign.moved:
                assert holders[pk] == target.pk
            elif pk in release.released:
                assert holders[pk] is None
            else:
                assert holders[pk] == leaving.pk
        assert set(release.released) | set(release.not_mine) == set(ids)
