"""Test helpers for the customer pools: sales staff and many customers fast."""

from tests.factories import DepartmentFactory, UserFactory
from web.models import Customer, Department, Gender, UserInfo


def sales_department() -> Department:
    return DepartmentFactory(title="销售部", kind=Department.Kind.SALES)


def make_consultant(username: str, **fields) -> UserInfo:
    """An active member of the sales department."""
    return UserFactory(username=username, depart=sales_department(), **fields)


def bulk_customers(count: int, *, consultant: UserInfo | None = None, prefix: str = "9", **fields) -> list[int]:
    """Insert ``count`` customers in one query; returns their ids ascending.

    ``prefix`` keeps QQ numbers unique between calls in one test.
    """
    start = Customer.objects.count()
    rows = [
        Customer(
            name=f"批量客户{start + n}",
            qq=f"{prefix}{start + n:09d}",
            gender=Gender.MALE if n % 2 else Gender.FEMALE,
            consultant=consultant,
            **fields,
        )
        for n in range(count)
    ]
    Customer.objects.bulk_create(rows, batch_size=500)
    qqs = [row.qq for row in rows]
    return sorted(Customer.objects.filter(qq__in=qqs).values_list("pk", flat=True))
