"""A realistic school at any size (``seed_demo --customers N``), written with multi-row INSERTs.

For N customers: ~70 % in the public pool, the rest held by ``N * 0.3 / 150`` consultants (about
150 each, at most ``UNSIGNED_PER_CONSULTANT`` of them unsigned, so every consultant stays under the
private-pool cap); courses of interest for ~40 %; follow-ups for every private customer and some
public ones (the history of whoever released them); payment applications in every status; a
student, enrolled in a class, for every confirmed one; and the search index's fragments.

Rows are generated in Python with their primary keys assigned here (so links need no read-back) and
inserted as multi-row INSERTs (on MariaDB/MySQL with the values written as literals, see
``_Literals``; SQLite runs ``executemany`` as one prepared statement), one transaction per batch of
customers: the index fragments are written in the same transaction as their customers — except in a
big seeding on MariaDB, a bulk load (``_BulkLoad``): secondary indexes dropped before and added back
after the rows, fragments loaded at the end. ``bulk_create`` builds a model instance per row and is
several times slower at this size. Idempotent: customers already inserted (QQ ``SCALE_QQ_START +
n``) are skipped, so a second run with the same N adds nothing."""

from __future__ import annotations

import datetime
import random
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.utils import timezone

from stark.models import SearchGram
from stark.search_index import fragment_tuples
from web.demo.customers import COMPANIES, GIVEN_NAMES, MAJORS, SALARIES, SCHOOLS, SURNAMES
from web.fields import pinyin_sort_key
from web.models import ClassList, ConsultRecord, Course, Customer, Department, PaymentRecord, Student, UserInfo
from web.search import CUSTOMER_SEARCH_FIELDS
from web.services.public_pool_days import compact_public_pool_days

#: Why finance sent an application back (the big school's rejected applications).
REJECT_REASONS = ["金额与合同不符", "缺少付款凭证", "班级已满，请改报下一期", "重复提交"]

#: QQ numbers of the generated customers: SCALE_QQ_START + n.
SCALE_QQ_START = 800_000_000
#: Customers held per consultant, and how many of them are unsigned (below the cap of 150).
HELD_PER_CONSULTANT = 150
UNSIGNED_PER_CONSULTANT = 110
PRIVATE_SHARE = 0.3
BATCH = 10_000

NOTES = [
    "电话沟通，客户对课程感兴趣，约了下周试听。",
    "微信发了课程大纲和报价，客户说考虑一下。",
    "客户在比较其他机构，强调了就业服务。",
    "试听结束，反馈不错，等家里商量。",
    "没接电话，下午再打。",
]


@dataclass
class Stats:
    customers: int = 0
    rows: int = 0
    seconds: float = 0.0
    per_table: dict[str, int] = field(default_factory=dict)
    #: Seconds of each step, in order ("prepare", "rows": the batches; on a big MariaDB seeding
    #: also "drop indexes", "fragments", "indexes"; "analyze" on MariaDB).
    phases: dict[str, float] = field(default_factory=dict)

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


def _columns(model: type[models.Model], names: list[str]) -> list[str]:
    return [model._meta.get_field(name).column for name in names]


