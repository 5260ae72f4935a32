import io

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.urls import reverse

from web.demo import seed_all
from web.demo.base import seed_base
from web.demo.customers import DEMO_CUSTOMERS, PRIVATE_PER_CONSULTANT, seed_customers
from web.demo.scale import seed_school
from web.models import ConsultRecord, Customer, PaymentRecord, Student, UserInfo
from web.search import customer_index
from web.services.customers import private_pool_cap

pytestmark = pytest.mark.django_db


def test_demo_customers_fill_both_pools_with_follow_ups_once():
    users = seed_base(password="Demo-pass-2026")

    seed_customers(users=users)
    first = (Customer.objects.count(), ConsultRecord.objects.count())
    seed_customers(users=users)

    assert (Customer.objects.count(), ConsultRecord.objects.count()) == first
    assert first[0] == DEMO_CUSTOMERS
    for username in ("consultant1", "consultant2"):
        pool = Customer.objects.filter(consultant=users[username])
        assert pool.count() == PRIVATE_PER_CONSULTANT
        assert ConsultRecord.objects.filter(customer__in=pool).exclude(consultant=users[username]).count() == 0
    assert Customer.objects.filter(consultant=None).count() == DEMO_CUSTOMERS - 2 * PRIVATE_PER_CONSULTANT
    followed = Customer.objects.filter(consult_records__isnull=False).distinct()
    assert followed.exists()
    assert not followed.filter(last_consult_date=None).exists()
    assert Customer.objects.filter(course__isnull=False).distinct().count() == DEMO_CUSTOMERS
    assert all(len(name) >= 2 for name in Customer.objects.values_list("name", flat=True))


def test_a_big_school_is_realistic_bulk_inserted_and_only_once(django_assert_max_num_queries):
    users = seed_all(password="Demo-pass-2026")
    before = Customer.objects.count()

    # Bulk: far fewer queries than rows (SQLite splits an INSERT at 999 parameters, MySQL does not;
    # ~80,000 index fragments of 8,000 customers take ~240 INSERTs of 333 rows on SQLite).
    with django_assert_max_num_queries(600):
        stats = seed_school(8000, users=users, password="Demo-pass-2026")
    assert stats.customers == 8000 and stats.rows > 8000
    assert seed_school(8000, users=users, password="Demo-pass-2026").customers == 0  # idempotent

    assert Customer.objects.count() == before + 8000
    school = Customer.objects.filter(qq__startswith="8000")
    public = school.filter(consultant=None).count()
    assert 0.6 < public / 8000 < 0.8
    # About 150 customers held per consultant, never more unsigned ones than the cap.
    held = dict(
        school.exclude(consultant=None).values_list("consultant").annotate(n=Count("pk")).values_list("consultant", "n")
    )
    assert len(held) == 16 and all(120 <= n <= 180 for n in held.values())
    unsigned = (
        school.exclude(consultant=None).filter(status="unsigned").values_list("consultant").annotate(n=Count("pk"))
    )
    assert max(n for _c, n in unsigned) <= private_pool_cap()
    assert UserInfo.objects.get(username="scale_consultant1").check_password("Demo-pass-2026")
    # Courses, follow-ups, payments in every status, a studying student in a class per confirmed one.
    assert school.filter(course__isnull=False).distinct().count() > 2000
    assert ConsultRecord.objects.filter(customer__in=school).count() > 2400
    statuses = set(PaymentRecord.objects.filter(customer__in=school).values_list("confirm_status", flat=True))
    assert statuses == {"pending", "confirmed", "rejected"}
    confirmed = PaymentRecord.objects.filter(customer__in=school, confirm_status="confirmed")
    students = Student.objects.filter(customer__in=school, student_status="studying")
    assert students.count() == confirmed.count() > 0
    assert not students.filter(class_list=None).exists()
    assert set(school.filter(student__isnull=False).values_list("status", flat=True)) == {"signed"}
    # The search index is written with the rows.
    assert customer_index.check() == []


