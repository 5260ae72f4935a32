"""Claim rules beside the cap: the reclaim cooldown and the daily claim limit; and recv_date."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.permissions import grant_permissions
from tests.web.customers_support import CONSULTANT_PERMISSIONS, bulk_customers, make_consultant, messages_of
from web.models import Customer, CustomerEvent
from web.services.customers import customer_assign, customer_claim, customer_create_private, customer_release
from web.services.returns import customers_return_idle

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def rules(settings):
    settings.CUSTOMER_RECLAIM_COOLDOWN_DAYS = 7
    settings.CUSTOMER_DAILY_CLAIM_LIMIT = 0
    settings.LANGUAGE_CODE = "en"
    return settings


@pytest.fixture
def consultant():
    return make_consultant("consultant1")


def age_events(days: int) -> None:
    CustomerEvent.objects.update(at=timezone.now() - datetime.timedelta(days=days))


def test_a_released_customer_cannot_be_claimed_back_within_the_cooldown(consultant):
    (pk,) = bulk_customers(1, consultant=consultant)
    customer_release(consultant=consultant, customer_ids=[pk])
    result = customer_claim(consultant=consultant, customer_ids=[pk])
    assert result.cooldown == (pk,) and result.claimed == ()
    assert Customer.objects.get(pk=pk).consultant is None


def test_another_consultant_may_claim_it_at_once(consultant):
    (pk,) = bulk_customers(1, consultant=consultant)
    customer_release(consultant=consultant, customer_ids=[pk])
    other = make_consultant("consultant2")
    assert customer_claim(consultant=other, customer_ids=[pk]).claimed == (pk,)


def test_after_the_cooldown_the_customer_can_be_claimed_back(consultant):
    (pk,) = bulk_customers(1, consultant=consultant)
    customer_release(consultant=consultant, customer_ids=[pk])
    age_events(6)
    assert customer_claim(consultant=consultant, customer_ids=[pk]).cooldown == (pk,)
    age_events(8)
    assert customer_claim(consultant=consultant, customer_ids=[pk]).claimed == (pk,)


def test_a_returned_customer_has_the_same_cooldown(consultant, settings):
    settings.CUSTOMER_RETURN_NO_FOLLOW_UP_DAYS = 15
    (pk,) = bulk_customers(1, consultant=consultant, recv_date=timezone.localdate() - datetime.timedelta(days=20))
    customers_return_idle()
    assert customer_claim(consultant=consultant, customer_ids=[pk]).cooldown == (pk,)


def test_zero_cooldown_disables_the_rule(consultant, rules):
    rules.CUSTOMER_RECLAIM_COOLDOWN_DAYS = 0
    (pk,) = bulk_customers(1, consultant=consultant)
    customer_release(consultant=consultant, customer_ids=[pk])
    assert customer_claim(consultant=consultant, customer_ids=[pk]).claimed == (pk,)


def test_the_manager_may_assign_it_back_during_the_cooldown(consultant):
    (pk,) = bulk_customers(1, consultant=consultant)
    customer_release(consultant=consultant, customer_ids=[pk])
    manager = make_consultant("manager1")
    assert customer_assign(manager=manager, consultant=consultant, customer_ids=[pk]).claimed == (pk,)


def test_the_daily_limit_counts_todays_claims(consultant, rules):
    rules.CUSTOMER_DAILY_CLAIM_LIMIT = 3
    ids = bulk_customers(5)
    first = customer_claim(consultant=consultant, customer_ids=ids[:2])
    second = customer_claim(consultant=consultant, customer_ids=ids[2:])
    assert first.claimed == tuple(ids[:2])
    assert second.claimed == (ids[2],) and second.daily_limit == tuple(ids[3:])
    # Yesterday's claims do not count.
    age_events(1)
    assert customer_claim(consultant=consultant, customer_ids=ids[3:]).claimed == tuple(ids[3:])


def test_assignments_do_not_count_toward_the_daily_limit(consultant, rules):
    rules.CUSTOMER_DAILY_CLAIM_LIMIT = 1
    ids = bulk_customers(3)
    customer_assign(manager=make_consultant("manager1"), consultant=consultant, customer_ids=ids[:2])
    assert customer_claim(consultant=consultant, customer_ids=ids[2:]).claimed == (ids[2],)


def test_the_claim_message_counts_the_customers_each_rule_refused(client, consultant, rules):
    rules.CUSTOMER_DAILY_CLAIM_LIMIT = 2
    grant_permissions(consultant, *CONSULTANT_PERMISSIONS)
    released = bulk_customers(1, consultant=consultant, prefix="7")
    customer_release(consultant=consultant, customer_ids=released)
    fresh = bulk_customers(3, prefix="8")
    client.force_login(consultant)
    response = client.post(
        reverse("stark:web_customer_pub_list"), {"action": "multi_claim", "pk": [*released, *fresh]}, follow=True
    )
    texts = " ".join(messages_of(response))
    # One message accounts for every selected row (issue 13): claimed + each rule's refusals.
    assert "Claimed 2 of 4 selected customers" in texts
    assert "1 left your private pool less than 7 days ago" in texts
    assert "1 over the daily claim limit of 2" in texts


def test_recv_date_is_set_on_claim_assign_and_add_and_cleared_on_release(consultant):
    today = timezone.localdate()
    claimed, assigned = bulk_customers(2)
    customer_claim(consultant=consultant, customer_ids=[claimed])
    customer_assign(manager=make_consultant("manager1"), consultant=consultant, customer_ids=[assigned])
    added = customer_create_private(
        consultant=consultant, customer=Customer(name="新客户", qq="5566778", gender="male")
    )
    dates = dict(Customer.objects.values_list("pk", "recv_date"))
    assert dates == {claimed: today, assigned: today, added.pk: today}
    customer_release(consultant=consultant, customer_ids=[claimed])
    assert Customer.objects.get(pk=claimed).recv_date is None
