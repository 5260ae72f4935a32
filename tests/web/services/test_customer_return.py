"""The automatic return (return_idle_customers): both rules at their boundaries, what it never touches,
--dry-run, the events it writes, and two runs at once on MariaDB."""

import datetime
from importlib import import_module
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

from tests.concurrency import mysql_only, run_concurrently
from tests.factories import ConsultRecordFactory, CustomerFactory
from tests.web.customers_support import bulk_customers, make_consultant
from web.models import Customer, CustomerEvent
from web.selectors.returns import customers_returning_soon
from web.services.customers import consult_record_add
from web.services.returns import customers_return_idle

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def days_ago(n: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=n)


@pytest.fixture(autouse=True)
def rules(settings):
    settings.CUSTOMER_RETURN_NO_FOLLOW_UP_DAYS = 15
    settings.CUSTOMER_RETURN_NOT_SIGNED_DAYS = 30
    return settings


@pytest.fixture
def consultant():
    return make_consultant("consultant1")


def private(consultant, *, taken: int, followed: int | None = None, **fields) -> Customer:
    return CustomerFactory(
        consultant=consultant,
        recv_date=days_ago(taken),
        last_consult_date=days_ago(followed) if followed is not None else None,
        **fields,
    )


def is_public(customer: Customer) -> bool:
    customer.refresh_from_db()
    return customer.consultant_id is None


def test_no_follow_up_rule_at_its_boundary_counts_from_the_day_taken(consultant):
    at_limit = private(consultant, taken=15)
    one_day_short = private(consultant, taken=14)
    result = customers_return_idle()
    assert is_public(at_limit) and not is_public(one_day_short)
    assert result.per_consultant == {consultant.pk: 1}
    assert result.per_rule == {"no_follow_up": 1}


def test_no_follow_up_rule_counts_from_the_last_follow_up_since_taking(consultant):
    followed_15_ago = private(consultant, taken=20, followed=15)
    followed_14_ago = private(consultant, taken=20, followed=14)
    # A follow-up written before the consultant took it does not count: the day taken does.
    old_follow_up = private(consultant, taken=16, followed=25)
    customers_return_idle()
    assert is_public(followed_15_ago) and is_public(old_follow_up)
    assert not is_public(followed_14_ago)


def test_not_signed_rule_at_its_boundary_even_with_recent_follow_ups(consultant):
    at_limit = private(consultant, taken=30, followed=1)
    one_day_short = private(consultant, taken=29, followed=1)
    result = customers_return_idle()
    assert is_public(at_limit) and not is_public(one_day_short)
    assert result.per_rule == {"not_signed": 1}


def test_zero_disables_a_rule(consultant, rules):
    idle = private(consultant, taken=20)
    unsigned_long = private(consultant, taken=40, followed=1)
    rules.CUSTOMER_RETURN_NO_FOLLOW_UP_DAYS = 0
    customers_return_idle()
    assert not is_public(idle) and is_public(unsigned_long)
    rules.CUSTOMER_RETURN_NOT_SIGNED_DAYS = 0
    late = private(consultant, taken=90)
    assert customers_return_idle().total == 0 and not is_public(late)


def test_signed_and_public_customers_are_never_touched(consultant):
    signed = private(consultant, taken=100, status=Customer.Status.SIGNED)
    public = CustomerFactory(recv_date=None, date=days_ago(100))
    assert customers_return_idle().total == 0
    signed.refresh_from_db()
    assert signed.consultant == consultant
    assert not CustomerEvent.objects.filter(customer__in=[signed, public]).exists()


def test_a_returned_customer_is_public_with_its_dates_cleared_and_a_returned_event(consultant):
    customer = private(consultant, taken=15, next_consult_date=TODAY)
    customers_return_idle()
    customer.refresh_from_db()
    assert (customer.consultant, customer.recv_date, customer.next_consult_date) == (None, None, None)
    event = CustomerEvent.objects.get(customer=customer)
    assert (event.kind, event.actor, event.consultant) == (CustomerEvent.Kind.RETURNED, None, consultant)
    assert event.detail == {"rule": "no_follow_up", "days": 15}


