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


@pytest.mark.django_db(transaction=True)
def test_a_big_seeding_on_mariadb_loads_the_search_fragments_at_the_end(monkeypatch):
    """Outside a transaction, MariaDB's big seedings stage the fragments and load them in key order."""
    from django.db import ProgrammingError, connection

    from web.demo import scale

    if connection.vendor != "mysql":
        pytest.skip("the staged load is MariaDB/MySQL's (SQLite writes the fragments with each batch)")
    monkeypatch.setattr(scale, "STAGE_FRAGMENTS_FROM", 1000)
    users = seed_all(password="Demo-pass-2026")
    stats = seed_school(3000, users=users, password="Demo-pass-2026")
    assert stats.customers == 3000 and stats.per_table["stark_searchgram"] > 3000 * 10
    assert customer_index.check() == []  # every customer's fragments, nothing else
    with connection.cursor() as cursor:  # the secondary index is back, the staging table gone
        cursor.execute("SHOW INDEX FROM stark_searchgram WHERE Key_name = 'stark_searchgram_object'")
        assert [row[4] for row in cursor.fetchall()] == ["field", "object_id"]
        with pytest.raises(ProgrammingError):
            cursor.execute("SELECT 1 FROM stark_searchgram_seed_staging")
