"""Benchmark: the customer, follow-up and approval lists with a million customers.

    DATABASE_URL=mysql://root@127.0.0.1:3306/crm_perf_bench \\
        .venv/bin/python -m tests.perf.list_bench [--customers 1000000] [--repeat 9] [--keep] [--explain]

Seeds the demo data (users, roles, classes) into a throwaway MariaDB/MySQL database, then
bulk-inserts ``--customers`` customers: ~70% in the public pool, the rest spread over 20
consultants (consultant1, consultant2 and 18 more), each holding 60 unsigned customers and
the rest signed (the private-pool cap counts unsigned ones only); statuses, sources, genders,
education and entry dates over three years; one or two courses for ~30% of them; follow-ups
for a fifth of the private customers and a payment application for a third of the signed
ones (a tenth of those pending).

Each page is then requested with Django's test client, logged in as the demo user of the role
that uses it, through the real middleware (sessions, rbac) and templates: one warm-up request,
then ``--repeat`` timed ones. Prints p50 / p95 latency and the number of SQL queries per page
(``--explain``: also the slowest query of each page with MariaDB's EXPLAIN).

The database must be one you can throw away: the script refuses a name not ending in
``_bench`` (unless ``--force``), creates it if missing and migrates it. Customers are inserted
only when the database does not hold them yet, so a second run (``--keep`` on the first)
measures at once. Without ``--keep`` the database is dropped at the end.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import statistics
import sys
import time
from dataclasses import dataclass, field

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

#: QQ numbers of the benchmark's customers: QQ_START + n.
QQ_START = 3_000_000_000
CONSULTANTS = 20
#: Unsigned customers per consultant (below the cap, so a claim of 20 fits).
UNSIGNED_PER_CONSULTANT = 60
BATCH = 10_000


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=1_000_000, help="Customers to insert (default 1000000).")
    parser.add_argument("--repeat", type=int, default=9, help="Timed requests per page (default 9).")
    parser.add_argument("--only", default="", help="Comma-separated case names to run (default: all).")
    parser.add_argument("--explain", action="store_true", help="Print the slowest query of each page and EXPLAIN.")
    parser.add_argument("--json", dest="json_path", default="", help="Also write the results to this JSON file.")
    parser.add_argument("--keep", action="store_true", help="Keep the database (default: drop it at the end).")
    parser.add_argument("--force", action="store_true", help="Run on a database not named *_bench.")
    parser.add_argument("--seed", type=int, default=2026)
    return parser.parse_args(argv)


def _server():
    import MySQLdb
    from django.conf import settings

    db = settings.DATABASES["default"]
    return MySQLdb.connect(
        host=db["HOST"] or "localhost", port=int(db["PORT"] or 3306), user=db["USER"], password=db["PASSWORD"] or ""
    )


def ensure_database(force: bool) -> None:
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.mysql":
        sys.exit("list_bench measures MariaDB/MySQL: set DATABASE_URL=mysql://.../crm_perf_bench")
    if not db["NAME"].endswith("_bench") and not force:
        sys.exit(f"refusing to fill database {db['NAME']!r}: use a name ending in _bench")
    server = _server()
    try:
        server.cursor().execute(
            f"CREATE DATABASE IF NOT EXISTS `{db['NAME']}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
        )
    finally:
        server.close()


def drop_database() -> None:
    from django.conf import settings
    from django.db import connections

    connections.close_all()
    server = _server()
    try:
        server.cursor().execute(f"DROP DATABASE IF EXISTS `{settings.DATABASES['default']['NAME']}`")
    finally:
        server.close()


# ---------------------------------------------------------------------- seeding
def _consultants(users):
    from rbac.models import Role
    from web.demo.roles import USER_ROLES
    from web.models import Department, UserInfo

    sales = Department.objects.get(kind=Department.Kind.SALES, title="销售部")
    role = Role.objects.get(title=USER_ROLES["consultant1"])
    consultants = [users["consultant1"], users["consultant2"]]
    for n in range(3, CONSULTANTS + 1):
        user, created = UserInfo.objects.get_or_create(
            username=f"bench_consultant{n}", defaults={"depart": sales, "name": f"顾问{n}"}
        )
        if created:
            user.roles.set([role])
        consultants.append(user)
    return consultants


def _customer_rows(count: int, consultant_ids: list[int], seed: int):
    from web.demo.customers import COMPANIES, GIVEN_NAMES, MAJORS, SALARIES, SCHOOLS, SURNAMES
    from web.models import Customer

    rng = random.Random(seed)  # noqa: S311 - reproducible benchmark data
    today = datetime.date.today()
    sources = Customer.Source.values
    # Websites and QQ groups bring most customers.
    source_weights = [30, 10, 25, 10, 5, 10, 5, 5]
    educations = Customer.Education.values
    experiences = Customer.Experience.values
    unsigned_left = dict.fromkeys(consultant_ids, UNSIGNED_PER_CONSULTANT)
    for n in range(count):
        private = rng.random() < 0.3
        consultant = rng.choice(consultant_ids) if private else None
        if private:
            status = "unsigned" if unsigned_left[consultant] > 0 else "signed"
            if status == "unsigned":
                unsigned_left[consultant] -= 1
        else:
            status = "signed" if rng.random() < 0.03 else "unsigned"
        entered = today - datetime.timedelta(days=rng.randrange(3 * 365))
        employed = rng.random() < 0.6
        last = entered + datetime.timedelta(days=rng.randrange(30)) if private and rng.random() < 0.7 else None
        yield (
            rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES),
            str(QQ_START + n),
            status,
            "male" if rng.random() < 0.55 else "female",
            rng.choices(sources, source_weights)[0],
            rng.choice(educations),
            rng.choice(SCHOOLS),
            rng.choice(MAJORS),
            rng.choice(experiences),
            "employed" if employed else "unemployed",
            rng.choice(COMPANIES) if employed else "",
            rng.choice(SALARIES) if employed else "",
            entered,
            min(last, today) if last else None,
            consultant,
        )


def seed(args) -> dict:
    """Demo data plus the benchmark's customers, follow-ups and payments (skipped when present)."""
    from django.core.management import call_command
    from django.db import connection

    from web import demo
    from web.fields import pinyin_sort_key
    from web.models import ClassList, ConsultRecord, Course, Customer, PaymentRecord

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    users = demo.seed_all()
    consultants = _consultants(users)
    consultant_ids = [c.pk for c in consultants]
    bench = Customer.objects.filter(qq__gte=str(QQ_START), qq__lt=str(QQ_START + 1_000_000_000))
    have = bench.count()
    if have not in (0, args.customers):
        sys.exit(f"the database holds {have} benchmark customers, not {args.customers}: drop it first")
    if have == 0:
        table = Customer._meta.db_table
        columns = (
            "name qq status gender source education graduation_school major experience work_status "
            "company salary date last_consult_date consultant_id name_pinyin"
        ).split()
        # Table and column names come from the models, never from input; values are parameters.
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608
        first_id = (Customer.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
        batch = []
        with connection.cursor() as cursor:
            pinyin_keys: dict[str, str] = {}  # a raw INSERT runs no pre_save: the sort key by hand
            for row in _customer_rows(args.customers, consultant_ids, args.seed):
                name = row[0]
                batch.append((*row, pinyin_keys.get(name) or pinyin_keys.setdefault(name, pinyin_sort_key(name))))
                if len(batch) == BATCH:
                    cursor.executemany(sql, batch)  # mysqlclient sends one multi-row INSERT
                    batch = []
            if batch:
                cursor.executemany(sql, batch)
            print(f"  customers inserted: {time.perf_counter() - started:.0f}s", flush=True)
            course_ids = list(Course.objects.order_by("pk").values_list("pk", flat=True))[:4]
            m2m = Customer.course.through._meta.db_table
            # ~30% get a course, a third of those a second one: raw INSERT ... SELECT, no rows in Python.
            for offset, course_id in enumerate(course_ids):
                cursor.execute(
                    f"INSERT INTO {m2m} (customer_id, course_id) SELECT id, %s FROM {table} "  # noqa: S608
                    "WHERE id >= %s AND id %% 10 < 3 AND id %% 4 = %s",
                    [course_id, first_id, offset],
                )
                cursor.execute(
                    f"INSERT INTO {m2m} (customer_id, course_id) SELECT id, %s FROM {table} "  # noqa: S608
                    "WHERE id >= %s AND id %% 10 = 0 AND (id + 1) %% 4 = %s",
                    [course_id, first_id, offset],
                )
            print(f"  courses linked: {time.perf_counter() - started:.0f}s", flush=True)
            notes = ConsultRecord._meta.db_table
            cursor.execute(
                f"INSERT INTO {notes} (customer_id, consultant_id, note, date) "  # noqa: S608
                f"SELECT id, consultant_id, '电话沟通，客户对课程感兴趣。', COALESCE(last_consult_date, date) "
                f"FROM {table} WHERE id >= %s AND consultant_id IS NOT NULL AND id %% 5 = 0",
                [first_id],
            )
            classes = list(ClassList.objects.order_by("pk").values_list("pk", flat=True))[:3]
            payments = PaymentRecord._meta.db_table
            finance = users["finance1"].pk
            cursor.execute(
                f"INSERT INTO {payments} (customer_id, consultant_id, pay_type, paid_fee, class_list_id, "  # noqa: S608
                "apply_date, confirm_status, confirm_date, confirm_user_id, note, reject_reason) "
                "SELECT id, consultant_id, 'enrolment_fee', 19800, "
                f"CASE id %% 3 WHEN 0 THEN %s WHEN 1 THEN %s ELSE %s END, "
                "TIMESTAMP(date, '10:00:00'), "
                "IF(id %% 30 = 0, 'pending', 'confirmed'), IF(id %% 30 = 0, NULL, TIMESTAMP(date, '16:00:00')), "
                "IF(id %% 30 = 0, NULL, %s), '', '' "
                f"FROM {table} WHERE id >= %s AND consultant_id IS NOT NULL AND status = 'signed' AND id %% 3 = 0",
                [classes[0], classes[1 % len(classes)], classes[2 % len(classes)], finance, first_id],
            )
            cursor.execute(f"ANALYZE TABLE {table}, {m2m}, {notes}, {payments}")
            cursor.fetchall()
        print(f"seeded in {time.perf_counter() - started:.0f}s", flush=True)
    return users


# ---------------------------------------------------------------------- measuring
@dataclass
class Case:
    name: str
    username: str
    url_name: str
    params: dict = field(default_factory=dict)
    kwargs: dict = field(default_factory=dict)
    claim: bool = False


def build_cases(users, count: int) -> list[Case]:
    from web.models import ConsultRecord, Course, Customer

    consultant1 = users["consultant1"]
    course = Course.objects.order_by("pk").values_list("pk", flat=True).first()
    busy = (
        ConsultRecord.objects.filter(customer__consultant=consultant1, customer__qq__gte=str(QQ_START))
        .values_list("customer_id", flat=True)
        .first()
    )
    # A public customer's QQ in the middle of the table.
    qq = Customer.objects.filter(consultant=None, qq__gte=str(QQ_START + count // 2)).values_list("qq", flat=True)[0]
    pub, priv, all_ = "stark:web_customer_pub_list", "stark:web_customer_priv_list", "stark:web_customer_all_list"
    return [
        Case("public pool, page 1", "consultant1", pub),
        Case("public pool, page 20000", "consultant1", pub, {"page": 20000}),
        Case("public, search name 王伟", "consultant1", pub, {"q": "王伟"}),
        Case("public, search QQ (full)", "consultant1", pub, {"q": qq}),
        Case("public, search QQ (prefix 7)", "consultant1", pub, {"q": qq[:7]}),
        Case("public, status+source", "consultant1", pub, {"status": "unsigned", "source": "website"}),
        Case("public, course", "consultant1", pub, {"course": course}),
        Case("public, sort by name", "consultant1", pub, {"o": "name"}),
        Case("public, sort by -qq, page 50", "consultant1", pub, {"o": "-qq", "page": 50}),
        Case("private pool (consultant1)", "consultant1", priv),
        Case("private, status signed", "consultant1", priv, {"status": "signed"}),
        Case("all customers, page 1", "manager1", all_),
        Case("all, by consultant", "manager1", all_, {"consultant": consultant1.pk}),
        Case("all, consultant+status", "manager1", all_, {"consultant": consultant1.pk, "status": "signed"}),
        Case("follow-ups of a customer", "consultant1", "stark:web_consultrecord_list", kwargs={"customer_id": busy}),
        Case("payment approval (pending)", "finance1", "stark:web_paymentrecord_check_list"),
        Case("payment approval, all", "finance1", "stark:web_paymentrecord_check_list", {"confirm_status": ""}),
        Case("claim 20 (POST)", "consultant2", "stark:web_customer_pub_multi_claim", claim=True),
    ]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(int(len(ordered) * fraction), len(ordered) - 1)]


def run_case(case: Case, users, repeat: int, explain: bool, count: int) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from web.models import Customer
    from web.services.customers import customer_release

    client = Client()
    client.force_login(users[case.username])
    url = reverse(case.url_name, kwargs=case.kwargs)
    timings, queries, slowest = [], 0, None
    claim_ids = []
    if case.claim:
        claim_ids = list(
            Customer.objects.filter(consultant=None, status="unsigned", qq__gte=str(QQ_START + count // 3))
            .order_by("pk")
            .values_list("pk", flat=True)[:20]
        )
    for attempt in range(repeat + 1):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            if case.claim:
                response = client.post(url, {"pk": claim_ids})
            else:
                response = client.get(url, case.params)
                response.content  # noqa: B018 - render fully
            elapsed = time.perf_counter() - started
        expected = 302 if case.claim else 200
        if response.status_code != expected:
            sys.exit(f"{case.name}: HTTP {response.status_code} for {url} {case.params}")
        if case.claim:
            consultant = users[case.username]
            held = Customer.objects.filter(pk__in=claim_ids, consultant=consultant).count()
            if held != len(claim_ids):
                sys.exit(f"{case.name}: only {held} of {len(claim_ids)} claimed")
            customer_release(consultant=consultant, customer_ids=claim_ids)
        if attempt == 0:
            continue  # warm-up
        timings.append(elapsed)
        queries = len(captured.captured_queries)
        for query in captured.captured_queries:
            if slowest is None or float(query["time"]) > float(slowest["time"]):
                slowest = query
    result = {
        "name": case.name,
        "p50_ms": statistics.median(timings) * 1000,
        "p95_ms": percentile(timings, 0.95) * 1000,
        "queries": queries,
        "slowest_sql_ms": float(slowest["time"]) * 1000 if slowest else 0.0,
    }
    if explain and slowest:
        print(f"\n== {case.name}: slowest query {result['slowest_sql_ms']:.1f} ms\n{slowest['sql'][:1500]}")
        if slowest["sql"].lstrip().upper().startswith("SELECT"):
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN " + slowest["sql"])
                names = [c[0] for c in cursor.description]
                for row in cursor.fetchall():
                    print("   ", dict(zip(names, row, strict=True)))
    return result


def main(argv=None) -> int:
    args = parse_args(argv)
    import django

    django.setup()
    ensure_database(args.force)
    from django.db import connection
    from django.test.utils import setup_test_environment

    try:
        users = seed(args)
        setup_test_environment()
        cases = build_cases(users, args.customers)
        if args.only:
            wanted = {name.strip() for name in args.only.split(",")}
            cases = [case for case in cases if case.name in wanted]
        results = []
        for case in cases:
            results.append(run_case(case, users, args.repeat, args.explain, args.customers))
            print(f"  measured {case.name}", file=sys.stderr, flush=True)
        from web.models import Customer

        print(
            f"\ndatabase: {connection.vendor} {connection.get_database_version()} {connection.settings_dict['NAME']}; "
            f"customers {Customer.objects.count()}, public {Customer.objects.filter(consultant=None).count()}; "
            f"{args.repeat} timed requests per page after one warm-up"
        )
        width = max(len(r["name"]) for r in results)
        print(f"{'page':<{width}}  {'p50 ms':>8}  {'p95 ms':>8}  {'queries':>7}  {'slowest SQL ms':>14}")
        for r in results:
            print(
                f"{r['name']:<{width}}  {r['p50_ms']:>8.1f}  {r['p95_ms']:>8.1f}  {r['queries']:>7}  "
                f"{r['slowest_sql_ms']:>14.1f}"
            )
        if args.json_path:
            with open(args.json_path, "w", encoding="utf-8") as out:
                json.dump(results, out, ensure_ascii=False, indent=1)
    finally:
        if not args.keep:
            drop_database()
            print("benchmark database dropped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