class _Writer:
    """Buffers rows per table and inserts them with ``executemany`` (on MariaDB/MySQL, as literal
    multi-row INSERTs: mysqlclient's executemany escapes every value through a Python call)."""

    def __init__(self, stats: Stats) -> None:
        self.stats = stats
        self.buffers: dict[str, tuple[str, list[tuple]]] = {}
        #: Tables whose rows are counted but written elsewhere (the staged search fragments).
        self.renamed: dict[str, str] = {}
        #: Set by a big seeding (``_BulkLoad``), which turns the checks off for its whole run.
        self.checks_off = False

    def add(self, table: str, columns: list[str], row: tuple) -> None:
        if table not in self.buffers:
            target = self.renamed.get(table, table)
            # Table and column names come from the models, never from input; values are parameters.
            sql = f"INSERT INTO {target} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608
            self.buffers[table] = (sql, [])
        self.buffers[table][1].append(row)

    def flush(self) -> None:
        mysql = connection.vendor == "mysql"
        toggle = mysql and not self.checks_off
        with connection.cursor() as cursor:
            if toggle:
                # A bulk load of rows made valid here (unique QQs, existing foreign keys): let InnoDB
                # skip the per-row unique and foreign-key lookups, for this session's inserts only.
                cursor.execute("SET SESSION unique_checks = 0, foreign_key_checks = 0")
            if mysql:
                literal = _Literals(connection)
            for table, (sql, rows) in self.buffers.items():
                for start in range(0, len(rows), BATCH):
                    if mysql:
                        # Through the driver's cursor: with DEBUG on, Django's would keep the text of
                        # each multi-megabyte INSERT in connection.queries.
                        prefix = sql.split(" VALUES ", 1)[0] + " VALUES "
                        values = ",".join([literal.row(row) for row in rows[start : start + BATCH]])
                        cursor.cursor.execute(prefix + values)
                    else:
                        cursor.executemany(sql, rows[start : start + BATCH])
                self.stats.rows += len(rows)
                self.stats.per_table[table] = self.stats.per_table.get(table, 0) + len(rows)
                rows.clear()
            if toggle:
                cursor.execute("SET SESSION unique_checks = 1, foreign_key_checks = 1")


class _Literals:
    """SQL literals of the seeder's values (ints, None, text, the backend's date strings), for
    MariaDB/MySQL: ints with ``int``'s own ``str``, digits-only text as it is, any other text
    through the driver's C escaping for the connection's character set."""

    def __init__(self, db) -> None:
        db.ensure_connection()
        self.string_literal = db.connection.string_literal

    def value(self, value) -> str:
        if value is None:
            return "NULL"
        if value.__class__ is int:
            return str(value)
        text = value if isinstance(value, str) else str(value)
        if text.isdigit() and text.isascii():
            return f"'{text}'"
        return self.string_literal(text.encode()).decode()

    def row(self, row: tuple) -> str:
        return "(" + ",".join([self.value(value) for value in row]) + ")"


#: At least this many customers to seed on MariaDB/MySQL (outside a transaction) and the seeding is
#: a bulk load (``_BulkLoad``): secondary indexes built after the rows, fragments loaded at the end.
BIG_SEEDING_FROM = 50_000

#: Where a big seeding keeps the definitions of the indexes it dropped until they are back: a
#: table of the same database (not a model), so that an interrupted seeding is repaired by
#: ``restore_deferred_indexes`` (called by the next ``seed_demo`` and by
#: ``seed_demo --restore-indexes``) even when the process was killed.
PENDING_INDEXES_TABLE = "seed_demo_pending_index"

# One index of SHOW CREATE TABLE: "  UNIQUE KEY `qq` (`qq`)," (the primary key is not one of these).
_INDEX_LINE = re.compile(r"^\s*((?:UNIQUE |FULLTEXT |SPATIAL )?KEY `([^`]+)` .*?),?$")


def _secondary_indexes(cursor, table: str) -> dict[str, str]:
    """``{name: definition}`` of ``table``'s secondary indexes, as SHOW CREATE TABLE writes them
    (columns, order, prefix lengths, uniqueness: ``ADD <definition>`` makes the same index)."""
    cursor.execute(f"SHOW CREATE TABLE {table}")
    create = cursor.fetchone()[1]
    found = {}
    for line in create.splitlines():
        match = _INDEX_LINE.match(line)
        if match:
            found[match.group(2)] = match.group(1)
    return found


def _pending_table_exists(cursor) -> bool:
    cursor.execute("SHOW TABLES LIKE %s", [PENDING_INDEXES_TABLE])
    return cursor.fetchone() is not None


