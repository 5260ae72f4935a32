"""Load and soak test: gunicorn on MariaDB (or Galera) + Redis under the mixed traffic of every role.

    DATABASE_URL=mysql://root@127.0.0.1:3306/crm_load_bench CACHE_URL=redis://127.0.0.1:6379/1 \\
        .venv/bin/python -m tests.load.run [--short] [--minutes 5] [--customers 100000] [--users 20]
    # the same against the cluster of scripts/galera.sh, one app server per node:
    .venv/bin/python -m tests.load.run --galera

Prepares the database (migrate, demo data plus ``--customers`` public customers; the name must end
in ``_bench``), starts ``--servers`` gunicorn processes of ``--workers`` workers on loopback ports,
warms them up, runs locust headless (tests/load/locustfile.py) for the set time, then prints
requests/s, p50/p95/p99 per page kind, errors, the workers' memory at the start and the end, and
checks the invariants in the database. The Redis database of CACHE_URL is flushed first.
Exits non-zero when a request failed (5xx or connection),
memory grew by more than 10 %, or an invariant is broken. ``--short``: 30 s (what CI runs).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
import requests

from tests.scaling.servers import ROOT, free_ports, gunicorn_servers, server_env

LOCUST = ROOT / ".venv" / "bin" / "locust"
PYTHON = ROOT / ".venv" / "bin" / "python"
MEMORY_GROWTH_LIMIT = 0.10


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--short", action="store_true", help="30 s, 10 users (CI).")
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--customers", type=int, default=100_000, help="Extra public customers (default 100000).")
    parser.add_argument("--users", type=int, default=20, help="Simulated staff (default 20).")
    parser.add_argument("--servers", type=int, default=1, help="gunicorn processes (default 1; --galera: 3).")
    parser.add_argument("--workers", type=int, default=2, help="Workers per gunicorn (default 2).")
    parser.add_argument("--galera", action="store_true", help="One app server per node of scripts/galera.sh.")
    parser.add_argument("--cap", type=int, default=150, help="CUSTOMER_PRIVATE_POOL_CAP of the servers.")
    args = parser.parse_args(argv)
    if args.short:
        args.minutes, args.users = 0.5, min(args.users, 10)
    return args


def galera_env() -> dict[str, str]:
    out = subprocess.run(  # noqa: S603 - our own script
        ["/bin/bash", str(ROOT / "scripts" / "galera.sh"), "env"], capture_output=True, text=True, check=True
    ).stdout
    return dict(line.split("=", 1) for line in out.split())


def database_urls(args) -> list[str]:
    """One DATABASE_URL per app server (Galera: each server on its own node)."""
    if args.galera:
        env = galera_env()
        base = env["GALERA_DATABASE_URL"].rsplit("/", 1)[0]
        name = os.environ.get("DATABASE_URL", "x/luffy_load_bench").rsplit("/", 1)[1]
        nodes = env["GALERA_NODES"].split(",")
        user = base.split("//", 1)[1].split("@", 1)[0]
        return [f"mysql://{user}@{node}/{name}" for node in nodes]
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("mysql://"):
        sys.exit("set DATABASE_URL=mysql://.../<name>_bench (the load test runs on MariaDB)")
    return [url] * args.servers


def prepare_database(url: str, cache_url: str, customers: int) -> None:
    name = url.rsplit("/", 1)[1].split("?")[0]
    if not name.endswith("_bench") or not name.replace("_", "").isalnum():
        sys.exit(f"refusing to load-test database {name!r}: use a name ending in _bench")
    env = server_env(database_url=url, cache_url=cache_url)
    import environ
    import MySQLdb

    config = environ.Env.db_url_config(url)
    server = MySQLdb.connect(
        host=config["HOST"], port=int(config["PORT"] or 3306), user=config["USER"], passwd=config["PASSWORD"]
    )
    # The name was checked above (letters, digits, "_bench"); identifiers cannot be parameters.
    server.cursor().execute(f"CREATE DATABASE IF NOT EXISTS `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
    server.close()
    for command in (["migrate", "--noinput", "-v0"], ["seed_demo", "--force", "--customers", str(customers)]):
        subprocess.run([str(PYTHON), "manage.py", *command], cwd=ROOT, env=env, check=True, timeout=900)  # noqa: S603


def workers_rss(masters: list[int]) -> int:
    """Resident memory of every gunicorn worker (bytes)."""
    total = 0
    for pid in masters:
        for child in psutil.Process(pid).children():
            total += child.memory_info().rss
    return total


def gunicorn_masters(ports: list[int]) -> list[int]:
    masters = []
    for proc in psutil.process_iter(["pid", "cmdline"]):
        cmdline = " ".join(proc.info["cmdline"] or [])
        if "gunicorn" in cmdline and any(f"127.0.0.1:{port}" in cmdline for port in ports):
            if proc.parent() is None or "gunicorn" not in " ".join(proc.parent().cmdline()):
                masters.append(proc.info["pid"])
    return masters


#: Pages of each role opened before memory is measured (the rest are object pages of the same views).
WARM_UP_PAGES = {
    "consultant1": ["/stark/web/customer/pub/list/?q=12", "/stark/web/customer/pub/list/?source=website&page=3",
                    "/stark/web/customer/priv/list/", "/"],
    "manager1": ["/stark/web/customer/all/list/?status=unsigned"],
    "ops1": ["/stark/web/customer/pub/add/"],
    "finance1": ["/stark/web/paymentrecord/check/list/"],
    "teacher1": ["/stark/web/classlist/list/", "/stark/web/student/list/?status=studying"],
}  # fmt: skip


def warm_up(urls: list[str]) -> None:
    """Every worker imports, compiles templates and fills its caches before memory is measured."""
    for url in urls:
        for username, paths in WARM_UP_PAGES.items():
            browser = requests.Session()
            browser.get(f"{url}/login/", timeout=30)
            token = browser.cookies["csrftoken"]
            data = {"username": username, "password": "Luffy@2026", "csrfmiddlewaretoken": token}
            browser.post(f"{url}/login/", data=data, timeout=30)
            for _ in range(10):
                for path in paths:
                    browser.get(f"{url}{path}", timeout=60)


def run_locust(urls: list[str], args, out_dir: Path) -> Path:
    prefix = out_dir / "load"
    seconds = max(int(args.minutes * 60), 10)
    command = [
        str(LOCUST), "-f", str(ROOT / "tests" / "load" / "locustfile.py"), "--headless",
        "-u", str(args.users), "-r", str(max(args.users // 5, 1)), "-t", f"{seconds}s",
        "--host", urls[0], "--csv", str(prefix), "--only-summary", "--stop-timeout", "10",
        "--exit-code-on-error", "0", "--loglevel", "WARNING",
    ]  # fmt: skip
    env = {**os.environ, "LOAD_HOSTS": ",".join(urls)}
    subprocess.run(command, cwd=ROOT, env=env, check=True, timeout=seconds + 120)  # noqa: S603
    return Path(f"{prefix}_stats.csv")


def report(stats_path: Path) -> tuple[int, int]:
    """Print the table; return (requests, failures)."""
    rows = list(csv.DictReader(stats_path.open()))
    print(f"{'page kind':34} {'reqs':>6} {'fail':>5} {'req/s':>7} {'p50':>6} {'p95':>6} {'p99':>6}  (ms)")
    total = failures = 0
    for row in rows:
        name = row["Name"] if row["Name"] != "Aggregated" else "ALL"
        print(
            f"{name[:34]:34} {row['Request Count']:>6} {row['Failure Count']:>5} {float(row['Requests/s']):7.1f} "
            f"{row['50%']:>6} {row['95%']:>6} {row['99%']:>6}"
        )
        if row["Name"] == "Aggregated":
            total, failures = int(row["Request Count"]), int(row["Failure Count"])
    return total, failures


def check_invariants(url: str, cache_url: str, cap: int) -> list[str]:
    code = f"from tests.load.invariants import main; main({int(cap)})"
    out = subprocess.run(  # noqa: S603 - our own interpreter and module
        [str(PYTHON), "-c", code], cwd=ROOT, env=server_env(database_url=url, cache_url=cache_url),
        capture_output=True, text=True, check=True, timeout=300,
    )  # fmt: skip
    return [line for line in out.stdout.splitlines() if line]


def main(argv=None) -> int:
    args = parse_args(argv if argv is not None else sys.argv[1:])
    cache_url = os.environ.get("CACHE_URL") or os.environ.get("TEST_REDIS_URL", "")
    if not cache_url.startswith("redis://"):
        sys.exit("set CACHE_URL=redis://127.0.0.1:6379/<db> (sessions and cache shared by the servers)")
    urls_db = database_urls(args)
    # The run's cache starts empty (sessions and snapshots of an earlier run's database are stale).
    import redis

    redis.Redis.from_url(cache_url).flushdb()
    started = time.monotonic()
    prepare_database(urls_db[0], cache_url, args.customers)
    print(f"load: database ready ({args.customers} extra customers) in {time.monotonic() - started:.0f} s")

    ports = free_ports(len(urls_db))
    processes = []
    with tempfile.TemporaryDirectory(prefix="luffy-load-") as tmp, contextlib.ExitStack() as stack:
        for port, db_url in zip(ports, urls_db, strict=True):
            env = server_env(database_url=db_url, cache_url=cache_url, CUSTOMER_PRIVATE_POOL_CAP=str(args.cap))
            processes.append(stack.enter_context(gunicorn_servers([port], env, workers=args.workers)))
        urls = [server[0] for server in processes]
        warm_up(urls)
        masters = gunicorn_masters(ports)
        rss_start = workers_rss(masters)
        stats = run_locust(urls, args, Path(tmp))
        rss_end = workers_rss(masters)
        print(f"load: {len(urls)} app server(s) x {args.workers} workers, {args.users} users, {args.minutes:g} min")
        total, failures = report(stats)
    growth = (rss_end - rss_start) / rss_start if rss_start else 0.0
    print(f"memory of the workers: {rss_start / 2**20:.0f} MiB at the start, {rss_end / 2**20:.0f} MiB at the end "
          f"({growth:+.1%}; limit +{MEMORY_GROWTH_LIMIT:.0%})")  # fmt: skip
    problems = check_invariants(urls_db[0], cache_url, args.cap)
    for line in problems:
        print(line)
    broken = [line for line in problems if line.startswith("BROKEN")]
    ok = total > 0 and failures == 0 and growth <= MEMORY_GROWTH_LIMIT and not broken
    print(f"load: {'PASS' if ok else 'FAIL'}: {total} requests, {failures} failed, {len(broken)} invariants broken")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
