"""Searching and sorting the customer lists the way that stays fast with a million customers."""

import re

import pytest
from django.urls import reverse

from tests.factories import CourseFactory, CustomerFactory
from tests.permissions import grant_permissions
from tests.web.customers_support import CONSULTANT_PERMISSIONS, MANAGER_PERMISSIONS, make_consultant

pytestmark = pytest.mark.django_db

PUBLIC = reverse("stark:web_customer_pub_list")
ALL = reverse("stark:web_customer_all_list")


@pytest.fixture
def consultant(client):
    user = make_consultant("consultant1")
    grant_permissions(user, *CONSULTANT_PERMISSIONS)
    client.force_login(user)
    return user


@pytest.fixture
def manager(client):
    user = make_consultant("manager1")
    grant_permissions(user, *MANAGER_PERMISSIONS)
    client.force_login(user)
    return user


def names(response) -> list[str]:
    """Customer names in the list's rows, in order (the column after the checkbox, if any)."""
    body = response.content.decode().split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
    cells = [re.findall(r"<td>(.*?)</td>", row, re.S) for row in rows]
    return [next(cell for cell in row if cell and "<" not in cell) for row in cells]


def test_a_number_finds_qq_numbers_containing_it_anywhere(client, consultant):
    CustomerFactory(name="开头", qq="52013140")
    CustomerFactory(name="中间", qq="99520131")
    CustomerFactory(name="完整", qq="5201")
    CustomerFactory(name="别的", qq="88800002")

    assert sorted(names(client.get(PUBLIC, {"q": "5201"}))) == ["中间", "完整", "开头"]
    assert names(client.get(PUBLIC, {"q": "52013140"})) == ["开头"]
    # A middle part of a number (the complaint about the prefix match).
    assert names(client.get(PUBLIC, {"q": "800002"})) == ["别的"]
    # Two digits: shorter than the index answers, still a "contains" match.
    assert sorted(names(client.get(PUBLIC, {"q": "02"}))) == ["别的"]


def test_words_search_names_and_qq_anywhere(client, consultant):
    CustomerFactory(name="王小明", qq="11110000")
    CustomerFactory(name="李明", qq="22220000")
    CustomerFactory(name="张三", qq="33330000")

    assert sorted(names(client.get(PUBLIC, {"q": "明"}))) == ["李明", "王小明"]
    # Every word must match: a name word and a QQ part together narrow to one customer.
    assert names(client.get(PUBLIC, {"q": "明 2222"})) == ["李明"]
    assert names(client.get(PUBLIC, {"q": "小明 1000"})) == ["王小明"]


def test_sorting_by_qq_orders_every_page_by_qq(client, manager):
    for qq in ("30", "10", "20", "40"):
        CustomerFactory(name=f"QQ{qq}", qq=qq)
    assert names(client.get(ALL, {"o": "qq"})) == ["QQ10", "QQ20", "QQ30", "QQ40"]
    assert names(client.get(ALL, {"o": "-qq"})) == ["QQ40", "QQ30", "QQ20", "QQ10"]


def test_sorting_by_a_unique_column_needs_no_tie_breakers():
    from stark.changelist import total_ordering
    from web.models import Customer

    # QQ is unique: the keys after it can never decide, and leaving them out lets the database
    # read the unique index in order instead of sorting every customer.
    assert total_ordering(Customer, ["-qq", "-date", "-id"]) == ["-qq"]
    assert total_ordering(Customer, ["name", "-date", "-id"]) == ["name", "-date", "-id"]
    assert total_ordering(Customer, ["name"]) == ["name", "pk"]


def test_course_filter_lists_a_customer_with_several_courses_once(client, consultant):
    python, linux = CourseFactory(name="Python"), CourseFactory(name="Linux")
    both = CustomerFactory(name="两门课")
    both.course.add(python, linux)
    CustomerFactory(name="一门课").course.add(linux)
    CustomerFactory(name="没选课")

    response = client.get(PUBLIC + f"?course={python.pk}&course={linux.pk}")
    assert sorted(names(response)) == ["一门课", "两门课"]


def test_combined_filters_and_date_range_give_the_rows_the_orm_gives(client, consultant):
    import datetime

    from web.models import Customer

    python, linux = CourseFactory(name="Python"), CourseFactory(name="Linux")
    today = datetime.date(2026, 6, 1)
    for n in range(120):
        customer = CustomerFactory(
            name=f"筛选{n:03d}",
            gender=["male", "female"][n % 2],
            source=["website", "qq_group", "referral"][n % 3],
            date=today - datetime.timedelta(days=n * 7 % 90),
        )
        if n % 4 < 2:
            customer.course.add([python, linux][n % 4])
    params = {
        "gender": "male",
        "source": ["website", "referral"],
        "course": [python.pk],
        "date_from": "2026-04-01",
        "date_to": "2026-05-15",
    }
    expected = Customer.objects.filter(
        consultant=None,
        gender="male",
        source__in=["website", "referral"],
        course=python,
        date__range=(datetime.date(2026, 4, 1), datetime.date(2026, 5, 15)),
    ).order_by("-date", "-id")
    assert expected.exists()
    assert names(client.get(PUBLIC, params)) == [c.name for c in expected][:20]
