"""Next follow-up date: set with a follow-up, filtered with ``due=today|overdue`` in the configured time zone."""

import datetime
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import CustomerFactory
from web.models import ConsultRecord, Customer
from web.selectors.customers import customers_due, customers_private
from web.services.customers import consult_record_add

pytestmark = pytest.mark.django_db

LIST = reverse("stark:web_customer_priv_list")
UTC = datetime.UTC


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    settings.TIME_ZONE = "Asia/Shanghai"


def at(*args):
    """Freeze django.utils.timezone.now at this UTC moment."""
    return mock.patch("django.utils.timezone.now", return_value=datetime.datetime(*args, tzinfo=UTC))


def names(response):
    return {customer.name for customer in response.context["page"]}


def test_due_today_counts_the_day_in_the_configured_time_zone(consultant1):
    # 16:30 UTC on 1 December is already 00:30 on 2 December in Shanghai.
    CustomerFactory(consultant=consultant1, name="今天", next_consult_date=datetime.date(2026, 12, 2))
    CustomerFactory(consultant=consultant1, name="明天", next_consult_date=datetime.date(2026, 12, 3))
    CustomerFactory(consultant=consultant1, name="昨天", next_consult_date=datetime.date(2026, 12, 1))
    CustomerFactory(consultant=consultant1, name="未定")
    mine = customers_private(consultant=consultant1)
    with at(2026, 12, 1, 16, 30):
        assert set(customers_due(mine, due="today").values_list("name", flat=True)) == {"今天", "昨天"}
        assert set(customers_due(mine, due="overdue").values_list("name", flat=True)) == {"昨天"}
    with at(2026, 12, 1, 15, 59):  # 23:59 on 1 December in Shanghai
        assert set(customers_due(mine, due="today").values_list("name", flat=True)) == {"昨天"}
        assert not customers_due(mine, due="overdue").exists()


def test_the_private_pool_filters_by_due_and_ignores_unknown_values(client, consultant1, consultant2):
    today = timezone.localdate()
    CustomerFactory(consultant=consultant1, name="到期", next_consult_date=today)
    CustomerFactory(consultant=consultant1, name="逾期", next_consult_date=today - datetime.timedelta(days=1))
    CustomerFactory(consultant=consultant1, name="以后", next_consult_date=today + datetime.timedelta(days=1))
    CustomerFactory(consultant=consultant2, name="别人的", next_consult_date=today)
    client.force_login(consultant1)
    assert names(client.get(LIST, {"due": "today"})) == {"到期", "逾期"}
    assert names(client.get(LIST, {"due": "overdue"})) == {"逾期"}
    assert names(client.get(LIST, {"due": "someday"})) == {"到期", "逾期", "以后"}
    page = client.get(LIST).content.decode()
    assert "?due=today" in page and "Due today" in page


def test_the_next_follow_up_column_sorts(client, consultant1):
    today = timezone.localdate()
    CustomerFactory(consultant=consultant1, name="后", next_consult_date=today + datetime.timedelta(days=5))
    CustomerFactory(consultant=consultant1, name="先", next_consult_date=today + datetime.timedelta(days=1))
    client.force_login(consultant1)
    response = client.get(LIST, {"o": "next_consult_date"})
    assert [customer.name for customer in response.context["page"]] == ["先", "后"]
    assert "Next follow-up" in response.content.decode() or "next follow-up" in response.content.decode()


def test_a_follow_up_sets_both_dates_in_one_save(client, consultant1):
    customer = CustomerFactory(consultant=consultant1, next_consult_date=timezone.localdate())
    next_day = timezone.localdate() + datetime.timedelta(days=3)
    client.force_login(consultant1)
    add = reverse("stark:web_consultrecord_add", kwargs={"customer_id": customer.pk})
    response = client.post(add, {"note": "电话沟通，约周六试听", "next_consult_date": next_day.isoformat()})
    assert response.status_code == 302
    customer.refresh_from_db()
    assert (customer.last_consult_date, customer.next_consult_date) == (timezone.localdate(), next_day)


def test_a_follow_up_without_a_next_date_clears_the_reminder(consultant1):
    customer = CustomerFactory(consultant=consultant1, next_consult_date=timezone.localdate())
    consult_record_add(consultant=consultant1, customer_id=customer.pk, note="已回访")
    customer.refresh_from_db()
    assert customer.next_consult_date is None


def test_a_next_date_in_the_past_is_refused_with_a_message_and_nothing_saved(client, consultant1):
    customer = CustomerFactory(consultant=consultant1)
    client.force_login(consultant1)
    add = reverse("stark:web_consultrecord_add", kwargs={"customer_id": customer.pk})
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = client.post(add, {"note": "回访", "next_consult_date": yesterday.isoformat()})
    assert response.status_code == 200
    assert "cannot be in the past" in response.content.decode()
    assert not ConsultRecord.objects.exists()
    assert Customer.objects.get(pk=customer.pk).last_consult_date is None


def test_editing_a_follow_up_does_not_offer_or_move_the_next_date(client, consultant1):
    customer = CustomerFactory(consultant=consultant1)
    next_day = timezone.localdate() + datetime.timedelta(days=2)
    record = consult_record_add(consultant=consultant1, customer_id=customer.pk, note="a", next_consult_date=next_day)
    client.force_login(consultant1)
    change = reverse("stark:web_consultrecord_change", kwargs={"customer_id": customer.pk, "pk": record.pk})
    assert "next_consult_date" not in client.get(change).content.decode()
    client.post(change, {"note": "b", "next_consult_date": ""})
    customer.refresh_from_db()
    assert customer.next_consult_date == next_day


def test_the_customer_form_cannot_set_the_follow_up_dates(client, consultant1):
    customer = CustomerFactory(consultant=consultant1)
    client.force_login(consultant1)
    change = reverse("stark:web_customer_priv_change", kwargs={"pk": customer.pk})
    client.post(
        change,
        {
            "name": customer.name,
            "qq": customer.qq,
            "gender": "male",
            "source": "qq_group",
            "date": "2026-11-02",
            "next_consult_date": "2030-01-01",
        },
    )
    customer.refresh_from_db()
    assert customer.next_consult_date is None
