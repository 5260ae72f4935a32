"""web.services.locks: bounded retry of whole services on 1213/1205, guard rows, the busy page."""

import pytest
from django.db import OperationalError, connection, transaction
from django.urls import reverse

from tests.concurrency import mysql_only, run_concurrently
from tests.factories import SchoolFactory
from tests.web.customers_support import bulk_customers, make_consultant
from web.models import ConsultantPoolGuard, School
from web.services import locks
from web.services.locks import ServiceBusy, guard_consultant, retry_on_conflict

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_mysql(monkeypatch):
    """Make the retry treat this connection as MySQL (the codes are MySQL's); no real sleep."""
    monkeypatch.setattr(connection, "vendor", "mysql")
    monkeypatch.setattr(locks, "_backoff", lambda attempt: 0)


def deadlock():
    return OperationalError(1213, "Deadlock found when trying to get lock; try restarting transaction")


@pytest.mark.django_db(transaction=True)
def test_a_service_aborted_by_deadlocks_runs_again_until_it_commits(as_mysql):
    calls = []

    @retry_on_conflict
    @transaction.atomic
    def create_school():
        calls.append(1)
        school = SchoolFactory(title=f"campus {len(calls)}")
        if len(calls) < 3:
            raise deadlock()
        return school

    school = create_school()
    assert len(calls) == 3
    assert list(School.objects.values_list("title", flat=True)) == [school.title] == ["campus 3"]


@pytest.mark.django_db(transaction=True)
def test_exhausted_attempts_raise_service_busy_and_write_nothing(as_mysql, settings):
    settings.DB_CONFLICT_ATTEMPTS = 4
    calls = []

    @retry_on_conflict
    @transaction.atomic
    def always_conflicts():
        calls.append(1)
        SchoolFactory()
        raise OperationalError(1205, "Lock wait timeout exceeded")

    with pytest.raises(ServiceBusy) as error:
        always_conflicts()
    assert (len(calls), error.value.attempts, error.value.code) == (4, 4, 1205)
    assert not School.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_other_database_errors_are_not_retried(as_mysql):
    calls = []

    @retry_on_conflict
    def broken():
        calls.append(1)
        raise OperationalError(1146, "Table doesn't exist")

    with pytest.raises(OperationalError):
        broken()
    assert len(calls) == 1


def test_inside_a_callers_transaction_the_conflict_reaches_the_caller(as_mysql):
    calls = []

    @retry_on_conflict
    def inner():
        calls.append(1)
        raise deadlock()

    with pytest.raises(OperationalError), transaction.atomic():
        inner()
    assert len(calls) == 1


def test_every_guarded_write_changes_the_consultants_guard_row():
    consultant = make_consultant("consultant1")
    with transaction.atomic():
        guard_consultant(consultant)
    with transaction.atomic():
        guard_consultant(consultant)
    assert ConsultantPoolGuard.objects.get(consultant=consultant).writes == 2


def test_a_claim_that_stays_busy_shows_a_clear_page_and_claims_nothing(client, monkeypatch, settings):
    settings.LANGUAGE_CODE = "en"
    from tests.permissions import grant_permissions

    consultant = make_consultant("consultant1")
    grant_permissions(consultant, "stark:web_customer_pub_list", "stark:web_customer_pub_multi_claim")
    (customer_id,) = bulk_customers(1)

    def busy(**kwargs):
        raise ServiceBusy(8, 1213)

    monkeypatch.setattr("web.handlers.customer.customer_claim", busy)
    client.force_login(consultant)
    response = client.post(reverse("stark:web_customer_pub_list"), {"action": "multi_claim", "pk": [customer_id]})
    assert response.status_code == 503
    assert response["Retry-After"] == "2"
    assert "nothing was saved" in response.content.decode()


@mysql_only
@pytest.mark.django_db(transaction=True)
def test_two_services_locking_in_opposite_orders_both_commit_after_the_deadlock():
    first, second = SchoolFactory(title="A"), SchoolFactory(title="B")

    def lock_in(order):
        @retry_on_conflict
        @transaction.atomic
        def service():
            for pk in order:
                list(School.objects.select_for_update().filter(pk=pk))
                School.objects.filter(pk=pk).update(title=f"{School.objects.get(pk=pk).title}+")
            return True

        return service

    # One of the two is InnoDB's deadlock victim (1213); its retry commits after the other.
    results = run_concurrently(lock_in([first.pk, second.pk]), lock_in([second.pk, first.pk]))
    assert results == [True, True]
    assert sorted(School.objects.values_list("title", flat=True)) == ["A++", "B++"]