def restore_deferred_indexes(using: str = "default") -> list[str]:
    """Add back the indexes an interrupted big seeding dropped (one ALTER per table); returns the
    ``table.index`` names added. A no-op on other databases and when nothing is pending."""
    from django.db import connections

    db = connections[using]
    if db.vendor != "mysql":
        return []
    added: list[str] = []
    with db.cursor() as cursor:
        if not _pending_table_exists(cursor):
            return []
        cursor.execute(f"SELECT table_name, index_name, definition FROM {PENDING_INDEXES_TABLE} ORDER BY id")  # noqa: S608
        pending: dict[str, dict[str, str]] = {}
        for table, name, definition in cursor.fetchall():
            pending.setdefault(table, {})[name] = definition
        failed: list[Exception] = []
        for table, indexes in pending.items():
            # Those still there (the seeding stopped before it dropped them) are left as they are.
            missing = {name: d for name, d in indexes.items() if name not in _secondary_indexes(cursor, table)}
            try:
                if missing:
                    # InnoDB builds each index by sorting the table, all of a table's in one ALTER.
                    cursor.execute(f"ALTER TABLE {table} " + ", ".join(f"ADD {d}" for d in missing.values()))
            except Exception as error:  # noqa: BLE001 - the other tables' first, then raise it
                failed.append(error)  # e.g. a duplicate for a unique index: the definitions stay pending
                continue
            added += [f"{table}.{name}" for name in missing]
            cursor.execute(f"DELETE FROM {PENDING_INDEXES_TABLE} WHERE table_name = %s", [table])  # noqa: S608
        if failed:
            raise failed[0]
        cursor.execute(f"DROP TABLE {PENDING_INDEXES_TABLE}")
    return added


class _BulkLoad:
    """A big seeding on MariaDB/MySQL outside a transaction: the tables it fills lose their
    secondary indexes for the load and get them back, exactly as they were, at the end.

    Inserted row by row, a million customers' rows update ~15 secondary indexes of the customer
    table (and those of the follow-ups, payments, links) at random places: once the indexes
    outgrow InnoDB's buffer pool, MariaDB, not Python, sets the pace (16,965 rows/s measured).
    InnoDB builds an added index by sorting the table instead, page by page. So: the index
    definitions go to ``PENDING_INDEXES_TABLE`` first, then one ``ALTER TABLE … DROP INDEX …`` per
    table, the load (with ``unique_checks`` and ``foreign_key_checks`` off for the session: the
    foreign keys stay declared, the rows are made valid here), then one ``ALTER TABLE … ADD …``
    per table (unique indexes are verified by that build: a duplicate fails it loudly). The
    restore runs in a ``finally``; a process killed before it leaves the definitions pending, and
    the next ``seed_demo`` (or ``seed_demo --restore-indexes``) adds them back. Meanwhile other
    connections see tables without those indexes (slow lists, and a write that needs a foreign
    key's index fails): seed a big school while nothing else uses the database.

    The search fragments go to a temporary table without indexes (appended), then into the real
    one in primary-key order with one ``INSERT … SELECT … ORDER BY``: they are thus written after
    their customers, not in the same transaction, and a seeding interrupted before the end leaves
    the customers it inserted without fragments (a second run skips those customers): run
    ``manage.py search_index --rebuild`` after such an interruption.
    """

    def __init__(self, tables: list[str], gram_table: str) -> None:
        self.tables = tables
        self.gram_table = gram_table
        self.staging = f"{gram_table}_seed_staging"

    def open(self) -> None:
        restore_deferred_indexes()  # a previous interrupted seeding's, first
        with connection.cursor() as cursor:
            cursor.execute("SET SESSION unique_checks = 0, foreign_key_checks = 0")
            # A TEMPORARY table: this session's only, gone with it, and its DDL commits nothing.
            cursor.execute(f"DROP TEMPORARY TABLE IF EXISTS {self.staging}")
            cursor.execute(f"CREATE TEMPORARY TABLE {self.staging} LIKE {self.gram_table}")  # same columns, collation
            cursor.execute(f"ALTER TABLE {self.staging} DROP PRIMARY KEY")
            staging_indexes = _secondary_indexes(cursor, self.staging)
            if staging_indexes:
                cursor.execute(f"ALTER TABLE {self.staging} " + ", ".join(f"DROP INDEX `{n}`" for n in staging_indexes))
            cursor.execute(
                f"CREATE TABLE IF NOT EXISTS {PENDING_INDEXES_TABLE} (id integer AUTO_INCREMENT PRIMARY KEY, "
                "table_name varchar(64) NOT NULL, index_name varchar(64) NOT NULL, definition text NOT NULL)"
            )
            for table in self.tables:
                indexes = _secondary_indexes(cursor, table)
                if not indexes:
                    continue
                cursor.executemany(
                    f"INSERT INTO {PENDING_INDEXES_TABLE} (table_name, index_name, definition) VALUES (%s, %s, %s)",  # noqa: S608
                    [(table, name, definition) for name, definition in indexes.items()],
                )
                cursor.execute(f"ALTER TABLE {table} " + ", ".join(f"DROP INDEX `{name}`" for name in indexes))

    def load_fragments(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT IGNORE INTO {self.gram_table} (field, gram, object_id) "  # noqa: S608 - names from the models
                f"SELECT field, gram, object_id FROM {self.staging} ORDER BY field, gram, object_id"
            )

    def close(self) -> None:
        with connection.cursor() as cursor:
            try:
                cursor.execute(f"DROP TEMPORARY TABLE IF EXISTS {self.staging}")
                restore_deferred_indexes()
            finally:
                cursor.execute("SET SESSION unique_checks = 1, foreign_key_checks = 1")


