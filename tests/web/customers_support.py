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


#: What each demo role may use on the customer pages (DESIGN.md §5), as rbac URL names.
CONSULTANT_PERMISSIONS = (
    "stark:web_customer_pub_list",
    "stark:web_customer_pub_record",
    "stark:web_customer_pub_multi_claim",
    "stark:web_customer_priv_list",
    "stark:web_customer_priv_add",
    "stark:web_customer_priv_change",
    "stark:web_customer_priv_multi_release",
    "stark:web_consultrecord_list",
    "stark:web_consultrecord_add",
    "stark:web_consultrecord_change",
    "stark:web_consultrecord_delete",
)
MANAGER_PERMISSIONS = (
    "stark:web_customer_pub_list",
    "stark:web_customer_pub_record",
    "stark:web_customer_pub_multi_assign",
    "stark:web_customer_all_list",
)
OPERATIONS_PERMISSIONS = (
    "stark:web_customer_pub_list",
    "stark:web_customer_pub_add",
    "stark:web_customer_pub_change",
    "stark:web_customer_pub_record",
)


def messages_of(response) -> list[str]:
    from django.contrib.messages import get_messages

    return [str(message) for message in get_messages(response.wsgi_request)]
