"""The audit trail records the business events of the customer event log: moves between the
pools and payment decisions, who did them, when, and which customers (issue 16 × issue 12)."""

import pytest
from auditlog.models import LogEntry
from django.utils import timezone

from tests.factories import ClassListFactory, CustomerFactory, DepartmentFactory, PaymentRecordFactory, UserFactory
from web.models import Department, PaymentRecord
from web.services.customers import customer_claim, customer_release
from web.services.payments import payment_confirm, payment_reject

pytestmark = pytest.mark.django_db


def events(name: str) -> list[LogEntry]:
    return list(LogEntry.objects.filter(additional_data__event=name).order_by("pk"))


@pytest.fixture
def consultant():
    return UserFactory(username="c1", depart=DepartmentFactory(title="销售部", kind=Department.Kind.SALES))


def test_a_claim_and_a_release_are_one_audit_entry_each_naming_the_customers(consultant):
    first, second = CustomerFactory(), CustomerFactory()
    customer_claim(consultant=consultant, customer_ids=[first.pk, second.pk])
    customer_release(consultant=consultant, customer_ids=[second.pk])
    (claimed,) = events("customer_claimed")
    assert claimed.actor == consultant and claimed.additional_data["customer_ids"] == sorted([first.pk, second.pk])
    assert claimed.additional_data["customer_count"] == 2
    (released,) = events("customer_released")
    assert released.additional_data["customer_ids"] == [second.pk] and released.object_pk == str(second.pk)


def test_a_refused_claim_leaves_no_audit_entry(consultant):
    held = CustomerFactory(consultant=UserFactory(username="other"))
    customer_claim(consultant=consultant, customer_ids=[held.pk])
    assert events("customer_claimed") == []


def test_payment_decisions_are_audited_with_the_reason(consultant):
    finance = UserFactory(username="f1")
    customer = CustomerFactory(consultant=consultant)
    klass = ClassListFactory()
    kept = PaymentRecordFactory(customer=customer, consultant=consultant, class_list=klass)
    sent_back = PaymentRecordFactory(customer=customer, consultant=consultant, class_list=klass)
    payment_confirm(confirm_user=finance, payment_ids=[kept.pk])
    payment_reject(confirm_user=finance, payment_ids=[sent_back.pk], reason="缺少付款凭证")
    (confirmed,) = events("customer_payment_confirmed")
    (rejected,) = events("customer_payment_rejected")
    assert confirmed.actor == finance and rejected.actor == finance
    assert rejected.changes_text == "缺少付款凭证"
    assert rejected.timestamp <= timezone.now()
    assert PaymentRecord.objects.get(pk=sent_back.pk).reject_reason == "缺少付款凭证"