def _scale_customers():
    # QQ numbers are strings: compare within the 9-digit range SCALE_QQ_START + n takes (n < 10**8).
    return Customer.objects.filter(qq__gte=str(SCALE_QQ_START), qq__lte=str(SCALE_QQ_START + 10**8 - 1))


def _next_id(model: type[models.Model]) -> int:
    return (model._default_manager.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1


def _consultants(count: int, password_hash: str) -> list[int]:
    """``count`` consultants of their own (scale_consultant1…), in the consultant role.

    Not the demo's consultant1/2: they hold their own demo customers, and the cap must hold.
    """
    from rbac.models import Role
    from web.demo.roles import USER_ROLES

    sales = Department.objects.filter(kind=Department.Kind.SALES).order_by("pk").first()
    have = set(UserInfo.objects.filter(username__startswith="scale_consultant").values_list("username", flat=True))
    new = [
        UserInfo(username=f"scale_consultant{n}", name=f"顾问{n}", depart=sales, password=password_hash)
        for n in range(1, count + 1)
        if f"scale_consultant{n}" not in have
    ]
    UserInfo.objects.bulk_create(new, batch_size=1000)
    created = UserInfo.objects.filter(username__in=[u.username for u in new]).values_list("pk", flat=True)
    role = Role.objects.filter(title=USER_ROLES.get("consultant1", "")).first()
    if role is not None:
        UserInfo.roles.through.objects.bulk_create(
            [UserInfo.roles.through(userinfo_id=pk, role_id=role.pk) for pk in created], batch_size=1000
        )
    wanted = [f"scale_consultant{n}" for n in range(1, count + 1)]
    by_name = dict(UserInfo.objects.filter(username__in=wanted).values_list("username", "pk"))
    return [by_name[name] for name in wanted]


def seed_school(
    count: int,
    *,
    users: dict[str, UserInfo],
    password: str,
    seed: int = 2026,
    progress: Callable[[Stats, int], None] | None = None,
) -> Stats:
    """Insert customers ``SCALE_QQ_START + n`` for n < ``count`` that are missing, with their school life."""
    started = time.perf_counter()
    stats = Stats()
    have = _scale_customers().count()
    if have >= count:
        return stats
    consultants = _consultants(max(1, round(count * PRIVATE_SHARE / HELD_PER_CONSULTANT)), make_password(password))
    finance = users["finance1"].pk if "finance1" in users else None
    courses = list(Course.objects.order_by("pk").values_list("pk", flat=True))
    classes = list(ClassList.objects.order_by("pk").values_list("pk", flat=True))
    today = timezone.localdate()
    now = timezone.now()
    rng = random.Random(seed + have)  # noqa: S311 - reproducible demo data, not security

    customer_table = Customer._meta.db_table
    customer_columns = _columns(
        Customer,
        [
            "id",
            "name",
            "name_pinyin",
            "qq",
            "status",
            "gender",
            "source",
            "education",
            "graduation_school",
            "major",
            "experience",
            "work_status",
            "company",
            "salary",
            "date",
            "last_consult_date",
            "consultant",
        ],
    )
    link_table = Customer.course.through._meta.db_table
    link_columns = ["customer_id", "course_id"]
    record_table = ConsultRecord._meta.db_table
    record_columns = _columns(ConsultRecord, ["customer", "consultant", "note", "date"])
    payment_table = PaymentRecord._meta.db_table
    payment_columns = _columns(
        PaymentRecord,
        [
            "customer",
            "consultant",
            "pay_type",
            "paid_fee",
            "class_list",
            "apply_date",
            "confirm_status",
            "confirm_date",
            "confirm_user",
            "note",
            "reject_reason",
        ],
    )
    student_table = Student._meta.db_table
    student_columns = _columns(
        Student, ["id", "customer", "qq", "mobile", "emergency_contract", "student_status", "score", "memo"]
    )
    student_class_table = Student.class_list.through._meta.db_table
    student_class_columns = ["student_id", "classlist_id"]
    gram_table = SearchGram._meta.db_table
    gram_columns = ["field", "gram", "object_id"]

    sources = Customer.Source.values
    source_weights = [30, 10, 25, 10, 5, 10, 5, 5][: len(sources)] + [5] * max(0, len(sources) - 8)
    educations, experiences = Customer.Education.values, Customer.Experience.values
    genders = ["male", "female"]
    label = Customer._meta.label_lower
    # Consultant of the k-th private customer, and whether it is signed: round-robin, so each
    # consultant holds about HELD_PER_CONSULTANT, the first UNSIGNED_PER_CONSULTANT unsigned.
    private_seen = _scale_customers().filter(consultant__isnull=False).count()

    ops = connection.ops  # dates and aware datetimes as the backend stores them (UTC on MySQL)
    writer = _Writer(stats)
    next_customer, next_student = _next_id(Customer), _next_id(Student)

    def _seed_batches() -> None:
        nonlocal next_customer, next_student, private_seen
        for batch_start in range(have, count, BATCH):
            batch_end = min(count, batch_start + BATCH)
            indexed = []
            pinyin_keys: dict[str, str] = {}  # few distinct names: compute each key once
            for n in range(batch_start, batch_end):
                pk = next_customer
                next_customer += 1
                entered = today - datetime.timedelta(days=rng.randrange(3 * 365))
                consultant = None
                status = "unsigned"
                if rng.random() < PRIVATE_SHARE:
                    consultant = consultants[private_seen % len(consultants)]
                    if private_seen // len(consultants) >= UNSIGNED_PER_CONSULTANT:
                        status = "signed"
                    private_seen += 1
                employed = rng.random() < 0.6
                last = None
                if consultant is not None:
                    last = min(today, entered + datetime.timedelta(days=rng.randrange(1, 60)))
                name = rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES)
                qq = str(SCALE_QQ_START + n)
                writer.add(
                    customer_table,
                    customer_columns,
                    (
                        pk,
                        name,
                        pinyin_keys.get(name)
                        or pinyin_keys.setdefault(name, pinyin_sort_key(name)),  # raw INSERT: no pre_save
                        qq,
                        status,
                        genders[rng.random() < 0.45],
                        rng.choices(sources, source_weights)[0],
                        rng.choice(educations),
                        rng.choice(SCHOOLS),
                        rng.choice(MAJORS),
                        rng.choice(experiences),
                        "employed" if employed else "unemployed",
                        rng.choice(COMPANIES) if employed else "",
                        rng.choice(SALARIES) if employed else "",
                        ops.adapt_datefield_value(entered),
                        ops.adapt_datefield_value(last),
                        consultant,
                    ),
                )
                # One value per indexed field, in CUSTOMER_SEARCH_FIELDS' order (no mobile or WeChat here).
                written = {"name": name, "qq": qq}
                indexed.append((pk, *(written.get(field) for field in CUSTOMER_SEARCH_FIELDS)))
                if courses and rng.random() < 0.4:
                    for course in rng.sample(courses, min(len(courses), 1 + (rng.random() < 0.25))):
                        writer.add(link_table, link_columns, (pk, course))
                author = consultant or (consultants[n % len(consultants)] if rng.random() < 0.2 else None)
                if author is not None:
                    for k in range(1 + (consultant is not None and rng.random() < 0.5)):
                        day = min(today, entered + datetime.timedelta(days=k * 7))
                        note = (pk, author, rng.choice(NOTES), ops.adapt_datefield_value(day))
                        writer.add(record_table, record_columns, note)
                if consultant is None or not classes:
                    continue
                applied = timezone.make_aware(datetime.datetime.combine(entered, datetime.time(10)))
                applied_db = ops.adapt_datetimefield_value(applied)
                klass = classes[pk % len(classes)]
                if status == "signed":
                    confirmed = ops.adapt_datetimefield_value(applied + datetime.timedelta(hours=6))
                    writer.add(
                        payment_table,
                        payment_columns,
                        (
                            pk,
                            consultant,
                            "enrolment_fee",
                            19800,
                            klass,
                            applied_db,
                            "confirmed",
                            confirmed,
                            finance,
                            "",
                            "",
                        ),
                    )
                    writer.add(
                        student_table,
                        student_columns,
                        (next_student, pk, qq, f"13{n % 10**9:09d}", "家长", "studying", 100, ""),
                    )
                    writer.add(student_class_table, student_class_columns, (next_student, klass))
                    next_student += 1
                elif rng.random() < 0.08:
                    state = "pending" if rng.random() < 0.7 else "rejected"
                    decided = None if state == "pending" else min(now, applied + datetime.timedelta(days=1))
                    decider = None if state == "pending" else finance
                    row = (pk, consultant, "enrolment_fee", 2000, klass, applied_db, state)
                    reason = "" if state == "pending" else rng.choice(REJECT_REASONS)
                    decided_db = ops.adapt_datetimefield_value(decided)
                    writer.add(payment_table, payment_columns, (*row, decided_db, decider, "", reason))
            # In primary-key order: InnoDB appends to its B-tree pages instead of splitting random ones.
            for row in sorted(fragment_tuples(label, CUSTOMER_SEARCH_FIELDS, indexed)):
                writer.add(gram_table, gram_columns, row)
            with transaction.atomic():
                writer.flush()
            stats.customers += batch_end - batch_start
            stats.seconds = time.perf_counter() - started
            if progress:
                progress(stats, count - have)

    bulk = None
    if connection.vendor == "mysql" and not connection.in_atomic_block and count - have >= BIG_SEEDING_FROM:
        tables = [customer_table, link_table, record_table, payment_table, student_table, student_class_table]
        bulk = _BulkLoad([*tables, gram_table], gram_table)
        writer.renamed[gram_table] = bulk.staging
        writer.checks_off = True
    stats.phases["prepare"] = time.perf_counter() - started
    try:
        if bulk is not None:
            bulk.open()
            stats.phases["drop indexes"] = time.perf_counter() - started - sum(stats.phases.values())
        _seed_batches()
        stats.phases["rows"] = time.perf_counter() - started - sum(stats.phases.values())
        if bulk is not None:
            bulk.load_fragments()
            stats.phases["fragments"] = time.perf_counter() - started - sum(stats.phases.values())
    finally:
        if bulk is not None:
            bulk.close()
            stats.phases["indexes"] = time.perf_counter() - started - sum(stats.phases.values())
    # The customer table's triggers wrote a PublicPoolDay row per public customer: one per day now.
    compact_public_pool_days()
    stats.phases["pool days"] = time.perf_counter() - started - sum(stats.phases.values())
    if connection.vendor == "mysql" and not connection.in_atomic_block:
        # Fresh statistics for the optimizer. ANALYZE TABLE commits implicitly: never inside a
        # caller's transaction (a test's, or one meant to roll the seeding back).
        with connection.cursor() as cursor:
            cursor.execute(
                f"ANALYZE TABLE {customer_table}, {link_table}, {record_table}, {payment_table}, {gram_table}"
            )
            cursor.fetchall()
        stats.phases["analyze"] = time.perf_counter() - started - sum(stats.phases.values())
    stats.seconds = time.perf_counter() - started
    return stats
