"""The load test's invariant check reports a customer whose holder disagrees with its event log."""

import pytest
from django.db import transaction

from tests.factories import CustomerFactory, DepartmentFactory, UserFactory
from tests.load.invariants import main
from web.models import Customer, CustomerEvent, Department
from web.services.customers import customer_claim, customer_release

pytestmark = pytest.mark.django_db


def report(capsys) -> str:
    main(150)
    return capsys.readouterr().out


def test_customers_moved_by_the_services_agree_with_the_event_log(capsys):
    consultant = UserFactory(username="c1", depart=DepartmentFactory(title="销售部", kind=Department.Kind.SALES))
    kept, released = CustomerFactory(), CustomerFactory()
    customer_claim(consultant=consultant, customer_ids=[kept.pk, released.pk])
    customer_release(consultant=consultant, customer_ids=[released.pk])
    out = report(capsys)
    assert "OK      the event log names the holder of each of 2 moved customers (all agree)" in out


def test_an_owner_changed_without_its_event_is_reported(capsys):
    consultant = UserFactory(username="c1", depart=DepartmentFactory(title="销售部", kind=Department.Kind.SALES))
    customer = CustomerFactory()
    customer_claim(consultant=consultant, customer_ids=[customer.pk])
    with transaction.atomic():  # a write around the services: no event
        Customer.objects.filter(pk=customer.pk).update(consultant=None)
    assert CustomerEvent.objects.filter(customer=customer).count() == 1
    out = report(capsys)
    assert f"BROKEN  the event log names the holder of each of 1 moved customers ([{customer.pk}])" in out
