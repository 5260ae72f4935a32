"""Benchmark: exporting a million customers (CSV and XLSX) and importing a 10,000-row file.

    DATABASE_URL=mysql://root@127.0.0.1:3306/wt14_bench \\
        .venv/bin/python -m tests.perf.import_export_bench [--customers 1000000] [--keep] [--only export,import]

Seeds the same data as ``tests.perf.list_bench`` (demo users and roles, ``--customers``
customers with courses, follow-ups and payments; bulk inserts; skipped when already there) but
with entry dates growing with the id (``--random-dates`` for list_bench's), then, through
Django's test client and the real middleware and templates:

- **export**: the sales manager downloads the all-customers list (every customer, 12 columns
  with the courses and the consultant), as CSV and as XLSX. Prints rows/s, the number of SQL
  queries and the growth of the process's peak memory (VmHWM, reset before each export).
  Targets: CSV ≥ 50,000 rows/s, XLSX ≥ 20,000 rows/s, peak memory growth < 100 MiB.
- **import**: operations upload a 10,000-row CSV (9,500 new rows, 250 QQs already in the
  database, 150 repeated in the file, 100 invalid), open the preview and confirm. Targets:
  preview < 5 s, confirm < 5 s, and the confirm's queries do not grow per row (printed).

Every measurement also prints its CPU time (this process's, and the database server's when
``/proc`` shows it) and the load average: on a shared machine the wall time includes the others'
work, the CPU time does not. Exits 1 when a (wall-time) target is missed. The database must be
throwaway: the name must end in ``_bench`` (unless ``--force``); it is dropped at the end unless ``--keep``.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import io
import os
import sys
import time

from tests.perf.clock import Clock, load_average

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

CSV_ROWS_PER_S = 50_000
XLSX_ROWS_PER_S = 20_000
MAX_MEMORY_GROWTH_MIB = 100
PREVIEW_S = 5.0
CONFIRM_S = 5.0
IMPORT_ROWS = 10_000
#: QQ numbers of the imported file's new rows (the seeded ones start at list_bench.QQ_START).
IMPORT_QQ_START = 7_000_000_000


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--only", default="export,import", help="export, import or both (default).")
    parser.add_argument("--keep", action="store_true", help="Keep the database (default: drop it at the end).")
    parser.add_argument("--force", action="store_true", help="Run on a database not named *_bench.")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--random-dates",
        action="store_true",
        help="Entry dates at random as list_bench draws them (default: growing with the id, as when "
        "customers are entered day by day).",
    )
    return parser.parse_args(argv)


def dated_by_id(rows_function):
    """``list_bench._customer_rows`` with entry dates that grow with the row number.

    Customers are entered day after day, so the newest-first order of a list follows the primary
    key, and the rows of one chunk sit together on disk. list_bench draws dates at random instead:
    then every exported row is on another page, and with a buffer pool smaller than the table
    (128 MiB here, shared) an export in date order waits on page reads, not on Python.
    """

    def rows(count, consultant_ids, seed):
        today = datetime.date.today()
        span = 3 * 365
        for n, row in enumerate(rows_function(count, consultant_ids, seed)):
            entered = today - datetime.timedelta(days=span - 1 - n * span // count)
            last = row[13]
            if last is not None:
                last = min(today, entered + (last - row[12]))
            yield (*row[:12], entered, last, row[14])

    return rows


def peak_rss_mib() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def reset_peak_rss() -> None:
    # Linux: writing 5 to clear_refs resets the peak resident set size (VmHWM) to the current one.
    with open("/proc/self/clear_refs", "w", encoding="ascii") as clear:
        clear.write("5")


def login(username: str):
    from django.test import Client

    from web.models import UserInfo

    client = Client()
    client.force_login(UserInfo.objects.get(username=username))
    return client


def measure_export(fmt: str, customers: int) -> tuple[dict, list[str]]:
    from django.db import connection, reset_queries
    from django.urls import reverse

    client = login("manager1")
    url = reverse("stark:web_customer_all_export")
    params = {"format": "xlsx"} if fmt == "xlsx" else {}
    connection.force_debug_cursor = True  # count the queries (their text is kept: small)
    reset_queries()
    reset_peak_rss()
    before = peak_rss_mib()
    with Clock() as clock:
        response = client.get(url, params)
        size = 0
        lines = 0
        for part in response.streaming_content:
            size += len(part)
            if fmt == "csv":
                lines += part.count(b"\n")
    elapsed = clock.wall
    growth = peak_rss_mib() - before
    queries = len(connection.queries)
    connection.force_debug_cursor = False
    reset_queries()
    rows = lines - 1 if fmt == "csv" else customers
    result = {
        "format": fmt,
        "rows": rows,
        "seconds": elapsed,
        "rows_per_s": rows / elapsed,
        "mib": size / 2**20,
        "queries": queries,
        "peak_growth_mib": growth,
        "clock": clock,
    }
    misses = []
    target = CSV_ROWS_PER_S if fmt == "csv" else XLSX_ROWS_PER_S
    if result["rows_per_s"] < target:
        misses.append(f"{fmt}: {result['rows_per_s']:,.0f} rows/s < {target:,}")
    if growth >= MAX_MEMORY_GROWTH_MIB:
        misses.append(f"{fmt}: peak memory grew {growth:.0f} MiB >= {MAX_MEMORY_GROWTH_MIB}")
    if fmt == "csv" and rows != customers:
        misses.append(f"csv: {rows} rows exported, expected {customers}")
    return result, misses


def import_file() -> bytes:
    from tests.perf.list_bench import QQ_START

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["姓名", "QQ", "手机号", "性别", "咨询课程", "学历", "录入日期"])
    for n in range(IMPORT_ROWS):
        if n % 40 == 1:  # 250 customers already in the database (when it holds 1,000,000)
            qq = str(QQ_START + n * 97)
        elif n % 66 == 2 and n > 2:  # ~150 repeated within the file
            qq = str(IMPORT_QQ_START + n - 2)
        else:
            qq = str(IMPORT_QQ_START + n)
        gender = "男" if n % 2 else "女"
        bad = n % 100 == 3  # 100 invalid rows
        writer.writerow(
            [
                f"导入客户{n}",
                "12" if bad else qq,
                f"17{n:09d}",
                gender,
                "Python 全栈开发" if n % 3 == 0 else "",
                "本科" if n % 2 else "硕士",
                "2026-11-30",
            ]
        )
    return buffer.getvalue().encode("utf-8-sig")


def measure_import() -> tuple[dict, list[str]]:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection, reset_queries
    from django.urls import reverse

    from web.models import Customer

    imported_range = {"qq__gte": str(IMPORT_QQ_START), "qq__lt": str(IMPORT_QQ_START + 10**9)}
    Customer.objects.filter(**imported_range).delete()
    before = Customer.objects.count()
    client = login("ops1")
    url = reverse("stark:web_customer_pub_import")
    content = import_file()
    started = time.perf_counter()
    response = client.post(url, {"file": SimpleUploadedFile("leads.csv", content), "source": "website"})
    upload_s = time.perf_counter() - started
    if response.status_code != 302:
        return {}, [f"import: the upload was refused ({response.status_code})"]
    preview_url = response["Location"]
    with Clock() as preview_clock:
        page = client.get(preview_url)
    preview_s = preview_clock.wall
    counts = page.context["counts"]
    connection.force_debug_cursor = True
    reset_queries()
    with Clock() as confirm_clock:
        done = client.post(url, {"confirm": preview_url.rsplit("=", 1)[1], "expected_new": counts["new"]})
    confirm_s = confirm_clock.wall
    queries = len(connection.queries)
    inserts = sum(q["sql"].lstrip().upper().startswith("INSERT") for q in connection.queries)
    connection.force_debug_cursor = False
    reset_queries()
    imported = Customer.objects.count() - before
    result = {
        "rows": IMPORT_ROWS,
        "counts": counts,
        "upload_s": upload_s,
        "preview_s": preview_s,
        "preview_clock": preview_clock,
        "confirm_s": confirm_s,
        "confirm_clock": confirm_clock,
        "confirm_queries": queries,
        "confirm_inserts": inserts,
        "imported": imported,
    }
    misses = []
    if done.status_code != 302 or imported != counts["new"]:
        misses.append(f"import: {imported} customers imported, the preview showed {counts['new']} new")
    if preview_s >= PREVIEW_S:
        misses.append(f"import: preview took {preview_s:.1f}s >= {PREVIEW_S}")
    if confirm_s >= CONFIRM_S:
        misses.append(f"import: confirm took {confirm_s:.1f}s >= {CONFIRM_S}")
    return result, misses


def main(argv=None) -> int:
    args = parse_args(argv)
    import django

    django.setup()
    from tests.perf import list_bench
    from tests.perf.list_bench import drop_database, ensure_database, seed

    if not args.random_dates:
        list_bench._customer_rows = dated_by_id(list_bench._customer_rows)
    ensure_database(args.force)
    from django.db import connection
    from django.test.utils import setup_test_environment

    misses: list[str] = []
    print(f"load average at the start: {load_average():.1f} on {os.cpu_count()} cores")
    try:
        seed(args)
        setup_test_environment()
        from web.models import Customer

        total = Customer.objects.count()
        print(f"database: {connection.vendor} {connection.get_database_version()}; customers {total:,}")
        if "export" in args.only:
            print(f"{'export':<8} {'rows':>10} {'seconds':>8} {'rows/s':>9} {'MiB':>7} {'queries':>8} {'peak +MiB':>9}")
            for fmt in ("csv", "xlsx"):
                result, missed = measure_export(fmt, total)
                misses += missed
                clock = result["clock"]
                print(
                    f"{fmt:<8} {result['rows']:>10,} {result['seconds']:>8.1f} {result['rows_per_s']:>9,.0f} "
                    f"{result['mib']:>7.1f} {result['queries']:>8} {result['peak_growth_mib']:>9.1f}   "
                    f"{clock.summary()}; {result['rows'] / clock.cpu:,.0f} rows per CPU second of this process",
                    flush=True,
                )
        if "import" in args.only:
            result, missed = measure_import()
            misses += missed
            if result:
                print(
                    f"import of {result['rows']:,} rows {result['counts']}: upload {result['upload_s']:.1f}s, "
                    f"preview {result['preview_s']:.1f}s, confirm {result['confirm_s']:.1f}s "
                    f"({result['confirm_queries']} queries, {result['confirm_inserts']} of them INSERTs), "
                    f"{result['imported']:,} imported\n  preview: {result['preview_clock'].summary()}\n"
                    f"  confirm: {result['confirm_clock'].summary()}"
                )
    finally:
        if not args.keep:
            drop_database()
            print("benchmark database dropped")
    for miss in misses:
        print(f"TARGET MISSED: {miss}")
    print("all targets met" if not misses else f"{len(misses)} target(s) missed")
    return 1 if misses else 0


if __name__ == "__main__":
    sys.exit(main())