def test_seeded_demo_users_reach_their_customer_pages(client, settings):
    settings.DEBUG = True
    call_command("seed_demo", password="Demo-pass-2026")
    settings.DEBUG = False
    pub = reverse("stark:web_customer_pub_list")

    def as_user(username):
        client.force_login(UserInfo.objects.get(username=username))
        return client

    consultant = as_user("consultant1")
    mine = Customer.objects.filter(consultant__username="consultant1").first()
    assert [name for name, _label in consultant.get(pub).context["actions"]] == ["multi_claim"]
    assert consultant.get(reverse("stark:web_customer_priv_list")).status_code == 200
    assert consultant.get(reverse("stark:web_consultrecord_list", kwargs={"customer_id": mine.pk})).status_code == 200
    assert consultant.get(reverse("stark:web_customer_all_list")).status_code == 403

    manager = as_user("manager1")
    assert [name for name, _label in manager.get(pub).context["actions"]] == ["multi_assign"]
    assert manager.get(reverse("stark:web_customer_all_list")).status_code == 200
    assert manager.get(reverse("stark:web_customer_priv_list")).status_code == 403

    ops = as_user("ops1")
    assert ops.get(reverse("stark:web_customer_pub_add")).status_code == 200
    assert ops.get(pub).context["actions"] == []
    assert ops.get(reverse("stark:web_customer_priv_list")).status_code == 403


def test_demo_private_customers_were_claimed_so_the_managers_funnel_counts_them():
    """Issue 12: every demo customer has its ``entered`` event on its entry day; every private one a
    ``claimed`` event by its consultant on the day they took it (``recv_date``), after the entry, so
    the manager's weekly funnel shows claims for the demo weeks."""
    from django.utils import timezone

    from web.models import CustomerEvent
    from web.selectors import dashboards

    users = seed_base(password="Demo-pass-2026")
    seed_customers(users=users)
    seed_customers(users=users)  # idempotent: no second history
    private = Customer.objects.filter(consultant__isnull=False)
    claimed = CustomerEvent.objects.filter(kind=CustomerEvent.Kind.CLAIMED)
    assert claimed.count() == private.count() == 2 * PRIVATE_PER_CONSULTANT
    entered = dict(CustomerEvent.objects.filter(kind=CustomerEvent.Kind.ENTERED).values_list("customer_id", "at"))
    assert len(entered) == DEMO_CUSTOMERS
    holders = dict(private.values_list("pk", "consultant_id"))
    taken = dict(private.values_list("pk", "recv_date"))
    for event in claimed:
        assert event.actor_id == event.consultant_id == holders[event.customer_id]
        assert timezone.localtime(event.at).date() == taken[event.customer_id]
        assert entered[event.customer_id] < event.at
    funnel = dashboards.manager_dashboard()
    first_week = funnel["weeks"][0]["week"]
    in_funnel = private.filter(recv_date__gte=first_week).count()
    assert funnel["totals"]["claimed"] == in_funnel > 0
    assert sum(week["claimed"] > 0 for week in funnel["weeks"]) >= 4  # spread over the weeks, not one spike


#: The tables a big seeding fills (their indexes are dropped and added back on MariaDB).
SEEDED_TABLES = [
    "web_customer",
    "web_customer_course",
    "web_consultrecord",
    "web_paymentrecord",
    "web_student",
    "web_student_class_list",
    "stark_searchgram",
]


def _schema():
    """Every constraint and index of the seeded tables, as Django's introspection and MariaDB see them."""
    from django.db import connection

    with connection.cursor() as cursor:
        constraints = {table: connection.introspection.get_constraints(cursor, table) for table in SEEDED_TABLES}
        shown = {}
        for table in SEEDED_TABLES:
            cursor.execute(f"SHOW INDEX FROM {table}")
            # Key_name, Non_unique, Seq_in_index, Column_name, Collation, Sub_part, Index_type
            shown[table] = sorted((r[2], r[1], r[3], r[4], r[5], r[7], r[10]) for r in cursor.fetchall())
    return constraints, shown


