"""Benchmark: the home page's dashboards (issue 12) with a million customers, target < 50 ms of SQL each.

    DATABASE_URL=mysql://root@127.0.0.1:3306/wt12_bench \\
        .venv/bin/python -m tests.perf.dashboard_bench [--customers 1000000] [--repeat 9] [--keep]

Seeds like ``tests.perf.list_bench`` (demo data, then ``--customers`` customers, follow-ups and
payments), adds the history the dashboards read: a ``claimed`` event for every private customer
and a ``signed`` event for every signed one, spread over the entry dates; a next follow-up date
for a tenth of the private customers; then rebuilds the manager's daily roll-up from them
(``rollup_daily_figures``), since they were inserted around the services. Then runs each role's
dashboard selector ``--repeat`` times after a warm-up and prints, per dashboard, the queries and
the p50 / max of the summed SQL time (SQL only, as Django's query log times it, not rendering),
the p50 of each query, and the load average (the machine may be shared).
Exits 1 when a dashboard's p50 SQL time is over the target (``--target-ms``, default 50).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--target-ms", type=float, default=50.0)
    parser.add_argument("--keep", action="store_true", help="Keep the database (default: drop it at the end).")
    parser.add_argument("--force", action="store_true", help="Run on a database not named *_bench.")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--verbose", action="store_true", help="Also print the full SQL of the slowest queries.")
    parser.add_argument("--measure-only", action="store_true", help="Skip seeding (a database kept by --keep).")
    return parser.parse_args(argv)


def add_history() -> None:
    """Events and next follow-up dates for the benchmark customers (skipped when present)."""
    from django.db import connection

    from web.models import Customer, CustomerEvent

    if CustomerEvent.objects.filter(kind="claimed").exists():
        rollup()
        return
    started = time.perf_counter()
    customers, events = Customer._meta.db_table, CustomerEvent._meta.db_table
    with connection.cursor() as cursor:
        # Table names come from the models, never from input.
        cursor.execute(
            f"INSERT INTO {events} (customer_id, kind, actor_id, consultant_id, at, detail) "  # noqa: S608
            f"SELECT id, 'claimed', consultant_id, consultant_id, TIMESTAMP(date, '11:00:00'), '{{}}' "
            f"FROM {customers} WHERE consultant_id IS NOT NULL"
        )
        cursor.execute(
            f"INSERT INTO {events} (customer_id, kind, actor_id, consultant_id, at, detail) "  # noqa: S608
            f"SELECT id, 'signed', NULL, consultant_id, TIMESTAMP(date + INTERVAL 7 DAY, '15:00:00'), '{{}}' "
            f"FROM {customers} WHERE status = 'signed'"
        )
        cursor.execute(
            f"UPDATE {customers} SET recv_date = date, "  # noqa: S608
            "next_consult_date = IF(id % 10 = 0, CURRENT_DATE + INTERVAL (id % 7) - 3 DAY, NULL) "
            "WHERE consultant_id IS NOT NULL"
        )
        cursor.execute(f"ANALYZE TABLE {customers}, {events}")
        cursor.fetchall()
    print(f"  history added: {time.perf_counter() - started:.0f}s", flush=True)
    rollup()


def rollup() -> None:
    """The manager's daily figures: the rows above were written around the services."""
    from web.models import DailyFigure
    from web.services.figures import figures_rebuild

    if DailyFigure.objects.exists():
        return
    started = time.perf_counter()
    rows = figures_rebuild()
    print(f"  daily figures rebuilt ({rows} rows): {time.perf_counter() - started:.0f}s", flush=True)


def measure(name: str, func, repeat: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    func()  # warm-up
    totals, queries, slowest = [], 0, (0.0, "")
    per_query: list[list[float]] = []  # the n-th query of each run: a dashboard runs the same queries
    sqls: list[str] = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            func()
        totals.append(sum(float(query["time"]) for query in captured.captured_queries) * 1000)
        queries = len(captured)
        for n, query in enumerate(captured.captured_queries):
            slowest = max(slowest, (float(query["time"]) * 1000, query["sql"]))
            if n == len(per_query):
                per_query.append([])
                sqls.append(query["sql"])
            per_query[n].append(float(query["time"]) * 1000)
    return {
        "name": name,
        "queries": queries,
        "p50": statistics.median(totals),
        "max": max(totals),
        "slowest_ms": slowest[0],
        "slowest_sql": slowest[1],
        "per_query": [(statistics.median(times), sql) for times, sql in zip(per_query, sqls, strict=True)],
    }


def main(argv=None) -> int:
    args = parse_args(argv)
    import django

    django.setup()
    from tests.perf import list_bench

    list_bench.ensure_database(args.force)
    from django.db import connection

    from web.models import Customer, UserInfo
    from web.selectors import dashboards

    try:
        seed_args = argparse.Namespace(customers=args.customers, seed=args.seed)
        if not args.measure_only:
            list_bench.seed(seed_args)
            add_history()
        consultant = UserInfo.objects.get(username="consultant1")
        teacher = UserInfo.objects.get(username="teacher1")
        cases = [
            ("consultant (consultant1)", lambda: dashboards.consultant_dashboard(consultant=consultant)),
            ("sales manager", lambda: dashboards.manager_dashboard()),
            ("operations", lambda: dashboards.operations_dashboard()),
            ("finance", lambda: dashboards.finance_dashboard()),
            ("class teacher (teacher1)", lambda: dashboards.teacher_dashboard(teacher=teacher)),
        ]
        results = [measure(name, func, args.repeat) for name, func in cases]
        print(
            f"\ndatabase: {connection.vendor} {connection.get_database_version()}; "
            f"customers {Customer.objects.count()}; {args.repeat} runs after a warm-up; target {args.target_ms} ms"
        )
        print(f"{'dashboard':<26} {'queries':>7} {'SQL p50 ms':>11} {'SQL max ms':>11}")
        missed = []
        for r in results:
            flag = "" if r["p50"] <= args.target_ms else "  MISSED"
            print(f"{r['name']:<26} {r['queries']:>7} {r['p50']:>11.1f} {r['max']:>11.1f}{flag}")
            if flag:
                missed.append(r["name"])
        print(f"load average (1, 5, 15 min): {' '.join(f'{n:.2f}' for n in os.getloadavg())}")
        print("\nSQL p50 ms of each query:")
        for r in results:
            print(f"- {r['name']}:")
            for ms, sql in r["per_query"]:
                print(f"    {ms:7.1f}  {sql[:160]}")
        if args.verbose:
            print("\nslowest query of each dashboard:")
            for r in results:
                print(f"- {r['name']}: {r['slowest_ms']:.1f} ms: {r['slowest_sql'][:1500]}")
    finally:
        if not args.keep:
            list_bench.drop_database()
            print("benchmark database dropped")
    if missed:
        print(f"over the target: {', '.join(missed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
