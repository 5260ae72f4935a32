"""The sales manager's reassignment of private customers (web.services.reassign)."""

import pytest
from django.core.exceptions import ValidationError

from tests.factories import CustomerFactory, DepartmentFactory, UserFactory
from tests.web.customers_support import bulk_customers, make_consultant
from web.models import Customer, Department
from web.services.reassign import customer_reassign

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager():
    return make_consultant("manager1")


@pytest.fixture
def leaving():
    return make_consultant("leaving")


@pytest.fixture
def target():
    return make_consultant("target")


def holders(ids):
    return list(Customer.objects.filter(pk__in=ids).order_by("pk").values_list("consultant__username", flat=True))


def test_private_customers_move_and_every_id_is_accounted_for(manager, leaving, target):
    moving = [CustomerFactory(consultant=leaving).pk, CustomerFactory(consultant=leaving).pk]
    theirs = CustomerFactory(consultant=target).pk
    public = CustomerFactory().pk

    result = customer_reassign(manager=manager, consultant=target, customer_ids=[*moving, theirs, public, 999999])

    assert result.moved == tuple(moving)
    assert result.already_theirs == (theirs,)
    assert result.not_private == (public, 999999)
    assert result.over_cap == ()
    assert holders(moving) == ["target", "target"]
    assert Customer.objects.get(pk=public).consultant is None  # the public pool is assign's business


def test_a_deactivated_consultants_customers_can_always_be_moved(manager, leaving, target):
    customer = CustomerFactory(consultant=leaving)
    leaving.is_active = False
    leaving.save()

    assert customer_reassign(manager=manager, consultant=target, customer_ids=[customer.pk]).moved == (customer.pk,)


def test_the_cap_is_the_targets_and_room_goes_in_the_order_given(manager, leaving, target, settings):
    settings.CUSTOMER_PRIVATE_POOL_CAP = 5
    bulk_customers(3, consultant=target, prefix="1")
    wanted = bulk_customers(4, consultant=leaving, prefix="2")
    signed = CustomerFactory(consultant=leaving, status=Customer.Status.SIGNED).pk
    order = [wanted[3], wanted[1], signed, wanted[0], wanted[2]]

    result = customer_reassign(manager=manager, consultant=target, customer_ids=order)

    assert result.moved == (wanted[3], wanted[1], signed)  # signed ones do not count toward the cap
    assert result.over_cap == (wanted[0], wanted[2])
    assert Customer.objects.filter(consultant=target, status=Customer.Status.UNSIGNED).count() == 5


@pytest.mark.parametrize("who", ["manager", "inactive", "finance"])
def test_only_active_sales_staff_other_than_the_manager_receive_customers(manager, leaving, who):
    customer = CustomerFactory(consultant=leaving)
    if who == "manager":
        target = manager
    elif who == "inactive":
        target = make_consultant("gone", is_active=False)
    else:
        target = UserFactory(depart=DepartmentFactory(title="财务部", kind=Department.Kind.FINANCE))

    with pytest.raises(ValidationError):
        customer_reassign(manager=manager, consultant=target, customer_ids=[customer.pk])
    assert holders([customer.pk]) == ["leaving"]
