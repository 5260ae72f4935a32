"""customer_claim / customer_assign: the rules, one request at a time (concurrency: test_customer_concurrency)."""

import pytest
from django.core.exceptions import ValidationError

from tests.factories import CustomerFactory, DepartmentFactory, UserFactory
from tests.web.customers_support import bulk_customers, make_consultant
from web.models import Customer, Department
from web.services.customers import ClaimResult, customer_assign, customer_claim

pytestmark = pytest.mark.django_db


@pytest.fixture
def consultant():
    return make_consultant("consultant1")


@pytest.fixture
def other_consultant():
    return make_consultant("consultant2")


def test_claim_moves_public_customers_into_the_private_pool(consultant):
    ids = bulk_customers(3)

    result = customer_claim(consultant=consultant, customer_ids=ids)

    assert result == ClaimResult(claimed=tuple(ids))
    assert set(Customer.objects.filter(consultant=consultant).values_list("pk", flat=True)) == set(ids)


def test_claim_skips_customers_someone_else_holds_and_leaves_them_alone(consultant, other_consultant):
    public = CustomerFactory()
    theirs = CustomerFactory(consultant=other_consultant)

    result = customer_claim(consultant=consultant, customer_ids=[theirs.pk, public.pk])

    assert result.claimed == (public.pk,)
    assert result.already_taken == (theirs.pk,)
    theirs.refresh_from_db()
    assert theirs.consultant == other_consultant


def test_claim_reports_unknown_ids_as_already_taken_and_ignores_garbage(consultant):
    public = CustomerFactory()

    result = customer_claim(
        consultant=consultant, customer_ids=[str(public.pk), "999999", "abc", None, "-3", public.pk]
    )

    assert result.claimed == (public.pk,)
    assert result.already_taken == (999999,)
    assert result.over_cap == ()


def test_claim_twice_reports_the_second_time_as_already_taken(consultant):
    customer = CustomerFactory()
    customer_claim(consultant=consultant, customer_ids=[customer.pk])

    again = customer_claim(consultant=consultant, customer_ids=[customer.pk])

    assert again == ClaimResult(already_taken=(customer.pk,))


def test_claim_stops_at_the_cap_in_id_order(consultant):
    bulk_customers(148, consultant=consultant, prefix="1")
    wanted = bulk_customers(5, prefix="2")

    result = customer_claim(consultant=consultant, customer_ids=wanted)

    assert result.claimed == tuple(wanted[:2])
    assert result.over_cap == tuple(wanted[2:])
    assert Customer.objects.filter(consultant=consultant).count() == 150
    assert Customer.objects.filter(pk__in=wanted[2:], consultant__isnull=True).count() == 3


def test_claim_at_the_cap_claims_nothing_unsigned(consultant):
    bulk_customers(150, consultant=consultant, prefix="1")
    wanted = bulk_customers(2, prefix="2")

    result = customer_claim(consultant=consultant, customer_ids=wanted)

    assert result == ClaimResult(over_cap=tuple(wanted))


def test_signed_customers_do_not_count_toward_the_cap(consultant):
    bulk_customers(150, consultant=consultant, prefix="1", status=Customer.Status.SIGNED)
    bulk_customers(149, consultant=consultant, prefix="2")
    wanted = bulk_customers(2, prefix="3")
    signed_public = bulk_customers(1, prefix="4", status=Customer.Status.SIGNED)

    result = customer_claim(consultant=consultant, customer_ids=wanted + signed_public)

    assert result.claimed == (wanted[0], signed_public[0])
    assert result.over_cap == (wanted[1],)


def test_the_cap_comes_from_the_setting(consultant, settings):
    settings.CUSTOMER_PRIVATE_POOL_CAP = 2
    wanted = bulk_customers(3)

    result = customer_claim(consultant=consultant, customer_ids=wanted)

    assert len(result.claimed) == 2
    assert len(result.over_cap) == 1


def test_claim_of_nothing_does_nothing(consultant, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert customer_claim(consultant=consultant, customer_ids=[]) == ClaimResult()


def test_claim_takes_a_constant_number_of_queries(consultant, django_assert_max_num_queries):
    few = bulk_customers(2, prefix="1")
    many = bulk_customers(60, prefix="2")
    # The claim's 7, the consultant's guard row (web.services.locks; two on a first claim), the
    # reclaim-cooldown check and one bulk INSERT of the claimed events (issue 12), and the claim's
    # one audit entry (issue 16; plus its content type, read once and cached), and the manager's
    # daily figures (issue 12: the claimed customers' sources, one upsert).
    with django_assert_max_num_queries(15):
        customer_claim(consultant=consultant, customer_ids=few)
    with django_assert_max_num_queries(15):
        customer_claim(consultant=consultant, customer_ids=many)


def test_manager_assigns_public_customers_to_a_consultant(consultant):
    manager = make_consultant("manager1")
    ids = bulk_customers(4)

    result = customer_assign(manager=manager, consultant=consultant, customer_ids=ids)

    assert result.claimed == tuple(ids)
    assert Customer.objects.filter(consultant=consultant).count() == 4


def test_assign_obeys_the_cap_and_skips_taken_customers(consultant, other_consultant):
    manager = make_consultant("manager1")
    bulk_customers(149, consultant=consultant, prefix="1")
    taken = CustomerFactory(consultant=other_consultant)
    wanted = bulk_customers(2, prefix="2")

    result = customer_assign(manager=manager, consultant=consultant, customer_ids=[taken.pk, *wanted])

    assert result.claimed == (wanted[0],)
    assert result.over_cap == (wanted[1],)
    assert result.already_taken == (taken.pk,)


@pytest.mark.parametrize(
    "who",
    [
        pytest.param(lambda: UserFactory(depart=DepartmentFactory(kind=Department.Kind.FINANCE)), id="finance"),
        pytest.param(lambda: make_consultant("left", is_active=False), id="inactive"),
        pytest.param(lambda: UserFactory(depart=None), id="no-department"),
    ],
)
def test_assign_refuses_anyone_but_active_sales_staff(who):
    manager = make_consultant("manager1")
    customer = CustomerFactory()

    with pytest.raises(ValidationError):
        customer_assign(manager=manager, consultant=who(), customer_ids=[customer.pk])

    customer.refresh_from_db()
    assert customer.consultant is None
