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
big seeding on MariaDB, where they are loaded at the end (``_StagedFragments``). ``bulk_create``
builds a model instance per row and is several times slower at this size. Idempotent: customers
already inserted (QQ ``SCALE_QQ_START + n``) are skipped, so a second run with the same N adds
nothing."""

from __future__ import annotations

import datetime
import random
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

    def add(self, table: str, columns: list[str], row: tuple) -> None:
        if table not in self.buffers:
            target = self.renamed.get(table, table)
            # Table and column names come from the models, never from input; values are parameters.
            sql = f"INSERT INTO {target} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608
            self.buffers[table] = (sql, [])
        self.buffers[table][1].append(row)

    def flush(self) -> None:
        mysql = connection.vendor == "mysql"
        with connection.cursor() as cursor:
            if mysql:
                # A bulk load of rows made valid here (unique QQs, existing foreign keys): let InnoDB
                # skip the per-row unique and foreign-key lookups, for this session's inserts only.
                cursor.execute("SET SESSION unique_checks = 0, foreign_key_checks = 0")
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
            if mysql:
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


#: At least this many customers to seed on MariaDB/MySQL (outside a transaction) and the search
#: fragments are loaded at the end instead of with each batch (``_StagedFragments``).
STAGE_FRAGMENTS_FROM = 50_000


class _StagedFragments:
    """The search fragments of a big seeding, loaded into ``stark_searchgram`` once at the end.

    Inserted batch by batch, each batch's fragments land all over the primary key
    ``(field, gram, object_id)``: once the table outgrows InnoDB's buffer pool (a million
    customers make ~13 million fragments, ~1 GiB) every batch reads and writes most of its pages,
    and MariaDB, not Python, set the pace (14,700 rows/s measured). Here they go to a temporary
    table without indexes (appended), then into the real one in primary-key order with one
    ``INSERT … SELECT … ORDER BY``, with its secondary index dropped meanwhile and rebuilt after
    (InnoDB builds an index by sorting, not row by row). The fragments of the customers seeded are
    thus written after their customers, not in the same transaction: a seeding interrupted before
    the end leaves the customers it inserted without fragments (a second run skips those
    customers), so run ``manage.py search_index --rebuild`` after such an interruption.
    """

    def __init__(self, table: str) -> None:
        self.table = table
        self.staging = f"{table}_seed_staging"

    def open(self) -> None:
        with connection.cursor() as cursor:
            # A TEMPORARY table: this session's only, gone with it, and its DDL commits nothing.
            cursor.execute(f"DROP TEMPORARY TABLE IF EXISTS {self.staging}")
            cursor.execute(f"CREATE TEMPORARY TABLE {self.staging} LIKE {self.table}")  # same columns, collation
            cursor.execute(f"ALTER TABLE {self.staging} DROP PRIMARY KEY")
            cursor.execute(f"SHOW INDEX FROM {self.staging}")
            for index in {row[2] for row in cursor.fetchall()}:
                cursor.execute(f"ALTER TABLE {self.staging} DROP INDEX {index}")

    def load(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"SHOW INDEX FROM {self.table} WHERE Key_name <> 'PRIMARY'")
            secondary: dict[str, list[tuple[int, str]]] = {}
            for row in cursor.fetchall():
                secondary.setdefault(row[2], []).append((row[3], row[4]))  # Key_name, Seq_in_index, Column_name
            for index in secondary:
                cursor.execute(f"ALTER TABLE {self.table} DROP INDEX {index}")
            try:
                cursor.execute(
                    f"INSERT IGNORE INTO {self.table} (field, gram, object_id) "  # noqa: S608 - names from the models
                    f"SELECT field, gram, object_id FROM {self.staging} ORDER BY field, gram, object_id"
                )
            finally:
                for index, columns in secondary.items():
                    names = ", ".join(column for _seq, column in sorted(columns))
                    cursor.execute(f"ALTER TABLE {self.table} ADD INDEX {index} ({names})")

    def close(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TEMPORARY TABLE IF EXISTS {self.staging}")


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

    staged = None
    if connection.vendor == "mysql" and not connection.in_atomic_block and count - have >= STAGE_FRAGMENTS_FROM:
        staged = _StagedFragments(gram_table)
        staged.open()
        writer.renamed[gram_table] = staged.staging
    try:
        _seed_batches()
        if staged is not None:
            staged.load()
            stats.seconds = time.perf_counter() - started
    finally:
        if staged is not None:
            staged.close()
    if connection.vendor == "mysql" and not connection.in_atomic_block:
        # Fresh statistics for the optimizer. ANALYZE TABLE commits implicitly: never inside a
        # caller's transaction (a test's, or one meant to roll the seeding back).
        with connection.cursor() as cursor:
            cursor.execute(
                f"ANALYZE TABLE {customer_table}, {link_table}, {record_table}, {payment_table}, {gram_table}"
            )
            cursor.fetchall()
    stats.seconds = time.perf_counter() - started
    return stats
