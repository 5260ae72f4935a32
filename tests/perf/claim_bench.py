"""Benchmark: consultants claiming customers from a large public pool at the same time.

    DATABASE_URL=mysql://root@127.0.0.1:3306/crm_customers_bench \\
        .venv/bin/python -m tests.perf.claim_bench [--threads 8] [--customers 100000]

N threads (``--tabs`` threads per consultant, like browser tabs) each claim batches of
customers picked at random from the public pool (or from its first ``--hot`` rows, where
everyone looks at once). A thread that hits the cap releases what it claimed and goes on,
so the cap path and releases are exercised too. Prints claims per second, latency
percentiles per claim, and the number of violated invariants, which must be 0:

* a customer held by two threads' bookkeeping at the end (claimed twice);
* a consultant whose customers in the database differ from what their threads claimed
  minus released (a claim lost, or reported but not made);
* a consultant seen over the cap right after one of their claims;
* public + held customers != pool size;
* a claim that raised.

The database must be one you can throw away: the script refuses a name not ending in
``_bench`` (unless ``--force``), creates it if missing, migrates it, and replaces the
benchmark's customers on every run.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import threading
import time
from collections import defaultdict

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, default=8, help="Threads claiming at once (default 8).")
    parser.add_argument("--tabs", type=int, default=1, help="Threads per consultant (default 1).")
    parser.add_argument("--customers", type=int, default=100_000, help="Public pool size (default 100000).")
    parser.add_argument("--batch", type=int, default=20, help="Customers per claim (default 20).")
    parser.add_argument("--claims", type=int, default=300, help="Claims per thread (default 300).")
    parser.add_argument("--hot", type=int, default=0, help="Pick only from the first HOT customers (0: all).")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--force", action="store_true", help="Run on a database not named *_bench.")
    return parser.parse_args(argv)


def ensure_database(force: bool) -> None:
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.mysql":
        sys.exit("claim_bench measures row locking: set DATABASE_URL=mysql://.../crm_customers_bench")
    if not db["NAME"].endswith("_bench") and not force:
        sys.exit(f"refusing to overwrite customers in database {db['NAME']!r}: use a name ending in _bench")
    import MySQLdb

    server = MySQLdb.connect(
        host=db["HOST"] or "localhost",
        port=int(db["PORT"] or 3306),
        user=db["USER"],
        password=db["PASSWORD"] or "",
    )
    try:
        server.cursor().execute(
            f"CREATE DATABASE IF NOT EXISTS `{db['NAME']}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
        )
    finally:
        server.close()


def prepare(args):
    """Migrate, create the consultants, (re)fill the public pool; return (consultants, pool ids)."""
    from django.core.management import call_command
    from django.db import transaction

    from web.models import Customer, Department, UserInfo

    call_command("migrate", verbosity=0)
    sales, _created = Department.objects.get_or_create(title="销售部", defaults={"kind": Department.Kind.SALES})
    consultants_count = max(args.threads // args.tabs, 1)
    consultants = [
        UserInfo.objects.get_or_create(username=f"bench_consultant{n}", defaults={"depart": sales, "name": f"顾问{n}"})[
            0
        ]
        for n in range(consultants_count)
    ]
    bench = Customer.objects.filter(qq__startswith="bench")
    started = time.perf_counter()
    with transaction.atomic():
        # Every run starts from the same state: only the benchmark's own rows, all public.
        Customer.objects.filter(consultant__in=consultants).exclude(qq__startswith="bench").update(consultant=None)
        if bench.count() != args.customers:
            bench.delete()
            surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
            given = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂"
            rows = (
                Customer(
                    name=surnames[n % len(surnames)] + given[(n // 7) % len(given)] + given[(n // 3) % len(given)],
                    qq=f"bench{n:09d}",
                    gender="male" if n % 2 else "female",
                )
                for n in range(args.customers)
            )
            batch = []
            for row in rows:
                batch.append(row)
                if len(batch) == 5000:
                    Customer.objects.bulk_create(batch)
                    batch = []
            Customer.objects.bulk_create(batch)
        else:
            bench.exclude(consultant=None).update(consultant=None)
    pool = list(bench.order_by("pk").values_list("pk", flat=True))
    print(f"pool ready: {len(pool)} public customers in {time.perf_counter() - started:.1f}s")
    return consultants, pool


def run(args, consultants, pool):
    from django.conf import settings
    from django.db import connections

    from web.models import Customer
    from web.services.customers import customer_claim, customer_release

    cap = settings.CUSTOMER_PRIVATE_POOL_CAP
    hot = pool[: args.hot] if args.hot else pool
    barrier = threading.Barrier(args.threads)
    latencies: list[float] = []
    held_by_thread: dict[int, set[int]] = {}
    stats = defaultdict(int)
    violations: list[str] = []
    lock = threading.Lock()

    def worker(index: int) -> None:
        consultant = consultants[index % len(consultants)]
        rng = random.Random(args.seed + index)
        mine: set[int] = set()
        local_latencies = []
        local = defaultdict(int)
        try:
            barrier.wait(timeout=60)
            for _ in range(args.claims):
                ids = rng.sample(hot, min(args.batch, len(hot)))
                begin = time.perf_counter()
                result = customer_claim(consultant=consultant, customer_ids=ids)
                local_latencies.append(time.perf_counter() - begin)
                mine.update(result.claimed)
                local["claimed"] += len(result.claimed)
                local["already_taken"] += len(result.already_taken)
                local["over_cap"] += len(result.over_cap)
                # Only this consultant's threads change this count, and each commit must respect the cap.
                count = Customer.objects.filter(consultant=consultant, status=Customer.Status.UNSIGNED).count()
                if count > cap:
                    with lock:
                        violations.append(f"{consultant.username} holds {count} > cap {cap}")
                if result.over_cap:
                    released = customer_release(consultant=consultant, customer_ids=sorted(mine))
                    if set(released.released) != mine:
                        with lock:
                            violations.append(
                                f"{consultant.username} could not release {mine - set(released.released)}"
                            )
                    local["released"] += len(released.released)
                    mine.clear()
        except Exception as error:  # noqa: BLE001 - a failed claim is a violated invariant, reported below
            with lock:
                violations.append(f"thread {index}: {error!r}")
        finally:
            connections.close_all()
            with lock:
                latencies.extend(local_latencies)
                held_by_thread[index] = mine
                for key, value in local.items():
                    stats[key] += value

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(args.threads)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return elapsed, latencies, held_by_thread, stats, violations


def check(consultants, pool, held_by_thread, violations):
    from web.models import Customer

    seen: dict[int, int] = {}
    for index, held in held_by_thread.items():
        for pk in held:
            if pk in seen:
                violations.append(f"customer {pk} held by threads {seen[pk]} and {index}")
            seen[pk] = index
    owners = dict(Customer.objects.filter(pk__in=pool).exclude(consultant=None).values_list("pk", "consultant_id"))
    for number, consultant in enumerate(consultants):
        expected = set()
        for index, held in held_by_thread.items():
            if index % len(consultants) == number:
                expected |= held
        actual = {pk for pk, owner in owners.items() if owner == consultant.pk}
        if expected != actual:
            violations.append(
                f"{consultant.username}: {len(actual - expected)} held but not reported, "
                f"{len(expected - actual)} reported but not held"
            )
    public = Customer.objects.filter(pk__in=pool, consultant=None).count()
    if public + len(owners) != len(pool):
        violations.append(f"public {public} + held {len(owners)} != pool {len(pool)}")


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.threads % args.tabs:
        sys.exit("--threads must be a multiple of --tabs")
    import django

    django.setup()
    ensure_database(args.force)
    consultants, pool = prepare(args)
    elapsed, latencies, held_by_thread, stats, violations = run(args, consultants, pool)
    check(consultants, pool, held_by_thread, violations)

    from django.db import connection

    claims = len(latencies)
    ordered = sorted(latencies)
    p50 = statistics.median(ordered) if ordered else 0.0
    p95 = ordered[min(int(len(ordered) * 0.95), len(ordered) - 1)] if ordered else 0.0
    print(
        f"database: {connection.vendor} {connection.settings_dict['NAME']}; threads {args.threads} "
        f"({len(consultants)} consultants x {args.tabs} tabs); batch {args.batch}; "
        f"pool {len(pool)}{f' (hot {args.hot})' if args.hot else ''}; "
        f"cap {django.conf.settings.CUSTOMER_PRIVATE_POOL_CAP}"
    )
    print(f"claims: {claims} in {elapsed:.2f}s = {claims / elapsed:.1f} claims/s")
    print(
        f"customers: claimed {stats['claimed']} ({stats['claimed'] / elapsed:.1f}/s), "
        f"already taken {stats['already_taken']}, over cap {stats['over_cap']}, released {stats['released']}"
    )
    worst = ordered[-1] if ordered else 0.0
    print(f"latency per claim: p50 {p50 * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms, max {worst * 1000:.1f} ms")
    print(f"violated invariants: {len(violations)}")
    for violation in violations[:20]:
        print(f"  - {violation}")
    return 1 if violations else 0


if __name__ == "__main__":
    sys.exit(main())
