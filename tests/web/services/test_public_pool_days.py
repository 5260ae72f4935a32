"""The public pool's customers per entry day (PublicPoolDay): kept by triggers through every
kind of write, summed by compact_public_pool_days, checked and rebuilt by the command."""

import datetime
import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from tests.concurrency import mysql_only, run_concurrently
from tests.factories import CustomerFactory
from tests.web.customers_support import bulk_customers, make_consultant
from web.models import Customer, PublicPoolDay
from web.selectors.customers import public_pool_days
from web.services.customers import customer_claim, customer_release
from web.services.public_pool_days import (
    compact_public_pool_days,
    public_pool_days_after_migrate,
    public_pool_days_differences,
    public_pool_triggers_missing,
    rebuild_public_pool_days,
)

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 11, 2)
NEXT_DAY = datetime.date(2026, 11, 3)


def kept() -> dict[datetime.date, int]:
    return dict(public_pool_days()[0])


def assert_matches_the_pool() -> None:
    assert public_pool_days_differences() == {}
    actual = {}
    for day in Customer.objects.filter(consultant__isnull=True).values_list("date", flat=True):
        actual[day] = actual.get(day, 0) + 1
    assert kept() == actual


@pytest.fixture
def consultant():
    return make_consultant("consultant1")


def test_new_public_customers_are_counted_on_their_day_and_private_ones_not(consultant):
    CustomerFactory(date=DAY)
    CustomerFactory(date=DAY)
    CustomerFactory(date=NEXT_DAY)
    CustomerFactory(date=DAY, consultant=consultant)

    assert kept() == {DAY: 2, NEXT_DAY: 1}
    assert_matches_the_pool()


def test_a_claim_and_a_release_move_the_customer_out_of_and_back_into_its_day(consultant):
    ids = bulk_customers(3, date=DAY)

    customer_claim(consultant=consultant, customer_ids=ids[:2])
    assert kept() == {DAY: 1}

    customer_release(consultant=consultant, customer_ids=ids[:1])
    assert kept() == {DAY: 2}
    assert_matches_the_pool()


def test_saving_a_public_customer_again_adds_no_row_and_a_new_entry_date_moves_it():
    customer = CustomerFactory(date=DAY)
    rows = PublicPoolDay.objects.count()

    customer.name = "改名"
    customer.save()
    assert PublicPoolDay.objects.count() == rows

    customer.date = NEXT_DAY
    customer.save()
    assert kept() == {NEXT_DAY: 1}
    assert_matches_the_pool()


def test_bulk_updates_raw_sql_and_deletes_are_counted_too(consultant):
    ids = bulk_customers(6, date=DAY)
    Customer.objects.filter(pk__in=ids[:3]).update(consultant=consultant)  # no save(), no signal
    assert kept() == {DAY: 3}

    with connection.cursor() as cursor:
        cursor.execute("UPDATE web_customer SET consultant_id = NULL WHERE id = %s", [ids[0]])
    assert kept() == {DAY: 4}

    Customer.objects.filter(pk__in=ids[3:]).delete()
    assert kept() == {DAY: 1}
    assert_matches_the_pool()


def test_a_rolled_back_write_leaves_the_counts_as_they_were(consultant):
    ids = bulk_customers(2, date=DAY)
    with pytest.raises(RuntimeError), transaction.atomic():
        customer_claim(consultant=consultant, customer_ids=ids)
        CustomerFactory(date=NEXT_DAY)
        assert kept() == {NEXT_DAY: 1}
        raise RuntimeError

    assert kept() == {DAY: 2}
    assert_matches_the_pool()


def test_compaction_leaves_one_row_per_day_with_the_same_sums(consultant):
    ids = bulk_customers(5, date=DAY) + bulk_customers(2, date=NEXT_DAY, prefix="8")
    customer_claim(consultant=consultant, customer_ids=ids[:2])
    customer_release(consultant=consultant, customer_ids=ids[:1])
    before = kept()
    rows = PublicPoolDay.objects.count()

    removed = compact_public_pool_days()

    assert removed == rows - 2
    assert PublicPoolDay.objects.count() == 2
    assert kept() == before
    assert compact_public_pool_days() == 0  # nothing left to sum
    assert_matches_the_pool()