def test_dry_run_changes_nothing_and_reports_what_it_would_do(consultant):
    other = make_consultant("consultant2", name="顾问乙")
    first = private(consultant, taken=15)
    private(other, taken=31, followed=2)
    private(other, taken=16)
    out = StringIO()
    call_command("return_idle_customers", "--dry-run", stdout=out)
    assert "顾问乙: 2" in out.getvalue()
    assert "would return 3 customers" in out.getvalue()
    assert not is_public(first)
    assert not CustomerEvent.objects.exists()


def test_the_command_prints_how_many_per_consultant(consultant):
    private(consultant, taken=15)
    private(consultant, taken=40)
    out = StringIO()
    call_command("return_idle_customers", stdout=out)
    name = consultant.name or consultant.username
    assert f"{name}: 2" in out.getvalue()
    assert "returned 2 customers to the public pool" in out.getvalue()
    assert Customer.objects.filter(consultant__isnull=False).count() == 0


def test_small_batches_return_everything_once(consultant):
    ids = bulk_customers(23, consultant=consultant, recv_date=days_ago(40))
    result = customers_return_idle(batch_size=5)
    assert sorted(result.returned_ids) == ids
    assert CustomerEvent.objects.filter(kind="returned").count() == 23
    assert customers_return_idle(batch_size=5).total == 0


def test_the_dashboard_list_shows_who_will_be_returned_within_three_days(consultant):
    soon = private(consultant, taken=13)  # returned in 2 days
    later = private(consultant, taken=10)  # in 5 days
    signed = private(consultant, taken=14, status=Customer.Status.SIGNED)
    assert set(customers_returning_soon(consultant=consultant)) == {soon}
    assert later not in customers_returning_soon(consultant=consultant) and signed.pk


def test_the_migration_fills_recv_date_from_the_latest_follow_up_or_the_entered_date(consultant):
    followed = CustomerFactory(consultant=consultant, date=days_ago(50))
    ConsultRecordFactory(customer=followed, consultant=consultant, date=days_ago(20))
    ConsultRecordFactory(customer=followed, consultant=consultant, date=days_ago(10))
    never = CustomerFactory(consultant=consultant, date=days_ago(40))
    public = CustomerFactory(date=days_ago(40))
    Customer.objects.update(recv_date=None)
    import_module("web.migrations.0003_i12_customer_event_and_dates").fill_recv_date(apps, None)
    values = dict(Customer.objects.values_list("pk", "recv_date"))
    assert values == {followed.pk: days_ago(10), never.pk: days_ago(40), public.pk: None}


# ------------------------------------------------------------------ concurrency (MariaDB, real threads)
@mysql_only
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_return_each_customer_exactly_once():
    consultant = make_consultant("consultant1")
    ids = bulk_customers(300, consultant=consultant, recv_date=days_ago(40))
    first, second = run_concurrently(
        lambda: customers_return_idle(batch_size=50), lambda: customers_return_idle(batch_size=50)
    )
    assert sorted(first.returned_ids + second.returned_ids) == ids
    assert CustomerEvent.objects.filter(kind="returned").count() == 300


@mysql_only
@pytest.mark.django_db(transaction=True)
def test_a_follow_up_racing_a_run_either_wins_or_is_refused_never_both():
    consultant = make_consultant("consultant1")
    ids = bulk_customers(200, consultant=consultant, recv_date=days_ago(20))
    kept = ids[-1]

    def follow_up():
        try:
            return consult_record_add(consultant=consultant, customer_id=kept, note="刚刚电话沟通")
        except Customer.DoesNotExist:
            return None  # the return came first: the customer is no longer in this private pool

    for _round in range(3):
        _result, record = run_concurrently(lambda: customers_return_idle(batch_size=20), follow_up)
        customer = Customer.objects.get(pk=kept)
        returned = CustomerEvent.objects.filter(customer_id=kept, kind="returned").exists()
        if record is not None:
            # The follow-up committed first or the run re-checked after it: the customer stays.
            assert customer.consultant_id == consultant.pk and customer.last_consult_date == TODAY
            assert not returned
        else:
            assert customer.consultant_id is None and returned
        assert Customer.objects.filter(pk__in=ids[:-1], consultant__isnull=False).count() == 0
        Customer.objects.filter(pk__in=ids).update(
            consultant=consultant, recv_date=days_ago(20), last_consult_date=None
        )
        CustomerEvent.objects.all().delete()