@pytest.fixture
def mariadb_schema():
    """MariaDB only; the seeded tables' schema with every index (checked), and, whatever the test
    did, every index back afterwards (a failed test must not leave the test database without them)."""
    from django.db import connection

    from web.demo import scale

    if connection.vendor != "mysql":
        pytest.skip("the bulk load is MariaDB/MySQL's (SQLite writes everything batch by batch)")
    before = _schema()
    assert all(len(_names(rows)) >= 2 for rows in before[1].values())  # PRIMARY and at least one more
    yield before
    scale.restore_deferred_indexes()
    with connection.cursor() as cursor:
        cursor.execute("SET SESSION unique_checks = 1, foreign_key_checks = 1")


@pytest.mark.django_db(transaction=True)
def test_a_big_seeding_on_mariadb_gives_every_index_back_and_a_correct_search_index_and_roll_up(
    monkeypatch, mariadb_schema
):
    """Outside a transaction, MariaDB's big seedings drop the secondary indexes, stage the fragments,
    load them in key order and add the indexes back exactly as the migrations made them."""
    from django.db import ProgrammingError, connection

    from web.demo import scale
    from web.services.figures import figures_verify

    monkeypatch.setattr(scale, "BIG_SEEDING_FROM", 1000)
    before = mariadb_schema
    out = io.StringIO()
    call_command("seed_demo", customers=3000, force=True, reset=True, stdout=out, stderr=io.StringIO())
    assert "rows/s" in out.getvalue() and "indexes" in out.getvalue()
    assert _scale_count() == 3000
    assert Student.objects.count() > 0 and PaymentRecord.objects.count() > 0
    assert _schema() == before
    assert customer_index.check() == []  # every customer's fragments, nothing else
    assert figures_verify() == []
    with connection.cursor() as cursor:  # the staging table and the pending definitions are gone
        with pytest.raises(ProgrammingError):
            cursor.execute("SELECT 1 FROM stark_searchgram_seed_staging")
        cursor.execute("SHOW TABLES LIKE %s", [scale.PENDING_INDEXES_TABLE])
        assert cursor.fetchone() is None
        cursor.execute("SELECT @@unique_checks, @@foreign_key_checks")
        assert cursor.fetchone() == (1, 1)


def _scale_count():
    from web.demo.scale import _scale_customers

    return _scale_customers().count()


@pytest.mark.django_db(transaction=True)
def test_an_interrupted_big_seeding_still_gives_the_indexes_back(monkeypatch, mariadb_schema):
    from web.demo import scale

    monkeypatch.setattr(scale, "BIG_SEEDING_FROM", 1000)
    users = seed_all(password="Demo-pass-2026")
    before = mariadb_schema

    def interrupt(stats, total):
        if stats.customers >= 1000:
            raise KeyboardInterrupt

    monkeypatch.setattr(scale, "BATCH", 500)
    with pytest.raises(KeyboardInterrupt):
        seed_school(3000, users=users, password="Demo-pass-2026", progress=interrupt)
    assert _schema() == before
    assert 0 < _scale_count() < 3000
    # The customers inserted have no fragments yet (documented): the rebuild repairs the index.
    assert customer_index.check() != []
    call_command("search_index", "--rebuild", stdout=io.StringIO())
    assert customer_index.check() == []


@pytest.mark.django_db(transaction=True)
def test_a_killed_big_seeding_leaves_its_index_definitions_for_the_next_run(mariadb_schema):
    """A process killed between the drop and the restore (no ``finally``): the definitions wait in
    their table; ``seed_demo --restore-indexes`` (and any next big seeding) adds the indexes back."""

    from django.db import connection

    from web.demo import scale

    before = mariadb_schema
    load = scale._BulkLoad(SEEDED_TABLES, "stark_searchgram")
    load.open()  # and never closed
    with connection.cursor() as cursor:
        cursor.execute("SET SESSION unique_checks = 1, foreign_key_checks = 1")
    dropped = _schema()
    assert dropped != before
    assert all(set(indexes) == {"PRIMARY"} for indexes in (_names(t) for t in dropped[1].values()))
    out = io.StringIO()
    call_command("seed_demo", "--restore-indexes", stdout=out)
    assert "web_customer.customer_pool_name" in out.getvalue()
    assert _schema() == before
    assert scale.restore_deferred_indexes() == []  # nothing pending any more


def _names(rows):
    return {row[0] for row in rows}