def test_a_day_whose_customers_all_left_disappears_when_compacted(consultant):
    ids = bulk_customers(2, date=DAY)
    customer_claim(consultant=consultant, customer_ids=ids)

    compact_public_pool_days()

    assert not PublicPoolDay.objects.exists()
    assert public_pool_days() == ([], 0)


def test_the_command_finds_a_wrong_count_and_rebuild_repairs_it(capsys):
    bulk_customers(3, date=DAY)
    call_command("public_pool_days")
    assert "matches" in capsys.readouterr().out

    PublicPoolDay.objects.create(date=NEXT_DAY, delta=5)  # a row no customer stands behind
    with pytest.raises(CommandError, match="1 days counted wrongly.*2026-11-03: 5 kept, 0 in the pool"):
        call_command("public_pool_days", "--check")

    call_command("public_pool_days", "--rebuild")
    assert kept() == {DAY: 3}
    assert rebuild_public_pool_days() == 1
    call_command("public_pool_days", "--compact", "--check")
    assert_matches_the_pool()


def test_emptying_the_day_counts_before_the_customers_leaves_nothing_behind_after_a_flush():
    """A flush deletes the tables in no set order; customers deleted after the day counts make
    the delete trigger write -1 rows, which the post-flush clean-up removes."""
    bulk_customers(3, date=DAY)
    PublicPoolDay.objects.all().delete()
    Customer.objects.all().delete()
    assert kept() == {DAY: -3}

    public_pool_days_after_migrate()
    assert not PublicPoolDay.objects.exists()


def test_the_clean_up_keeps_the_counts_while_customers_exist():
    bulk_customers(2, date=DAY)
    public_pool_days_after_migrate()
    assert kept() == {DAY: 2}


@pytest.mark.django_db(transaction=True)  # DROP / CREATE TRIGGER commit on MariaDB
def test_triggers_lost_with_a_rebuilt_table_are_created_again_and_the_days_counted_again(consultant):
    """SQLite rebuilds a table for most column changes, and its triggers go with the old one."""
    from web import public_pool_triggers

    ids = bulk_customers(3, date=DAY)
    public_pool_triggers.drop_triggers(connection)
    customer_claim(consultant=consultant, customer_ids=ids[:1])  # not counted: no trigger
    assert public_pool_triggers_missing() == sorted(public_pool_triggers.TRIGGERS)
    with pytest.raises(CommandError, match="triggers missing"):
        call_command("public_pool_days", "--check")

    public_pool_days_after_migrate()

    assert public_pool_triggers_missing() == []
    assert kept() == {DAY: 2}
    CustomerFactory(date=NEXT_DAY)  # counted again
    assert_matches_the_pool()


@pytest.mark.django_db(transaction=True)
def test_manage_py_flush_leaves_no_day_counts():
    bulk_customers(4, date=DAY)
    call_command("flush", interactive=False, verbosity=0)
    assert not Customer.objects.exists()
    assert not PublicPoolDay.objects.exists()


@pytest.mark.mysql_only
@mysql_only
@pytest.mark.django_db(transaction=True)
def test_compacting_while_consultants_claim_and_release_keeps_every_count_exact():
    """Real threads on their own connections: two consultants claim and release customers of
    the same days while two compactions run again and again."""
    first, second = make_consultant("consultant1"), make_consultant("consultant2")
    ids = bulk_customers(40, date=DAY) + bulk_customers(40, date=NEXT_DAY, prefix="8")
    stop = threading.Event()

    def churn(consultant, mine):
        def job():
            for round_number in range(15):
                customer_claim(consultant=consultant, customer_ids=mine[round_number % 4 :: 4])
                customer_release(consultant=consultant, customer_ids=mine[round_number % 4 :: 4])
            stop.set()

        return job

    def compact():
        summed = 0
        for _ in range(200):  # bounded; stops early once the claims are done
            summed += compact_public_pool_days()
            if stop.is_set():
                break
        return summed

    results = run_concurrently(churn(first, ids[::2]), churn(second, ids[1::2]), compact, compact)

    assert results[2] + results[3] > 0  # the compactions did sum rows while the claims ran
    assert_matches_the_pool()
    assert kept() == {DAY: 40, NEXT_DAY: 40}
